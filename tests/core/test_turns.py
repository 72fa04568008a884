"""What the assistant answers outside the form, from plain values: the dialogue's policy."""

from __future__ import annotations

import pytest

from bot.dialogue import turns
from bot.dialogue.content import get_content
from bot.nlu.credentials import find_mentions


def reply(
    text: str,
    intent: str = "request_credentials",
    confidence: float = 0.9,
    is_button: bool = False,
    **state: object,
) -> turns.Outcome:
    turn = turns.Turn(
        text=text,
        intent=intent,
        confidence=confidence,
        mentions=tuple(find_mentions(text)),
        is_button=is_button,
    )
    return turns.respond(get_content(), turn, turns.State(**state))  # type: ignore[arg-type]


def said(outcome: turns.Outcome) -> str:
    return "\n".join(r.text for r in outcome.replies)


def test_a_credential_inside_a_request_explains_that_path_at_once() -> None:
    outcome = reply("Buongiorno, uso la CNS: come mi abilito come medico esterno?")
    assert outcome.set_path and outcome.path == "A"
    assert "InailRisponde" in said(outcome) and "quali credenziali" not in said(outcome)
    assert outcome.pending_question == turns.Q_OFFER


def test_a_question_with_credentials_gets_its_answer_and_the_path() -> None:
    outcome = reply("ho il pin inps, che documenti devo allegare?", intent="ask_attachments")
    text = said(outcome)
    assert outcome.path == "A" and "fronte/retro" in text and "InailRisponde" in text
    assert "1)" not in text  # not the whole procedure


@pytest.mark.parametrize("text", ["", "   ", "👍", "🙂🙂"])
@pytest.mark.parametrize("question", [turns.Q_OFFER, turns.Q_CONFIRM, turns.Q_CARD_ACTIVE])
def test_a_message_with_no_words_is_never_a_yes(text: str, question: str) -> None:
    outcome = reply(text, intent="affirm", pending_question=question, path="A")
    assert not outcome.file_ticket and not outcome.start_form and not outcome.set_path
    assert outcome.pending_question == question  # the question stays open
    assert "Non ho ricevuto nessun testo" in said(outcome)


def test_affirm_without_a_word_that_says_yes_files_nothing() -> None:
    outcome = reply("mah", intent="affirm", pending_question=turns.Q_CONFIRM, path="A")
    assert not outcome.file_ticket
    assert "conferma esplicita" in said(outcome)


@pytest.mark.parametrize(
    "text", ["sì, confermo", "ok procedi pure", "va bene, mandala", "tutto giusto, inviate"]
)
def test_confirmation_variants_file_the_request(text: str) -> None:
    for intent in ("affirm", "confirm_filing"):
        outcome = reply(text, intent=intent, pending_question=turns.Q_CONFIRM, path="A")
        assert outcome.file_ticket, (text, intent)


def test_a_no_at_the_summary_files_nothing() -> None:
    outcome = reply("no aspetta", intent="deny", pending_question=turns.Q_CONFIRM, path="A")
    assert outcome.confirm_declined and not outcome.file_ticket


def test_yes_to_the_offer_starts_the_form_and_no_is_respected() -> None:
    assert reply("sì grazie", intent="affirm", pending_question=turns.Q_OFFER, path="B").start_form
    declined = reply("no, faccio da solo", intent="deny", pending_question=turns.Q_OFFER, path="B")
    assert not declined.start_form and "cambia idea" in said(declined)


def test_nothing_else_after_spid_leads_to_path_c() -> None:
    outcome = reply("no, nient'altro", intent="deny", pending_question=turns.Q_OTHER_CREDENTIALS)
    assert outcome.path == "C" and "registrazione-utente-generico" in said(outcome)


def test_on_path_b_a_question_about_inailrisponde_is_answered_without_naming_it() -> None:
    outcome = reply("quindi inailrisponde non mi serve?", intent="request_credentials", path="B")
    text = said(outcome)
    assert not outcome.set_path
    assert "InailRisponde" not in text and "Richiedi credenziali dispositive" in text


def test_on_path_a_registering_is_not_needed() -> None:
    outcome = reply("allora non devo registrarmi come utente generico, giusto?", path="A")
    text = said(outcome)
    assert not outcome.set_path and "non deve registrarsi" in text
    assert "registrazione-utente-generico" not in text


def test_on_path_c_asking_where_to_register_gives_step_one() -> None:
    outcome = reply("dove mi iscrivo come cittadino?", path="C")
    assert not outcome.set_path and "registrazione-utente-generico" in said(outcome)


