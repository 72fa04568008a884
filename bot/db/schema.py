"""Which tables are ours: those declared on Base. Rasa's `events` and anything else are not."""

from __future__ import annotations

from typing import Any

from sqlalchemy import MetaData

from bot.db.base import Base


def target_metadata() -> MetaData:
    # Importing the models registers their tables on Base.metadata.
    import bot.handoff.models
    import bot.notify.models
    import bot.telegram.models
    import bot.tickets.models
    import bot.web.console.models  # noqa: F401

    return Base.metadata


def include_name(name: str | None, type_: str, parent_names: Any) -> bool:
    """Alembic filter: compare and migrate only our own tables."""
    if type_ == "table":
        return name in target_metadata().tables
    return True
