"""The transcript the widget gets back on reload, from Rasa's tracker events (no server needed)."""

from __future__ import annotations

from typing import Any

from bot.web.widget.history import as_json, transcript

BUTTONS = [
    {"title": "CNS, INPS o dispositive INAIL", "payload": "/has_strong_credentials"},
    {"title": "Nessuna credenziale", "payload": "/has_no_credentials"},
]


def _user(text: str, ts: float, channel: str | None = "socketio") -> dict[str, Any]:
    return {"event": "user", "text": text, "timestamp": ts, "input_channel": channel}


def _bot(text: str, ts: float, **data: Any) -> dict[str, Any]:
    return {"event": "bot", "text": text, "timestamp": ts, "data": data}


def test_button_clicks_show_their_title_and_uploads_show_as_files() -> None:
    events = [
        {"event": "action", "name": "action_listen", "timestamp": 1.0},
        _user("buongiorno", 2.0),
        _bot("Quali credenziali ha già?", 3.0, buttons=BUTTONS),
        _user("/has_strong_credentials", 4.0),
        _bot("Con la CNS la domanda si invia con InailRisponde.", 5.0),
        _user("EXTERNAL: upload_received", 6.0, channel="socketio"),
        _user("EXTERNAL: upload_rejected", 7.0, channel="socketio"),
        _user("EXTERNAL: ticket_status_changed", 8.0, channel="socketio"),
        _bot("La sua richiesta è stata presa in carico.", 9.0),
    ]
    entries = as_json(transcript(events))
    assert [(e["from"], e["text"]) for e in entries] == [
        ("user", "buongiorno"),
        ("bot", "Quali credenziali ha già?"),
        ("user", "CNS, INPS o dispositive INAIL"),
        ("bot", "Con la CNS la domanda si invia con InailRisponde."),
        ("user", ""),
        ("user", ""),
        ("bot", "La sua richiesta è stata presa in carico."),
    ]
    assert entries[1]["buttons"] == BUTTONS
    assert [e.get("file") for e in entries[4:6]] == ["history_accepted", "history_rejected"]
    assert entries[0]["ts"] == 2.0


def test_a_payload_never_offered_is_not_shown() -> None:
    events = [_user("ciao", 1.0), _bot("Buongiorno!", 2.0), _user("/has_strong_credentials", 3.0)]
    assert [e["text"] for e in transcript(events)] == ["ciao", "Buongiorno!"]


def test_another_channels_conversation_is_never_returned() -> None:
    telegram = [_user("ho la CNS", 1.0, channel="telegram"), _bot("InailRisponde", 2.0)]
    assert transcript(telegram) == []
    mixed = [_user("ciao", 1.0), _user("ciao", 2.0, channel="rest")]
    assert transcript(mixed) == []
    assert transcript([_bot("Buongiorno!", 1.0)]) == []


def test_a_notice_pushed_before_the_first_message_is_returned() -> None:
    events = [_user("EXTERNAL: greet", 1.0, channel=None), _bot("Buongiorno!", 2.0)]
    assert [e["text"] for e in transcript(events)] == ["Buongiorno!"]
