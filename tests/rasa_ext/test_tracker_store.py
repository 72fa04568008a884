"""The SQL tracker store on a real SQLite file and on PostgreSQL: a long session is handed to
Rasa in part, with the same state as the whole history, saving stores exactly what was added,
and no statement reads a conversation's events again for each event it reads."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    BotUttered,
    ConversationPaused,
    Event,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from bot.config import PROJECT_ROOT
from bot.conversation_ids import opened_by
from bot.rasa_ext import tracker_store
from bot.rasa_ext.tracker_store import UrlSQLTrackerStore
from tests.tickets.conftest import db_url, postgres_server  # noqa: F401

DOMAIN = Domain.load(str(PROJECT_ROOT / "domain.yml"))
BOUND = (
    tracker_store.RECENT_EVENTS
    + tracker_store.OPENING_EVENTS
    + len(DOMAIN.slots)
    + len(tracker_store.LATEST_OF)
    + 1
)


def run(coroutine: Any) -> Any:
    return asyncio.run(coroutine)


@pytest.fixture
def store(db_url: str) -> Iterator[UrlSQLTrackerStore]:  # noqa: F811
    store = UrlSQLTrackerStore(DOMAIN, url=db_url)
    yield store
    store.engine.dispose()


def _turn(number: int, channel: str = "rest") -> list[Event]:
    return [
        UserUttered(
            f"domanda {number}",
            {"name": "ask_timing", "confidence": 0.9},
            input_channel=channel,
        ),
        ActionExecuted("action_respond"),
        SlotSet("last_prompt", f"risposta {number}"),
        BotUttered(
            f"risposta {number}",
            {"buttons": [{"title": "Sì", "payload": f"/affirm{number}"}]},
        ),
        ActionExecuted("action_listen"),
    ]


def _conversation(turns: int, *, restart_at: int | None = None) -> list[Event]:
    events: list[Event] = [
        ActionExecuted("action_session_start"),
        SessionStarted(),
        ActionExecuted("action_listen"),
    ]
    for number in range(turns):
        events += _turn(number, "socketio" if number == 0 else "rest")
        if number == 3:
            events += [SlotSet("path", "A"), SlotSet("credenziale", "cns")]
        if number == turns // 3:
            events += [ActiveLoop("filing_form"), SlotSet("requested_slot", "cognome")]
            events += [SlotSet("nome", "Mario")]
        if restart_at is not None and number == restart_at:
            events += [Restarted(), ActionExecuted("action_listen")]
            events += [SlotSet("cognome", "Rossi")]
        if number == turns // 2:
            events += [ConversationPaused()]
    return events


def _stored(store: UrlSQLTrackerStore, sender: str, events: list[Event]) -> None:
    """`events` added to the conversation as Rasa adds them: read, updated, saved."""
    tracker = run(store.retrieve(sender)) or DialogueStateTracker(sender, DOMAIN.slots)
    for event in events:
        tracker.update(event)
    run(store.save(tracker))


def _same_state(part: DialogueStateTracker, whole: DialogueStateTracker) -> None:
    assert part.current_slot_values() == whole.current_slot_values()
    assert part.active_loop_name == whole.active_loop_name
    assert part.is_paused() == whole.is_paused()
    assert part.latest_message.text == whole.latest_message.text
    assert part.latest_bot_utterance.data == whole.latest_bot_utterance.data
    assert part.latest_action_name == whole.latest_action_name


@pytest.mark.parametrize("turns", [200, 900])
def test_a_long_session_is_read_in_part_with_the_whole_state(
    store: UrlSQLTrackerStore, turns: int
) -> None:
    _stored(store, "lunga-3f9c0a1b2e7d", _conversation(turns))
    part = run(store.retrieve("lunga-3f9c0a1b2e7d"))
    whole = run(store.retrieve_full_tracker("lunga-3f9c0a1b2e7d"))
    assert len(whole.events) > 5 * turns
    assert len(part.events) <= BOUND  # the same bound, however long the conversation
    _same_state(part, whole)
    assert part.current_slot_values()["path"] == "A"  # set long before the latest turns
    assert part.active_loop_name == "filing_form" and part.is_paused()
    # It starts as Rasa's own reading of the session starts, and its latest turns are whole.
    rasas = run(SQLTrackerStore._retrieve(store, "lunga-3f9c0a1b2e7d", False))
    assert list(part.events)[:2] == list(rasas.events)[:2]
    recent = [e for e in part.events if isinstance(e, UserUttered)]
    assert len(recent) >= 15
    assert recent[-1].text == f"domanda {turns - 1}"


def test_a_short_session_is_read_whole(store: UrlSQLTrackerStore) -> None:
    events = _conversation(20)
    _stored(store, "breve-3f9c0a1b2e7d", events)
    tracker = run(store.retrieve("breve-3f9c0a1b2e7d"))
    rasas = run(SQLTrackerStore._retrieve(store, "breve-3f9c0a1b2e7d", False))
    assert list(tracker.events) == list(rasas.events)
    assert len(tracker.events) >= len(events) - 1  # all but what preceded the session start


def test_a_restart_in_the_skipped_part_still_resets(store: UrlSQLTrackerStore) -> None:
    _stored(store, "riavvio-3f9c0a1b2e7d", _conversation(600, restart_at=400))
    part = run(store.retrieve("riavvio-3f9c0a1b2e7d"))
    whole = run(store.retrieve_full_tracker("riavvio-3f9c0a1b2e7d"))
    assert len(part.events) <= BOUND
    _same_state(part, whole)
    assert part.current_slot_values()["path"] is None  # set before the restart
    assert part.current_slot_values()["cognome"] == "Rossi"  # set after it


def test_saving_a_tracker_read_in_part_stores_exactly_what_was_added(
    store: UrlSQLTrackerStore,
) -> None:
    sender = "salva-3f9c0a1b2e7d"
    _stored(store, sender, _conversation(300))
    before = len(run(store.retrieve_full_tracker(sender)).events)
    tracker = run(store.retrieve(sender))
    for event in [*_turn(300), SlotSet("email", "mario.rossi@pec.it")]:
        tracker.update(event)
    run(store.save(tracker))
    run(store.save(tracker))  # saved twice (Rasa may): nothing is stored twice
    tracker.update(SlotSet("telefono", "+393331234567"))
    run(store.save(tracker))
    whole = run(store.retrieve_full_tracker(sender))
    assert len(whole.events) == before + 7
    assert [e.text for e in whole.events if isinstance(e, UserUttered)][-2:] == [
        "domanda 299",
        "domanda 300",
    ]
    again = run(store.retrieve(sender))
    assert again.current_slot_values()["email"] == "mario.rossi@pec.it"
    assert again.current_slot_values()["telefono"] == "+393331234567"
    assert again.current_slot_values()["path"] == "A"


def test_who_opened_a_conversation_is_read_from_its_first_messages(
    store: UrlSQLTrackerStore,
) -> None:
    sender = "aperta-3f9c0a1b2e7d"
    files = [
        UserUttered(f"EXTERNAL: file {n}", {"name": "upload_received"}, input_channel="rest")
        for n in range(tracker_store.OPENING_USER_EVENTS_PAGE + 10)
    ]  # pushed through Rasa's API before anyone wrote: they open nothing
    _stored(store, sender, [ActionExecuted("action_listen"), *files])
    assert opened_by(store.opening_user_events(sender)) is None
    _stored(store, sender, [*_conversation(500)])  # a widget session (its first message)
    assert opened_by(store.opening_user_events(sender)) == "socketio"
    # A new session holds no message of the widget: the conversation is still the widget's.
    _stored(store, sender, [ActionExecuted("action_session_start"), SessionStarted()])
    assert opened_by(store.opening_user_events(sender)) == "socketio"
    assert opened_by(store.opening_user_events("nessuno-3f9c0a1b2e7d")) is None


def test_the_buttons_just_offered_are_read_from_the_latest_events(
    store: UrlSQLTrackerStore,
) -> None:
    from bot.dialogue.user_text import offered_payloads

    sender = "bottoni-3f9c0a1b2e7d"
    _stored(store, sender, _conversation(300))
    whole = [e.as_dict() for e in run(store.retrieve_full_tracker(sender)).events]
    latest = store.latest_events(sender)
    assert latest == whole[-len(latest) :] and len(latest) == tracker_store.LATEST_EVENTS
    assert offered_payloads(latest) == offered_payloads(whole)
    assert offered_payloads(latest) == {"/affirm299", "/affirm298", "/affirm297"}


def test_the_latest_session_is_selected_as_rasa_selects_it(store: UrlSQLTrackerStore) -> None:
    sender = "sessioni-3f9c0a1b2e7d"
    _stored(store, sender, [ActionExecuted("action_listen"), *_turn(0)])  # before any session
    ours = run(store.retrieve(sender))
    with store.session_scope() as session:
        rasas = SQLTrackerStore._event_query(store, session, sender, False).all()
    assert [e.as_dict() for e in ours.events] == [json.loads(row.data) for row in rasas]
    _stored(store, sender, _conversation(30))
    _stored(store, sender, _conversation(12))  # a second session
    selected = {}
    for every in (False, True):
        with store.session_scope() as session:
            ours_rows = store._event_query(session, sender, every).all()
            rasas = SQLTrackerStore._event_query(store, session, sender, every).all()
        assert [row.id for row in ours_rows] == [row.id for row in rasas]
        selected[every] = len(ours_rows)
    assert 0 < selected[False] < selected[True]  # the latest session, or all of them


def _plan_nodes(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield plan
    for child in plan.get("Plans", []):
        yield from _plan_nodes(child)


def test_no_statement_rereads_the_events_for_each_event_it_reads(
    postgres_server: Any,  # noqa: F811
) -> None:
    """PostgreSQL's statistics, taken while a conversation was short, say each conversation
    holds a few dozen events; the conversation has since grown long. Reading and saving it runs
    no plan that scans the events table more than once (a lookup repeated per event read made
    a late turn cost half a second)."""
    store = UrlSQLTrackerStore(DOMAIN, url=postgres_server.new_database_url())  # its planner
    long_one = "lunga-pg-3f9c0a1b2e7d"
    for number in range(120):
        _stored(store, f"altra-{number:03d}-3f9c0a1b2e7d", _conversation(8))
    _stored(store, long_one, _conversation(3))
    with store.engine.begin() as connection:
        connection.exec_driver_sql("ALTER TABLE events SET (autovacuum_enabled = false)")
        connection.exec_driver_sql("ANALYZE events")
    _stored(store, long_one, [e for n in range(3, 700) for e in _turn(n)])
    statements: list[tuple[str, Any]] = []

    def seen(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append((statement, parameters))

    sa.event.listen(store.engine, "before_cursor_execute", seen)
    tracker = run(store.retrieve(long_one))
    for event in _turn(700):
        tracker.update(event)
    run(store.save(tracker))
    sa.event.remove(store.engine, "before_cursor_execute", seen)
    assert len(statements) >= 5  # the session's lookup, its part, the count before saving
    with store.engine.connect() as connection:
        for statement, parameters in statements:
            (plan,) = connection.exec_driver_sql(
                "EXPLAIN (ANALYZE, FORMAT JSON) " + statement, parameters
            ).scalar()
            rescans = [
                node
                for node in _plan_nodes(plan["Plan"])
                if node.get("Relation Name") == "events" and node["Actual Loops"] > 1
            ]
            assert not rescans, statement
    store.engine.dispose()
