"""Assistenza: doctors who asked for a person, answered live from the console.

/staff/assistenza                      the inbox: waiting (oldest first), in progress, messages
/staff/assistenza/{id}                 one conversation: transcript, files, reply, notes, hand back
/staff/assistenza/coda.json            the inbox's live data (also the operator's heartbeat)
/staff/assistenza/{id}/trascrizione    the transcript's live data, while the page is open

Every operator step is audited; what the doctor reads goes through the outbox (bot.handoff).
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from starlette.datastructures import UploadFile
from starlette.responses import JSONResponse, Response, StreamingResponse

from bot.config import get_settings
from bot.db.types import utc_now
from bot.handoff import service
from bot.handoff.models import ASSIGNED, CALLBACK, WAITING
from bot.intake import sniff
from bot.storage import FileStore, InvalidStorageName, open_attachment
from bot.storage.file_store import new_storage_name
from bot.tickets import UnitOfWork
from bot.tickets.models import Attachment
from bot.web.console import audit
from bot.web.console.conversations import transcript
from bot.web.console.db import transaction
from bot.web.console.numbers import duration
from bot.web.console.sessions import CSRF_FIELD, same_token
from bot.web.console.ticket_queries import check_summary
from bot.web.console.web import (
    PREFIX,
    ApiContext,
    CheckedForm,
    Context,
    PageContext,
    client_ip,
    environment,
    redirect,
    render,
    require,
    secure_headers,
)

router = APIRouter(prefix=f"{PREFIX}/assistenza")
logger = logging.getLogger(__name__)
EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}


def _audit(request: Request, context: Context, action: str, conversation_id: str) -> None:
    with transaction() as session:
        audit.record(
            session,
            actor=context.staff.username,
            action=action,
            ip=client_ip(request),
            detail=f"conversazione {conversation_id}",
        )


def _inbox_rows(now: datetime) -> dict[str, list[dict[str, Any]]]:
    grouped = service.queue(UnitOfWork(read_only=True))
    rows: dict[str, list[dict[str, Any]]] = {}
    for status, items in grouped.items():
        rows[status] = [
            {
                "id": item.id,
                "conversation_id": item.conversation_id,
                "channel": item.channel,
                "waiting": duration(now - item.requested_at),
                "requested_at": item.requested_at,
                "operator": item.operator,
                "operator_name": item.operator_name,
                "message": item.message,
                "reply_email": bool(item.reply_email),
            }
            for item in items
        ]
    return rows


@router.get("")
def inbox(request: Request, context: PageContext) -> Response:
    require(context, "handoff")
    now = utc_now()
    name = service.heartbeat(UnitOfWork(), context.staff.username, now=now)
    return render(
        request,
        "handoff_inbox.html",
        context,
        rows=_inbox_rows(now),
        display_name=name,
        state=service.state_of(UnitOfWork(read_only=True), "", now=now),
        error=request.query_params.get("errore"),
        error_values={"operatore": request.query_params.get("operatore", "")[:64]},
    )


@router.get("/coda.json")
def inbox_data(request: Request, context: ApiContext) -> Response:
    """The waiting list for the inbox page, every few seconds; keeps the operator online."""
    require(context, "handoff")
    now = utc_now()
    service.heartbeat(UnitOfWork(), context.staff.username, now=now)
    rows = _inbox_rows(now)
    html = (
        environment()
        .get_template("_handoff_queue.html")
        .render(rows=rows, csrf=context.csrf, csrf_field=CSRF_FIELD, staff=context.staff)
    )
    counts = {status: len(items) for status, items in rows.items()}
    return secure_headers(JSONResponse({"html": html, "counts": counts}))


@router.post("/nome")
def set_name(request: Request, context: PageContext, form: CheckedForm) -> Response:
    require(context, "handoff")
    try:
        service.set_display_name(UnitOfWork(), context.staff.username, form.get("nome", ""))
    except service.HandoffError as error:
        return redirect(request, "/assistenza", context, errore=error.code)
    return redirect(request, "/assistenza", context, avviso="nome_salvato")


def _handoff(handoff_id: int) -> service.QueueItem:
    item = service.get(UnitOfWork(read_only=True), handoff_id)
    if item is None:
        raise HTTPException(status_code=404)
    return item


@router.post("/{handoff_id}/prendi")
def take(request: Request, handoff_id: int, context: PageContext, form: CheckedForm) -> Response:
    require(context, "handoff")
    try:
        item = service.take(UnitOfWork(), handoff_id, context.staff.username)
    except service.HandoffError as error:
        return redirect(request, "/assistenza", context, errore=error.code, **error.values)
    _audit(request, context, audit.HANDOFF_TAKEN, item.conversation_id)
    return redirect(request, f"/assistenza/{handoff_id}", context, avviso="assistenza_presa")


def _files(conversation_id: str) -> list[dict[str, Any]]:
    with transaction() as session:
        rows = session.query(Attachment).filter(Attachment.conversation_id == conversation_id)
        return [
            {
                "id": a.id,
                "name": a.original_name,
                "purpose": a.purpose,
                "type": a.sniffed_type,
                "size": a.size,
                "accepted": a.accepted,
                "created_at": a.created_at,
                "ticket": a.ticket.number if a.ticket else None,
                "superseded": a.superseded_at is not None,
                "checks": check_summary(a.check_results),
            }
            for a in rows.order_by(Attachment.id)
        ]


def _transcript_html(
    request: Request, context: Context, item: service.QueueItem
) -> tuple[str, int]:
    with transaction() as session:
        found = transcript(session, item.conversation_id)
    if found is None:
        return "", 0
    template = environment().get_template("_handoff_transcript.html")
    html = template.render(
        c=found,
        threshold=context.settings.low_confidence,
        handoff_id=item.id,
        csrf=context.csrf,
        csrf_field=CSRF_FIELD,
    )
    return html, found.last_event_id


@router.get("/{handoff_id}")
def conversation(request: Request, handoff_id: int, context: PageContext) -> Response:
    require(context, "handoff")
    item = _handoff(handoff_id)
    service.heartbeat(UnitOfWork(), context.staff.username)
    _audit(request, context, audit.HANDOFF_VIEWED, item.conversation_id)
    html, last = _transcript_html(request, context, item)
    return render(
        request,
        "handoff_conversation.html",
        context,
        item=item,
        transcript_html=html,
        last_event=last,
        files=_files(item.conversation_id),
        notes=[
            e
            for e in service.events(UnitOfWork(read_only=True), item.conversation_id)
            if e.kind == "note"
        ],
        mine=item.status == ASSIGNED and item.operator == context.staff.username,
        waiting=item.status == WAITING,
        callback=item.status == CALLBACK,
        max_mb=get_settings().max_upload_bytes // 2**20,
        error=request.query_params.get("errore"),
        error_values={"operatore": item.operator_name or item.operator or ""},
    )


@router.get("/{handoff_id}/trascrizione")
def transcript_data(request: Request, handoff_id: int, context: ApiContext) -> Response:
    require(context, "handoff")
    item = _handoff(handoff_id)
    service.heartbeat(UnitOfWork(), context.staff.username)
    html, last = _transcript_html(request, context, item)
    return secure_headers(JSONResponse({"last_event": last, "html": html, "status": item.status}))


def _back(request: Request, handoff_id: int, context: Context, **query: str) -> Response:
    return redirect(request, f"/assistenza/{handoff_id}", context, **query)


async def _read_upload(upload: UploadFile, limit: int) -> bytes | None:
    data = await upload.read(limit + 1)
    return data if 0 < len(data) <= limit else None


@router.post("/{handoff_id}/rispondi")
async def answer(request: Request, handoff_id: int, context: PageContext) -> Response:
    """Text, a file, or both: each reaches the doctor on their own channel."""
    require(context, "handoff")
    form = await request.form()
    if not same_token(context.session.csrf, str(form.get(CSRF_FIELD) or "")):
        raise HTTPException(status_code=403)
    item = _handoff(handoff_id)
    text = str(form.get("testo") or "")
    upload = form.get("file")
    has_file = isinstance(upload, UploadFile) and bool(upload.filename)
    notice = "risposta_inviata"
    try:
        if text.strip() or not has_file:
            await asyncio.to_thread(
                service.reply, UnitOfWork(), handoff_id, context.staff.username, text
            )
            _audit(request, context, audit.HANDOFF_MESSAGE, item.conversation_id)
        if has_file:
            assert isinstance(upload, UploadFile)
            limit = get_settings().max_upload_bytes
            data = await _read_upload(upload, limit)
            kind = sniff(data).mime if data else None
            if data is None or kind not in EXTENSIONS:
                return _back(request, handoff_id, context, errore="file_operatore_non_valido")
            storage_name = new_storage_name()
            await asyncio.to_thread(FileStore(get_settings().files_dir).write, storage_name, data)
            await asyncio.to_thread(
                service.send_file,
                UnitOfWork(),
                handoff_id,
                context.staff.username,
                storage_name=storage_name,
                original_name=str(upload.filename)[:200],
                size=len(data),
                mime=str(kind),
            )
            _audit(request, context, audit.HANDOFF_FILE, item.conversation_id)
            notice = "file_inviato" if not text.strip() else notice
    except service.HandoffError as error:
        return _back(request, handoff_id, context, errore=error.code)
    return _back(request, handoff_id, context, avviso=notice)


@router.post("/{handoff_id}/scrive")
async def typing(
    request: Request, handoff_id: int, context: PageContext, form: CheckedForm
) -> Response:
    """The operator is typing: "sta scrivendo" in the widget (it asks) and on Telegram (sent)."""
    require(context, "handoff")
    try:
        item = await asyncio.to_thread(
            service.typing, UnitOfWork(), handoff_id, context.staff.username
        )
    except service.HandoffError:
        return Response(status_code=409)
    adapter = getattr(request.app.state, "channels", {}).get(item.channel)
    if adapter is not None:
        await adapter.typing(item.conversation_id)
    return Response(status_code=204)


@router.post("/{handoff_id}/nota")
def note(request: Request, handoff_id: int, context: PageContext, form: CheckedForm) -> Response:
    require(context, "handoff")
    item = _handoff(handoff_id)
    try:
        service.add_note(UnitOfWork(), handoff_id, context.staff.username, form.get("nota", ""))
    except service.HandoffError as error:
        return _back(request, handoff_id, context, errore=error.code)
    _audit(request, context, audit.HANDOFF_NOTE, item.conversation_id)
    return _back(request, handoff_id, context, avviso="nota_salvata")


@router.post("/{handoff_id}/restituisci")
def hand_back(
    request: Request, handoff_id: int, context: PageContext, form: CheckedForm
) -> Response:
    require(context, "handoff")
    item = _handoff(handoff_id)
    try:
        service.hand_back(UnitOfWork(), handoff_id, context.staff.username)
    except service.HandoffError as error:
        return _back(request, handoff_id, context, errore=error.code)
    _audit(request, context, audit.HANDOFF_RESOLVED, item.conversation_id)
    return redirect(request, "/assistenza", context, avviso="assistenza_restituita")


@router.post("/{handoff_id}/richiamata")
def answer_callback(
    request: Request, handoff_id: int, context: PageContext, form: CheckedForm
) -> Response:
    require(context, "handoff")
    item = _handoff(handoff_id)
    try:
        service.answer_callback(
            UnitOfWork(), handoff_id, context.staff.username, form.get("testo", "")
        )
    except service.HandoffError as error:
        return _back(request, handoff_id, context, errore=error.code)
    _audit(request, context, audit.CALLBACK_ANSWERED, item.conversation_id)
    return redirect(request, "/assistenza", context, avviso="richiamata_evasa")


@router.get("/{handoff_id}/allegati/{attachment_id}")
def conversation_file(
    request: Request, handoff_id: int, attachment_id: int, context: ApiContext
) -> Response:
    """A file the doctor sent in this conversation (on a ticket or not yet); audited."""
    require(context, "attachments")
    item = _handoff(handoff_id)
    with transaction() as session:
        attachment = session.get(Attachment, attachment_id)
        if attachment is None or attachment.conversation_id != item.conversation_id:
            raise HTTPException(status_code=404)
        storage_name, mime = attachment.storage_name, attachment.sniffed_type
        audit.record(
            session,
            actor=context.staff.username,
            action=audit.ATTACHMENT_DOWNLOADED,
            ip=client_ip(request),
            attachment_id=attachment_id,
            detail=f"conversazione {item.conversation_id}",
        )
    try:
        handle = open_attachment(storage_name)
    except (InvalidStorageName, FileNotFoundError):
        raise HTTPException(status_code=404) from None
    filename = f"assistenza-{handoff_id}-{attachment_id}.{EXTENSIONS.get(mime, 'bin')}"
    return StreamingResponse(
        handle,
        media_type=mime,
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "no-store",
            "Content-Security-Policy": "default-src 'none'; sandbox",
        },
    )
