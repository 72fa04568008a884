"""Actions of the filing: the form's validation, the summary, the ticket, the status.

Thin: values come from the tracker, decisions and storage from `bot.dialogue.filing` and
`bot.tickets`. Files are read from the database, never from the message.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.exc import SQLAlchemyError

from actions.common import count_failure, form_slots
from actions.common import latest_intent as _intent
from actions.common import send as _send
from actions.documents import ActionAskDocumento, DocumentSlots, discard_files
from bot.conversation_ids import channel_of
from bot.dialogue import documents, filing
from bot.dialogue.content import Reply, get_content
from bot.intake.identity import codice_fiscale_in_text
from bot.tickets import personal_data as pd
from bot.tickets.texts import error_message

EMAIL_IN_TEXT = re.compile(r"[^\s<>()\[\],;:\"']+@[^\s<>()\[\],;:\"']+\.[A-Za-z]{2,}")
PHONE_IN_TEXT = re.compile(r"(?:\+|00)?[\d][\d\s./-]{5,}\d")
CAP_IN_TEXT = re.compile(r"\b\d{5}\b")
NO_ANSWERS = frozenset({"no", "nessuno", "non ce l'ho", "non ce lho", "niente", "-", "/deny"})
YES_ANSWERS = frozenset({"si", "sì", "ok", "va bene", "certo", "confermo", "/affirm"})
CORRECTABLE = (*filing.FIELDS, "modulo", "documento")


def _text(tracker: Tracker) -> str:
    return str(tracker.latest_message.get("text") or "").strip()


class ValidateFilingForm(DocumentSlots, FormValidationAction):
    """Checks each answer of the filing form; files are taken from the database."""

    def name(self) -> str:
        return "validate_filing_form"

    # -- failures --------------------------------------------------------------------------

    def _fail(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, slot: str, message: str
    ) -> dict[str, Any]:
        dispatcher.utter_message(text=message)
        return {slot: None, "failed_attempts": count_failure(dispatcher, tracker, slot)}

    def _ok(self, tracker: Tracker, slot: str, value: Any) -> dict[str, Any]:
        failures = dict(tracker.get_slot("failed_attempts") or {})
        failures.pop(slot, None)
        return {slot: value, "failed_attempts": failures}

    def _check(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        slot: str,
        checked: pd.Checked,
    ) -> dict[str, Any]:
        if checked.ok:
            return self._ok(tracker, slot, checked.value)
        return self._fail(
            dispatcher, tracker, slot, error_message(checked.error or "errore_generico")
        )

    # -- path and personal data ------------------------------------------------------------

    async def validate_path(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return {"path": value if value in ("A", "B", "C") else None}

    async def validate_nome(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return self._check(dispatcher, tracker, "nome", pd.check_name(str(value), "nome"))

    async def validate_cognome(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return self._check(dispatcher, tracker, "cognome", pd.check_name(str(value), "cognome"))

    async def validate_codice_fiscale(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text = str(value)
        candidate = codice_fiscale_in_text(text) or text
        checked = pd.check_codice_fiscale(
            candidate, nome=tracker.get_slot("nome"), cognome=tracker.get_slot("cognome")
        )
        return self._check(dispatcher, tracker, "codice_fiscale", checked)

    async def validate_email(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        match = EMAIL_IN_TEXT.search(str(value))
        checked = pd.check_email(match.group(0) if match else str(value))
        return self._check(dispatcher, tracker, "email", checked)

    async def validate_telefono(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        match = PHONE_IN_TEXT.search(str(value))
        checked = pd.check_telefono(match.group(0) if match else str(value))
        return self._check(dispatcher, tracker, "telefono", checked)

    async def validate_cap(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        match = CAP_IN_TEXT.search(str(value))
        result = self._check(
            dispatcher, tracker, "cap", pd.check_cap(match.group(0) if match else str(value))
        )
        if result.get("cap") and tracker.get_slot("unita"):
            result["unita"] = None  # the office follows the CAP: ask again
        return result

    async def validate_unita(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        cap = tracker.get_slot("cap")
        answer = str(value).strip().lower()
        if _intent(tracker) == "affirm" or answer in YES_ANSWERS:
            suggestion = pd.suggest_unita(cap)
            if suggestion:
                return self._ok(tracker, "unita", suggestion)
        return self._check(dispatcher, tracker, "unita", pd.check_unita(str(value), cap=cap))

    def _optional(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, slot: str, value: Any, check: Any
    ) -> dict[str, Any]:
        answer = str(value).strip().lower()
        if _intent(tracker) == "deny" or answer in NO_ANSWERS:
            return self._ok(tracker, slot, filing.NOT_GIVEN)
        return self._check(dispatcher, tracker, slot, check(str(value)))

    async def validate_codice_ditta(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return self._optional(dispatcher, tracker, "codice_ditta", value, pd.check_codice_ditta)

    async def validate_numero_caso(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return self._optional(dispatcher, tracker, "numero_caso", value, pd.check_numero_caso)


class ActionAskUnita(Action):
    """Suggests the INAIL office from the CAP; the doctor can choose another."""

    def name(self) -> str:
        return "action_ask_unita"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        content = get_content()
        section = content.section("filing")
        suggestion = pd.suggest_unita(tracker.get_slot("cap"))
        if suggestion:
            reply = Reply(
                content.render(section["ask_unita"], unita=suggestion),
                content.buttons(section["unita_buttons"]),
            )
        else:
            reply = Reply(content.render(section["ask_unita_unknown"]))
        _send(dispatcher, [reply])
        return []


class ActionShowSummary(Action):
    """Shows the request as it will be filed, with what to check, and asks to confirm."""

    def name(self) -> str:
        return "action_show_summary"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        files = documents.received_files(tracker.sender_id)
        _send(dispatcher, filing.summary(get_content(), form_slots(tracker), files))
        return [
            SlotSet("summary_id", uuid.uuid4().hex),
            SlotSet("pending_question", "conferma_invio"),
        ]


def file_ticket_from_tracker(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """Files the confirmed summary; shared by the button and a typed "sì"."""
    content = get_content()
    summary_id = tracker.get_slot("summary_id")
    if not summary_id:
        _send(
            dispatcher,
            [
                Reply(
                    content.render(content.section("filing", "nothing_to_confirm")),
                    content.buttons(content.section("filing", "offer_buttons")),
                )
            ],
        )
        return []
    channel = channel_of(tracker.sender_id, tracker.get_latest_input_channel())
    try:
        outcome = filing.file_from_conversation(
            content,
            tracker.sender_id,
            channel,
            tracker.get_slot("path"),
            form_slots(tracker),
            summary_id,
        )
    except SQLAlchemyError:
        _send(dispatcher, [Reply(content.render(content.section("filing", "db_error")))])
        return []
    _send(dispatcher, outcome.replies)
    if outcome.ticket is None:
        return []
    return [
        SlotSet("pending_question", None),
        SlotSet("modulo", None),
        SlotSet("documento", None),
        SlotSet("documento_atteso", None),
    ]


class ActionFileTicket(Action):
    """Files the ticket once the doctor confirms the summary."""

    def name(self) -> str:
        return "action_file_ticket"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        return file_ticket_from_tracker(dispatcher, tracker)


class ActionCorrectField(Action):
    """Asks again for one datum or file of the summary."""

    def name(self) -> str:
        return "action_correct_field"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        content = get_content()
        section = content.section("filing")
        field = next(tracker.get_latest_entity_values("campo"), None)
        if field not in CORRECTABLE:
            _send(
                dispatcher,
                [
                    Reply(
                        content.render(section["which_field"]),
                        content.buttons(section["field_buttons"]),
                    )
                ],
            )
            return []
        events: list[EventType] = [
            SlotSet(field, None),
            SlotSet("summary_id", None),
            SlotSet("pending_question", None),
        ]
        if field in ("modulo", "documento"):
            discard_files(tracker.sender_id, field)
            events.append(SlotSet("documento_atteso", None))
        if field in ("modulo", "documento"):
            ask = "action_ask_documento" if field == "documento" else "utter_ask_modulo"
        elif field == "unita":
            ask = "action_ask_unita"
        else:
            ask = f"utter_ask_{field}"
        if ask.startswith("utter_"):
            dispatcher.utter_message(response=ask)
        elif ask == "action_ask_unita":
            events += await ActionAskUnita().run(dispatcher, tracker, domain)
        else:
            events += await ActionAskDocumento().run(dispatcher, tracker, domain)
        return [*events, ActiveLoop("filing_form"), SlotSet("requested_slot", field)]


class ActionReportStatus(Action):
    """The status of this doctor's requests (another ticket only with its e-mail)."""

    def name(self) -> str:
        return "action_report_status"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        text = _text(tracker)
        email = next(tracker.get_latest_entity_values("email"), None)
        if email is None:
            match = EMAIL_IN_TEXT.search(text)
            email = match.group(0) if match else None
        _send(dispatcher, filing.status_replies(get_content(), tracker.sender_id, text, email))
        return []
