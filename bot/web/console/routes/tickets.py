"""Tickets: the filtered list, the detail, status changes, attachments and the ZIP export."""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Request
from starlette.responses import Response, StreamingResponse

from bot.storage import InvalidStorageName, open_attachment
from bot.tickets import TicketError, UnitOfWork, change_status, get_ticket_detail
from bot.tickets.models import PATHS
from bot.tickets.statuses import ALL_STATUSES, REASON_REQUIRED, STAFF_TRANSITIONS
from bot.tickets.texts import error_message
from bot.web.console import audit
from bot.web.console.db import transaction
from bot.web.console.export import EXTENSIONS, export_zip
from bot.web.console.previews import PreviewFailed, pdf_page_png
from bot.web.console.ticket_queries import (
    TicketFilters,
    check_summary,
    deletions,
    get_attachment,
    list_ticket_page,
    read_rows,
)
from bot.web.console.web import (
    PREFIX,
    ApiContext,
    CheckedForm,
    Context,
    PageContext,
    client_ip,
    date_filter,
    redirect,
    render,
    require,
)
from bot.web.errors import MAX_DB_INTEGER

router = APIRouter(prefix=PREFIX)
logger = logging.getLogger(__name__)
AttachmentId = Annotated[int, Path(ge=1, le=MAX_DB_INTEGER)]  # beyond 64 bits: a 400, not a 500


@router.get("/richieste")
def ticket_list(
    request: Request,
    context: PageContext,
    stato: str = "",
    percorso: str = "",
    canale: str = "",
    dal: str = "",
    al: str = "",
    testo: str = "",
    pagina: int = 1,
) -> Response:
    require(context, "tickets")
    filters = TicketFilters(
        status=stato if stato in ALL_STATUSES else "",
        path=percorso if percorso in PATHS else "",
        channel=canale[:32],
        date_from=date_filter(dal),
        date_to=date_filter(al),
        text=testo[:100],
        page=pagina,
    )
    return render(
        request,
        "tickets.html",
        context,
        page=list_ticket_page(filters),
        filters=filters,
        statuses=ALL_STATUSES,
        paths=PATHS,
    )


def _detail_page(
    request: Request,
    context: Context,
    number: str,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    ticket = get_ticket_detail(UnitOfWork(read_only=True), number)
    if ticket is None:
        raise HTTPException(status_code=404)
    deleted = deletions([item.id for item in ticket.attachments])
    checks = {item.id: check_summary(item.check_results) for item in ticket.attachments}
    declared = {
        key: str(ticket.fields.get(key) or "") for key in ("nome", "cognome", "codice_fiscale")
    }
    return render(
        request,
        "ticket.html",
        context,
        status_code=status_code,
        ticket=ticket,
        deleted=deleted,
        checks=checks,
        read={i: read_rows(c["reading"], declared) for i, c in checks.items()},
        targets=sorted(STAFF_TRANSITIONS.get(ticket.status, ()), key=ALL_STATUSES.index),
        reason_required=REASON_REQUIRED,
        error=error,
        may_see_files=context.staff.may("attachments"),
    )


@router.get("/richieste/{number}")
def ticket_detail(request: Request, number: str, context: PageContext) -> Response:
    require(context, "tickets")
    return _detail_page(request, context, number)


@router.post("/richieste/{number}/stato")
def ticket_status(
    request: Request, number: str, context: PageContext, form: CheckedForm
) -> Response:
    require(context, "tickets")
    try:
        change_status(
            UnitOfWork(),
            number,
            form.get("stato", ""),
            context.staff.username,
            form.get("motivo"),
            notify_by_email=True,
        )
    except TicketError as error:
        return _detail_page(request, context, number, error_message(error.code), status_code=422)
    return redirect(request, f"/richieste/{number}", context, avviso="stato_cambiato")


def _audited_attachment(request: Request, context: Context, attachment_id: int, viewed: bool):
    """The attachment row and an open file, once the access is recorded in the audit log."""
    require(context, "attachments")
    item = get_attachment(attachment_id)
    if item is None or item.ticket_number is None:
        raise HTTPException(status_code=404)
    if item.deleted_at is not None:
        raise HTTPException(status_code=410)
    try:
        handle = open_attachment(item.storage_name)
    except (InvalidStorageName, FileNotFoundError):
        raise HTTPException(status_code=404) from None
    with transaction() as session:
        audit.record(
            session,
            actor=context.staff.username,
            action=audit.ATTACHMENT_VIEWED if viewed else audit.ATTACHMENT_DOWNLOADED,
            ip=client_ip(request),
            ticket_number=item.ticket_number,
            attachment_id=item.id,
        )
    return item, handle


_FILE_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'none'; img-src 'self'; sandbox",
}


@router.get("/allegati/{attachment_id}")
def attachment(
    request: Request, context: ApiContext, attachment_id: AttachmentId, vista: int = 0
) -> Response:
    """The stored file: with `vista=1` shown in the browser (images, PDF), otherwise downloaded.
    Every access is audited (viewed or downloaded)."""
    item, handle = _audited_attachment(request, context, attachment_id, viewed=bool(vista))
    filename = (
        f"{item.ticket_number}-{item.purpose}-{item.id}.{EXTENSIONS.get(item.sniffed_type, 'bin')}"
    )
    inline = vista and item.sniffed_type in ("image/jpeg", "image/png", "application/pdf")
    disposition = "inline" if inline else "attachment"
    return StreamingResponse(
        handle,
        media_type=item.sniffed_type if inline or not vista else "application/octet-stream",
        headers={**_FILE_HEADERS, "Content-Disposition": f'{disposition}; filename="{filename}"'},
    )


@router.get("/allegati/{attachment_id}/pagine/{page}.png")
def attachment_page(
    request: Request, context: ApiContext, attachment_id: AttachmentId, page: int
) -> Response:
    """One page of a PDF attachment as a picture (pdftoppm, bounded in time); audited."""
    if not 1 <= page <= 10:
        raise HTTPException(status_code=404)
    item, handle = _audited_attachment(request, context, attachment_id, viewed=True)
    with handle:
        data = handle.read()
    if item.sniffed_type != "application/pdf":
        raise HTTPException(status_code=404)
    try:
        png = pdf_page_png(data, page)
    except PreviewFailed:
        raise HTTPException(status_code=422) from None
    return Response(png, media_type="image/png", headers=_FILE_HEADERS)


@router.get("/richieste/{number}/esporta")
def ticket_export(request: Request, number: str, context: ApiContext) -> Response:
    require(context, "attachments")
    ticket = get_ticket_detail(UnitOfWork(read_only=True), number)
    if ticket is None:
        raise HTTPException(status_code=404)
    data = export_zip(ticket, dict(deletions([item.id for item in ticket.attachments])))
    with transaction() as session:
        audit.record(
            session,
            actor=context.staff.username,
            action=audit.TICKET_EXPORTED,
            ip=client_ip(request),
            ticket_number=ticket.number,
        )
    return Response(
        data,
        media_type="application/zip",
        headers={
            "Content-Disposition": f'attachment; filename="{ticket.number}.zip"',
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "no-store",
        },
    )
