"""Tickets in the console: masked lists, detail with check results, status changes, attachments
served with audit, ZIP export, e-mail notifications and retention."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta
from email import message_from_bytes

from sqlalchemy import select

from bot.db.types import utc_now
from bot.notify.email import load_email_settings, send_status_email
from bot.storage import FileStore
from bot.tickets import UnitOfWork, change_status, claim_notifications, get_ticket_detail
from bot.tickets.models import OutboxMessage
from bot.web.console import masking
from bot.web.console.audit import list_entries
from bot.web.console.retention import apply_retention
from tests.console.conftest import csrf_of, login
from tests.console.helpers import file_checked_ticket, make_user


def test_masking_hides_most_of_codice_fiscale_email_and_phone():
    assert masking.mask_codice_fiscale("RSSMRA80A01H501U") == "RSS" + "•" * 10 + "01U"
    assert masking.mask_email("mario.rossi@pec.example.it") == "m" + "•" * 9 + "i@pec.example.it"
    assert masking.mask_email("ab@x.it") == "••@x.it"
    assert masking.mask_phone("+39 333 123 4567") == "•" * 10 + "567"
    assert masking.mask_phone("") == ""


def test_the_list_masks_personal_data_and_filters_by_status(client):
    number = file_checked_ticket()
    make_user("op", "operatore")
    login(client, "op")
    page = client.get("/staff/richieste")
    assert number in page.text
    assert "RSSMRA80A01H501U" not in page.text and "mario.rossi@pec.example.it" not in page.text
    assert "RSS" + "•" * 10 + "01U" in page.text
    assert number not in client.get("/staff/richieste", params={"stato": "accolta"}).text
    assert number in client.get("/staff/richieste", params={"testo": "rossi"}).text


def test_the_detail_shows_all_fields_and_check_results(client):
    number = file_checked_ticket()
    make_user("op", "operatore")
    login(client, "op")
    page = client.get(f"/staff/richieste/{number}").text
    for text in (
        "RSSMRA80A01H501U",
        "mario.rossi@pec.example.it",
        "Registrazione ed autenticazione",
    ):
        assert text in page
    detail = get_ticket_detail(UnitOfWork(), number)
    flags = {
        flag for item in detail.attachments for flag in json.loads(item.check_results)["flags"]
    }
    for flag in flags:
        assert f"<code>{flag}</code>" in page


def test_a_status_change_needs_the_csrf_token(client):
    number = file_checked_ticket()
    make_user("op", "operatore")
    login(client, "op")
    response = client.post(f"/staff/richieste/{number}/stato", data={"stato": "in_lavorazione"})
    assert response.status_code == 403
    response = client.post(
        f"/staff/richieste/{number}/stato", data={"stato": "in_lavorazione", "csrf_token": "x" * 43}
    )
    assert response.status_code == 403
    assert get_ticket_detail(UnitOfWork(), number).status == "ricevuta"


def test_a_status_change_is_recorded_with_the_user_and_notifies_channel_and_email(client):
    number = file_checked_ticket()
    make_user("op", "operatore")
    login(client, "op")
    token = csrf_of(client.get(f"/staff/richieste/{number}").text)
    refused = client.post(
        f"/staff/richieste/{number}/stato", data={"stato": "respinta", "csrf_token": token}
    )
    assert refused.status_code == 422 and "motiv" in refused.text.lower()
    done = client.post(
        f"/staff/richieste/{number}/stato",
        data={"stato": "da_integrare", "motivo": "Manca la firma sul modulo", "csrf_token": token},
    )
    assert done.status_code == 200 and "Stato della richiesta aggiornato" in done.text
    detail = get_ticket_detail(UnitOfWork(), number)
    assert (detail.status, detail.events[-1].actor) == ("da_integrare", "op")
    with UnitOfWork() as uow:
        channels = sorted(
            row.channel for row in uow.session.execute(select(OutboxMessage)).scalars()
        )
    assert channels == ["email", "telegram"]


def test_without_smtp_the_email_is_written_to_var_outbox(console_env):
    number = file_checked_ticket()
    change_status(
        UnitOfWork(), number, "respinta", "op", "Dati diversi dal documento", notify_by_email=True
    )
    [email_row] = [n for n in claim_notifications(UnitOfWork(), "w") if n.channel == "email"]
    receipt = send_status_email(email_row, "mario.rossi@pec.example.it", load_email_settings())
    path = console_env.var_dir / "outbox" / f"{email_row.id}.eml"
    assert receipt == f"file:{path.name}"
    message = message_from_bytes(path.read_bytes())
    assert message["To"] == "mario.rossi@pec.example.it"
    assert number in message["Subject"] and "Respinta" in message["Subject"]
    assert "Dati diversi dal documento" in message.get_payload(decode=True).decode()


def _first_attachment(number: str) -> int:
    return get_ticket_detail(UnitOfWork(), number).attachments[0].id


def test_an_attachment_needs_a_session_and_a_role_allowed_to_see_it(client):
    number = file_checked_ticket()
    attachment = _first_attachment(number)
    assert client.get(f"/staff/allegati/{attachment}").status_code == 401
    make_user("rev", "revisore")
    login(client, "rev")
    assert client.get(f"/staff/allegati/{attachment}").status_code == 403
    assert list_entries()[1] == 0


def test_an_attachment_download_is_audited_and_served_as_attachment(client):
    number = file_checked_ticket()
    attachment = _first_attachment(number)
    make_user("op", "operatore")
    login(client, "op")
    response = client.get(f"/staff/allegati/{attachment}")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert response.headers["content-disposition"].startswith("attachment;")
    assert response.headers["x-content-type-options"] == "nosniff"
    [entry], total = list_entries()
    assert (total, entry.actor, entry.action, entry.attachment_id, entry.ticket_number) == (
        1, "op", "allegato_scaricato", attachment, number,
    )  # fmt: skip
    assert entry.ip == "testclient"


def test_the_audit_log_is_for_admins(client):
    number = file_checked_ticket()
    make_user("capo", "admin")
    login(client, "capo")
    client.get(f"/staff/allegati/{_first_attachment(number)}?vista=1")
    page = client.get("/staff/audit").text
    assert "Allegato visualizzato" in page and number in page


def test_export_is_a_zip_with_summary_pdf_and_files_and_is_audited(client):
    number = file_checked_ticket()
    make_user("op", "operatore")
    login(client, "op")
    response = client.get(f"/staff/richieste/{number}/esporta")
    assert response.status_code == 200
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert f"{number}-riepilogo.pdf" in names and len(names) == 4
    assert any(name.endswith(".jpg") for name in names)
    assert list_entries()[0][0].action == "richiesta_esportata"


def test_retention_deletes_files_of_old_closed_tickets_and_keeps_the_record(client, console_env):
    old, recent, open_ticket = file_checked_ticket(), file_checked_ticket(), file_checked_ticket()
    long_ago = utc_now() - timedelta(days=400)
    change_status(UnitOfWork(), old, "accolta", "op", now=long_ago)
    change_status(UnitOfWork(), recent, "respinta", "op", "Firma mancante")
    change_status(UnitOfWork(), open_ticket, "in_lavorazione", "op", now=long_ago)
    assert apply_retention(365) == 3
    assert apply_retention(365) == 0  # already done
    store = FileStore(console_env.var_dir / "files")
    for number, kept in ((old, False), (recent, True), (open_ticket, True)):
        detail = get_ticket_detail(UnitOfWork(), number)
        assert len(detail.attachments) == 3  # the rows stay
        assert all(store.exists(item.storage_name) == kept for item in detail.attachments)
    make_user("op", "operatore")
    login(client, "op")
    assert client.get(f"/staff/allegati/{_first_attachment(old)}").status_code == 410
    assert "eliminato" in client.get(f"/staff/richieste/{old}").text
