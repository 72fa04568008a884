"""Where everything of `make run-cluster` listens and lives, computed from the settings.

Every port follows `CLUSTER_PORT` (the balancer's public one), so a whole cluster moves with
one variable:

| port | what |
| --- | --- |
| P | HAProxy, public: REST and socket.io to Rasa, the rest (uploads, widget, console) to web |
| P+1 | HAProxy, internal: Rasa's HTTP API for our own processes (web, notifiers, Telegram) |
| P+2 | HAProxy, internal: the action servers, for Rasa |
| P+3 | HAProxy's statistics page (`/`, CSV at `/;csv`) |
| P+4 | PostgreSQL (tickets, conversations, outbox) |
| P+5 | Redis (Rasa's lock store, the socket.io message queue) |
| P+10+i | Rasa instance i (1-based) |
| P+20+i | action server i |
| P+30+i | web process i |
| P+40+i | Telegram bridge i (webhook mode) |
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.config import Settings

HOST = "127.0.0.1"
MAX_INSTANCES = 9
DATABASE = "inail"
DATABASE_USER = "inail"


@dataclass(frozen=True)
class ClusterLayout:
    port: int
    instances: int
    directory: Path

    @classmethod
    def from_settings(cls, settings: Settings) -> ClusterLayout:
        if not 1 <= settings.cluster_instances <= MAX_INSTANCES:
            raise ValueError(f"CLUSTER_INSTANCES must be between 1 and {MAX_INSTANCES}")
        if not 1024 <= settings.cluster_port <= 65535 - 50:
            raise ValueError("CLUSTER_PORT must be between 1024 and 65485")
        return cls(settings.cluster_port, settings.cluster_instances, settings.cluster_dir)

    @property
    def numbers(self) -> range:
        return range(1, self.instances + 1)

    # The balancer's three frontends and its statistics.
    @property
    def public_port(self) -> int:
        return self.port

    @property
    def rasa_api_port(self) -> int:
        return self.port + 1

    @property
    def actions_port(self) -> int:
        return self.port + 2

    @property
    def stats_port(self) -> int:
        return self.port + 3

    @property
    def postgres_port(self) -> int:
        return self.port + 4

    @property
    def redis_port(self) -> int:
        return self.port + 5

    def rasa_port(self, number: int) -> int:
        return self.port + 10 + number

    def action_port(self, number: int) -> int:
        return self.port + 20 + number

    def web_port(self, number: int) -> int:
        return self.port + 30 + number

    def telegram_port(self, number: int) -> int:
        return self.port + 40 + number

    @property
    def public_url(self) -> str:
        return f"http://{HOST}:{self.public_port}"

    @property
    def rasa_api_url(self) -> str:
        return f"http://{HOST}:{self.rasa_api_port}"

    @property
    def action_endpoint_url(self) -> str:
        return f"http://{HOST}:{self.actions_port}/webhook"

    @property
    def stats_url(self) -> str:
        return f"http://{HOST}:{self.stats_port}/"

    @property
    def redis_url(self) -> str:
        return f"redis://{HOST}:{self.redis_port}/1"

    # Where the cluster keeps its state: its own var/ (secrets, files, logs), PostgreSQL's data.
    @property
    def var_dir(self) -> Path:
        return self.directory

    @property
    def log_dir(self) -> Path:
        return self.directory / "log"

    @property
    def postgres_dir(self) -> Path:
        return self.directory / "postgresql"

    @property
    def postgres_data(self) -> Path:
        return self.postgres_dir / "data"

    @property
    def postgres_password_file(self) -> Path:
        return self.directory / "postgresql_password.key"

    @property
    def redis_dir(self) -> Path:
        return self.directory / "redis"

    @property
    def haproxy_config(self) -> Path:
        return self.directory / "haproxy.cfg"

    @property
    def state_file(self) -> Path:
        """What runs where (names, pids, ports), for tools and tests: `cluster.json`."""
        return self.directory / "cluster.json"
