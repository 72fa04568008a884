"""One way in for files, whatever the channel: check, store, tell the conversation.

    outcome = await receive_upload(rasa, sender, data, original_name="modulo.pdf")

The file is checked (bot.intake), stored with its database row (bot.storage), and the
conversation is told with an event (`upload_received` / `upload_rejected`); the action that
answers reads the database, not the event. The bot's replies come back in the outcome.
"""

from __future__ import annotations

import asyncio
from dataclasses import asdict, dataclass, field
from typing import Any

from bot.intake import PDF, PURPOSES, CheckedFile, DeclaredIdentity, check_upload, sniff
from bot.rasa_client import RasaClient
from bot.storage import store_attachment
from bot.tickets import UnitOfWork

DEFAULT_PURPOSE = "modulo"
# Checks hold images in memory: a few at a time per process (see bot/intake's benchmark).
_CHECKS = asyncio.Semaphore(2)


@dataclass
class UploadOutcome:
    accepted: bool
    purpose: str
    attachment_id: int | None = None
    problems: list[dict[str, str]] = field(default_factory=list)
    warnings: list[dict[str, str]] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    messages: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


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
    async with _CHECKS:
        checked = await asyncio.to_thread(
            check_upload, data, purpose, original_name, declared_identity(tracker)
        )
    outcome = UploadOutcome(
        accepted=checked.accepted,
        purpose=purpose,
        problems=[{"code": p.code, "message": p.message} for p in checked.problems],
        warnings=[{"code": w.code, "message": w.message} for w in checked.warnings],
        flags=list(checked.flags),
    )
    if checked.accepted:
        outcome.attachment_id = await asyncio.to_thread(_store, sender, purpose, checked)
        outcome.messages = await rasa.trigger_intent(sender, "upload_received")
    else:
        outcome.messages = await rasa.trigger_intent(
            sender,
            "upload_rejected",
            {"upload_problem": [p.message for p in checked.problems]},
        )
    return outcome
