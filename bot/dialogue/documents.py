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
from bot.intake import DeclaredIdentity, ExtractedIdentity, Signer, document_checks
from bot.intake.identity import identity_warnings
from bot.intake.reading import FORM, ID_KINDS, Reading, merge
from bot.tickets import (
    NoNewAttachments,
    TicketError,
    UnitOfWork,
    add_attachments_to_ticket,
    tickets_for_conversation,
)
from bot.tickets.personal_data import check_codice_fiscale
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
    reading: Reading | None = None  # what the file is and what was read from it


def _from_dict(cls: type, data: Mapping[str, Any] | None) -> Any:
    if not data:
        return None
    return cls(**{k: data.get(k) for k in cls.__dataclass_fields__})


def received_files(conversation_id: str) -> dict[str, ReceivedFile]:
    """The latest accepted file per purpose, as the database has it."""
    with UnitOfWork(read_only=True) as uow:
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
                reading=Reading.from_dict(results.get("reading")),
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
IDENTITY_WARNINGS = frozenset({"dato_diverso", "firmatario_diverso", "cf_non_coerente"})
ID_PURPOSES = ("documento", "documento_fronte", "documento_retro")


def newest(files: Mapping[str, ReceivedFile]) -> ReceivedFile | None:
    """The file that arrived last (the one an `upload_received` is about)."""
    return max(files.values(), key=lambda f: f.id) if files else None


def arrival_remarks(received: ReceivedFile) -> list[str]:
    """What to say about a file that arrived when another one was asked."""
    return [message for code, message in received.warnings if code not in IDENTITY_WARNINGS]


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


def _declared(slots: Mapping[str, Any]) -> DeclaredIdentity:
    return DeclaredIdentity(
        nome=slots.get("nome"),
        cognome=slots.get("cognome"),
        codice_fiscale=slots.get("codice_fiscale"),
    )


def _readings(files: Mapping[str, ReceivedFile]) -> dict[str, Reading]:
    readings: dict[str, Reading] = {}
    for purpose, received in files.items():
        reading = received.reading
        if reading is None and received.identity is not None:
            identity = received.identity
            reading = Reading(
                kind=FORM if purpose == "modulo" else "altro",
                cognome=identity.cognome,
                nome=identity.nome,
                codice_fiscale=identity.codice_fiscale,
            )
        if reading is not None:
            readings[purpose] = reading
    return readings


def identity_differences(files: Mapping[str, ReceivedFile], slots: Mapping[str, Any]) -> list[str]:
    """Surname, name, birth date, codice fiscale: what the form, the ID and the data the doctor
    gave say differently, each with both values; the codice fiscale against the ID's data."""
    declared = _declared(slots)
    readings = _readings(files)
    form = files.get("modulo")
    if form is not None and form.identity is not None and "modulo" in readings:
        identity = form.identity
        readings["modulo"] = readings["modulo"].with_(
            kind=FORM,
            cognome=readings["modulo"].cognome or identity.cognome,
            nome=readings["modulo"].nome or identity.nome,
            codice_fiscale=readings["modulo"].codice_fiscale or identity.codice_fiscale,
        )
    sources = document_checks.identity_sources(readings, declared)
    remarks = [w.message for _, w in document_checks.differences(sources, "modulo")]
    ids = [r for r in readings.values() if r.kind in ID_KINDS]
    if ids:
        document = merge(ids)
        codice_fiscale = (
            document.codice_fiscale
            or sources.get("modulo", {}).get("codice_fiscale")
            or declared.codice_fiscale
        )
        remarks += [
            w.message
            for w in document_checks.cf_warning(
                str(codice_fiscale) if codice_fiscale else None, document, "modulo"
            )
        ]
    if form is not None and form.signer is not None:
        remarks += [
            w.message
            for w in identity_warnings(None, declared, form.signer, "modulo")
            if w.code == "firmatario_diverso"
        ]
    return list(dict.fromkeys(remarks))


def _shown_date(value: Any) -> str:
    return document_checks.italian_date(value) if value else ""


def what_was_read(content: Content, files: Mapping[str, ReceivedFile]) -> list[str]:
    """For the summary: what was read from each file, and from where (MRZ, OCR, fields)."""
    section = content.section("filing", "read")
    lines: list[str] = []
    for purpose in ("modulo", *ID_PURPOSES):
        received = files.get(purpose)
        reading = received.reading if received else None
        if reading is None or not (reading.cognome or reading.nome or reading.codice_fiscale):
            continue
        parts = [" ".join(p for p in (reading.cognome, reading.nome) if p)]
        if reading.data_nascita:
            parts.append(content.render(section["nato"], data=_shown_date(reading.data_nascita)))
        if reading.codice_fiscale:
            parts.append(content.render(section["cf"], codice_fiscale=reading.codice_fiscale))
        if reading.scadenza:
            parts.append(content.render(section["scade"], data=_shown_date(reading.scadenza)))
        lines.append(
            content.render(
                section["line"],
                file=section["files"][purpose],
                fonte=section["sources"].get(reading.source or "", ""),
                dati=", ".join(p for p in parts if p),
            )
        )
    return lines


def attach_to_waiting_ticket(content: Content, conversation_id: str) -> list[Reply] | None:
    """New documents for a ticket that waits for them (da integrare / respinta), if any."""
    waiting = [
        t
        for t in tickets_for_conversation(UnitOfWork(read_only=True), conversation_id)
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


@dataclass(frozen=True)
class ReadProposal:
    """Surname, name (and codice fiscale) read from a file sent before they were asked."""

    nome: str
    cognome: str
    codice_fiscale: str | None
    file: str  # the purpose of the file they were read from


def _as_typed(name: str) -> str:
    """ "DE LUCA" as a person writes it: "De Luca" (names read from an MRZ are upper case)."""
    return name if not name.isupper() else name.title()


def read_proposal(
    files: Mapping[str, ReceivedFile], slots: Mapping[str, Any]
) -> ReadProposal | None:
    """The data to propose for confirmation instead of asking them one by one, if a file
    (the form first, then the ID) carries both surname and name and none was typed yet."""
    if slots.get("nome") or slots.get("cognome"):
        return None
    readings = _readings(files)
    codes = [r.codice_fiscale for r in readings.values() if r.codice_fiscale]
    for purpose in ("modulo", *ID_PURPOSES):
        reading = readings.get(purpose)
        if reading is None or not (reading.nome and reading.cognome):
            continue
        nome, cognome = _as_typed(reading.nome), _as_typed(reading.cognome)
        valid = [c for c in codes if check_codice_fiscale(c, nome=nome, cognome=cognome).ok]
        return ReadProposal(nome, cognome, valid[0] if valid else None, purpose)
    return None


def proposal_text(content: Content, proposal: ReadProposal) -> str:
    section = content.section("filing", "read")
    codice = (
        content.render(section["proposal_cf"], codice_fiscale=proposal.codice_fiscale)
        if proposal.codice_fiscale
        else ""
    )
    return content.render(
        section["proposal"],
        file=section["files"][proposal.file],
        cognome=proposal.cognome.upper(),
        nome=proposal.nome.upper(),
        codice=codice,
    )
