"""Rasa's event classes looked up by type name in a table: the same classes as Rasa's walk over
every subclass of `Event`, the same default and error, and the walk run once per name."""

from __future__ import annotations

import pytest
import rasa.shared.utils.common
from rasa.shared.core.events import ActionExecuted, Event, SlotSet, UserUttered

from bot.rasa_ext import event_types


@pytest.fixture
def walks(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Rasa's own lookup restored after the test; the walks it makes, counted."""
    monkeypatch.setattr(Event, "resolve_by_type", Event.__dict__["resolve_by_type"])
    counted: list[object] = []
    walk = rasa.shared.utils.common.all_subclasses

    def counting(cls: object) -> list[object]:
        if cls is Event:
            counted.append(cls)
        return walk(cls)

    monkeypatch.setattr(rasa.shared.utils.common, "all_subclasses", counting)
    return counted


def test_the_table_gives_rasas_classes(walks: list[object]) -> None:
    names = {cls.type_name for cls in rasa.shared.utils.common.all_subclasses(Event)}
    rasas = {name: Event.resolve_by_type(name) for name in names}
    event_types.install()
    event_types.install()  # twice: still one table
    assert {name: Event.resolve_by_type(name) for name in names} == rasas
    assert Event.resolve_by_type("user") is UserUttered
    assert Event.resolve_by_type("topic") is None  # Rasa's old TopicSet events
    assert Event.resolve_by_type("nessuno", default=SlotSet) is SlotSet
    with pytest.raises(ValueError, match="Unknown event name"):
        Event.resolve_by_type("nessuno")


def test_each_name_is_walked_for_once(walks: list[object]) -> None:
    event_types.install()
    before = len(walks)
    events = [ActionExecuted("action_listen").as_dict(), SlotSet("nome", "Mario").as_dict()]
    for _ in range(50):
        read = [Event.from_parameters(data) for data in events]
        assert [type(e) for e in read] == [ActionExecuted, SlotSet]
    assert len(walks) - before <= len(events)  # Rasa's lookup walks for every event: 100
