"""Whole conversations over the REST webhook, against the servers `make run` starts."""

from __future__ import annotations

import uuid

import httpx
import pytest

from tests.e2e.servers import BotServers, texts

CHANNELS = {
    "A": "InailRisponde",
    "B": "Richiedi credenziali dispositive",
    "C": "registrazione-utente-generico",
}


def _sender() -> str:
    return f"test-{uuid.uuid4().hex[:12]}"


def _path(servers: BotServers, sender: str) -> str | None:
    return servers.tracker(sender)["slots"].get("path")


def test_greeting_asks_for_credentials_and_names_no_channel(servers: BotServers) -> None:
    replies = servers.say(_sender(), "buongiorno")
    text = texts(replies)
    assert "credenziali" in text
    assert any(r.get("buttons") for r in replies)
    for channel in CHANNELS.values():
        assert channel not in text


@pytest.mark.parametrize(
    ("message", "path"),
    [
        ("ho la CNS", "A"),
        ("ho il pin inps e anche le credenziali da utente generico", "A"),
        ("sono registrato come utente generico su inail", "B"),
        ("non ho nessuna credenziale", "C"),
    ],
)
def test_each_path_is_explained_with_its_channel_only(
    servers: BotServers, message: str, path: str
) -> None:
    sender = _sender()
    replies = servers.say(sender, message)
    text = texts(replies)
    assert CHANNELS[path] in text
    assert len(replies) >= 3  # a few short messages, not one wall of text
    forbidden = [c for p, c in CHANNELS.items() if p != path and not (path == "C" and p == "B")]
    for channel in forbidden:
        assert channel not in text
    assert _path(servers, sender) == path


def test_change_of_mind_switches_path(servers: BotServers) -> None:
    sender = _sender()
    servers.say(sender, "ho solo le credenziali generiche")
    assert _path(servers, sender) == "B"
    replies = servers.say(sender, "anzi no, ho la CNS")
    assert "InailRisponde" in texts(replies)
    assert "aggiorno" in texts(replies)
    assert _path(servers, sender) == "A"


def test_spid_is_clarified_not_guessed(servers: BotServers) -> None:
    sender = _sender()
    replies = servers.say(sender, "ho lo spid")
    text = texts(replies)
    for channel in CHANNELS.values():
        assert channel not in text
    assert _path(servers, sender) is None
    payloads = [b["payload"] for r in replies for b in r.get("buttons") or []]
    assert "/has_generic_credentials" in payloads
    # The offered button works even though it starts with "/".
    assert CHANNELS["B"] in texts(servers.say(sender, "/has_generic_credentials"))
    assert _path(servers, sender) == "B"


def test_question_mid_flow_then_back_to_the_path(servers: BotServers) -> None:
    sender = _sender()
    servers.say(sender, "ho le credenziali dispositive")
    replies = servers.say(sender, "dove scarico il modulo da firmare?")
    text = texts(replies)
    assert "ucm_220206.pdf" in text
    assert "InailRisponde" in text  # the reminder of the doctor's own path
    assert CHANNELS["B"] not in text and CHANNELS["C"] not in text


@pytest.mark.parametrize(
    "typed",
    [
        "/has_strong_credentials",
        '/has_strong_credentials{"credenziale": "cns"}',
        '/inform{"path":"A"}',
        "  /restart",
    ],
)
def test_typed_intent_syntax_sets_no_intent_or_slot(servers: BotServers, typed: str) -> None:
    sender = _sender()
    replies = servers.say(sender, typed)
    assert replies, "the bot always answers"
    assert "InailRisponde" not in texts(replies)
    tracker = servers.tracker(sender)
    assert tracker["slots"].get("path") is None
    assert tracker["latest_message"]["intent"].get("name") != "has_strong_credentials"


@pytest.mark.parametrize(
    "message",
    [
        "",
        "   \n\t ",
        "a" * 5000,
        "😀😀😀",
        "<script>alert('x')</script>",
        "'; DROP TABLE events; --",
        "\x00\x01\x02",
        "ℌ𝔢𝔩𝔩𝔬 ‮txet‬",
    ],
)
def test_bad_input_gets_a_sensible_italian_reply(servers: BotServers, message: str) -> None:
    sender = _sender()
    replies = servers.say(sender, message)
    assert replies
    text = texts(replies)
    assert "<script>" not in text and "DROP TABLE" not in text
    for channel in CHANNELS.values():
        assert channel not in text
    # The conversation goes on normally afterwards.
    assert "InailRisponde" in texts(servers.say(sender, "ho la cns"))


def test_two_misunderstandings_in_a_row_offer_a_person(servers: BotServers) -> None:
    sender = _sender()
    first = servers.say(sender, "qwfp zxcv blorf")
    second = servers.say(sender, "plimf trazz gnek")
    assert "persona" not in texts(first)
    assert "persona" in texts(second)
    for channel in CHANNELS.values():
        assert channel not in texts(first) + texts(second)


def test_socketio_channel_is_enabled(servers: BotServers) -> None:
    response = httpx.get(
        f"{servers.rasa_url}/socket.io/", params={"EIO": 4, "transport": "polling"}
    )
    assert response.status_code == 200
    assert response.text.startswith("0{")  # engine.io open packet


def test_telegram_conversations_are_reserved_to_the_bridge(servers: BotServers) -> None:
    url = f"{servers.rasa_url}/webhooks/rest/webhook"
    body = {"sender": "telegram:424242", "message": "a che punto è la mia richiesta?"}
    assert httpx.post(url, json=body, timeout=60).status_code == 403
    wrong = httpx.post(url, json=body, headers={"X-Rasa-Token": "guess"}, timeout=60)
    assert wrong.status_code == 403
    bridge = httpx.post(url, json=body, headers={"X-Rasa-Token": servers.token}, timeout=60)
    assert bridge.status_code == 200 and bridge.json()
