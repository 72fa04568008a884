"""Settings, read once from the environment into one typed object.

Every variable is documented in the README's "Configuration" table; keep the two in step.
"""

from __future__ import annotations

import os
import secrets
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _env(name: str, default: str) -> str:
    value = os.environ.get(name, "").strip()
    return value or default


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    return int(raw) if raw else default


def _env_list(name: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in os.environ.get(name, "").split(",") if item.strip())


def secret_from_env_or_file(name: str, path: Path) -> str:
    """The secret in variable `name`, or a random one kept in `path` (0600) and shared by every
    process that uses the same var/ directory. Several hosts: set the variable, the same on each."""
    return os.environ.get(name, "").strip() or _secret_file(path)


@lru_cache(maxsize=8)
def _secret_file(path: Path) -> str:
    from bot.logging_setup import add_secret  # a secret read from a file is redacted too

    value = _read_or_create_secret(path)
    add_secret(value)
    return value


def _read_or_create_secret(path: Path) -> str:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        for _ in range(100):  # another process may be writing it right now
            value = path.read_text(encoding="ascii").strip()
            if value:
                return value
            time.sleep(0.05)
        raise RuntimeError(f"{path} is empty: delete it to have a new secret made") from None
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(secrets.token_urlsafe(48))
    return path.read_text(encoding="ascii").strip()


@dataclass(frozen=True)
class Settings:
    var_dir: Path
    database_url: str
    rasa_url: str
    rasa_api_token: str = field(repr=False)
    action_server_host: str
    action_server_port: int
    rasa_port: int
    web_host: str
    web_port: int
    files_dir: Path
    content_file: Path
    max_upload_bytes: int
    telegram_bot_token: str = field(repr=False)
    telegram_api_url: str = "https://api.telegram.org"
    redis_url: str = ""
    # Hand-off to a person (bot/handoff): opening hours, the time an operator needs for one
    # conversation (the expected wait until there is history), how long a console counts as
    # "online" after its last heartbeat.
    handoff_hours: str = "lun-ven 08:00-18:00"
    handoff_minutes_per_conversation: int = 6
    handoff_presence_seconds: int = 60
    # Shared secret Rasa sends to the action server (Authorization: Bearer); empty: not checked.
    action_server_token: str = field(default="", repr=False)
    upload_orphan_hours: int = 48  # files never attached to a ticket are deleted after this
    trusted_proxies: tuple[str, ...] = ()  # addresses/networks whose X-Forwarded-For is believed
    rasa_model: Path = PROJECT_ROOT / "models" / "inail.tar.gz"
    intake_seconds: float = 8.0
    intake_memory_mb: int = 1500
    intake_workers: int = 2
    # `make run-cluster` (bot/cluster): the balancer's public port (internal ports follow it),
    # how many of each application process, where its state lives.
    cluster_port: int = 7000
    cluster_instances: int = 2
    cluster_dir: Path = PROJECT_ROOT / "var" / "cluster"


def usable_cores() -> int:
    """The CPU cores this process may run on (its affinity, not the whole host's count)."""
    return len(os.sched_getaffinity(0)) or 1


def _env_float(name: str, default: float) -> float:
    raw = os.environ.get(name, "").strip()
    return float(raw) if raw else default


def load_settings() -> Settings:
    var_dir = Path(_env("VAR_DIR", str(PROJECT_ROOT / "var")))
    return Settings(
        var_dir=var_dir,
        database_url=_env("DATABASE_URL", f"sqlite:///{var_dir / 'bot.db'}"),
        rasa_url=_env("RASA_URL", "http://localhost:5005"),
        rasa_api_token=_env("RASA_API_TOKEN", ""),
        action_server_host=_env("ACTION_SERVER_HOST", "127.0.0.1"),
        action_server_port=_env_int("ACTION_SERVER_PORT", 5055),
        rasa_port=_env_int("RASA_PORT", 5005),
        web_host=_env("WEB_HOST", "127.0.0.1"),
        web_port=_env_int("WEB_PORT", 8000),
        files_dir=Path(_env("FILES_DIR", str(var_dir / "files"))),
        content_file=Path(_env("CONTENT_FILE", str(PROJECT_ROOT / "bot/content/inail.yml"))),
        max_upload_bytes=_env_int("MAX_UPLOAD_BYTES", 10 * 1024 * 1024),
        telegram_bot_token=_env("TELEGRAM_BOT_TOKEN", ""),
        telegram_api_url=_env("TELEGRAM_API_URL", "https://api.telegram.org").rstrip("/"),
        redis_url=_env("REDIS_URL", ""),
        handoff_hours=_env("HANDOFF_HOURS", "lun-ven 08:00-18:00"),
        handoff_minutes_per_conversation=_env_int("HANDOFF_MINUTES_PER_CONVERSATION", 6),
        handoff_presence_seconds=_env_int("HANDOFF_PRESENCE_SECONDS", 60),
        action_server_token=_env("ACTION_SERVER_TOKEN", ""),
        upload_orphan_hours=_env_int("UPLOAD_ORPHAN_HOURS", 48),
        trusted_proxies=_env_list("TRUSTED_PROXIES"),
        rasa_model=Path(_env("RASA_MODEL", str(PROJECT_ROOT / "models" / "inail.tar.gz"))),
        intake_seconds=_env_float("INTAKE_SECONDS", 8.0),
        intake_memory_mb=_env_int("INTAKE_MEMORY_MB", 1500),
        intake_workers=_env_int("INTAKE_WORKERS", 2),
        cluster_port=_env_int("CLUSTER_PORT", 7000),
        cluster_instances=_env_int("CLUSTER_INSTANCES", 2),
        cluster_dir=Path(_env("CLUSTER_DIR", str(var_dir / "cluster"))),
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()
