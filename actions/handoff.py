"""Custom actions of the hand-off to a person: thin adapters over bot.handoff."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import latest_intent, send
from bot.conversation_ids import channel_of
from bot.db.types import utc_now
from bot.dialogue.content import Reply, get_content
from bot.handoff import replies, service
from bot.tickets import UnitOfWork
from bot.tickets import personal_data as pd

IN_CHAT = "chat"
NO_COMMENT = "-"


def _say(dispatcher: CollectingDispatcher, reply: Reply) -> None:
    send(dispatcher, [reply])


def _text(dispatcher: CollectingDispatcher, key: str) -> None:
    _say(dispatcher, replies.text(get_content(), key))


def _channel(tracker: Tracker) -> str:
    return channel_of(tracker.sender_id, tracker.get_latest_input_channel())


class ActionRequestHandoff(Action):
    """The doctor asks for a person: a place in the queue, or a message to leave."""

    def name(self) -> str:
        return "action_request_handoff"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        now = utc_now()
        before = service.state_of(UnitOfWork(read_only=True), tracker.sender_id, now=now)
        state = service.request_handoff(UnitOfWork(), tracker.sender_id, _channel(tracker), now=now)
        reply = replies.on_request(
            get_content(), state, service.hours(), now, already=before.status is not None
        )
        _say(dispatcher, reply)
        return []


class ActionCancelHandoff(Action):
    """ "Lasci stare, continuo con l'assistente": out of the queue, the bot goes on."""

    def name(self) -> str:
        return "action_cancel_handoff"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        cancelled = service.cancel_handoff(UnitOfWork(), tracker.sender_id)
        _say(dispatcher, replies.on_cancel(get_content(), cancelled))
        return [SlotSet("callback_message", None), SlotSet("callback_email", None)]


class ValidateCallbackForm(FormValidationAction):
    def name(self) -> str:
        return "validate_callback_form"

    async def validate_callback_message(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if value is None:  # reset, not answered: nothing to check
            return {"callback_message": None}
        text = " ".join(str(value).split())
        if len(text) < 3:
            _text(dispatcher, "message_too_short")
            return {"callback_message": None}
        return {"callback_message": text}

    async def validate_callback_email(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if value is None:
            return {"callback_email": None}
        if value == IN_CHAT or latest_intent(tracker) == "deny":
            return {"callback_email": IN_CHAT}
        checked = pd.check_email(str(value or ""))
        if not checked.ok:
            _text(dispatcher, "invalid_email")
            return {"callback_email": None}
        return {"callback_email": checked.value}


class ActionLeaveCallback(Action):
    """The message is complete: it becomes a callback request in the console."""

    def name(self) -> str:
        return "action_leave_callback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        message = str(tracker.get_slot("callback_message") or "")
        email = tracker.get_slot("callback_email")
        reply_email = None if email in (None, IN_CHAT) else str(email)
        service.leave_callback(
            UnitOfWork(), tracker.sender_id, _channel(tracker), message, reply_email
        )
        _say(dispatcher, replies.on_callback(get_content(), reply_email))
        return [SlotSet("callback_message", None), SlotSet("callback_email", None)]


class ActionRateHandoff(Action):
    """👍/👎 after an operator handed the conversation back."""

    def name(self) -> str:
        return "action_rate_handoff"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        rating = next(tracker.get_latest_entity_values("valutazione"), None)
        service.rate(UnitOfWork(), tracker.sender_id, str(rating or ""))
        _text(dispatcher, "rated")
        return [SlotSet("handoff_comment", None)]


class ValidateHandoffFeedbackForm(FormValidationAction):
    def name(self) -> str:
        return "validate_handoff_feedback_form"

    async def validate_handoff_comment(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if value is None:  # reset when the rating came in: the question is still to ask
            return {"handoff_comment": None}
        if latest_intent(tracker) == "deny":
            return {"handoff_comment": NO_COMMENT}
        text = " ".join(str(value).split())
        return {"handoff_comment": text or NO_COMMENT}


class ActionSaveHandoffComment(Action):
    def name(self) -> str:
        return "action_save_handoff_comment"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        text = str(tracker.get_slot("handoff_comment") or NO_COMMENT)
        if text != NO_COMMENT:
            service.comment(UnitOfWork(), tracker.sender_id, text)
            _text(dispatcher, "comment_thanks")
        else:
            _text(dispatcher, "no_comment")
        return [SlotSet("handoff_comment", None)]
