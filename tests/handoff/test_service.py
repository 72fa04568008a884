"""The hand-off's states as both sides see them, on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
import json
import threading
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from bot.config import Settings, get_settings
from bot.handoff import service
from bot.handoff.hours import InvalidHours, parse_hours
from bot.handoff.models import ASSIGNED, CANCELLED, RESOLVED, WAITING, Handoff, HandoffEvent
from bot.tickets import UnitOfWork
from bot.tickets.models import OutboxMessage

MONDAY_10 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)  # 10:00 in Rome
SUNDAY_10 = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)


def settings(hours: str = "lun-ven 08:00-18:00", per: int = 6) -> Settings:
    return dataclasses.replace(
        get_settings(), handoff_hours=hours, handoff_minutes_per_conversation=per
    )


def outbox(uow: UnitOfWork, conversation: str) -> list[tuple[str, str, dict]]:
    with uow:
        rows = uow.session.execute(
            select(OutboxMessage)
            .where(OutboxMessage.conversation_id == conversation)
            .order_by(OutboxMessage.id)
        ).scalars()
        return [(r.channel, r.kind, json.loads(r.payload)) for r in rows]


def test_out_of_hours_nothing_is_queued_and_the_doctor_learns_when_it_opens(
    uow: UnitOfWork,
) -> None:
    service.heartbeat(uow, "mario.rossi", now=SUNDAY_10)
    state = service.request_handoff(uow, "c1", "socketio", now=SUNDAY_10, settings=settings())
    assert state.status is None and not state.is_open_now
    assert state.next_opening.astimezone(timezone.utc) == datetime(
        2026, 3, 2, 7, 0, tzinfo=timezone.utc
    )
    assert service.queue(uow)[WAITING] == []


def test_nobody_online_means_no_queue(uow: UnitOfWork) -> None:
    state = service.request_handoff(uow, "c1", "socketio", now=MONDAY_10, settings=settings())
    assert state.status is None and state.is_open_now and state.operators_online == 0


def test_an_operator_whose_console_went_quiet_is_not_online(uow: UnitOfWork) -> None:
    service.heartbeat(uow, "mario.rossi", now=MONDAY_10 - timedelta(minutes=5))
    state = service.request_handoff(uow, "c1", "socketio", now=MONDAY_10, settings=settings())
    assert state.status is None and state.operators_online == 0


def test_the_queue_gives_each_doctor_a_place_and_an_expected_wait(uow: UnitOfWork) -> None:
    service.heartbeat(uow, "mario.rossi", now=MONDAY_10)
    first = service.request_handoff(uow, "c1", "socketio", now=MONDAY_10, settings=settings(per=5))
    second = service.request_handoff(
        uow, "c2", "telegram", now=MONDAY_10 + timedelta(seconds=5), settings=settings(per=5)
    )
    assert (first.status, first.position, first.wait_minutes) == (WAITING, 1, 5)
    assert (second.position, second.wait_minutes) == (2, 10)
    # Asked again: the same place, not a second request.
    again = service.request_handoff(
        uow, "c1", "socketio", now=MONDAY_10 + timedelta(seconds=9), settings=settings(per=5)
    )
    assert again.id == first.id and again.position == 1
    # Two operators online halve the wait of the second doctor.
    service.heartbeat(uow, "anna.verdi", now=MONDAY_10 + timedelta(seconds=10))
    state = service.state_of(
        uow, "c2", now=MONDAY_10 + timedelta(seconds=11), settings=settings(per=5)
    )
    assert (state.position, state.wait_minutes) == (2, 5)
    waiting = service.queue(uow)[WAITING]
    assert [item.conversation_id for item in waiting] == ["c1", "c2"]  # oldest first


def test_take_reply_hand_back_and_rate_each_say_it_to_the_doctor(uow: UnitOfWork) -> None:
    service.heartbeat(uow, "mario.rossi", now=MONDAY_10)
    state = service.request_handoff(uow, "c1", "socketio", now=MONDAY_10, settings=settings())
    taken = service.take(uow, state.id, "mario.rossi", now=MONDAY_10 + timedelta(minutes=2))
    assert taken.status == ASSIGNED and taken.operator_name == "Mario R."
    assert service.is_with_operator(uow, "c1")
    service.typing(uow, state.id, "mario.rossi", now=MONDAY_10 + timedelta(minutes=3))
    seen = service.state_of(uow, "c1", now=MONDAY_10 + timedelta(minutes=3, seconds=2))
    assert seen.operator_typing and seen.operator_name == "Mario R."
    service.reply(uow, state.id, "mario.rossi", "Buongiorno, mi dica.")
    service.add_note(uow, state.id, "mario.rossi", "Richiamare per il retro del documento")
    service.hand_back(uow, state.id, "mario.rossi", now=MONDAY_10 + timedelta(minutes=9))
    assert service.rate(uow, "c1", "up")
    assert service.comment(uow, "c1", "  molto  gentile ")
    kinds = [(channel, kind) for channel, kind, _ in outbox(uow, "c1")]
    assert kinds == [
        ("socketio", "handoff_taken"),
        ("socketio", "operator_message"),
        ("socketio", "handoff_resolved"),
    ]
    assert outbox(uow, "c1")[1][2] == {"operatore": "Mario R.", "testo": "Buongiorno, mi dica."}
    with uow:
        handoff = uow.session.get(Handoff, state.id)
        assert (handoff.status, handoff.rating, handoff.comment) == (
            RESOLVED,
            "up",
            "molto gentile",
        )
        kinds = (
            uow.session.execute(
                select(HandoffEvent.kind)
                .where(HandoffEvent.handoff_id == state.id)
                .order_by(HandoffEvent.id)
            )
            .scalars()
            .all()
        )
    assert kinds == ["requested", "taken", "message", "note", "resolved", "rated", "commented"]
    assert service.state_of(uow, "c1").status is None  # the bot again


def test_only_the_operator_who_took_it_answers(uow: UnitOfWork) -> None:
    service.heartbeat(uow, "mario.rossi", now=MONDAY_10)
    state = service.request_handoff(uow, "c1", "rest", now=MONDAY_10, settings=settings())
    service.take(uow, state.id, "mario.rossi", now=MONDAY_10)
    with pytest.raises(service.HandoffError) as raised:
        service.reply(uow, state.id, "anna.verdi", "ci penso io")
    assert raised.value.code == "assistenza_di_altro_operatore"


def test_two_operators_racing_for_one_conversation_one_wins(uow: UnitOfWork) -> None:
    service.heartbeat(uow, "mario.rossi", now=MONDAY_10)
    state = service.request_handoff(uow, "c1", "socketio", now=MONDAY_10, settings=settings())
    start = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def take(username: str) -> None:
        start.wait()
        try:
            service.take(UnitOfWork(uow._session_factory), state.id, username, now=MONDAY_10)
            outcomes[username] = "won"
        except service.HandoffError as error:
            outcomes[username] = error.code

    threads = [
        threading.Thread(target=take, args=(name,)) for name in ("mario.rossi", "anna.verdi")
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes.values()) == ["assistenza_gia_presa", "won"]
    assert [kind for _, kind, _ in outbox(uow, "c1")] == ["handoff_taken"]  # said once


def test_the_doctor_cancels_the_wait_but_not_once_taken(uow: UnitOfWork) -> None:
    service.heartbeat(uow, "mario.rossi", now=MONDAY_10)
    first = service.request_handoff(uow, "c1", "socketio", now=MONDAY_10, settings=settings())
    assert service.cancel_handoff(uow, "c1")
    assert service.get(uow, first.id).status == CANCELLED
    assert not service.cancel_handoff(uow, "c1")
    second = service.request_handoff(uow, "c1", "socketio", now=MONDAY_10, settings=settings())
    assert second.id != first.id
    service.take(uow, second.id, "mario.rossi", now=MONDAY_10)
    assert not service.cancel_handoff(uow, "c1")


def test_a_message_left_out_of_hours_is_answered_in_the_chat_and_by_email(uow: UnitOfWork) -> None:
    handoff_id = service.leave_callback(
        uow, "telegram:5", "telegram", "Mi serve aiuto col modulo", "dott@example.it", now=SUNDAY_10
    )
    assert [i.id for i in service.queue(uow)["callback"]] == [handoff_id]
    service.answer_callback(uow, handoff_id, "anna.verdi", "Il modulo va firmato in fondo.")
    sent = outbox(uow, "telegram:5")
    assert [(c, k) for c, k, _ in sent] == [
        ("telegram", "callback_answer"),
        ("email", "callback_answer"),
    ]
    assert sent[0][2]["testo"] == "Il modulo va firmato in fondo."
    with pytest.raises(service.HandoffError):
        service.answer_callback(uow, handoff_id, "mario.rossi", "anche io")
    assert service.queue(uow)["callback"] == []


@pytest.mark.parametrize(
    ("spec", "moment", "open_"),
    [
        ("lun-ven 08:00-18:00", MONDAY_10, True),
        ("lun-ven 08:00-18:00", SUNDAY_10, False),
        ("lun-ven 08:00-09:30 14:00-18:00", MONDAY_10, False),
        ("sab-dom 09:00-12:00", SUNDAY_10, True),
        ("sempre", SUNDAY_10, True),
        ("mai", MONDAY_10, False),
    ],
)
def test_opening_hours(spec: str, moment: datetime, open_: bool) -> None:
    assert parse_hours(spec).is_open(moment) is open_


@pytest.mark.parametrize("spec", ["lun 8-18", "xyz 08:00-18:00", "lun 18:00-08:00", "lun"])
def test_bad_opening_hours_are_refused(spec: str) -> None:
    with pytest.raises(InvalidHours):
        parse_hours(spec)


def test_display_names() -> None:
    assert service.display_name("mario.rossi") == "Mario R."
    assert service.display_name("anna") == "Anna"
