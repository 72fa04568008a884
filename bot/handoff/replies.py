"""What the assistant answers about a person, decided from plain values (no Rasa here).

Texts: the `handoff` section of bot/content/inail.yml; actions/handoff.py sends the replies.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.dialogue.content import Button, Content, Reply
from bot.handoff.hours import DAYS, OpeningHours
from bot.handoff.models import ASSIGNED, WAITING
from bot.handoff.service import HandoffState

ROME = ZoneInfo("Europe/Rome")
DAY_NAMES = ("lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato", "domenica")


def minutes(value: int) -> str:
    return "circa 1 minuto" if value <= 1 else f"circa {value} minuti"


def opening_text(opening: OpeningHours) -> str:
    """ "lun-ven 08:00-18:00" as a doctor reads it."""
    if opening.text == "sempre":
        return "sempre"
    parts = []
    for day, periods in enumerate(opening.periods):
        if periods:
            spans = " e ".join(f"{a:%H:%M}–{b:%H:%M}" for a, b in periods).replace("23:59", "24:00")
            parts.append(f"{DAYS[day]} {spans}")
    return ", ".join(parts) or "nessun orario"


def when_text(moment: datetime | None, now: datetime) -> str:
    if moment is None:
        return "appena possibile"
    local, today = moment.astimezone(ROME), now.astimezone(ROME).date()
    if local.date() == today:
        return f"oggi alle {local:%H:%M}"
    if (local.date() - today).days == 1:
        return f"domani alle {local:%H:%M}"
    return f"{DAY_NAMES[local.weekday()]} alle {local:%H:%M}"


def _reply(content: Content, key: str, buttons: str | None = None, **values: str) -> Reply:
    section = content.section("handoff")
    listed = (
        tuple(
            Button(title=str(b["title"]), payload=str(b["payload"]))
            for b in section.get(buttons) or []
        )
        if buttons
        else ()
    )
    return Reply(content.render(section[key], **values), listed)


def on_request(
    content: Content, state: HandoffState, opening: OpeningHours, now: datetime, *, already: bool
) -> Reply:
    """After "vorrei parlare con una persona": in the queue, with someone, or a message."""
    if state.status == WAITING:
        return _reply(
            content,
            "already_waiting" if already else "queued",
            "queued_buttons",
            posizione=str(state.position or 1),
            attesa=minutes(state.wait_minutes or 1),
        )
    if state.status == ASSIGNED:
        return _reply(content, "with_operator", operatore=state.operator_name or "")
    if not state.is_open_now:
        return _reply(
            content,
            "closed",
            "unavailable_buttons",
            orari=opening_text(opening),
            riapertura=when_text(state.next_opening, now),
        )
    return _reply(content, "nobody", "unavailable_buttons")


def on_cancel(content: Content, cancelled: bool) -> Reply:
    return _reply(content, "cancelled" if cancelled else "nothing_to_cancel")


def on_callback(content: Content, reply_email: str | None) -> Reply:
    via = f"qui in chat e all'indirizzo {reply_email}" if reply_email else "qui in chat"
    return _reply(content, "callback_left", risposta=via)


def text(content: Content, key: str) -> Reply:
    return _reply(content, key)
