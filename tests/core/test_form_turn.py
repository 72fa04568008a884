"""A form that listens: what one message gives the form while it waits for a datum."""

from __future__ import annotations

import pytest

from bot.dialogue import form_turn
from bot.dialogue.content import get_content
from bot.dialogue.turns import Turn


def read(requested: str, text: str, intent: str = "nlu_fallback", confidence: float = 0.3):
    turn = Turn(text=text, intent=intent, confidence=confidence)
    return form_turn.interpret(get_content(), requested, turn, "A")


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("Sara", "ask_processing_time"),
        ("Giulia", "greet"),
        ("Maria Grazia", "thank"),
        ("Mi chiamo Sara", "ask_human"),
        ("mi chiamo Elisa", "nlu_fallback"),
    ],
)
def test_a_name_shaped_answer_is_the_name_whatever_the_intent(text: str, intent: str) -> None:
    turn = read("nome", text, intent, confidence=0.9)
    assert turn.values.get("nome") in (text, text.split()[-1]) and not turn.replies


@pytest.mark.parametrize(
    ("requested", "text", "intent"),
    [
        ("nome", "un momento che cerco la carta d'identità", "nlu_fallback"),
        ("email", "ok grazie mille", "thank"),
        ("email", "ciao e grazie", "goodbye"),
        ("cognome", "ok", "affirm"),
        ("codice_fiscale", "e poi?", "nlu_fallback"),
        ("telefono", "aspetti un secondo", "nlu_fallback"),
        ("codice_fiscale", "grazie", "thank"),
    ],
)
def test_small_talk_is_answered_and_never_taken_as_the_value(
    requested: str, text: str, intent: str
) -> None:
    turn = read(requested, text, intent, confidence=0.9)
    assert turn.handled and not turn.values


def test_a_real_question_is_answered_then_the_form_asks_again() -> None:
    turn = read(
        "cognome", "che documento devo allegare, va bene la patente?", "ask_attachments", 0.9
    )
    assert turn.handled and not turn.values
    assert "in corso di validità" in turn.replies[0].text


def test_several_data_in_one_message_fill_every_slot() -> None:
    turn = read(
        "nome",
        "sono la dott.ssa Anna Maria Neri, cf NRENMR80A41H501X, scrivete a anna.neri@pec.it "
        "o chiamate il 340 1122334",
    )
    assert turn.values == {
        "nome": "Anna Maria",
        "cognome": "Neri",
        "codice_fiscale": "NRENMR80A41H501X",
        "email": "anna.neri@pec.it",
        "telefono": "340 1122334",
    }


def test_an_email_with_a_phone_fills_both() -> None:
    turn = read("email", "scrivetemi a mario@studio.it, oppure al 333 1234567")
    assert turn.values == {"email": "mario@studio.it", "telefono": "333 1234567"}


def test_an_attempt_at_the_value_is_checked_not_ignored() -> None:
    assert read("codice_fiscale", "RSSMRA80A01H5").values == {"codice_fiscale": "RSSMRA80A01H5"}
    assert read("cap", "001").values == {"cap": "001"}


def test_one_question_for_both_optional_fields() -> None:
    assert read("codice_ditta", "no", "deny", 0.9).values == {
        "codice_ditta": "-",
        "numero_caso": "-",
    }
    assert read("codice_ditta", "codice ditta 1234567, numero caso 998877").values == {
        "codice_ditta": "1234567",
        "numero_caso": "998877",
    }


def test_text_when_a_file_is_asked_says_a_file_is_needed() -> None:
    turn = read("modulo", "l'ho compilato a mano")
    assert turn.handled and "file" in turn.replies[0].text


def test_a_message_with_no_words_is_no_value() -> None:
    turn = read("email", "🙂", "affirm", 0.99)
    assert turn.handled and not turn.values


def test_a_surname_read_as_a_restart_is_still_the_surname() -> None:
    turn = read("cognome", "Ricci", "start_over", confidence=0.7)
    assert turn.values == {"cognome": "Ricci"} and turn.control is None


@pytest.mark.parametrize(
    ("text", "intent", "control"),
    [
        ("lo finisco più tardi", "stop_form", form_turn.STOP),
        ("ricominciamo da capo per favore", "start_over", form_turn.RESTART),
        ("a che punto è la mia richiesta?", "ask_status", form_turn.STATUS),
    ],
)
def test_the_form_can_be_stopped_restarted_or_asked_the_status(
    text: str, intent: str, control: str
) -> None:
    for requested in ("nome", "email", "modulo"):
        assert read(requested, text, intent, confidence=0.95).control == control


def test_an_address_read_as_a_status_question_is_still_the_address() -> None:
    turn = read("email", "paolo.neri@pec.example.it", "ask_status", confidence=0.9)
    assert turn.values == {"email": "paolo.neri@pec.example.it"} and turn.control is None
