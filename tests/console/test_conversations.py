"""Conversations from the tracker store: filters, transcript, review, training data, dashboard."""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.web.console.training import add_to_review_file, merge_training, read_examples
from tests.console.conftest import csrf_of, login
from tests.console.helpers import Conversation, file_checked_ticket, make_user

HOSTILE = '<img src=x onerror="alert(1)"><b>grassetto</b>'


def _conversations(url: str) -> None:
    (
        Conversation(url, "conv-ok", channel="socketio")
        .user("ciao", "greet", 0.98)
        .bot("Buongiorno! Posso aiutarla?", buttons=["Sì", "No"])
        .user("ho la CNS", "has_strong_credentials", 0.91)
        .save()
    )
    (
        Conversation(url, "conv-lost", channel="rest")
        .user("voglio la pizza", "nlu_fallback", 0.21)
        .action("action_fallback")
        .bot("Non ho capito.")
        .user(HOSTILE, "out_of_scope", 0.45)
        .action("action_fallback")
        .save()
    )


def test_the_list_filters_by_channel_fallback_confidence_ticket_tag_and_review(client, console_env):
    _conversations(console_env.database_url)
    file_checked_ticket("conv-ok")
    make_user("rev", "revisore")
    login(client, "rev")

    def senders(**params: str) -> set[str]:
        page = client.get("/staff/conversazioni", params=params).text
        return {name for name in ("conv-ok", "conv-lost") if f"/staff/conversazioni/{name}" in page}

    assert senders() == {"conv-ok", "conv-lost"}
    assert senders(canale="socketio") == {"conv-ok"}
    assert senders(fallback="si") == {"conv-lost"}
    assert senders(fallback="no") == {"conv-ok"}
    assert senders(bassa_confidenza="si") == {"conv-lost"}
    assert senders(ticket="si") == {"conv-ok"}
    assert senders(dal="2000-01-01", al="2001-01-01") == set()

    token = csrf_of(client.get("/staff/conversazioni/conv-lost").text)
    client.post(
        "/staff/conversazioni/conv-lost/etichette",
        data={"etichetta": "Fuori tema", "csrf_token": token},
    )
    client.post(
        "/staff/conversazioni/conv-lost/revisione",
        data={"nota": "chiede altro", "revisionata": "si", "csrf_token": token},
    )
    assert senders(etichetta="fuori tema") == {"conv-lost"}
    assert senders(revisionata="si") == {"conv-lost"}
    assert senders(revisionata="no") == {"conv-ok"}


def test_the_transcript_shows_intents_confidence_replies_and_user_html_as_text(client, console_env):
    _conversations(console_env.database_url)
    make_user("rev", "revisore")
    login(client, "rev")
    page = client.get("/staff/conversazioni/conv-lost").text
    assert HOSTILE not in page
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;&lt;b&gt;grassetto&lt;/b&gt;" in page
    assert "nlu_fallback" in page and "0,21" in page and "action_fallback" in page
    assert "Non ho capito." in page
    ok = client.get("/staff/conversazioni/conv-ok").text
    assert "Sì" in ok and "has_strong_credentials" in ok


def test_an_operator_reads_transcripts_but_cannot_review(client, console_env):
    _conversations(console_env.database_url)
    make_user("op", "operatore")
    login(client, "op")
    page = client.get("/staff/conversazioni/conv-ok")
    assert page.status_code == 200 and "training-form" not in page.text
    response = client.post(
        "/staff/conversazioni/conv-ok/etichette",
        data={"etichetta": "x", "csrf_token": csrf_of(page.text)},
    )
    assert response.status_code == 403


def test_a_message_sent_to_training_data_lands_in_the_review_file(client, console_env):
    _conversations(console_env.database_url)
    make_user("rev", "revisore")
    login(client, "rev")
    page = client.get("/staff/conversazioni/conv-ok").text
    event_id = page.split('name="evento" value="', 1)[1].split('"', 1)[0]
    response = client.post(
        "/staff/conversazioni/conv-ok/training",
        data={"evento": event_id, "intent": "greet", "csrf_token": csrf_of(page)},
    )
    assert response.status_code == 200 and "Inviato ai dati di training come" in response.text
    [review_file] = (console_env.var_dir / "review").glob("nlu-*.yml")
    assert read_examples(review_file) == {"greet": ["ciao"]}
    bad = client.post(
        "/staff/conversazioni/conv-ok/training",
        data={"evento": event_id, "intent": "non_esiste", "csrf_token": csrf_of(page)},
    )
    assert "Intent sconosciuto" in bad.text


def test_merge_training_adds_examples_once_and_restores_on_failed_validation(tmp_path: Path):
    review_dir, project = tmp_path / "review", tmp_path / "project"
    add_to_review_file(review_dir, "greet", "salve a tutti")
    add_to_review_file(review_dir, "ask_human", "voglio un [operatore]\n umano")
    result = merge_training(review_dir, project, validate=lambda root: (True, "ok"))
    target = project / "data/nlu/review.yml"
    assert result.valid and result.examples == 2
    data = yaml.safe_load(target.read_text())
    assert data["version"] == "3.1"
    assert read_examples(target) == {
        "ask_human": ["voglio un (operatore) umano"],
        "greet": ["salve a tutti"],
    }
    assert not list(review_dir.glob("nlu-*.yml")) and list((review_dir / "merged").iterdir())

    add_to_review_file(review_dir, "greet", "salve a tutti")  # a duplicate
    add_to_review_file(review_dir, "thank", "grazie mille")
    before = target.read_text()
    failed = merge_training(review_dir, project, validate=lambda root: (False, "errore"))
    assert not failed.valid and target.read_text() == before
    assert len(list(review_dir.glob("nlu-*.yml"))) == 1  # kept for the next attempt
    merge_training(review_dir, project, validate=lambda root: (True, ""))
    assert read_examples(target)["greet"] == ["salve a tutti"]
    assert read_examples(target)["thank"] == ["grazie mille"]


def test_the_dashboard_draws_svg_charts_and_the_misunderstood_messages(client, console_env):
    _conversations(console_env.database_url)
    number = file_checked_ticket("conv-ok")
    from bot.tickets import UnitOfWork, change_status

    change_status(UnitOfWork(), number, "accolta", "op")
    make_user("op", "operatore")
    login(client, "op")
    page = client.get("/staff/cruscotto").text
    assert page.count("<svg") == 3 and "<rect" in page
    assert "50,0 %" in page  # one conversation of two reached a ticket; 2 of 4 turns not understood
    assert "(1 decisa)" in page  # Italian numbers, singular and plural
    assert "voglio la pizza" in page
    assert "&lt;b&gt;grassetto&lt;/b&gt;" in page
