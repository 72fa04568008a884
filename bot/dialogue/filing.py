"""Filing the request from the conversation: summary, ticket, status.

Reads and writes the database through bot.tickets; knows nothing of Rasa. The actions in
`actions/filing.py` pass it plain values taken from the tracker.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.dialogue import answers, replies
from bot.dialogue.content import Content, Reply
from bot.dialogue.documents import (
    WAITING_FOR_DOCUMENTS,
    ReceivedFile,
    identity_differences,
    what_was_read,
)
from bot.tickets import (
    FiledTicket,
    FilingRequest,
    InvalidFilingRequest,
    MissingDocuments,
    TicketError,
    TicketView,
    UnitOfWork,
    file_ticket,
    find_ticket_for_requester,
    tickets_for_conversation,
)
from bot.tickets import personal_data as pd
from bot.tickets.numbers import EXAMPLE, ticket_number_in_text
from bot.tickets.texts import error_message, status_label

FIELDS = (
    "nome",
    "cognome",
    "codice_fiscale",
    "email",
    "telefono",
    "cap",
    "unita",
    "codice_ditta",
    "numero_caso",
)
OPTIONAL_FIELDS = frozenset({"codice_ditta", "numero_caso"})
NOT_GIVEN = "-"  # an optional field the doctor chose to leave empty
_REJECTION = re.compile(
    r"\b(?:respint\w*|rifiut\w*|rigettat\w*|scartat\w*|diniego|mancato accoglimento|"
    r"non (?:e stata |e )?accolt\w*|esito negativo|rejected)\b"
)


def summary(
    content: Content, slots: Mapping[str, Any], files: Mapping[str, ReceivedFile]
) -> list[Reply]:
    """The request as it would be filed, the warnings, and the question to confirm."""
    section = content.section("filing")
    labels = section["labels"]
    lines = [content.render(section["summary_title"])]
    for name in FIELDS:
        value = slots.get(name)
        if value and value != NOT_GIVEN:
            line = f"{labels[name]}: {value}"
            if name == "unita" and value == pd.suggest_unita(slots.get("cap")):
                line += " " + content.render(section["unita_proposed"])
            lines.append(line)
    documents = [
        labels[p]
        for p in ("modulo", "documento", "documento_fronte", "documento_retro")
        if p in files
    ]
    lines.append(f"{labels['allegati']}: {', '.join(documents)}")
    read = what_was_read(content, files)
    if read:
        lines += [content.render(section["read"]["title"]), *read]
    replies = [Reply("\n".join(lines))]
    remarks = identity_differences(files, slots)
    form = files.get("modulo")
    if form and "firma_da_verificare" in form.flags:
        remarks.append(content.render(section["firma_da_verificare"]))
    if remarks:
        replies.append(
            Reply(
                content.render(section["warnings_title"])
                + "\n"
                + "\n".join(f"• {r}" for r in remarks)
            )
        )
    replies.append(
        Reply(content.render(section["confirm"]), content.buttons(section["confirm_buttons"]))
    )
    return replies


def idempotency_key(conversation_id: str, summary_id: str) -> str:
    """One key per summary shown: confirming it twice, or retrying, files one ticket."""
    return hashlib.sha256(f"{conversation_id}\n{summary_id}".encode()).hexdigest()


@dataclass(frozen=True)
class FilingOutcome:
    replies: list[Reply]
    ticket: FiledTicket | None = None


def file_from_conversation(
    content: Content,
    conversation_id: str,
    channel: str,
    path: str | None,
    slots: Mapping[str, Any],
    summary_id: str,
) -> FilingOutcome:
    """Files the ticket once; tells the doctor the number and what happens next."""
    section = content.section("filing")
    request = FilingRequest(
        nome=slots.get("nome") or "",
        cognome=slots.get("cognome") or "",
        codice_fiscale=slots.get("codice_fiscale") or "",
        email=slots.get("email") or "",
        telefono=slots.get("telefono") or "",
        cap=slots.get("cap") or "",
        unita=slots.get("unita") or None,
        codice_ditta=_optional(slots.get("codice_ditta")),
        numero_caso=_optional(slots.get("numero_caso")),
        path=path or "A",
        channel=channel,
        conversation_id=conversation_id,
    )
    try:
        filed = file_ticket(UnitOfWork(), request, idempotency_key(conversation_id, summary_id))
    except MissingDocuments:
        return FilingOutcome([Reply(error_message("documenti_mancanti"))])
    except InvalidFilingRequest as error:
        return FilingOutcome(
            [Reply(error_message("dati_non_validi"))]
            + [Reply(error_message(code)) for code in error.errors.values()]
        )
    except TicketError as error:
        return FilingOutcome([Reply(error_message(error.code))])
    template = section["filed"] if filed.newly_filed else section["already_filed"]
    return FilingOutcome(
        [
            Reply(content.render(template, numero=filed.number)),
            Reply(content.render(section["next_steps"])),
        ],
        filed,
    )


def _optional(value: Any) -> str | None:
    return None if value in (None, "", NOT_GIVEN) else str(value)


def _describe(content: Content, ticket: TicketView) -> str:
    section = content.section("status")
    text = content.render(
        section["line"],
        numero=ticket.number,
        stato=status_label(ticket.status),
        data=ticket.updated_at.strftime("%d/%m/%Y"),
    )
    if ticket.status_reason:
        text += " " + content.render(section["reason"], motivo=ticket.status_reason)
    if ticket.status in WAITING_FOR_DOCUMENTS:
        text += " " + content.render(section["send_documents"])
    return text


def status_replies(
    content: Content, conversation_id: str, text: str | None, email: str | None
) -> list[Reply]:
    """The status of this doctor's requests; another ticket only with its number and e-mail.

    With no ticket in this conversation the doctor is asked for the number and the e-mail;
    a malformed number gets the right format, never another ticket's status.
    """
    section = content.section("status")
    written = ticket_number_in_text(text)
    if written is not None and written.canonical is None:
        return [Reply(content.render(section["malformed"], scritto=written.typed, esempio=EXAMPLE))]
    number = written.canonical if written else None
    if number:
        ticket = find_ticket_for_requester(
            UnitOfWork(read_only=True), number, conversation_id, email
        )
        if ticket is None:
            key = "not_found_with_email" if email else "ask_email"
            return [Reply(content.render(section[key], numero=number))]
        return [Reply(_describe(content, ticket))]
    tickets = tickets_for_conversation(UnitOfWork(read_only=True), conversation_id)
    if not tickets:
        none = Reply(content.render(section["none"], esempio=EXAMPLE))
        if _REJECTION.search(" ".join(answers.words(text))):
            # "La mia domanda è stata respinta, cosa faccio?": why requests are refused, first.
            return [*replies.answer(content, "ask_data_mismatch", None), none]
        return [none]
    return [Reply(_describe(content, ticket)) for ticket in tickets]


# -- the form's other messages ------------------------------------------------------------


def ask_unita(content: Content, cap: str | None) -> Reply:
    """Which INAIL office: the one of the CAP's province is suggested when known."""
    section = content.section("filing")
    suggestion = pd.suggest_unita(cap)
    if suggestion:
        return Reply(
            content.render(section["ask_unita"], unita=suggestion),
            content.buttons(section["unita_buttons"]),
        )
    return Reply(content.render(section["ask_unita_unknown"]))


def too_many_failures(content: Content, slot: str) -> Reply:
    """After three failed answers: the expected format, and a way to stop and resume later."""
    section = content.section("filing")
    return Reply(
        content.render(
            section["too_many_failures"], formato=content.render(section["formats"][slot])
        ),
        content.buttons(section["too_many_failures_buttons"]),
    )


def nothing_to_confirm(content: Content) -> Reply:
    section = content.section("filing")
    return Reply(
        content.render(section["nothing_to_confirm"]), content.buttons(section["offer_buttons"])
    )


def not_confirmed(content: Content) -> Reply:
    section = content.section("filing")
    return Reply(
        content.render(section["not_confirmed"]), content.buttons(["correct", "file_here"])
    )


def which_field(content: Content) -> Reply:
    section = content.section("filing")
    return Reply(content.render(section["which_field"]), content.buttons(section["field_buttons"]))


def db_error(content: Content) -> Reply:
    return Reply(content.render(content.section("filing", "db_error")))
