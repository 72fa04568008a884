"""The files of a conversation: what was received, what to check, what the ticket waits for.

Reads the database through bot.tickets; knows nothing of Rasa. The actions in
`actions/documents.py` pass it plain values taken from the tracker.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.dialogue.content import Content, Reply
from bot.intake import DeclaredIdentity, ExtractedIdentity, Signer
from bot.intake.identity import identity_warnings
from bot.tickets import (
    NoNewAttachments,
    TicketError,
    UnitOfWork,
    add_attachments_to_ticket,
    tickets_for_conversation,
)
from bot.tickets.texts import error_message, status_label

WAITING_FOR_DOCUMENTS = frozenset({"da_integrare", "respinta"})


@dataclass(frozen=True)
class ReceivedFile:
    """A checked file of the conversation, not yet on a ticket."""

    id: int
    purpose: str
    flags: tuple[str, ...]
    warnings: tuple[tuple[str, str], ...]  # (code, message) found when the file was checked
    identity: ExtractedIdentity | None
    signer: Signer | None


def _from_dict(cls: type, data: Mapping[str, Any] | None) -> Any:
    if not data:
        return None
    return cls(**{k: data.get(k) for k in cls.__dataclass_fields__})


def received_files(conversation_id: str) -> dict[str, ReceivedFile]:
    """The latest accepted file per purpose, as the database has it."""
    with UnitOfWork() as uow:
        rows = uow.attachments.pending_for_conversation(conversation_id)
        files = {}
        for row in rows:
            results = json.loads(row.check_results or "{}")
            files[row.purpose] = ReceivedFile(
                id=row.id,
                purpose=row.purpose,
                flags=tuple(results.get("flags") or ()),
                warnings=tuple(
                    (str(w.get("code")), str(w.get("message")))
                    for w in results.get("warnings") or ()
                ),
                identity=_from_dict(ExtractedIdentity, results.get("identity")),
                signer=_from_dict(Signer, results.get("signer")),
            )
        return files


def has_form(files: Mapping[str, ReceivedFile]) -> bool:
    return "modulo" in files


def has_document(files: Mapping[str, ReceivedFile]) -> bool:
    return "documento" in files or {"documento_fronte", "documento_retro"} <= files.keys()


def next_document_side(files: Mapping[str, ReceivedFile]) -> str:
    """Which side of the ID the conversation waits for."""
    return "documento_retro" if "documento_fronte" in files else "documento_fronte"


# Warnings that depend on the data the doctor declared: computed again with the current data.
IDENTITY_WARNINGS = frozenset({"dato_diverso", "firmatario_diverso"})


def file_remarks(
    files: Mapping[str, ReceivedFile], purpose: str, slots: Mapping[str, Any]
) -> list[str]:
    """What to check about one received file: its own warnings, then the identity pre-check."""
    received = files.get(purpose)
    if received is None:
        return []
    remarks = [message for code, message in received.warnings if code not in IDENTITY_WARNINGS]
    if purpose == "modulo":
        remarks += identity_differences(files, slots)
    return remarks


def identity_differences(files: Mapping[str, ReceivedFile], slots: Mapping[str, Any]) -> list[str]:
    """What the request form says differently from the data the doctor gave, in words."""
    form = files.get("modulo")
    if form is None:
        return []
    declared = DeclaredIdentity(
        nome=slots.get("nome"),
        cognome=slots.get("cognome"),
        codice_fiscale=slots.get("codice_fiscale"),
    )
    return [w.message for w in identity_warnings(form.identity, declared, form.signer, "modulo")]


def attach_to_waiting_ticket(content: Content, conversation_id: str) -> list[Reply] | None:
    """New documents for a ticket that waits for them (da integrare / respinta), if any."""
    waiting = [
        t
        for t in tickets_for_conversation(UnitOfWork(), conversation_id)
        if t.status in WAITING_FOR_DOCUMENTS
    ]
    if not waiting:
        return None
    section = content.section("status")
    try:
        change = add_attachments_to_ticket(UnitOfWork(), waiting[0].number, conversation_id)
    except NoNewAttachments:
        return None
    except TicketError as error:
        return [Reply(error_message(error.code))]
    return [
        Reply(
            content.render(
                section["documents_added"],
                numero=change.number,
                stato=status_label(change.to_status),
            )
        )
    ]
