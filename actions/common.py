"""Small helpers shared by the actions: reading the tracker, sending replies, counting failures."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.dialogue import filing, turns
from bot.dialogue.content import Reply, get_content
from bot.nlu.credentials import HAS, POLARITIES, Mention

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
        send(dispatcher, [filing.too_many_failures(get_content(), slot)])
    return failures


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


def mentions_of(tracker: Tracker) -> list[Mention]:
    """The credentials named in the latest message (a button's entity counts as held)."""
    found = []
    for entity in tracker.latest_message.get("entities") or []:
        if entity.get("entity") != "credenziale":
            continue
        role = entity.get("role")
        polarity = role if role in POLARITIES else HAS
        found.append(
            Mention(
                str(entity.get("value")),
                polarity,
                int(entity.get("start") or 0),
                int(entity.get("end") or 0),
            )
        )
    return found


def turn_of(tracker: Tracker) -> turns.Turn:
    message = tracker.latest_message
    text = str(message.get("text") or "")
    intent = message.get("intent") or {}
    ranking = tuple(
        (str(item.get("name")), float(item.get("confidence") or 0.0))
        for item in message.get("intent_ranking") or []
    )
    return turns.Turn(
        text=text,
        intent=str(intent.get("name") or ""),
        confidence=float(intent.get("confidence") or 0.0),
        ranking=ranking,
        mentions=tuple(mentions_of(tracker)),
        # The channels let through only the button payloads the assistant just offered.
        is_button=text.startswith("/"),
    )


def state_of(tracker: Tracker) -> turns.State:
    return turns.State(
        path=tracker.get_slot("path"),
        pending_question=tracker.get_slot("pending_question"),
        last_prompt=tracker.get_slot("last_prompt"),
        misunderstood_in_a_row=misunderstood_in_a_row(tracker),
    )
