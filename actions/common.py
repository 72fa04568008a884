"""Small helpers shared by the actions: reading the tracker, sending replies, counting failures."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.dialogue import filing
from bot.dialogue.content import Reply, get_content

MAX_FAILURES_BEFORE_HELP = 3


def send(dispatcher: CollectingDispatcher, messages: list[Reply]) -> None:
    for reply in messages:
        dispatcher.utter_message(**reply.as_message())


def latest_intent(tracker: Tracker) -> str:
    return str((tracker.latest_message.get("intent") or {}).get("name") or "")


def form_slots(tracker: Tracker) -> dict[str, Any]:
    """The data of the request as the form has them so far."""
    return {name: tracker.get_slot(name) for name in filing.FIELDS}


def count_failure(dispatcher: CollectingDispatcher, tracker: Tracker, slot: str) -> dict[str, int]:
    """One more failed answer for `slot`; from the third, the format and a way to stop."""
    failures = dict(tracker.get_slot("failed_attempts") or {})
    failures[slot] = int(failures.get(slot, 0)) + 1
    if failures[slot] >= MAX_FAILURES_BEFORE_HELP:
        content = get_content()
        section = content.section("filing")
        reply = Reply(
            content.render(
                section["too_many_failures"], formato=content.render(section["formats"][slot])
            ),
            content.buttons(section["too_many_failures_buttons"]),
        )
        send(dispatcher, [reply])
    return failures
