"""Conversation ids: which ones are accepted, who may use them, and the conversation token.

A conversation id is never a key on its own (README, "Security"). The kinds:

- `telegram:<chat id>`: reserved to the Telegram bridge, which presents the Rasa API token in
  the `X-Rasa-Token` header (a chat id can be guessed).
- a widget session: 32 hex digits drawn by the browser's crypto RNG; the socket.io channel
  hands the session's conversation token to the tab that opened it, and asks for it again to
  rejoin, to read the history or to upload.
- issued: `c-<32 hex>`, from `POST /api/conversations` with its token; every message and
  upload must carry the token.
- chosen by a REST client: accepted only when unguessable (`is_unguessable`). For these the id
  is the client's secret: the upload API takes files without a token for a conversation
  started over REST (or not started yet), never for another channel's.

The conversation token is an HMAC of the id under CONVERSATION_SECRET, so every instance checks
it without a database.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import re
import secrets
from collections.abc import Iterable, Mapping
from typing import Any

from bot.config import get_settings, secret_from_env_or_file

RESERVED_PREFIXES = ("telegram:",)
TOKEN_HEADER = "X-Rasa-Token"  # the bridge's proof (the Rasa API token)
CONVERSATION_TOKEN_HEADER = "X-Conversation-Token"

EXTERNAL_PREFIX = "EXTERNAL: "  # user events pushed through Rasa's API (uploads, notices)
_SHAPE = re.compile(r"^[A-Za-z0-9:_.@-]{1,128}$")
_HAS_ALNUM = re.compile(r"[A-Za-z0-9]")
_WIDGET = re.compile(r"^[0-9a-f]{32}$")
_ISSUED = re.compile(r"^c-[0-9a-f]{32}$")
_TELEGRAM = re.compile(r"^telegram:-?[0-9]{1,20}$")
_SEPARATORS = re.compile(r"[-_.:]")
_HEX_SEGMENT = re.compile(r"^[0-9a-fA-F]{12,}$")
_ONLY_DIGITS = re.compile(r"^[0-9_.:+-]+$")
# A random part must have at least this many different characters: 12 random hex digits have
# fewer than 3 once in about 6e8 ids, so a client drawing them (uuid4().hex[:12]) always passes.
_MIN_DISTINCT = 3

# Error codes (texts in bot/web/messages.yml).
MISSING = "conversazione_mancante"
MALFORMED = "conversazione_non_valida"
GUESSABLE = "conversazione_indovinabile"


def is_reserved(sender: str | None) -> bool:
    return str(sender or "").startswith(RESERVED_PREFIXES)


def is_telegram(sender: str) -> bool:
    return bool(_TELEGRAM.match(sender))


def is_widget_session(sender: str) -> bool:
    return bool(_WIDGET.match(sender))


def is_issued(sender: str) -> bool:
    return bool(_ISSUED.match(sender))


def _patterned(segment: str) -> bool:
    """Runs such as 0123456789ab, 02468ace0246 or abcdabcdabcd: not drawn at random."""
    steps = {(int(b, 16) - int(a, 16)) % 16 for a, b in itertools.pairwise(segment)}
    if len(steps) == 1:
        return True
    return any(segment == (segment[:period] * len(segment))[: len(segment)] for period in (2, 3, 4))


def is_unguessable(sender: str) -> bool:
    """A client-chosen id with a random part: a segment of at least 12 hex digits.

    `deveval-routing-3f9c0a1b2e7d`, a UUID or `uuid4().hex` pass; `dott-rossi`, `default`,
    `123`, e-mail addresses and ids made only of digits (phone numbers) do not.
    """
    if "@" in sender or _ONLY_DIGITS.match(sender):
        return False
    for segment in _SEPARATORS.split(sender):
        if (
            _HEX_SEGMENT.match(segment)
            and len(set(segment.lower())) >= _MIN_DISTINCT
            and not _patterned(segment.lower())
        ):
            return True
    return False


def problem_with(sender: object) -> str | None:
    """Why a conversation id given by a client is refused (an error code), or None.

    The bridges' own ids (`telegram:…`) are well formed here; who may use them is checked
    apart (`is_bridge`).
    """
    if sender is None or (isinstance(sender, str) and not sender.strip()):
        return MISSING
    if not isinstance(sender, str) or not _SHAPE.match(sender) or not _HAS_ALNUM.search(sender):
        return MALFORMED
    if is_reserved(sender):
        return None if is_telegram(sender) else MALFORMED
    if is_widget_session(sender) or is_issued(sender) or is_unguessable(sender):
        return None
    return GUESSABLE


def is_bridge(presented_token: str | None) -> bool:
    token = get_settings().rasa_api_token
    return bool(token) and hmac.compare_digest(presented_token or "", token)


def _secret() -> bytes:
    settings = get_settings()
    return secret_from_env_or_file(
        "CONVERSATION_SECRET", settings.var_dir / "conversation_secret.key"
    ).encode()


def conversation_token(sender: str) -> str:
    """The token of a conversation: whoever holds it owns the conversation."""
    digest = hmac.new(_secret(), b"conversation\0" + sender.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def token_matches(sender: str, presented: str | None) -> bool:
    return bool(presented) and hmac.compare_digest(str(presented), conversation_token(sender))


def new_conversation_id() -> str:
    """An issued id: 128 random bits."""
    return "c-" + secrets.token_hex(16)


def opened_by(events: Iterable[Mapping[str, Any]]) -> str | None:
    """The channel of the first message a person sent in the conversation; None: nobody yet."""
    for event in events:
        text = str(event.get("text") or "")
        if event.get("event") == "user" and not text.startswith(EXTERNAL_PREFIX):
            return str(event.get("input_channel") or "") or None
    return None
