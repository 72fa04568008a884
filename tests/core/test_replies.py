"""Decisions of the dialogue: what a doctor is told, from plain values."""

from __future__ import annotations

from bot.dialogue import replies, turns
from bot.dialogue.content import get_content


def test_named_credential_is_called_back_when_it_fits_the_path() -> None:
    first = replies.path_explanation(get_content(), "A", "inps")[0].text
    assert "credenziali INPS" in first and "InailRisponde" in first


def test_of_several_credentials_named_the_one_fitting_the_path_is_called_back() -> None:
    first = replies.path_explanation(get_content(), "A", ["spid", "cns"])[0].text
    assert "CNS" in first and "SPID" not in first


def test_credential_of_another_path_is_not_called_back() -> None:
    first = replies.path_explanation(get_content(), "A", "generiche")[0].text
    assert "generico" not in first
    assert "CNS, credenziali INPS o credenziali dispositive" in first


def test_change_of_mind_is_acknowledged_first() -> None:
    messages = replies.path_explanation(get_content(), "A", changed=True)
    assert "aggiorno la procedura" in messages[0].text


def test_answer_uses_the_variant_of_the_path() -> None:
    for_c = replies.answer(get_content(), "ask_confirmation_email", "C")
    for_a = replies.answer(get_content(), "ask_confirmation_email", "A")
    assert "registrazione-utente-generico" in for_c[0].text
    assert "non deve registrarsi" in for_a[0].text


def test_first_miss_offers_the_likely_intents_as_buttons() -> None:
    ranking = [
        ("nlu_fallback", 0.5),
        ("has_spid", 0.3),
        ("greet", 0.1),
        ("ask_module_download", 0.08),
        ("ask_attachments", 0.06),
        ("ask_processing_time", 0.05),
    ]
    reply = replies.fallback(get_content(), 1, ranking)
    assert [b.payload for b in reply.buttons] == [
        "/has_spid",
        "/ask_module_download",
        "/ask_attachments",
    ]


def test_first_miss_without_likely_options_asks_to_rephrase() -> None:
    reply = replies.fallback(get_content(), 1, [("greet", 0.9)])
    assert not reply.buttons and "riformular" in reply.text


def test_second_miss_in_a_row_offers_a_person() -> None:
    reply = replies.fallback(get_content(), 2, [("has_spid", 0.4)])
    assert "/ask_human" in [b.payload for b in reply.buttons]
    assert "persona" in reply.text


def _yes_no(text: str, intent: str, question: str | None, path: str | None) -> turns.Outcome:
    turn = turns.Turn(text=text, intent=intent, confidence=0.9)
    state = turns.State(path=path, pending_question=question)
    return turns.respond(get_content(), turn, state)


def test_yes_to_activated_health_card_is_path_a() -> None:
    outcome = _yes_no("sì", "affirm", "tessera_attivata", None)
    assert outcome.path == "A" and outcome.credential == "cns"
    assert "InailRisponde" in outcome.replies[0].text


def test_no_to_activated_health_card_asks_for_other_credentials() -> None:
    outcome = _yes_no("no", "deny", "tessera_attivata", None)
    assert outcome.path is None
    assert outcome.replies[0].buttons
    assert "non basta" in outcome.replies[0].text


def test_yes_without_a_question_brings_back_to_the_flow() -> None:
    outcome = _yes_no("sì", "affirm", None, "B")
    assert outcome.path is None
    assert "Richiedi credenziali dispositive" in outcome.replies[0].text
