"""Which sender delivers each outbox channel.

Conversation channels come from `bot.channels` (one line each): the channel's adapter, wrapped
in the speaker that records the notice in the conversation's history first. E-mail is the
parallel delivery of status changes and callback answers. A factory returns None when its
channel is not configured; that channel's notifications then wait, with backoff, until it is.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from typing import Any

from bot.channels import CHANNELS
from bot.config import Settings
from bot.notify.senders import Sender
from bot.notify.speaker import ChannelAdapter, ConversationSender
from bot.rasa_client import RasaClient

logger = logging.getLogger(__name__)

PARALLEL: dict[str, str] = {"email": "bot.notify.email:build_sender"}


def load_factory(spec: str) -> Callable[[Settings], Any]:
    module_name, _, attribute = spec.partition(":")
    factory: Callable[[Settings], Any] = getattr(importlib.import_module(module_name), attribute)
    return factory


def build_adapters(settings: Settings) -> dict[str, ChannelAdapter]:
    """Every configured channel's adapter (for typing indicators and the speaker)."""
    adapters: dict[str, ChannelAdapter] = {}
    for channel in CHANNELS:
        adapter = load_factory(channel.adapter)(settings)
        if adapter is None:
            logger.info("channel %s: off (not configured)", channel.name)
        else:
            adapters[channel.name] = adapter
    return adapters


def build_senders(settings: Settings, registry: dict[str, str] | None = None) -> dict[str, Sender]:
    senders: dict[str, Sender] = {}
    if registry is None:
        for name, adapter in build_adapters(settings).items():
            senders[name] = ConversationSender(adapter, RasaClient(settings))
        registry = PARALLEL
    for channel, spec in registry.items():
        sender = load_factory(spec)(settings)
        if sender is None:
            logger.info("notifications on %s: off (not configured)", channel)
        else:
            senders[channel] = sender
    return senders
