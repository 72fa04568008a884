"""Small helpers shared by the actions: reading the tracker, sending replies."""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.dialogue.content import Reply


def send(dispatcher: CollectingDispatcher, messages: list[Reply]) -> None:
    for reply in messages:
        dispatcher.utter_message(**reply.as_message())


def latest_intent(tracker: Tracker) -> str:
    return str((tracker.latest_message.get("intent") or {}).get("name") or "")
