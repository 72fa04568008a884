"""The widget's settings, read once from the environment (documented in the widget README)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class WidgetSettings:
    # Public URL of Rasa's socket.io server as browsers reach it; empty: the page's host with
    # RASA_PORT (right for `make run` on one machine, not behind a proxy).
    socket_url: str
    socket_path: str
    # Origins of the sites that may embed the widget (CORS of the widget and upload routes).
    allowed_origins: tuple[str, ...]


def load_widget_settings() -> WidgetSettings:
    origins = os.environ.get("WIDGET_ALLOWED_ORIGINS", "").strip() or "*"
    return WidgetSettings(
        socket_url=os.environ.get("WIDGET_SOCKET_URL", "").strip().rstrip("/"),
        socket_path=os.environ.get("WIDGET_SOCKET_PATH", "").strip() or "/socket.io",
        allowed_origins=tuple(o.strip().rstrip("/") for o in origins.split(",") if o.strip()),
    )


@lru_cache(maxsize=1)
def get_widget_settings() -> WidgetSettings:
    return load_widget_settings()
