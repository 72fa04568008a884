"""`POST /api/conversations/{conversation_id}/uploads`: one file for a conversation, any client.

The body is the file itself (any Content-Type); `purpose` and `filename` are optional query
parameters. The answer carries the check results and the bot's replies, which may quote what
the doctor declared: it goes only to a caller that owns the conversation (`owner_refusal`).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from bot.config import get_settings
from bot.conversation_ids import (
    CONVERSATION_TOKEN_HEADER,
    TOKEN_HEADER,
    is_bridge,
    is_issued,
    is_reserved,
    opened_by,
    problem_with,
    token_matches,
)
from bot.intake import PURPOSES
from bot.rasa_client import RasaClient, RasaUnavailable
from bot.uploads import receive_upload
from bot.web.texts import message

router = APIRouter()
REST_CHANNEL = "rest"


def _error(status: int, code: str, **params: object) -> JSONResponse:
    return JSONResponse({"error": code, "message": message(code, **params)}, status_code=status)


async def _read_bounded(request: Request, limit: int) -> bytes | None:
    """The body, or None as soon as it exceeds the limit (nothing more is read)."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        return None
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def owner_refusal(
    conversation_id: str, headers: Any, events: list[dict[str, Any]]
) -> JSONResponse | None:
    """Whether the caller owns the conversation, as a refusal (None: it does).

    The bridge's token for its own conversations; the conversation token for any other (the
    widget's and issued ones need it). Without a token, a conversation started over REST, whose
    unguessable id is that client's secret, or one nobody has written in yet: it holds no
    declared data and no file of anybody else, and the upload starts it (an HTTP client may
    send the file first).
    """
    if is_reserved(conversation_id):
        return (
            None if is_bridge(headers.get(TOKEN_HEADER)) else _error(403, "conversazione_riservata")
        )
    presented = headers.get(CONVERSATION_TOKEN_HEADER)
    if presented is not None:
        if token_matches(conversation_id, presented):
            return None
        return _error(403, "conversazione_altrui")
    if is_issued(conversation_id):
        return _error(403, "conversazione_altrui")
    channel = opened_by(events)
    return None if channel in (None, REST_CHANNEL) else _error(403, "conversazione_altrui")


@router.post("/api/conversations/{conversation_id}/uploads")
async def upload(
    conversation_id: str, request: Request, purpose: str | None = None, filename: str | None = None
) -> JSONResponse:
    settings = get_settings()
    problem = problem_with(conversation_id)
    if problem:
        return _error(400, problem)
    rasa: RasaClient = request.app.state.rasa
    try:
        tracker = await rasa.tracker(conversation_id)
    except RasaUnavailable:
        return _error(503, "servizio_non_disponibile")
    refused = owner_refusal(conversation_id, request.headers, list(tracker.get("events") or []))
    if refused is not None:
        return refused
    if purpose is not None and purpose not in PURPOSES:
        return _error(400, "scopo_non_valido")
    data = await _read_bounded(request, settings.max_upload_bytes)
    if data is None:
        return _error(413, "file_troppo_grande", max_mb=settings.max_upload_bytes // 2**20)
    if not data:
        return _error(400, "file_vuoto")
    try:
        outcome = await receive_upload(rasa, conversation_id, data, filename, purpose)
    except RasaUnavailable:
        return _error(503, "servizio_non_disponibile")
    return JSONResponse(outcome.as_dict(), status_code=200 if outcome.accepted else 422)
