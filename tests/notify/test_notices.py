"""The notices catalogue: one text per notice, the same on every channel."""

from __future__ import annotations

import pytest

from bot.notify import notices
from bot.notify.speaker import events_for, recorded_notice_ids
from bot.texts import TextError


def test_a_status_change_says_what_changed_why_and_what_next() -> None:
    notice = notices.render(
        "status_changed",
        {
            "number": "IR-2026-000001",
            "from_status": "in_lavorazione",
            "to_status": "respinta",
            "reason": "Dati diversi dal documento.",
            "occurred_at": "2026-01-01T10:00:00+00:00",
        },
        "telegram:1",
    )
    assert "IR-2026-000001" in notice.text and "Respinta" in notice.text
    assert "In lavorazione" in notice.text
    assert "Dati diversi dal documento." in notice.text
    assert "inviarmeli di nuovo" in notice.text
    assert notice.title == "Aggiornamento sulla sua richiesta"


def test_an_operator_message_keeps_its_lines_and_names_its_author() -> None:
    notice = notices.render(
        "operator_message", {"operatore": "Mario R.", "testo": "Buongiorno,\nla aiuto io."}, "x"
    )
    assert notice.text == "Buongiorno,\nla aiuto io."
    assert notice.author == "Mario R. · operatore INAIL"


def test_a_file_from_an_operator_is_downloaded_from_its_conversation() -> None:
    payload = {
        "operatore": "Mario R.",
        "nome": "istruzioni.pdf",
        "file": {
            "name": "istruzioni.pdf",
            "size": 1200,
            "mime": "application/pdf",
            "token": "ab" * 16,
        },
    }
    notice = notices.render("operator_file", payload, "0" * 32)
    assert notice.file is not None
    assert notice.file.path == f"/api/conversations/{'0' * 32}/files/{'ab' * 16}"
    assert notice.metadata(7)["file"]["name"] == "istruzioni.pdf"


def test_handing_back_resumes_the_bot_and_asks_for_a_rating() -> None:
    notice = notices.render("handoff_resolved", {"operatore": "Mario R."}, "x")
    assert "Mario R." in notice.text and "assistente" in notice.text
    payloads = [payload for _, payload in notice.buttons]
    assert payloads == ['/rate_handoff{"valutazione":"up"}', '/rate_handoff{"valutazione":"down"}']
    events = events_for(notice, 9)
    assert [e["event"] for e in events] == ["resume", "bot"]
    assert events[1]["data"]["buttons"][0]["title"].startswith("👍")


def test_an_operator_taking_over_pauses_the_bot_after_saying_so() -> None:
    notice = notices.render("handoff_taken", {"operatore": "Mario R."}, "x")
    kinds = [e["event"] for e in events_for(notice, 3)]
    assert kinds == ["bot", "active_loop", "slot", "pause"]  # no form takes the operator's chat


def test_a_recorded_notice_is_recognised_by_its_id() -> None:
    notice = notices.render("handoff_taken", {"operatore": "Mario R."}, "x")
    tracker = {"events": [{"event": "user", "text": "ciao"}, *events_for(notice, 12)]}
    assert recorded_notice_ids(tracker) == {12}


def test_an_unknown_notice_has_no_text() -> None:
    with pytest.raises(notices.UnknownNotice):
        notices.render("not_a_notice", {}, "x")


def test_a_missing_value_is_an_error_not_a_brace_in_the_text() -> None:
    with pytest.raises(TextError):
        notices.render("handoff_taken", {}, "x")
