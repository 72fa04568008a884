"""One way in for files, whatever the channel: check, store, tell the conversation.

    outcome = await receive_upload(rasa, sender, data, original_name="modulo.pdf")

The file is checked (bot.intake), stored with its database row (bot.storage), and the
conversation is told with an event (`upload_received` / `upload_rejected`); the action that
answers reads the database, not the event. The bot's replies come back in the outcome.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from bot.intake import PDF, PURPOSES, CheckedFile, DeclaredIdentity, check_upload, sniff
from bot.intake.check import RETRY_CODES, Context
from bot.intake.messages import problem
from bot.intake.reading import Reading
from bot.intake.worker import Overrun, pool
from bot.rasa_client import RasaClient
from bot.storage import store_attachment
from bot.tickets import UnitOfWork

DEFAULT_PURPOSE = "modulo"


@dataclass
class UploadOutcome:
    accepted: bool
    purpose: str
    attachment_id: int | None = None
    problems: list[dict[str, str]] = field(default_factory=list)
    warnings: list[dict[str, str]] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    messages: list[dict[str, Any]] = field(default_factory=list)
    read: dict[str, Any] | None = None

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        if self.read is None:
            del data["read"]  # not a form or an ID document, or not read
        return data


def purpose_from_tracker(tracker: dict[str, Any], data: bytes) -> str:
    """The file the conversation is asking for; the request form when it asks for none.

    For the ID, the side the form waits for; a PDF is taken as the whole document.
    """
    slots = tracker.get("slots") or {}
    if slots.get("requested_slot") != "documento":
        return DEFAULT_PURPOSE
    if sniff(data).mime == PDF:
        return "documento"
    side = slots.get("documento_atteso")
    return side if side in ("documento_fronte", "documento_retro") else "documento_fronte"


def declared_identity(tracker: dict[str, Any]) -> DeclaredIdentity:
    slots = tracker.get("slots") or {}
    return DeclaredIdentity(
        nome=slots.get("nome"),
        cognome=slots.get("cognome"),
        codice_fiscale=slots.get("codice_fiscale"),
    )


def _store(sender: str, purpose: str, checked: CheckedFile) -> int:
    with UnitOfWork() as uow:
        stored = store_attachment(uow, sender, purpose, checked)
    return stored.id


def other_readings(sender: str) -> dict[str, Reading]:
    """What was read from the conversation's other files (not yet on a ticket), by purpose."""
    readings: dict[str, Reading] = {}
    with UnitOfWork(read_only=True) as uow:
        for row in uow.attachments.pending_for_conversation(sender):
            results = json.loads(row.check_results or "{}")
            reading = Reading.from_dict(results.get("reading"))
            if reading is not None:
                readings[row.purpose] = reading
    return readings


def retakes_asked(tracker: dict[str, Any]) -> int:
    """Retakes already asked in a row (unreadable ID, no signature seen) since the last file
    that was accepted."""
    count = 0
    for event in tracker.get("events") or ():
        if event.get("event") != "user":
            continue
        intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        if intent == "upload_received":
            count = 0
        elif intent == "upload_rejected":
            entities = (event.get("parse_data") or {}).get("entities") or ()
            codes = [
                code
                for entity in entities
                if entity.get("entity") == "upload_problem_code"
                for code in (entity.get("value") or ())
            ]
            if RETRY_CODES & set(codes):
                count += 1
    return count


def _check_bounded(
    data: bytes, purpose: str, name: str | None, declared: DeclaredIdentity, context: Context
) -> CheckedFile:
    """The check in a worker process; past the time limit, again without reading (structure
    only), and if even that overruns, a refusal."""
    workers = pool()
    try:
        return workers.call(check_upload, data, purpose, name, declared, None, context)
    except Overrun:
        pass
    light = Context(others=context.others, retries=context.retries, read=False)
    try:
        checked = workers.call(check_upload, data, purpose, name, declared, None, light)
    except Overrun:
        refused = check_upload(b"", purpose, name)  # a refusal with nothing to store
        return replace(
            refused,
            problems=(problem("controllo_non_riuscito", purpose),),
            received_size=len(data),
        )
    return checked


async def receive_upload(
    rasa: RasaClient,
    sender: str,
    data: bytes,
    original_name: str | None = None,
    purpose: str | None = None,
) -> UploadOutcome:
    """Checks and stores one file for a conversation, and returns what the bot answers."""
    tracker = await rasa.tracker(sender)
    if purpose not in PURPOSES:
        purpose = purpose_from_tracker(tracker, data)
    context = Context(
        others=await asyncio.to_thread(other_readings, sender), retries=retakes_asked(tracker)
    )
    checked = await pool().waiting(
        _check_bounded, data, purpose, original_name, declared_identity(tracker), context
    )
    reading = checked.reading
    outcome = UploadOutcome(
        accepted=checked.accepted,
        purpose=checked.purpose,
        problems=[{"code": p.code, "message": p.message} for p in checked.problems],
        warnings=[{"code": w.code, "message": w.message} for w in checked.warnings],
        flags=list(checked.flags),
        read=reading.api_dict() if reading is not None and reading.kind != "altro" else None,
    )
    if checked.accepted:
        outcome.attachment_id = await asyncio.to_thread(_store, sender, checked.purpose, checked)
        outcome.messages = await rasa.trigger_intent(sender, "upload_received")
    else:
        outcome.messages = await rasa.trigger_intent(
            sender,
            "upload_rejected",
            {
                "upload_problem": [p.message for p in checked.problems],
                "upload_problem_code": [p.code for p in checked.problems],
            },
        )
    return outcome
