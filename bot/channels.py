"""The channels a doctor can talk to us on, one registration line each.

A channel is a package that brings the doctor's messages to the conversation (Rasa) and an
adapter that speaks back into it (`bot.notify.speaker.ChannelAdapter`: deliver a message, show
"sta scrivendo"). Adding one (WhatsApp, say) is one new package plus one line in CHANNELS; the
README's "Adding a channel" lists the steps. This module imports nothing heavy: the id rules
(`bot.conversation_ids`) and the launcher read it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ChannelSpec:
    name: str
    # "module:factory": builds the adapter from the settings, or None when not configured.
    adapter: str
    # Conversation ids "<prefix><id>" reserved to the channel's bridge (None: ids of any shape),
    # and the shape of the bridge's own id after the prefix (a regular expression).
    id_prefix: str | None = None
    native_id_pattern: str = r"[A-Za-z0-9_.@-]{1,64}"
    # A process of its own (`python -m <bridge>`), started by `make run` when `enabled_by` is set.
    bridge: str | None = None
    enabled_by: str | None = None


CHANNELS: tuple[ChannelSpec, ...] = (
    ChannelSpec("socketio", "bot.web.widget.channel:build_adapter"),
    ChannelSpec("rest", "bot.notify.speaker:build_rest_adapter"),
    ChannelSpec(
        "telegram",
        "bot.telegram.channel:build_adapter",
        id_prefix="telegram:",
        native_id_pattern=r"-?[0-9]{1,20}",
        bridge="bot.telegram",
        enabled_by="TELEGRAM_BOT_TOKEN",
    ),
)

DEFAULT_CHANNEL = "rest"


def channel_names() -> tuple[str, ...]:
    return tuple(spec.name for spec in CHANNELS)


def spec(name: str) -> ChannelSpec | None:
    return next((item for item in CHANNELS if item.name == name), None)
