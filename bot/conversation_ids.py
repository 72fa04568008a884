"""Conversation ids: which ones are accepted, who may use them, their channel, and the
conversation token.

One name everywhere in our code: `conversation_id` (Rasa calls it `sender_id`, the widget
`sessionId`, Telegram has a `chat_id` of its own that the bridge turns into one). A conversation
id is never a key on its own (README, "Security"). The kinds:

- a bridge's: `<prefix><native id>` (`telegram:<chat id>`, see `bot.channels`), reserved to that
  bridge, which presents the Rasa API token in the `X-Rasa-Token` header (a chat id can be
  guessed).
- a widget session: 32 hex digits drawn by the browser's crypto RNG; the socket.io channel
  hands the session's conversation token to the tab that opened it, and asks for it again to
  rejoin, to read the history, to follow a hand-off or to upload.
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

from bot.channels import CHANNELS, DEFAULT_CHANNEL, ChannelSpec
from bot.config import get_settings, secret_from_env_or_file

WIDGET_CHANNEL = "socketio"
RESERVED_PREFIXES: tuple[str, ...] = tuple(c.id_prefix for c in CHANNELS if c.id_prefix)
TOKEN_HEADER = "X-Rasa-Token"  # a bridge's proof (the Rasa API token)
CONVERSATION_TOKEN_HEADER = "X-Conversation-Token"

EXTERNAL_PREFIX = "EXTERNAL: "  # user events pushed through Rasa's API (uploads, intents)
_SHAPE = re.compile(r"^[A-Za-z0-9:_.@-]{1,128}$")
_HAS_ALNUM = re.compile(r"[A-Za-z0-9]")
_WIDGET = re.compile(r"^[0-9a-f]{32}$")
_ISSUED = re.compile(r"^c-[0-9a-f]{32}$")
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


def is_valid(conversation_id: object) -> bool:
    """Well formed: letters, digits and `: _ . @ -`, at most 128, not only punctuation (so
    never `.` or `..`, which would climb a URL path)."""
    return (
        isinstance(conversation_id, str)
        and bool(_SHAPE.match(conversation_id))
        and bool(_HAS_ALNUM.search(conversation_id))
    )


def is_widget(conversation_id: str | None) -> bool:
    return bool(_WIDGET.match(str(conversation_id or "")))


def new_widget_id() -> str:
    return secrets.token_hex(16)


def is_issued(conversation_id: str) -> bool:
    return bool(_ISSUED.match(conversation_id))


def new_conversation_id() -> str:
    """An issued id: 128 random bits."""
    return "c-" + secrets.token_hex(16)


# ---- the bridges' conversations ------------------------------------------------------------


def is_reserved(conversation_id: str | None) -> bool:
    return str(conversation_id or "").startswith(RESERVED_PREFIXES)


def _bridge_of(conversation_id: str) -> ChannelSpec | None:
    return next(
        (c for c in CHANNELS if c.id_prefix and conversation_id.startswith(c.id_prefix)), None
    )


def _spec(channel: str) -> ChannelSpec:
    for spec in CHANNELS:
        if spec.name == channel and spec.id_prefix:
            return spec
    raise ValueError(f"channel {channel!r} has no conversation ids of its own")


def of_bridge(channel: str, native: int | str) -> str:
    """The conversation of a bridge's chat, e.g. `of_bridge("telegram", 42)` is `telegram:42`."""
    return f"{_spec(channel).id_prefix}{native}"


def native_id(channel: str, conversation_id: str) -> str | None:
    """The bridge's own id inside one of its conversations; None for any other conversation."""
    spec = _spec(channel)
    prefix = str(spec.id_prefix)
    if not conversation_id.startswith(prefix):
        return None
    native = conversation_id[len(prefix) :]
    return native if re.fullmatch(spec.native_id_pattern, native) else None


def is_bridge_conversation(conversation_id: str) -> bool:
    """A bridge's id with a native id of the bridge's shape (`telegram:-100123`, not
    `telegram:abc`)."""
    spec = _bridge_of(conversation_id)
    return spec is not None and native_id(spec.name, conversation_id) is not None


def is_bridge(presented_token: str | None) -> bool:
    token = get_settings().rasa_api_token
    return bool(token) and hmac.compare_digest(presented_token or "", token)


def channel_of(conversation_id: str, input_channel: str | None) -> str:
    """The channel that speaks for the conversation: the bridge that owns its id, else the
    channel its latest message came in on (from the channel class, never from the body)."""
    spec = _bridge_of(conversation_id)
    return spec.name if spec else (input_channel or DEFAULT_CHANNEL)


# ---- ids chosen by a client ----------------------------------------------------------------


def _patterned(segment: str) -> bool:
    """Runs such as 0123456789ab, 02468ace0246 or abcdabcdabcd: not drawn at random."""
    steps = {(int(b, 16) - int(a, 16)) % 16 for a, b in itertools.pairwise(segment)}
    if len(steps) == 1:
        return True
    return any(segment == (segment[:period] * len(segment))[: len(segment)] for period in (2, 3, 4))


def is_unguessable(conversation_id: str) -> bool:
    """A client-chosen id with a random part: a segment of at least 12 hex digits.

    `deveval-routing-3f9c0a1b2e7d`, a UUID or `uuid4().hex` pass; `dott-rossi`, `default`,
    `123`, e-mail addresses and ids made only of digits (phone numbers) do not.
    """
    if "@" in conversation_id or _ONLY_DIGITS.match(conversation_id):
        return False
    for segment in _SEPARATORS.split(conversation_id):
        if (
            _HEX_SEGMENT.match(segment)
            and len(set(segment.lower())) >= _MIN_DISTINCT
            and not _patterned(segment.lower())
        ):
            return True
    return False


def problem_with(conversation_id: object) -> str | None:
    """Why a conversation id given by a client is refused (an error code), or None.

    The bridges' own ids (`telegram:…`) are well formed here; who may use them is checked
    apart (`is_bridge`).
    """
    if conversation_id is None or (
        isinstance(conversation_id, str) and not conversation_id.strip()
    ):
        return MISSING
    if not isinstance(conversation_id, str) or not is_valid(conversation_id):
        return MALFORMED
    if is_reserved(conversation_id):
        return None if is_bridge_conversation(conversation_id) else MALFORMED
    if is_widget(conversation_id) or is_issued(conversation_id):
        return None
    return None if is_unguessable(conversation_id) else GUESSABLE


# ---- the conversation token ----------------------------------------------------------------


def _secret() -> bytes:
    settings = get_settings()
    return secret_from_env_or_file(
        "CONVERSATION_SECRET", settings.var_dir / "conversation_secret.key"
    ).encode()


def conversation_token(conversation_id: str) -> str:
    """The token of a conversation: whoever holds it owns the conversation."""
    digest = hmac.new(
        _secret(), b"conversation\0" + conversation_id.encode(), hashlib.sha256
    ).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def token_matches(conversation_id: str, presented: str | None) -> bool:
    return bool(presented) and hmac.compare_digest(
        str(presented), conversation_token(conversation_id)
    )


def opened_by(events: Iterable[Mapping[str, Any]]) -> str | None:
    """The channel of the first message a person sent in the conversation; None: nobody yet.

    Messages said from outside (notices, operators: bot events) and events pushed through
    Rasa's API (`EXTERNAL: …`) open nothing."""
    for event in events:
        text = str(event.get("text") or "")
        if event.get("event") == "user" and not text.startswith(EXTERNAL_PREFIX):
            return str(event.get("input_channel") or "") or None
    return None
