"""Conversations live in the SQL tracker store: a restart of every server loses nothing."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.servers import BotServers, texts


def test_conversation_survives_a_restart_of_the_servers(tmp_path: Path) -> None:
    servers = BotServers(var_dir=tmp_path / "var")
    servers.start()
    try:
        servers.say("restart-doctor", "non ho nessuna credenziale")
    finally:
        servers.stop()
    assert (tmp_path / "var" / "bot.db").exists()

    servers.start()
    try:
        assert servers.tracker("restart-doctor")["slots"]["path"] == "C"
        replies = servers.say("restart-doctor", "la mail di conferma non arriva")
        assert "registrazione-utente-generico" in texts(replies)
    finally:
        servers.stop()
