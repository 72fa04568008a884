"""The declarative base all of our tables hang from; Alembic compares against its metadata."""

from __future__ import annotations

from sqlalchemy import MetaData
from sqlalchemy.orm import declarative_base

# Explicit constraint names so migrations can drop or alter them on SQLite and PostgreSQL alike.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

Base = declarative_base(metadata=MetaData(naming_convention=NAMING_CONVENTION))
