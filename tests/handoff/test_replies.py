"""What the doctor reads when asking for a person: a person and a queue or a contact, never the
credentials question again."""

from __future__ import annotations

import re
from datetime import datetime, timezone

from bot.dialogue.content import get_content
from bot.handoff.hours import parse_hours
from bot.handoff.models import WAITING
from bot.handoff.replies import on_callback, on_request, opening_text
from bot.handoff.service import HandoffState

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)  # a Sunday
A_PERSON = re.compile(r"operator\w*|persona", re.I)
A_WAY = re.compile(r"in coda|contatti|supporto|risponderà", re.I)


def _check(text: str) -> None:
    assert A_PERSON.search(text) and A_WAY.search(text)
    assert "credenziali" not in text.lower()


def test_in_the_queue_the_place_and_the_wait_and_a_way_out() -> None:
    state = HandoffState(id=1, status=WAITING, position=2, wait_minutes=12)
    reply = on_request(get_content(), state, parse_hours("sempre"), NOW, already=False)
    _check(reply.text)
    assert "posto n. 2" in reply.text and "circa 12 minuti" in reply.text
    assert [b.payload for b in reply.buttons] == ["/cancel_handoff"]


def test_out_of_hours_when_they_are_back_and_a_message_to_leave() -> None:
    hours = parse_hours("lun-ven 08:00-18:00")
    state = HandoffState(
        id=None, status=None, is_open_now=False, next_opening=hours.next_opening(NOW)
    )
    reply = on_request(get_content(), state, hours, NOW, already=False)
    _check(reply.text)
    assert "domani alle 08:00" in reply.text and "lun-ven" not in reply.text
    assert "lun 08:00–18:00" in reply.text
    assert [b.payload for b in reply.buttons] == ["/leave_message", "/cancel_handoff"]


def test_nobody_online_a_message_to_leave() -> None:
    state = HandoffState(id=None, status=None, is_open_now=True, operators_online=0)
    reply = on_request(get_content(), state, parse_hours("sempre"), NOW, already=False)
    _check(reply.text)
    assert "nessun operatore" in reply.text


def test_the_answer_comes_where_the_doctor_asked() -> None:
    assert "dott@example.it" in on_callback(get_content(), "dott@example.it").text
    assert "qui in chat." in on_callback(get_content(), None).text


def test_opening_hours_as_a_doctor_reads_them() -> None:
    assert opening_text(parse_hours("lun-ven 08:00-13:00 14:00-18:00")).startswith(
        "lun 08:00–13:00 e 14:00–18:00, mar"
    )
    assert opening_text(parse_hours("sempre")) == "sempre"
