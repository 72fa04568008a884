"""Conversations live in the SQL tracker store: a restart of every server loses nothing."""

from __future__ import annotations

import uuid
from pathlib import Path

from tests.e2e.servers import BotServers, texts


def test_conversation_survives_a_restart_of_the_servers(tmp_path: Path) -> None:
    servers = BotServers(var_dir=tmp_path / "var")
    doctor = f"restart-{uuid.uuid4().hex[:12]}"
    servers.start()
    try:
        servers.say(doctor, "non ho nessuna credenziale")
    finally:
        servers.stop()
    assert (tmp_path / "var" / "bot.db").exists()

    servers.start()
    try:
        assert servers.tracker(doctor)["slots"]["path"] == "C"
        replies = servers.say(doctor, "la mail di conferma non arriva")
        assert "registrazione-utente-generico" in texts(replies)
    finally:
        servers.stop()
