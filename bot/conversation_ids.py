"""Conversation ids reserved to a channel bridge, and how a bridge proves it is one.

A Telegram chat is the conversation `telegram:<chat id>`. The public REST channel and the
upload API accept such an id only from the bridge, which presents the Rasa API token in the
`X-Rasa-Token` header; otherwise anyone naming a chat could read that doctor's tickets.
"""

from __future__ import annotations

import hmac

from bot.config import get_settings

RESERVED_PREFIXES = ("telegram:",)
TOKEN_HEADER = "X-Rasa-Token"


def is_reserved(sender: str | None) -> bool:
    return str(sender or "").startswith(RESERVED_PREFIXES)


def is_bridge(presented_token: str | None) -> bool:
    token = get_settings().rasa_api_token
    return bool(token) and hmac.compare_digest(presented_token or "", token)
