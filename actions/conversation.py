"""Custom actions of the conversation: thin adapters from the tracker to `bot.dialogue`."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import latest_intent as _intent
from actions.common import send as _send
from actions.filing import file_ticket_from_tracker
from bot.dialogue import replies
from bot.dialogue.content import Reply, get_content


def _previous_path(tracker: Tracker) -> str | None:
    """The path before the latest change, read from the slot's history."""
    values = [
        e.get("value")
        for e in tracker.events
        if e.get("event") == "slot" and e.get("name") == "path"
    ]
    return values[-2] if len(values) >= 2 else None


def misunderstood_in_a_row(tracker: Tracker) -> int:
    """How many of the latest user messages, counted back from now, were not understood."""
    count = 0
    for event in reversed(tracker.events):
        if event.get("event") != "user":
            continue
        intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        if intent != "nlu_fallback":
            break
        count += 1
    return count


class ActionExplainPath(Action):
    """Explains the doctor's procedure, or asks for the credentials while it is unknown."""

    def name(self) -> str:
        return "action_explain_path"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        content = get_content()
        path = tracker.get_slot("path")
        if path not in ("A", "B", "C"):
            _send(dispatcher, [replies.continue_prompt(content, None)])
            return []
        previous = _previous_path(tracker)
        named = [str(value) for value in tracker.get_latest_entity_values("credenziale")]
        messages = replies.path_explanation(
            content, path, named, changed=previous is not None and previous != path
        )
        _send(dispatcher, messages)
        return [SlotSet("pending_question", None)]


class ActionAnswerQuestion(Action):
    """Answers a question asked at any point, in the variant for the doctor's path."""

    def name(self) -> str:
        return "action_answer_question"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        _send(dispatcher, replies.answer(get_content(), _intent(tracker), tracker.get_slot("path")))
        return []


class ActionContinue(Action):
    """Brings the doctor back to where they were."""

    def name(self) -> str:
        return "action_continue"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        _send(dispatcher, [replies.continue_prompt(get_content(), tracker.get_slot("path"))])
        return []


class ActionClarifyCredentials(Action):
    """Asks a short question when the credential named does not decide the path."""

    def name(self) -> str:
        return "action_clarify_credentials"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        reply, question = replies.clarification(get_content(), _intent(tracker))
        _send(dispatcher, [reply])
        return [SlotSet("pending_question", question)]


class ActionAnswerYesNo(Action):
    """Understands a typed "sì"/"no" from the last question the assistant asked."""

    def name(self) -> str:
        return "action_answer_yes_no"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        if tracker.get_slot("pending_question") == "conferma_invio":
            return self._confirm(dispatcher, tracker)
        outcome = replies.yes_no(
            get_content(),
            tracker.get_slot("pending_question"),
            affirmed=_intent(tracker) == "affirm",
            path=tracker.get_slot("path"),
        )
        _send(dispatcher, outcome.replies)
        events: list[EventType] = [SlotSet("pending_question", outcome.question)]
        if outcome.path:
            events += [SlotSet("path", outcome.path), SlotSet("credenziale", outcome.credential)]
        return events

    def _confirm(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        if _intent(tracker) == "affirm":
            return file_ticket_from_tracker(dispatcher, tracker)
        content = get_content()
        section = content.section("filing")
        reply = Reply(
            content.render(section["not_confirmed"]), content.buttons(["correct", "file_here"])
        )
        _send(dispatcher, [reply])
        return [SlotSet("pending_question", None)]


class ActionFallback(Action):
    """Says the message was not understood and offers options; a person after two misses."""

    def name(self) -> str:
        return "action_fallback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        ranking = [
            (str(item.get("name")), float(item.get("confidence") or 0.0))
            for item in tracker.latest_message.get("intent_ranking") or []
        ]
        if not str(tracker.latest_message.get("text") or "").strip():
            reply = replies.empty_message(get_content())
        else:
            reply = replies.fallback(get_content(), misunderstood_in_a_row(tracker), ranking)
        _send(dispatcher, [reply])
        return []
