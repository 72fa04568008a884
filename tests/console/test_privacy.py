"""Personal data in the console: transcripts masked as the lists are, shown in clear only to
admins and audited; the dashboard never counts the form's answers as not understood; bad ids
are a 400, not a 500."""

from __future__ import annotations

import pytest

from bot.web.console.audit import list_entries
from tests.console.conftest import csrf_of, login
from tests.console.helpers import Conversation, make_user

CF, EMAIL, PHONE = "RSSMRA80A01H501U", "mario.rossi@pec.example.it", "3331234567"
SENDER = "deveval-conv-3fa9c01b2e7d"


def _doctor_filling_the_form(url: str) -> None:
    (
        Conversation(url, SENDER)
        .user("ho la CNS e voglio fare la domanda qui", "file_request", 0.93)
        .slot("requested_slot", "nome")
        .bot("Come si chiama (nome)?")
        .user("Mario", "nlu_fallback", 0.30)
        .action("action_fallback")  # the form still took the answer: not a misunderstanding
        .slot("nome", "Mario")
        .slot("requested_slot", "cognome")
        .user("Rossi", "nlu_fallback", 0.25)
        .slot("cognome", "Rossi")
        .slot("requested_slot", "codice_fiscale")
        .user(CF, "inform", 0.55)
        .slot("requested_slot", "email")
        .user(f"scrivete a {EMAIL} o al {PHONE}", "inform", 0.6)
        .slot("requested_slot", None)
        .bot(f"Riepilogo: Mario Rossi, {CF}, {EMAIL}, +39{PHONE}. Confermo l'invio?")
        .user("blorf zxcv", "nlu_fallback", 0.2)
        .action("action_fallback")
        .save()
    )


def _clear_values_in(html: str) -> list[str]:
    return [value for value in (CF, EMAIL, PHONE, "Mario Rossi") if value in html]


def test_a_revisore_reads_the_transcript_masked_and_the_opening_is_audited(client, console_env):
    _doctor_filling_the_form(console_env.database_url)
    make_user("rita", "revisore")
    login(client, "rita")
    page = client.get(f"/staff/conversazioni/{SENDER}")
    assert page.status_code == 200
    assert _clear_values_in(page.text) == []
    assert "RSS••••••••••01U" in page.text and "m•••••••••i@pec.example.it" in page.text
    assert "M•••• R••••" in page.text  # the names the doctor declared
    assert "Mostra dati personali" not in page.text
    assert client.get(f"/staff/conversazioni/{SENDER}?mostra=si").status_code == 403
    entry = list_entries()[0][0]
    assert (entry.actor, entry.action, entry.detail) == ("rita", "conversazione_aperta", SENDER)


def test_an_admin_may_show_the_personal_data_and_that_is_audited(client, console_env):
    _doctor_filling_the_form(console_env.database_url)
    make_user("ada", "admin")
    login(client, "ada")
    masked = client.get(f"/staff/conversazioni/{SENDER}").text
    assert _clear_values_in(masked) == [] and "Mostra dati personali" in masked
    shown = client.get(f"/staff/conversazioni/{SENDER}?mostra=si").text
    assert _clear_values_in(shown) == [CF, EMAIL, PHONE, "Mario Rossi"]
    actions = [entry.action for entry in list_entries()[0]]
    assert actions[:2] == ["conversazione_dati_mostrati", "conversazione_aperta"]
    assert SENDER in client.get("/staff/audit").text


def test_the_list_preview_is_masked(client, console_env):
    Conversation(console_env.database_url, SENDER).user(f"sono {CF}", "inform", 0.5).save()
    make_user("rita", "revisore")
    login(client, "rita")
    page = client.get("/staff/conversazioni").text
    assert CF not in page and "RSS••••••••••01U" in page


def test_the_dashboard_never_counts_form_answers_and_masks_what_it_lists(client, console_env):
    _doctor_filling_the_form(console_env.database_url)
    make_user("ada", "admin")
    login(client, "ada")
    page = client.get("/staff/cruscotto").text
    assert "blorf zxcv" in page  # really not understood
    for answer in ("<td>mario</td>", "<td>rossi</td>"):
        assert answer not in page.lower()
    assert _clear_values_in(page) == []
    assert "16,7 %" in page  # 1 of 6 user turns


def test_a_message_with_personal_data_never_goes_to_training_data(client, console_env):
    _doctor_filling_the_form(console_env.database_url)
    make_user("rita", "revisore")
    login(client, "rita")
    page = client.get(f"/staff/conversazioni/{SENDER}").text
    # The training form of the message with the e-mail (it follows that message, masked).
    after_email = page.split("m•••••••••i@pec.example.it", 1)[1]
    event = after_email.split('name="evento" value="', 1)[1].split('"', 1)[0]
    response = client.post(
        f"/staff/conversazioni/{SENDER}/training",
        data={"csrf_token": csrf_of(page), "evento": event, "intent": "greet"},
        follow_redirects=False,
    )
    assert "errore=dati_personali_nel_messaggio" in response.headers["location"]
    assert not list((console_env.var_dir / "review").glob("*.yml"))


@pytest.mark.parametrize(
    "path",
    [
        "/staff/allegati/99999999999999999999999",
        "/staff/allegati/-1",
        "/staff/audit?pagina=99999999999999999999999",
    ],
)
def test_numbers_beyond_the_database_range_are_a_400_in_italian(client, path):
    make_user("ada", "admin")
    login(client, "ada")
    response = client.get(path)
    assert response.status_code == 400, response.text
    assert response.json()["message"].startswith("Richiesta non valida")


def test_an_out_of_range_training_event_is_a_400(client, console_env):
    _doctor_filling_the_form(console_env.database_url)
    make_user("rita", "revisore")
    login(client, "rita")
    page = client.get(f"/staff/conversazioni/{SENDER}").text
    response = client.post(
        f"/staff/conversazioni/{SENDER}/training",
        data={"csrf_token": csrf_of(page), "evento": str(2**70), "intent": "greet"},
    )
    assert response.status_code == 400
