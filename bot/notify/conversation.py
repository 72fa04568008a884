"""Status changes told inside the conversation, for the widget (socket.io) and REST clients.

The notifier tells Rasa that the ticket changed (`status_changed`); the assistant answers with
the ticket's status as it does when asked, so the message is in the conversation's history
too. On socket.io it reaches the widget at once (its room is the session id); a REST client
finds it in the conversation.
"""

from __future__ import annotations

from bot.config import Settings
from bot.notify.senders import Sender
from bot.rasa_client import RasaClient
from bot.tickets import Notification

STATUS_CHANGED_INTENT = "status_changed"


class ConversationSender:
    def __init__(self, rasa: RasaClient, output_channel: str | None) -> None:
        self._rasa = rasa
        self._output_channel = output_channel

    async def send(self, notification: Notification) -> str | None:
        messages = await self._rasa.trigger_intent(
            notification.conversation_id,
            STATUS_CHANGED_INTENT,
            output_channel=self._output_channel,
        )
        return f"{len(messages)} messages" if messages else None

    async def aclose(self) -> None:
        await self._rasa.aclose()


def build_socketio_sender(settings: Settings) -> Sender | None:
    return ConversationSender(RasaClient(settings), "socketio")


def build_rest_sender(settings: Settings) -> Sender | None:
    return ConversationSender(RasaClient(settings), None)
