"""Actions of the filing: the form's validation, the summary, the ticket, the status.

Thin: what a message means comes from `bot.dialogue.form_turn`, what to say and file from
`bot.dialogue.filing` and `bot.tickets`. Files are read from the database, never from the message.
"""

from __future__ import annotations

import uuid
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.exc import SQLAlchemyError

from actions.common import count_failure, form_slots, turn_of
from actions.common import latest_intent as _intent
from actions.common import send as _send
from actions.documents import ActionAskDocumento, DocumentSlots, discard_files
from bot.dialogue import documents, filing, form_turn
from bot.dialogue.content import get_content
from bot.dialogue.values import cap_in_text, email_in_text, phone_in_text
from bot.intake.identity import codice_fiscale_in_text
from bot.tickets import personal_data as pd
from bot.tickets.texts import error_message

CORRECTABLE = (*filing.FIELDS, "modulo", "documento")
# Messages that are not answers to the form's question: files and notices have their own rules.
_NOT_TYPED = frozenset({"upload_received", "upload_rejected", "status_changed"})
_FORM_STEPS = frozenset({"filing_form", "action_extract_slots"})


def _text(tracker: Tracker) -> str:
    return str(tracker.latest_message.get("text") or "").strip()


def _is_typed_answer(tracker: Tracker) -> bool:
    """The doctor just wrote something while the form waits for a datum.

    True when nothing but the form itself ran since the latest user message (coming back to
    the form after an interruption, or activating it, is not a new answer).
    """
    if not tracker.get_slot("requested_slot") or _intent(tracker) in _NOT_TYPED:
        return False
    for event in reversed(tracker.events):
        kind = event.get("event")
        if kind == "user":
            return True
        if kind == "bot" or (kind == "action" and event.get("name") not in _FORM_STEPS):
            return False
    return False


class ValidateFilingForm(DocumentSlots, FormValidationAction):
    """Reads each answer of the filing form and checks it; files come from the database."""

    def name(self) -> str:
        return "validate_filing_form"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        handled: list[EventType] = []
        if _is_typed_answer(tracker):
            reading = form_turn.interpret(
                get_content(),
                str(tracker.get_slot("requested_slot")),
                turn_of(tracker),
                tracker.get_slot("path"),
            )
            if reading.control:
                return self._control(dispatcher, tracker, reading.control)
            _send(dispatcher, reading.replies)
            tracker.add_slots([SlotSet(slot, value) for slot, value in reading.values.items()])
            if reading.handled and not reading.values:
                # Not a value, but answered: the form keeps the turn and asks again.
                handled = [SlotSet("form_turn", uuid.uuid4().hex)]
        elif tracker.active_loop_name and _intent(tracker) == "upload_received":
            # A file during the form is the form's: never the offer made outside it.
            handled = [SlotSet("form_turn", uuid.uuid4().hex)]
        return [*await super().run(dispatcher, tracker, domain), *handled]

    def _control(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, control: str
    ) -> list[EventType]:
        """Stop, start over, or the status: asked of the form while it waits for a datum."""
        if control == form_turn.STATUS:
            report_status(dispatcher, tracker)
            return [SlotSet("form_turn", uuid.uuid4().hex)]  # then the same question again
        # The form ends here; what was given stays (action_show_summary says it is paused).
        events: list[EventType] = [SlotSet("form_paused", True), SlotSet("requested_slot", None)]
        if control == form_turn.RESTART:
            events.append(FollowupAction("action_restart"))
        return [*events, ActiveLoop(None)]

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
        checked = pd.check_email(email_in_text(str(value)) or str(value))
        return self._check(dispatcher, tracker, "email", checked)

    async def validate_telefono(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        checked = pd.check_telefono(phone_in_text(str(value)) or str(value))
        return self._check(dispatcher, tracker, "telefono", checked)

    async def validate_cap(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        cap = cap_in_text(str(value), labelled_only=False) or str(value)
        result = self._check(dispatcher, tracker, "cap", pd.check_cap(cap))
        if result.get("cap"):
            # The office follows the CAP: proposed in the summary, where it can be changed.
            result["unita"] = pd.suggest_unita(result["cap"])
        return result

    async def validate_unita(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        cap = tracker.get_slot("cap")
        if str(value) == "si" or _intent(tracker) == "affirm":
            suggestion = pd.suggest_unita(cap)
            if suggestion:
                return self._ok(tracker, "unita", suggestion)
        return self._check(dispatcher, tracker, "unita", pd.check_unita(str(value), cap=cap))

    def _optional(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, slot: str, value: Any, check: Any
    ) -> dict[str, Any]:
        if value == filing.NOT_GIVEN:
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
    """Asks for the INAIL office, suggesting the one of the CAP's province when known."""

    def name(self) -> str:
        return "action_ask_unita"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        _send(dispatcher, [filing.ask_unita(get_content(), tracker.get_slot("cap"))])
        return []


class ActionShowSummary(Action):
    """Shows the request as it will be filed, with what to check, and asks to confirm."""

    def name(self) -> str:
        return "action_show_summary"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        if tracker.get_slot("form_paused"):
            # The form was stopped, not completed ("lo finisco dopo").
            dispatcher.utter_message(response="utter_form_paused")
            return [SlotSet("form_paused", None)]
        files = documents.received_files(tracker.sender_id)
        _send(dispatcher, filing.summary(get_content(), form_slots(tracker), files))
        return [
            SlotSet("summary_id", uuid.uuid4().hex),
            SlotSet("pending_question", "conferma_invio"),
        ]


def file_ticket_from_tracker(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """Files the confirmed summary, once; the caller has checked that the doctor said yes."""
    content = get_content()
    summary_id = tracker.get_slot("summary_id")
    if not summary_id:
        _send(dispatcher, [filing.nothing_to_confirm(content)])
        return []
    channel = filing.channel_of(tracker.sender_id, tracker.get_latest_input_channel())
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
        _send(dispatcher, [filing.db_error(content)])
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


class ActionCorrectField(Action):
    """Asks again for one datum or file of the summary."""

    def name(self) -> str:
        return "action_correct_field"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        content = get_content()
        field = next(tracker.get_latest_entity_values("campo"), None)
        if field not in CORRECTABLE:
            _send(dispatcher, [filing.which_field(content)])
            return []
        events: list[EventType] = [
            SlotSet(field, None),
            SlotSet("summary_id", None),
            SlotSet("pending_question", None),
        ]
        if field in ("modulo", "documento"):
            discard_files(tracker.sender_id, field)
            events.append(SlotSet("documento_atteso", None))
        if field == "documento":
            events += await ActionAskDocumento().run(dispatcher, tracker, domain)
        elif field == "unita":
            events += await ActionAskUnita().run(dispatcher, tracker, domain)
        else:
            dispatcher.utter_message(response=f"utter_ask_{field}")
        return [*events, ActiveLoop("filing_form"), SlotSet("requested_slot", field)]


def report_status(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """The status of this doctor's requests (another ticket only with its number and e-mail)."""
    text = _text(tracker)
    email = next(tracker.get_latest_entity_values("email"), None) or email_in_text(text)
    _send(dispatcher, filing.status_replies(get_content(), tracker.sender_id, text, email))


class ActionReportStatus(Action):
    """The status of this doctor's requests (another ticket only with its e-mail)."""

    def name(self) -> str:
        return "action_report_status"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        report_status(dispatcher, tracker)
        return []
