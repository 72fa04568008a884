"""`make run-cluster`: the scaled-out layout on this machine, every process a real one.

PostgreSQL, Redis and HAProxy (bot/cluster/infra.py), then `CLUSTER_INSTANCES` (2) of each
application process: Rasa servers, action servers, web processes, notifiers (and Telegram
bridges in webhook mode when configured). Everything shares one PostgreSQL database (tickets,
conversations, outbox, hand-offs), Redis (Rasa's lock store, the socket.io message queue), the
files directory and the secrets. A process that dies is started again (the balancer routes
around it meanwhile); Ctrl-C stops everything, the balancer first, the databases last.

The processes are started and stopped by bot/launcher.py's Supervisor, as `make run` does; what
runs where is written to `<CLUSTER_DIR>/cluster.json` for tools and tests.
"""

from __future__ import annotations

import json
import os
import secrets
import shlex
import signal
import sys
import time
from dataclasses import replace
from types import FrameType

from sqlalchemy.exc import SQLAlchemyError

from bot.cluster import infra
from bot.cluster.haproxy import haproxy_config
from bot.cluster.layout import HOST, ClusterLayout
from bot.config import Settings, get_settings, usable_cores
from bot.db import upgrade_to_head
from bot.launcher import (
    Service,
    Supervisor,
    action_server_service,
    bridges,
    private_directory,
    rasa_service,
)

# Several Rasa servers load their model at once: on a small, busy machine that takes minutes.
READY_TIMEOUT_S = 900
RESTART_DELAY_S = 1.0
RESTARTS_PER_MINUTE = 5  # more than this and the cluster gives up (a process that can't start)


def _python(*arguments: str) -> list[str]:
    return [sys.executable, *arguments]


def application_services(
    settings: Settings, layout: ClusterLayout, telegram_webhook: bool
) -> list[Service]:
    listed: list[Service] = []
    for n in layout.numbers:
        listed += [
            action_server_service(f"actions-{n}", layout.action_port(n)),
            rasa_service(f"rasa-{n}", settings, layout.rasa_port(n)),
            Service(
                f"web-{n}",
                _python("-m", "bot.web"),
                f"http://{HOST}:{layout.web_port(n)}/healthz",
                env={"WEB_HOST": HOST, "WEB_PORT": str(layout.web_port(n))},
            ),
            Service(f"notify-{n}", _python("-m", "bot.notify"), None),
        ]
    for channel in bridges(dict(os.environ)):
        assert channel.bridge is not None
        if channel.name == "telegram" and telegram_webhook:
            listed += [
                Service(
                    f"telegram-{n}",
                    _python("-m", channel.bridge),
                    f"tcp://{HOST}:{layout.telegram_port(n)}",
                    env={
                        "TELEGRAM_WEBHOOK_LISTEN": HOST,
                        "TELEGRAM_WEBHOOK_PORT": str(layout.telegram_port(n)),
                    },
                )
                for n in layout.numbers
            ]
        else:  # long polling: only one process may ask Telegram for updates
            listed.append(Service(channel.name, _python("-m", channel.bridge), None))
    return listed


