"""Conversation ids: what a valid one looks like, which ones belong to a channel, and its channel.

One name everywhere in our code: `conversation_id` (Rasa calls it `sender_id`, the widget
`sessionId`, Telegram has a `chat_id` of its own that the bridge turns into one).

- Any client may name a conversation with letters, digits and `: _ . @ -` (at most 128).
- The widget's ids are 32 random hex digits, created in the browser; the socket.io channel and
  the widget's history accept only those, so a widget can never name another channel's chat.
- A bridge's conversations are `<prefix><native id>` (`telegram:<chat id>`, see
  `bot.channels`). The public REST channel and the upload API accept such an id only from the
  bridge, which presents the Rasa API token in the `X-Rasa-Token` header; otherwise anyone
  naming a chat could read that doctor's tickets.
"""

from __future__ import annotations

import hmac
import re
import secrets

from bot.channels import CHANNELS, DEFAULT_CHANNEL
from bot.config import get_settings

PATTERN = re.compile(r"^[A-Za-z0-9:_.@-]{1,128}$")
WIDGET_PATTERN = re.compile(r"^[0-9a-f]{32}$")
WIDGET_CHANNEL = "socketio"
RESERVED_PREFIXES: tuple[str, ...] = tuple(c.id_prefix for c in CHANNELS if c.id_prefix)
TOKEN_HEADER = "X-Rasa-Token"


def is_valid(conversation_id: str | None) -> bool:
    text = str(conversation_id or "")
    return bool(PATTERN.match(text)) and text.strip(".") != ""


def is_widget(conversation_id: str | None) -> bool:
    return bool(WIDGET_PATTERN.match(str(conversation_id or "")))


def new_widget_id() -> str:
    return secrets.token_hex(16)


def is_reserved(conversation_id: str | None) -> bool:
    return str(conversation_id or "").startswith(RESERVED_PREFIXES)


def is_bridge(presented_token: str | None) -> bool:
    token = get_settings().rasa_api_token
    return bool(token) and hmac.compare_digest(presented_token or "", token)


def _prefix(channel: str) -> str:
    for spec in CHANNELS:
        if spec.name == channel and spec.id_prefix:
            return spec.id_prefix
    raise ValueError(f"channel {channel!r} has no conversation ids of its own")


def of_bridge(channel: str, native_id: int | str) -> str:
    """The conversation of a bridge's chat, e.g. `of_bridge("telegram", 42)` is `telegram:42`."""
    return f"{_prefix(channel)}{native_id}"


def native_id(channel: str, conversation_id: str) -> str | None:
    """The bridge's own id inside one of its conversations; None for any other conversation."""
    prefix = _prefix(channel)
    if not conversation_id.startswith(prefix) or len(conversation_id) == len(prefix):
        return None
    return conversation_id[len(prefix) :]


def channel_of(conversation_id: str, input_channel: str | None) -> str:
    """The channel that speaks for the conversation: the bridge that owns its id, else the
    channel its latest message came in on (from the channel class, never from the body)."""
    for spec in CHANNELS:
        if spec.id_prefix and conversation_id.startswith(spec.id_prefix):
            return spec.name
    return input_channel or DEFAULT_CHANNEL
