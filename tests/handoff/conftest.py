"""The hand-off core on real databases: the ticket tests' SQLite file and PostgreSQL."""

from tests.tickets.conftest import db_url, migrated_url, postgres_server, uow  # noqa: F401
