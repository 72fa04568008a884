"""Typed text never picks an intent or sets a slot; offered buttons still work."""

from __future__ import annotations

from bot.dialogue.user_text import MAX_MESSAGE_CHARS, neutralise, offered_payloads


def test_typed_intent_syntax_becomes_an_empty_message() -> None:
    assert neutralise('/inform{"path":"A"}') == ""
    assert neutralise("  //has_strong_credentials") == ""
    assert neutralise('/has_strong_credentials@1.0{"credenziale": "cns"}') == ""


def test_a_slash_before_words_is_dropped_and_the_words_kept() -> None:
    assert neutralise("/ ho la tessera sanitaria") == "ho la tessera sanitaria"
    assert neutralise("/cns e inps") == "cns e inps"


def test_offered_button_payload_passes() -> None:
    assert neutralise("/has_spid", {"/has_spid"}) == "/has_spid"


def test_payload_not_offered_is_neutralised_even_if_offered_elsewhere() -> None:
    assert neutralise("/has_strong_credentials", {"/has_spid"}) == ""


def test_control_characters_and_length_are_bounded() -> None:
    text = "ciao\x00\u202e" + "a" * 10_000
    cleaned = neutralise(text)
    assert "\x00" not in cleaned and "\u202e" not in cleaned
    assert len(cleaned) == MAX_MESSAGE_CHARS


def test_empty_and_whitespace_become_empty() -> None:
    assert neutralise(None) == ""
    assert neutralise(" \n\t ") == ""


def _bot(*payloads: str) -> dict:
    return {"event": "bot", "data": {"buttons": [{"payload": p, "title": p} for p in payloads]}}


def test_payloads_come_from_the_latest_bot_messages_only() -> None:
    events = [
        _bot("/old"),
        {"event": "user"},
        {"event": "user"},
        {"event": "user"},
        _bot("/recent"),
        {"event": "user"},
        _bot("/latest"),
    ]
    assert offered_payloads(events) == {"/recent", "/latest"}


def test_payloads_before_a_restart_are_forgotten() -> None:
    events = [
        _bot("/has_spid"),
        {"event": "action", "name": "action_restart"},
        {"event": "restart"},
    ]
    assert offered_payloads(events) == set()


def test_the_restart_question_offers_its_own_buttons() -> None:
    # As Rasa logs it: the action, its message with buttons, then the restart.
    events = [
        _bot("/has_spid"),
        {"event": "action", "name": "action_restart"},
        _bot("/has_strong_credentials"),
        {"event": "restart"},
    ]
    assert offered_payloads(events) == {"/has_strong_credentials"}
