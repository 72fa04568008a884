"""Custom actions of the conversation: thin adapters from the tracker to `bot.dialogue`."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import send as _send
from actions.common import state_of, turn_of
from actions.filing import file_ticket_from_tracker, report_status
from bot.dialogue import filing, turns
from bot.dialogue.content import get_content


class ActionRespond(Action):
    """Answers a message outside the filing form: the path, a question, a yes or no, small talk."""

    def name(self) -> str:
        return "action_respond"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        content = get_content()
        outcome = turns.respond(content, turn_of(tracker), state_of(tracker))
        _send(dispatcher, outcome.replies)
        events: list[EventType] = [
            SlotSet("pending_question", outcome.pending_question),
            SlotSet("last_prompt", outcome.last_prompt),
        ]
        if outcome.set_path:
            events += [SlotSet("path", outcome.path), SlotSet("credenziale", outcome.credential)]
        if outcome.file_ticket:
            events += file_ticket_from_tracker(dispatcher, tracker)
        elif outcome.confirm_declined:
            _send(dispatcher, [filing.not_confirmed(content)])
        elif outcome.report_status:
            report_status(dispatcher, tracker)
        elif outcome.start_form:
            events.append(FollowupAction("filing_form"))
        return events