def test_on_path_c_registration_done_moves_to_the_next_step() -> None:
    outcome = reply("fatto, mi è arrivata la mail e ho cliccato il link", intent="affirm", path="C")
    text = said(outcome)
    assert outcome.path == "B" and "Richiedi credenziali dispositive" in text
    assert "aggiorno la procedura" not in text


def test_confirmation_email_missing_on_path_c_is_a_question_not_progress() -> None:
    outcome = reply(
        "il link di conferma non mi è mai arrivato", intent="ask_confirmation_email", path="C"
    )
    assert not outcome.set_path and "spam" in said(outcome)


def test_a_change_of_mind_is_said_once() -> None:
    changed = reply("anzi no, mi correggo: ho la CNS", path="C")
    assert changed.path == "A" and "aggiorno la procedura" in said(changed)
    again = reply("sì, ho la CNS", intent="has_strong_credentials", path="A")
    assert not again.set_path and "aggiorno" not in said(again)


def test_questions_on_a_known_path_get_the_reminder_once() -> None:
    first = reply("dove scarico il modulo?", intent="ask_module_download", path="A")
    assert "ucm_220206" in said(first) and first.last_prompt == turns.PROMPT_REMINDER
    second = reply(
        "e quanto ci mettono?",
        intent="ask_processing_time",
        path="A",
        last_prompt=first.last_prompt,
    )
    assert "La sua procedura" not in said(second)
    assert second.replies[-1].buttons  # still a way back, as buttons


def test_the_credentials_question_is_not_repeated_after_every_answer() -> None:
    first = reply("sei un programma?", intent="ask_is_bot")
    assert "quali credenziali" in said(first)
    second = reply(
        "e dove trovo il modulo?", intent="ask_module_download", last_prompt=first.last_prompt
    )
    assert "quali credenziali" not in said(second)


def test_goodbye_does_not_ask_about_credentials() -> None:
    for intent in ("goodbye", "thank"):
        assert "credenziali" not in said(reply("grazie, arrivederci", intent=intent))


def test_a_ticket_number_alone_starts_the_status_exchange() -> None:
    assert reply("IR-2026-000042", intent="nlu_fallback").report_status
    assert reply("ir 2026 42", intent="nlu_fallback").report_status  # malformed: told the format


def test_a_yes_read_as_another_intent_still_confirms_when_its_words_say_yes() -> None:
    for intent in ("file_request", "nlu_fallback"):
        outcome = reply("sì, la inoltri", intent=intent, pending_question=turns.Q_CONFIRM, path="A")
        assert outcome.file_ticket, intent
    unclear = reply("boh", intent="nlu_fallback", pending_question=turns.Q_CONFIRM, path="A")
    assert not unclear.file_ticket


def test_thanks_and_goodbye_torn_apart_by_the_classifier_are_still_a_goodbye() -> None:
    turn = turns.Turn(
        text="grazie mille e a presto",
        intent="nlu_fallback",
        confidence=0.5,
        ranking=(("nlu_fallback", 0.5), ("goodbye", 0.46), ("thank", 0.44)),
    )
    outcome = turns.respond(get_content(), turn, turns.State())
    assert "Arrivederci" in said(outcome)


def test_a_question_naming_an_undecided_credential_gets_its_answer_and_the_question() -> None:
    outcome = reply(
        "come documento da allegare va bene la CIE?", intent="ask_attachments", confidence=0.8
    )
    text = said(outcome)
    assert "fronte/retro" in text and "CIE" in text and outcome.pending_question


def test_registered_but_the_confirmation_mail_missing_is_path_c_waiting_for_it() -> None:
    outcome = reply(
        "mi sono iscritto come utente generico ma la mail di attivazione non arriva",
        intent="has_generic_credentials",
    )
    text = said(outcome)
    assert outcome.path == "C" and "spam" in text and "1)" not in text


def test_another_paths_channel_is_answered_even_when_read_as_another_question() -> None:
    outcome = reply("allora InailRisponde non lo uso?", intent="ask_categorisation", path="B")
    assert "non serve" in said(outcome) and "InailRisponde" not in said(outcome)


def test_a_confirmation_done_moves_on_even_when_read_as_a_question_about_it() -> None:
    outcome = reply(
        "ok fatto, ho confermato dal link della mail",
        intent="ask_confirmation_email",
        path="C",
    )
    assert outcome.path == "B" and "Richiedi credenziali dispositive" in said(outcome)
