"""Console settings, read once from the environment (listed in the README's configuration table).

Kept apart from `bot.config.Settings` because only the web process and the console commands read
them; every name is listed in `ConsoleSettings` below.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from bot.config import get_settings, secret_from_env_or_file


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    return int(raw) if raw else default


def _float(name: str, default: float) -> float:
    raw = os.environ.get(name, "").strip()
    return float(raw) if raw else default


@dataclass(frozen=True)
class ConsoleSettings:
    secret_key: str = field(repr=False)
    cookie_secure: str  # "auto" (Secure when the request came over https), "true" or "false"
    session_idle_minutes: int
    session_max_hours: int
    login_max_failures_user: int
    login_max_failures_ip: int
    login_lock_minutes: int
    retention_days: int  # 0: never delete attachments
    low_confidence: float  # a user turn below this intent confidence counts as "low confidence"
    review_dir: Path
    var_dir: Path


def load_console_settings() -> ConsoleSettings:
    var_dir = get_settings().var_dir
    secure = os.environ.get("CONSOLE_COOKIE_SECURE", "auto").strip().lower() or "auto"
    if secure not in ("auto", "true", "false"):
        raise ValueError("CONSOLE_COOKIE_SECURE must be auto, true or false")
    return ConsoleSettings(
        secret_key=secret_from_env_or_file("CONSOLE_SECRET_KEY", var_dir / "console_secret.key"),
        cookie_secure=secure,
        session_idle_minutes=_int("CONSOLE_SESSION_IDLE_MINUTES", 30),
        session_max_hours=_int("CONSOLE_SESSION_MAX_HOURS", 12),
        login_max_failures_user=_int("LOGIN_MAX_FAILURES", 5),
        login_max_failures_ip=_int("LOGIN_MAX_FAILURES_IP", 20),
        login_lock_minutes=_int("LOGIN_LOCK_MINUTES", 15),
        retention_days=_int("RETENTION_DAYS", 365),
        low_confidence=_float("CONSOLE_LOW_CONFIDENCE", 0.5),
        review_dir=Path(os.environ.get("REVIEW_DIR", "").strip() or var_dir / "review"),
        var_dir=var_dir,
    )


@lru_cache(maxsize=1)
def get_console_settings() -> ConsoleSettings:
    return load_console_settings()
