"""A ticket as a ZIP: a summary PDF (fields, check results, history) and its stored files."""

from __future__ import annotations

import io
import zipfile

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from bot.storage import open_attachment
from bot.tickets.texts import document_label, status_label
from bot.tickets.views import AttachmentView, TicketDetail
from bot.web.console.texts import label, texts
from bot.web.console.ticket_queries import check_summary
from bot.web.console.web import local_time

EXTENSIONS = {
    "application/pdf": "pdf",
    "application/pkcs7-mime": "p7m",
    "image/jpeg": "jpg",
    "image/png": "png",
}
SUMMARY_FIELDS = (
    "nome", "cognome", "codice_fiscale", "email", "telefono", "categoria", "sottocategoria",
    "oggetto", "cap", "unita", "codice_ditta", "numero_caso", "messaggio", "path", "channel",
    "created_at", "updated_at",
)  # fmt: skip


def _latin1(text: object) -> str:
    """fpdf2's core fonts are Latin-1: Italian letters pass, anything else becomes '?'."""
    return (
        str(text).replace("–", "-").replace("’", "'").encode("latin-1", "replace").decode("latin-1")
    )


def _value(name: str, value: object) -> str:
    if value is None or value == "":
        return "-"
    if name in ("created_at", "updated_at"):
        return local_time(value)  # type: ignore[arg-type]
    if name == "path":
        return label("percorsi", str(value))
    return str(value)


class _Summary(FPDF):
    def paragraph(self, text: str, *, bold: bool = False, size: int = 10) -> None:
        self.set_font("helvetica", "B" if bold else "", size)
        self.multi_cell(0, 5.5, _latin1(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def summary_pdf(ticket: TicketDetail, deleted: dict[int, object]) -> bytes:
    pdf = _Summary(format="A4")
    pdf.set_title(_latin1(f"Richiesta {ticket.number}"))
    pdf.add_page()
    pdf.paragraph(f"Richiesta {ticket.number} - {status_label(ticket.status)}", bold=True, size=14)
    pdf.ln(2)
    for name in SUMMARY_FIELDS:
        title = texts()["campi_richiesta"].get(name, name)
        pdf.paragraph(f"{title}: {_value(name, ticket.fields.get(name))}")
    pdf.ln(3)
    pdf.paragraph("Allegati", bold=True, size=12)
    for item in ticket.attachments:
        state = "sostituito" if item.superseded_at else "attuale"
        if item.id in deleted:
            state += ", file eliminato (conservazione)"
        pdf.paragraph(f"{document_label(item.purpose)} (n. {item.id}, {state})", bold=True)
        pdf.paragraph(
            f"Tipo: {item.sniffed_type}; dimensione: {item.size} byte; sha256: {item.sha256}"
        )
        summary = check_summary(item.check_results)
        for flag in summary["flags"]:
            pdf.paragraph(f"- {label('esiti', flag)}")
        for warning in summary["warnings"]:
            pdf.paragraph(f"- Avviso: {warning.get('message') or warning.get('code')}")
    pdf.ln(3)
    pdf.paragraph("Storico dello stato", bold=True, size=12)
    for event in ticket.events:
        moved = f"{status_label(event.from_status)} -> " if event.from_status else ""
        reason = f" - {event.reason}" if event.reason else ""
        pdf.paragraph(
            f"{local_time(event.occurred_at)}: {moved}{status_label(event.to_status)}"
            f" ({event.actor}){reason}"
        )
    return bytes(pdf.output())


def export_zip(ticket: TicketDetail, deleted: dict[int, object]) -> bytes:
    """The summary PDF plus every current file still stored."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{ticket.number}-riepilogo.pdf", summary_pdf(ticket, deleted))
        for item in _current(ticket, deleted):
            extension = EXTENSIONS.get(item.sniffed_type, "bin")
            with open_attachment(item.storage_name) as handle:
                archive.writestr(
                    f"{ticket.number}-{item.purpose}-{item.id}.{extension}", handle.read()
                )
    return buffer.getvalue()


def _current(ticket: TicketDetail, deleted: dict[int, object]) -> list[AttachmentView]:
    return [
        item for item in ticket.attachments if item.superseded_at is None and item.id not in deleted
    ]
