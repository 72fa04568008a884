"""Actions about the files of a conversation: the form's file slots, the ID's sides, uploads.

Thin: files are read from the database (`bot.dialogue.documents`), never from the message.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import count_failure, form_slots
from actions.common import latest_intent as _intent
from actions.common import send as _send
from bot.dialogue import documents
from bot.dialogue.content import Reply, get_content
from bot.tickets import UnitOfWork

PROPOSED = "dati_letti"  # pending_question: the data read from a file await a yes/no
PROPOSAL_REFUSED = "dati_letti_no"
YES = frozenset({"si", "sì", "ok", "va bene", "certo", "esatto", "corretto", "/affirm"})
NO = frozenset({"no", "non sono i miei", "sbagliato", "/deny"})


RECEIVED = "_inail_received_files"  # on the tracker of one form validation call


def _received(tracker: Tracker) -> dict[str, documents.ReceivedFile]:
    """The conversation's files, read once per form validation call: its extraction and
    validation steps share the call's tracker, and none of them adds or removes a file."""
    files = getattr(tracker, RECEIVED, None)
    if files is None:
        files = documents.received_files(tracker.sender_id)
        setattr(tracker, RECEIVED, files)
    return files


class DocumentSlots:
    """The filing form's file slots (`modulo`, `documento`), filled from the database.

    Mixed into the form's validation action (actions/filing.py), which provides `_ok`.
    """

    def read_data_answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> dict[str, Any] | None:
        """The doctor's yes/no to the data read from a file (see ActionAskNome): the slots to
        set; None when no proposal is pending or the answer is neither (then the form reads
        it as usual, e.g. the name typed instead)."""
        if tracker.get_slot("pending_question") != PROPOSED:
            return None
        answer = str(tracker.latest_message.get("text") or "").strip().lower().rstrip(".!")
        intent = _intent(tracker)
        if intent == "affirm" or answer in YES:
            files = _received(tracker)
            proposal = documents.read_proposal(files, {})
            if proposal is not None:
                filled: dict[str, Any] = {
                    "nome": proposal.nome,
                    "cognome": proposal.cognome,
                    "pending_question": None,
                }
                if proposal.codice_fiscale:
                    filled["codice_fiscale"] = proposal.codice_fiscale
                return filled
        if intent == "deny" or answer in NO:
            content = get_content()
            dispatcher.utter_message(
                text=content.render(content.section("filing", "read", "proposal_refused"))
            )
            return {"nome": None, "pending_question": PROPOSAL_REFUSED}
        return None

    async def extract_modulo(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        form = _received(tracker).get("modulo")
        if form is None or str(form.id) == tracker.get_slot("modulo"):
            return {}
        return {"modulo": str(form.id)}

    async def validate_modulo(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        files = _received(tracker)
        form = files.get("modulo")
        if form is None:
            return {"modulo": None}
        content = get_content()
        section = content.section("filing")
        remarks = documents.file_remarks(files, "modulo", form_slots(tracker))
        text = content.render(section["modulo_received"])
        if remarks:
            text += "\n" + content.render(section["file_remarks_title"])
            text += "".join(f"\n• {remark}" for remark in remarks)
        dispatcher.utter_message(text=text)
        return self._ok(tracker, "modulo", str(form.id))

    async def extract_documento(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        files = _received(tracker)
        if documents.has_document(files):
            ids = ",".join(
                str(files[p].id)
                for p in ("documento", "documento_fronte", "documento_retro")
                if p in files
            )
            return {} if ids == tracker.get_slot("documento") else {"documento": ids}
        side = documents.next_document_side(files)
        if _intent(tracker) != "upload_received":
            return {}
        arrived = documents.newest(files)
        unexpected = arrived is not None and (
            tracker.get_slot("requested_slot") != "documento"
            or any(code == "file_diverso" for code, _ in arrived.warnings)
        )
        if arrived is not None and unexpected and arrived.purpose in documents.ID_PURPOSES:
            # A side of the ID that arrived while something else was asked, or the wrong side:
            # say what it was taken for (the form keeps asking for what is still missing).
            for remark in documents.arrival_remarks(arrived):
                dispatcher.utter_message(text=remark)
        if side != tracker.get_slot("documento_atteso"):
            return {"documento_atteso": side}
        return {}

    async def validate_documento(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        files = _received(tracker)
        if not documents.has_document(files):
            return {"documento": None}
        content = get_content()
        slots = form_slots(tracker)
        remarks = [
            remark
            for purpose in ("documento", "documento_fronte", "documento_retro")
            for remark in documents.file_remarks(files, purpose, slots)
        ]
        remarks = list(dict.fromkeys(remarks + documents.identity_differences(files, slots)))
        text = content.render(content.section("filing", "documento_received"))
        if remarks:
            text += "".join(f"\n• {remark}" for remark in remarks)
        dispatcher.utter_message(text=text)
        return {**self._ok(tracker, "documento", value), "documento_atteso": None}


class ActionAskNome(Action):
    """Asks the name; when a file with the doctor's data came first, proposes what was read."""

    def name(self) -> str:
        return "action_ask_nome"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        proposal = None
        if tracker.get_slot("pending_question") != PROPOSAL_REFUSED:
            files = documents.received_files(tracker.sender_id)
            proposal = documents.read_proposal(files, form_slots(tracker))
        if proposal is None:
            dispatcher.utter_message(response="utter_ask_nome")
            return []
        content = get_content()
        section = content.section("filing", "read")
        _send(
            dispatcher,
            [
                Reply(
                    documents.proposal_text(content, proposal),
                    content.buttons(section["proposal_buttons"]),
                )
            ],
        )
        return [SlotSet("pending_question", PROPOSED)]


class ActionAskDocumento(Action):
    """Asks for the ID: the front (or one PDF), then the back."""

    def name(self) -> str:
        return "action_ask_documento"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        side = documents.next_document_side(documents.received_files(tracker.sender_id))
        content = get_content()
        dispatcher.utter_message(text=content.render(content.section("filing", f"ask_{side}")))
        return [SlotSet("documento_atteso", side)]


def discard_files(conversation_id: str, field: str) -> None:
    purposes = (
        ("modulo",) if field == "modulo" else ("documento", "documento_fronte", "documento_retro")
    )
    with UnitOfWork() as uow:
        now = datetime.now(timezone.utc)
        for purpose in purposes:
            uow.attachments.supersede_pending(conversation_id, purpose, now)
        uow.commit()


class ActionUploadReceived(Action):
    """A file arrived outside the form: added to a ticket that waits for it, or an offer."""

    def name(self) -> str:
        return "action_upload_received"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        if tracker.active_loop_name == "filing_form":
            return []  # the form takes the file (actions/filing.py) and asks what is missing
        content = get_content()
        replies = documents.attach_to_waiting_ticket(content, tracker.sender_id)
        if replies is None:
            section = content.section("filing")
            replies = [
                Reply(
                    content.render(section["received_offer"]),
                    content.buttons(section["offer_buttons"]),
                )
            ]
        _send(dispatcher, replies)
        return []


class ActionUploadRejected(Action):
    """Says why a file was refused and what to send instead."""

    def name(self) -> str:
        return "action_upload_rejected"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        problems: list[str] = []
        for value in tracker.get_latest_entity_values("upload_problem"):
            # The web process sends the list of problems as one entity value.
            problems.extend(str(p) for p in (value if isinstance(value, list) else [value]))
        content = get_content()
        if not problems:
            problems = [content.render(content.section("filing", "upload_rejected_fallback"))]
        for problem in problems:
            dispatcher.utter_message(text=problem)
        requested = tracker.get_slot("requested_slot")
        if tracker.active_loop_name and requested in ("modulo", "documento"):
            return [SlotSet("failed_attempts", count_failure(dispatcher, tracker, requested))]
        return []
