"""`POST /api/conversations/{sender}/uploads`: one file for a conversation, from any client.

The body is the file itself (any Content-Type); `purpose` and `filename` are optional query
parameters. The answer carries the check results and the bot's replies.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from bot.config import get_settings
from bot.conversation_ids import TOKEN_HEADER, is_bridge, is_reserved, is_valid
from bot.intake import PURPOSES
from bot.rasa_client import RasaClient, RasaUnavailable
from bot.uploads import receive_upload
from bot.web.texts import message

router = APIRouter()


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


@router.post("/api/conversations/{conversation_id}/uploads")
async def upload(
    conversation_id: str, request: Request, purpose: str | None = None, filename: str | None = None
) -> JSONResponse:
    settings = get_settings()
    if not is_valid(conversation_id):
        return _error(400, "conversazione_non_valida")
    if is_reserved(conversation_id) and not is_bridge(request.headers.get(TOKEN_HEADER)):
        return _error(403, "conversazione_riservata")
    if purpose is not None and purpose not in PURPOSES:
        return _error(400, "scopo_non_valido")
    data = await _read_bounded(request, settings.max_upload_bytes)
    if data is None:
        return _error(413, "file_troppo_grande", max_mb=settings.max_upload_bytes // 2**20)
    if not data:
        return _error(400, "file_vuoto")
    rasa: RasaClient = request.app.state.rasa
    try:
        outcome = await receive_upload(rasa, conversation_id, data, filename, purpose)
    except RasaUnavailable:
        return _error(503, "servizio_non_disponibile")
    return JSONResponse(outcome.as_dict(), status_code=200 if outcome.accepted else 422)
