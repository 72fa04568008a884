"""Which sender delivers each outbox channel. Adding a channel is one line here.

Each entry is "module:factory"; the factory takes the settings and returns a `Sender`, or None
when the channel is not configured (then its notifications wait, with backoff, until it is).
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable

from bot.config import Settings
from bot.notify.senders import Sender

logger = logging.getLogger(__name__)

SENDERS: dict[str, str] = {
    "telegram": "bot.telegram.notifications:build_sender",
    "email": "bot.notify.email:build_sender",
    "socketio": "bot.notify.conversation:build_socketio_sender",
    "rest": "bot.notify.conversation:build_rest_sender",
}

Factory = Callable[[Settings], Sender | None]


def load_factory(spec: str) -> Factory:
    module_name, _, attribute = spec.partition(":")
    factory: Factory = getattr(importlib.import_module(module_name), attribute)
    return factory


def build_senders(settings: Settings, registry: dict[str, str] | None = None) -> dict[str, Sender]:
    senders: dict[str, Sender] = {}
    for channel, spec in (SENDERS if registry is None else registry).items():
        sender = load_factory(spec)(settings)
        if sender is None:
            logger.info("notifications on %s: off (not configured)", channel)
        else:
            senders[channel] = sender
    return senders
