"""`make bench-load`'s load generator on a tiny run against the real servers: what it counts
is what the servers recorded."""

from __future__ import annotations

import asyncio

from sqlalchemy import bindparam, text

from bot.bench import load
from bot.conversation_ids import EXTERNAL_PREFIX
from bot.db import session_factory
from tests.e2e.servers import BotServers


def _recorded(servers: BotServers, senders: list[str]) -> dict[str, int]:
    with session_factory(servers.database_url)() as session:

        def count(sql: str) -> int:
            query = text(sql).bindparams(bindparam("senders", expanding=True))
            return int(session.execute(query, {"senders": senders}).scalar() or 0)

        rows = session.execute(
            text("SELECT data FROM events WHERE type_name = 'user' AND sender_id IN :s").bindparams(
                bindparam("s", expanding=True)
            ),
            {"s": senders},
        ).scalars()
        typed = sum(1 for row in rows if f'"text": "{EXTERNAL_PREFIX}' not in row)
        return {
            "turns": typed,
            "uploads": count("SELECT count(*) FROM attachments WHERE conversation_id IN :senders"),
            "tickets": count("SELECT count(*) FROM tickets WHERE conversation_id IN :senders"),
        }


def test_a_tiny_load_run_counts_what_the_servers_recorded(servers: BotServers) -> None:
    assert servers.process is not None
    target = load.Target("single", servers.rasa_url, servers.web_url, [servers.process.pid])
    stats = asyncio.run(load.play_level(target, 2, 12, load.sample_files()))

    assert stats.error_count == 0, stats.errors
    assert stats.senders and len(set(stats.senders)) == len(stats.senders)
    assert any(s.startswith("c-") for s in stats.senders)  # issued, with their token
    assert any(s.startswith("bench-load-") for s in stats.senders)
    recorded = _recorded(servers, stats.senders)
    assert recorded["turns"] == len(stats.turns) > 0
    assert recorded["uploads"] == len(stats.uploads)
    # Every conversation played to its end filed its ticket; one cut by the time limit may
    # have filed one before its last question.
    assert stats.conversations <= recorded["tickets"] <= stats.conversations + 2
    assert stats.cpu_s > 0 and stats.peak_rss > 0
    assert stats.turns_per_s == len(stats.turns) / stats.elapsed


def test_the_bare_bot_gets_rest_turns_only(servers: BotServers) -> None:
    """A target without a web process (the bare bot) is sent the script's messages only."""
    target = load.Target("bare", servers.rasa_url, None, [])
    stats = asyncio.run(load.play_level(target, 1, 3, {}))
    assert stats.uploads == [] and stats.turns
    assert all(s.startswith("bench-load-") for s in stats.senders)
    assert _recorded(servers, stats.senders)["uploads"] == 0
