"""Rasa's event classes found by their type name in a table.

Rasa 3.6 finds the class of every event it reads by walking all the subclasses of `Event`, a
recursive walk repeated for each event: reading a tracker of about a hundred events spent a
tenth of the Rasa server's CPU per turn there. The table gives the class Rasa's walk gives (the
walk still runs for a name not seen yet, for the default and for its error), and is emptied if
a new kind of event is defined.
"""

from __future__ import annotations

from typing import Any

INSTALLED = "_inail_table"


def install() -> None:
    """Makes `Event.resolve_by_type` look the class up in the table (idempotent)."""
    from rasa.shared.core.events import Event

    if getattr(Event.resolve_by_type, INSTALLED, None) is not None:
        return
    walk = Event.resolve_by_type
    table: dict[str, type[Event]] = {}
    known = [len(Event.__subclasses__())]

    def resolve_by_type(type_name: str, default: type[Event] | None = None) -> Any:
        if len(Event.__subclasses__()) != known[0]:
            table.clear()
            known[0] = len(Event.__subclasses__())
        found = table.get(type_name)
        if found is None:
            found = walk(type_name, default)
            if found is not None and getattr(found, "type_name", None) == type_name:
                table[type_name] = found
        return found

    setattr(resolve_by_type, INSTALLED, table)
    Event.resolve_by_type = staticmethod(resolve_by_type)  # type: ignore[method-assign]
