"""The widget's side of the channel seam (`bot.channels`): Rasa pushes what is said into a
widget conversation to its socket.io room itself, when the speaker records it.

"Sta scrivendo" and the hand-off's state reach the widget through `GET /widget/api/handoff/
<session id>`, which it asks while a hand-off is open: nothing to push for those.
"""

from __future__ import annotations

from bot.config import Settings
from bot.notify.speaker import HistoryOnly


class WidgetChannel(HistoryOnly):
    """Recorded in the history like REST, and Rasa pushes it to the socket.io room."""

    name = "socketio"
    rasa_output_channel: str | None = "socketio"


def build_adapter(settings: Settings) -> WidgetChannel:
    return WidgetChannel()