class ClusterSupervisor(Supervisor):
    ready_timeout_s = READY_TIMEOUT_S

    def __init__(self, settings: Settings, layout: ClusterLayout) -> None:
        self.layout = layout
        self.telegram_path = _telegram_webhook_path(settings)
        self.infrastructure: list[Service] = []
        self.database_url = settings.database_url
        self.redis_url = settings.redis_url
        self.restarts: dict[str, list[float]] = {}
        # PostgreSQL and Redis are ours unless DATABASE_URL / REDIS_URL name servers elsewhere.
        self.own_postgres = not self.database_url.startswith("postgresql")
        self.own_redis = not self.redis_url
        super().__init__(replace(settings, var_dir=layout.var_dir), log_dir=layout.log_dir)

    def prepare_infrastructure(self) -> None:
        private_directory(self.layout.var_dir)
        private_directory(self.layout.log_dir)
        if self.own_postgres:
            password = infra.init_postgres(self.layout)
            self.database_url = infra.postgres_url(self.layout, password)
            self.infrastructure.append(infra.postgres_service(self.layout))
        if self.own_redis:
            redis, self.redis_url = infra.redis_service(self.layout)
            self.infrastructure.append(redis)
        config = haproxy_config(self.layout, self.telegram_path)
        self.infrastructure.append(infra.haproxy_service(self.layout, config))
        self.env.update(
            DATABASE_URL=self.database_url,
            REDIS_URL=self.redis_url,
        )
        self.services = [*self.infrastructure, *self.services]

    def _environment(self) -> dict[str, str]:
        env = super()._environment()
        layout = self.layout
        proxies = [p for p in env.get("TRUSTED_PROXIES", "").split(",") if p.strip()]
        env.update(
            VAR_DIR=str(layout.var_dir),
            RASA_URL=layout.rasa_api_url,  # Rasa's API through the internal frontend
            ACTION_ENDPOINT_URL=layout.action_endpoint_url,
            # The widget reaches socket.io where the page came from: the balancer.
            RASA_PORT=str(layout.public_port),
            TRUSTED_PROXIES=",".join([*proxies, HOST]),
        )
        # OCR workers: this host's cores shared among the web instances (unless set), not as
        # many per instance as the host has cores: four OCR processes on two cores slow every
        # turn and finish no file sooner.
        env.setdefault("INTAKE_WORKERS", str(max(1, usable_cores() // layout.instances)))
        return env

    def _services(self) -> list[Service]:
        return application_services(self.settings, self.layout, bool(self.telegram_path))

    @property
    def applications(self) -> list[Service]:
        return [s for s in self.services if s not in self.infrastructure]

    def launch(self, service: Service) -> None:
        if service.name == "postgresql" and (user := infra.postgres_user()):
            # Again at every start: something may have closed a directory above its data since.
            infra.let_traverse(self.layout.postgres_dir, user)
        super().launch(service)

    def start_infrastructure(self) -> None:
        databases = [s for s in self.infrastructure if s.name != "haproxy"]
        self.start(databases)
        self.wait_ready(databases)
        if self.own_postgres:
            infra.ensure_database(self.layout, self._postgres_password())
        print("  database: migrating to the latest schema")
        upgrade_to_head(self.database_url)
        self.start([s for s in self.infrastructure if s.name == "haproxy"])

    def _postgres_password(self) -> str:
        return infra.secret_file(self.layout.postgres_password_file)

    def start_applications(self) -> None:
        self.start(self.applications)
        self.write_state()
        self.wait_ready(self.applications)
        self.wait_balanced()

    def wait_balanced(self) -> None:
        """Until HAProxy's health checks see every backend server up."""
        deadline = time.monotonic() + READY_TIMEOUT_S
        while not self.stopping:
            self.check_alive()
            try:
                states = infra.backend_states(self.layout)
            except OSError:
                states = {}
            if states and all(state == "UP" for state in states.values()):
                return
            if time.monotonic() > deadline:
                down = ", ".join(f"{b}/{s}" for (b, s), st in states.items() if st != "UP")
                raise RuntimeError(f"the balancer does not see every server up: {down}")
            time.sleep(0.5)

    def supervise(self) -> None:
        """Starts again what died (the balancer routes around it meanwhile)."""
        for service in self.services:
            process = service.process
            if self.stopping or process is None or process.poll() is None:
                continue
            now = time.monotonic()
            recent = [t for t in self.restarts.get(service.name, []) if now - t < 60]
            if len(recent) >= RESTARTS_PER_MINUTE:
                raise RuntimeError(
                    f"{service.name} keeps exiting (code {process.returncode}); "
                    f"see {self.log_dir / service.name}.log"
                )
            print(f"  {service.name} exited (code {process.returncode}): starting it again",
                  flush=True)  # fmt: skip
            time.sleep(RESTART_DELAY_S)
            self.restarts[service.name] = [*recent, now]
            self.launch(service)
            self.write_state()

    def write_state(self) -> None:
        layout = self.layout
        state = {
            "public_url": layout.public_url,
            "rasa_api_url": layout.rasa_api_url,
            "action_endpoint_url": layout.action_endpoint_url,
            "stats_url": layout.stats_url,
            "var_dir": str(layout.var_dir),
            "log_dir": str(layout.log_dir),
            "own_postgres": self.own_postgres,
            "own_redis": self.own_redis,
            "services": {
                s.name: {
                    "pid": s.process.pid if s.process else None,
                    "health_url": s.health_url,
                    "log": str(self.log_dir / f"{s.name}.log"),
                }
                for s in self.services
            },
        }
        temporary = layout.state_file.with_suffix(".tmp")
        temporary.write_text(json.dumps(state, indent=2), encoding="utf-8")
        temporary.replace(layout.state_file)
        # What a tool needs to reach the same data as the processes (0600, like the secrets):
        # `set -a; . <CLUSTER_DIR>/cluster.env; set +a`.
        shared = ("VAR_DIR", "DATABASE_URL", "REDIS_URL", "RASA_URL", "RASA_API_TOKEN")
        lines = [f"{name}={shlex.quote(self.env[name])}" for name in shared if name in self.env]
        environment = layout.directory / "cluster.env"
        environment.write_text("\n".join(lines) + "\n", encoding="utf-8")
        environment.chmod(0o600)


def _telegram_webhook_path(settings: Settings) -> str | None:
    """The path of Telegram's webhook on the balancer, when the bridge runs in webhook mode."""
    if not settings.telegram_bot_token:
        return None
    from bot.telegram.settings import load_telegram_settings

    telegram = load_telegram_settings(settings)
    return telegram.webhook_path if telegram.webhook_mode else None


def banner(supervisor: ClusterSupervisor) -> str:
    layout = supervisor.layout
    url = layout.public_url
    example = f"prova-{secrets.token_hex(8)}"
    names = ", ".join(s.name for s in supervisor.services)
    telegram = (
        f"  Telegram: webhook mode, {supervisor.telegram_path} on the balancer\n"
        if supervisor.telegram_path
        else (
            "  Telegram: long polling (one bridge); set TELEGRAM_WEBHOOK_URL for webhook mode\n"
            if supervisor.settings.telegram_bot_token
            else "  Telegram: off; set TELEGRAM_BOT_TOKEN (and TELEGRAM_WEBHOOK_URL) to enable it\n"
        )
    )
    return (
        "\nReady: the cluster answers through the balancer.\n"
        f"  REST:      POST {url}/webhooks/rest/webhook"
        f' {{"sender": "{example}", "message": "ciao"}}\n'
        f"  uploads:   POST {url}/api/conversations/<sender>/uploads\n"
        f"  widget:    {url}/demo (demo page; socket.io at {url}/socket.io, sticky)\n"
        f"  console:   {url}/staff (first admin: set -a; . {layout.directory}/cluster.env;"
        " .venv/bin/python -m bot.web.console create-admin <username>)\n"
        f"  balancer statistics: {layout.stats_url}\n"
        f"  internal:  Rasa API {layout.rasa_api_url}, action servers"
        f" {layout.action_endpoint_url}, PostgreSQL {HOST}:{layout.postgres_port},"
        f" Redis {HOST}:{layout.redis_port}\n" + telegram + f"  processes: {names}\n"
        f"  logs: {layout.log_dir}/<process>.log; state: {layout.state_file}\n"
        "Press Ctrl-C to stop."
    )


def main() -> int:
    settings = get_settings()
    if not settings.rasa_model.exists():
        print(f"No trained model at {settings.rasa_model}: `make run-cluster` trains it first.")
        return 1
    try:
        layout = ClusterLayout.from_settings(settings)
        supervisor = ClusterSupervisor(settings, layout)
    except ValueError as error:  # a setting out of range, Telegram's webhook without its secret
        print(f"Error: {error}", file=sys.stderr)
        return 1

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_signal)
    os.umask(0o077)
    print(
        f"Starting the cluster: {layout.instances} of each process behind HAProxy at "
        f"{layout.public_url}...",
        flush=True,
    )
    try:
        supervisor.prepare_infrastructure()
        supervisor.start_infrastructure()
        supervisor.start_applications()
        print(banner(supervisor), flush=True)
        while True:
            supervisor.supervise()
            time.sleep(0.5)
    except KeyboardInterrupt:
        print("\nStopping...", flush=True)
        return 0
    except (RuntimeError, infra.MissingProgram, PermissionError, SQLAlchemyError) as error:
        print(f"\nError: {error}", file=sys.stderr, flush=True)
        return 1
    finally:
        supervisor.stop()
        print("Stopped.", flush=True)
