"""The operator sees what was read from each document beside the request, and the files."""

from __future__ import annotations

import re

from bot.tickets import UnitOfWork, get_ticket_detail
from bot.web.console.audit import list_entries
from tests.console.conftest import login
from tests.console.helpers import file_checked_ticket, make_user


def _attachments(number: str) -> dict[str, int]:
    return {a.purpose: a.id for a in get_ticket_detail(UnitOfWork(), number).attachments}


def test_the_ticket_shows_the_data_read_and_highlights_what_differs(client):
    number = file_checked_ticket(cognome="Russo")
    make_user("op", "operatore")
    login(client, "op")
    page = client.get(f"/staff/richieste/{number}").text
    assert "zona a lettura ottica" in page  # the back's data came from the MRZ
    assert "carta d&#39;identità elettronica" in page
    rows = re.findall(r'<tr class="diff"><th>(\w[\w ]*)</th><td>([^<]*)</td><td>([^<]*)</td>', page)
    assert ("Cognome", "ROSSI", "Russo") in rows
    assert not any(label == "Nome" for label, _, _ in rows)
    assert "01/01/2032" in page  # the expiry read, as a date


def test_view_shows_the_file_in_the_browser_and_download_downloads_both_audited(client):
    number = file_checked_ticket()
    files = _attachments(number)
    make_user("op", "operatore")
    login(client, "op")
    shown = client.get(f"/staff/allegati/{files['documento_fronte']}?vista=1")
    assert shown.status_code == 200 and shown.headers["content-type"] == "image/jpeg"
    assert shown.headers["content-disposition"].startswith("inline;")
    downloaded = client.get(f"/staff/allegati/{files['documento_fronte']}")
    assert downloaded.headers["content-disposition"].startswith("attachment;")
    entries, _ = list_entries()
    assert {e.action for e in entries} == {"allegato_visualizzato", "allegato_scaricato"}


def test_a_pdf_is_previewed_as_page_pictures_and_each_view_audited(client):
    number = file_checked_ticket()
    form = _attachments(number)["modulo"]
    make_user("op", "operatore")
    login(client, "op")
    page = client.get(f"/staff/richieste/{number}").text
    assert f"/staff/allegati/{form}/pagine/1.png" in page
    picture = client.get(f"/staff/allegati/{form}/pagine/1.png")
    assert picture.status_code == 200 and picture.content.startswith(b"\x89PNG")
    assert client.get(f"/staff/allegati/{form}/pagine/11.png").status_code == 404
    image = _attachments(number)["documento_fronte"]
    assert client.get(f"/staff/allegati/{image}/pagine/1.png").status_code == 404
    assert list_entries()[1] >= 2
