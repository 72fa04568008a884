"""What the doctor's side asks of a hand-off, over HTTP.

GET  /widget/api/handoff/{session_id}          the widget's view: queue place, wait, operator,
                                               "sta scrivendo" (asked while a hand-off is open)
POST /widget/api/handoff/{session_id}/annulla  "continuo con l'assistente" from the widget's bar
GET  /api/conversations/{conversation_id}/files/{token}
                                               a file an operator sent to this conversation

The widget's two routes need the session's conversation token in the X-Conversation-Token
header (bot/conversation_ids.py), as its history does. A file's link is its own key: 128 random
bits bound to the conversation, handed only to that conversation (Telegram's bridge, the
widget and a REST client's history).
"""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse

from bot.config import get_settings
from bot.conversation_ids import CONVERSATION_TOKEN_HEADER, is_valid, is_widget, token_matches
from bot.handoff import service
from bot.rasa_client import RasaClient, RasaUnavailable
from bot.storage import FileStore, InvalidStorageName
from bot.tickets import UnitOfWork
from bot.web.texts import message

router = APIRouter()
NO_STORE = {"Cache-Control": "no-store"}


def _error(status: int, code: str) -> JSONResponse:
    return JSONResponse({"error": code, "message": message(code)}, status_code=status)


def _refusal(session_id: str, request: Request) -> JSONResponse | None:
    if not is_widget(session_id):
        return _error(400, "conversazione_non_valida")
    if not token_matches(session_id, request.headers.get(CONVERSATION_TOKEN_HEADER)):
        return _error(403, "conversazione_altrui")
    return None


@router.get("/widget/api/handoff/{session_id}")
async def handoff_state(session_id: str, request: Request) -> JSONResponse:
    refused = _refusal(session_id, request)
    if refused is not None:
        return refused
    state = await asyncio.to_thread(service.state_of, UnitOfWork(read_only=True), session_id)
    return JSONResponse(
        {
            "status": state.status,
            "position": state.position,
            "waitMinutes": state.wait_minutes,
            "operator": state.operator_name,
            "typing": state.operator_typing,
        },
        headers=NO_STORE,
    )


@router.post("/widget/api/handoff/{session_id}/annulla")
async def cancel(session_id: str, request: Request) -> JSONResponse:
    """The conversation hears "cancel_handoff" as if the doctor had said it; its reply goes to
    the widget's socket.io room."""
    refused = _refusal(session_id, request)
    if refused is not None:
        return refused
    rasa: RasaClient = request.app.state.rasa
    try:
        await rasa.trigger_intent(session_id, "cancel_handoff", output_channel="socketio")
    except RasaUnavailable:
        return _error(503, "servizio_non_disponibile")
    return JSONResponse({"ok": True}, headers=NO_STORE)


@router.get("/api/conversations/{conversation_id}/files/{token}")
async def operator_file(conversation_id: str, token: str) -> Response:
    if not is_valid(conversation_id) or len(token) != 32:
        return Response(status_code=404)
    row = await asyncio.to_thread(
        service.operator_file, UnitOfWork(read_only=True), conversation_id, token
    )
    if row is None:
        return Response(status_code=404)
    try:
        handle = FileStore(get_settings().files_dir).open(row.storage_name)
    except (InvalidStorageName, FileNotFoundError):
        return Response(status_code=410)
    safe_name = "".join(c for c in row.original_name if c.isalnum() or c in "._- ")[:100] or "file"
    return StreamingResponse(
        handle,
        media_type=row.mime,
        headers={
            "Content-Disposition": f'attachment; filename="{safe_name}"',
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "default-src 'none'; sandbox",
            **NO_STORE,
        },
    )
