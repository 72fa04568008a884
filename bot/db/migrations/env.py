"""Alembic environment: our tables only, same URL as the application.

Rasa's SQL tracker store shares the database (table `events`); `include_name` keeps Alembic's
autogenerate away from it and from any other table we do not declare.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from bot.db.engine import create_db_engine
from bot.db.migrate import VERSION_TABLE
from bot.db.schema import include_name
from bot.db.schema import target_metadata as _target_metadata

target_metadata = _target_metadata()


def _configure_and_run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        include_name=include_name,
        version_table=VERSION_TABLE,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def _database_url() -> str:
    url = context.config.get_main_option("sqlalchemy.url")
    if url:
        return url
    from bot.config import get_settings

    return get_settings().database_url


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _configure_and_run(connection)
        return
    engine = create_db_engine(_database_url())
    try:
        with engine.connect() as new_connection:
            _configure_and_run(new_connection)
            new_connection.commit()
    finally:
        engine.dispose()


def run_migrations_offline() -> None:
    context.configure(
        url=_database_url(),
        target_metadata=target_metadata,
        include_name=include_name,
        version_table=VERSION_TABLE,
        literal_binds=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
