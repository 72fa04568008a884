"""The one way of speaking into a conversation: record the notice in its history, deliver it on
its own channel, once.

For each outbox row of a conversation channel the notifier calls `ConversationSender.send`:

1. the notice is rendered from the catalogue (`notices.render`);
2. it is appended to the conversation's history in Rasa as a bot message carrying
   `{"notice": {"id", "kind", "author", "file"…}}` in its metadata, unless the history has that
   notice id already (a retry after a crash records nothing twice). Hand-off notices bring
   their control event with them: `pause` after "an operator is here", `resume` before "the
   assistant is back";
3. the channel's adapter delivers it: Rasa itself pushes it to the widget's socket.io room
   (`rasa_output_channel`); Telegram's adapter sends it through the Bot API; REST clients read
   it in the history.

A channel's adapter is registered in `bot.channels`; see the README's "Adding a channel".
"""

from __future__ import annotations

from typing import Any, Protocol

from bot.config import Settings
from bot.notify.notices import Notice, UnknownNotice, render
from bot.notify.senders import PermanentFailure
from bot.rasa_client import RasaClient
from bot.texts import TextError
from bot.tickets import Notification

PAUSE_AFTER = frozenset({"handoff_taken"})
RESUME_BEFORE = frozenset({"handoff_resolved"})


class ChannelAdapter(Protocol):
    """How a channel speaks back into its conversations (outside a reply to the doctor)."""

    name: str
    # The Rasa channel that pushes a recorded message by itself (None: `deliver` does it).
    rasa_output_channel: str | None

    async def deliver(self, conversation_id: str, notice: Notice) -> str | None:
        """Shows the notice to the doctor; returns a receipt (e.g. a message id) or None."""

    async def typing(self, conversation_id: str) -> None:
        """Shows "sta scrivendo" for a few seconds, where the channel can."""

    async def aclose(self) -> None: ...


def bot_event(notice: Notice, notice_id: int) -> dict[str, Any]:
    data: dict[str, Any] = {}
    if notice.buttons:
        data["buttons"] = [
            {"title": title, "payload": payload} for title, payload in notice.buttons
        ]
    return {
        "event": "bot",
        "text": notice.text,
        "data": data,
        "metadata": {"notice": notice.metadata(notice_id)},
    }


def recorded_notice_ids(tracker: dict[str, Any]) -> set[int]:
    found: set[int] = set()
    for event in tracker.get("events") or []:
        if event.get("event") != "bot":
            continue
        notice = (event.get("metadata") or {}).get("notice")
        if isinstance(notice, dict) and isinstance(notice.get("id"), int):
            found.add(notice["id"])
    return found


# A form left active while paused would take what the doctor writes to the operator as its
# answers (Rasa still extracts slots when paused): it is closed, keeping what it has; the doctor
# resumes it afterwards ("riprendiamo la richiesta").
STOP_FORM = [
    {"event": "active_loop", "name": None},
    {"event": "slot", "name": "requested_slot", "value": None},
]


def events_for(notice: Notice, notice_id: int) -> list[dict[str, Any]]:
    events = [bot_event(notice, notice_id)]
    if notice.kind in PAUSE_AFTER:
        events += [*STOP_FORM, {"event": "pause"}]
    if notice.kind in RESUME_BEFORE:
        events.insert(0, {"event": "resume"})
    return events


class ConversationSender:
    """The notifier's sender for one conversation channel."""

    def __init__(self, adapter: ChannelAdapter, rasa: RasaClient) -> None:
        self.adapter = adapter
        self.rasa = rasa

    async def send(self, notification: Notification) -> str | None:
        conversation = notification.conversation_id
        try:
            notice = render(notification.kind, notification.payload, conversation)
        except (UnknownNotice, TextError, KeyError) as error:
            raise PermanentFailure(f"no text for notice {notification.kind!r}: {error}") from None
        tracker = await self.rasa.tracker(conversation)
        recorded = "already recorded"
        if notification.id not in recorded_notice_ids(tracker):
            await self.rasa.append_events(
                conversation,
                events_for(notice, notification.id),
                output_channel=self.adapter.rasa_output_channel,
            )
            recorded = "recorded"
        receipt = await self.adapter.deliver(conversation, notice)
        return receipt or recorded

    async def aclose(self) -> None:
        await self.adapter.aclose()
        await self.rasa.aclose()


class HistoryOnly:
    """REST clients: nothing to push to; they find the notice in the conversation's history."""

    name = "rest"
    rasa_output_channel: str | None = None

    async def deliver(self, conversation_id: str, notice: Notice) -> str | None:
        return None

    async def typing(self, conversation_id: str) -> None:
        return None

    async def aclose(self) -> None:
        return None


def build_rest_adapter(settings: Settings) -> ChannelAdapter:
    return HistoryOnly()
