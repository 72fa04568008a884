"""The filing actions against a real SQLite database: validation, summary, filing, failures."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import OperationalError

from actions.conversation import ActionRespond
from actions.filing import ActionShowSummary, ValidateFilingForm
from bot.config import get_settings
from bot.db import upgrade_to_head
from bot.db.engine import dispose_engines
from bot.intake import check_upload
from bot.intake.samples import forms, pictures, signed
from bot.intake.samples.identity import CODICE_FISCALE, COGNOME, NOME
from bot.storage import store_attachment
from bot.tickets import UnitOfWork

SLOTS = {
    "path": "A",
    "nome": NOME,
    "cognome": COGNOME,
    "codice_fiscale": CODICE_FISCALE,
    "email": "mario.rossi@pec.it",
    "telefono": "+393331234567",
    "cap": "00184",
    "unita": "INAIL - Sede di Roma",
    "codice_ditta": "-",
    "numero_caso": "-",
}


@pytest.fixture(autouse=True)
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'bot.db'}")
    monkeypatch.setenv("FILES_DIR", str(tmp_path / "files"))
    get_settings.cache_clear()
    dispose_engines()
    upgrade_to_head()
    yield
    dispose_engines()
    get_settings.cache_clear()


def _tracker(sender: str, slots: dict[str, Any], text: str = "", intent: str = "") -> Tracker:
    return Tracker(
        sender_id=sender,
        slots=slots,
        latest_message={"text": text, "intent": {"name": intent}, "entities": []},
        events=[],
        paused=False,
        followup_action=None,
        active_loop={"name": "filing_form"},
        latest_action_name="action_listen",
    )


# Signed outside the tests' event loop (pyHanko runs its own).
SIGNED_FORM = signed.pades_signed_pdf()
SIGNED_FORM_OTHER_CF = signed.pades_signed_pdf(
    forms.filled_form_pdf(codice_fiscale="BNCGLI85M41F205X")
)


def _store(sender: str, purpose: str, data: bytes) -> None:
    checked = check_upload(data, purpose)
    assert checked.accepted, checked.problems
    with UnitOfWork() as uow:
        store_attachment(uow, sender, purpose, checked)


def _confirmed(sender: str, slots: dict[str, Any]) -> Tracker:
    """The doctor types "sì, confermo" under the summary."""
    return _tracker(
        sender,
        {**slots, "pending_question": "conferma_invio"},
        text="sì, confermo",
        intent="confirm_filing",
    )


def _texts(dispatcher: CollectingDispatcher) -> str:
    return "\n".join(m.get("text") or "" for m in dispatcher.messages)


async def test_wrong_check_character_is_refused_with_its_reason() -> None:
    dispatcher = CollectingDispatcher()
    tracker = _tracker("d1", {"nome": NOME, "cognome": COGNOME})
    result = await ValidateFilingForm().validate_codice_fiscale(
        "il mio cf è RSSMRA80A01H501X", dispatcher, tracker, {}
    )
    assert result["codice_fiscale"] is None
    assert "controllo" in _texts(dispatcher)


async def test_codice_fiscale_is_found_in_a_sentence_and_normalised() -> None:
    dispatcher = CollectingDispatcher()
    tracker = _tracker("d1", {"nome": NOME, "cognome": COGNOME})
    result = await ValidateFilingForm().validate_codice_fiscale(
        "certo, è rssmra80a01h501u", dispatcher, tracker, {}
    )
    assert result["codice_fiscale"] == CODICE_FISCALE


async def test_third_failure_explains_the_format_and_offers_to_stop() -> None:
    form = ValidateFilingForm()
    failures: dict[str, int] = {}
    for _ in range(3):
        dispatcher = CollectingDispatcher()
        tracker = _tracker("d1", {"failed_attempts": failures})
        result = await form.validate_cap("abc", dispatcher, tracker, {})
        failures = result["failed_attempts"]
    assert failures["cap"] == 3
    assert "5 cifre" in _texts(dispatcher)
    assert any(
        b["payload"] == "/stop_form" for m in dispatcher.messages for b in m.get("buttons") or []
    )


async def test_phone_is_stored_normalised() -> None:
    result = await ValidateFilingForm().validate_telefono(
        "il mio cell è 333.123.45.67", CollectingDispatcher(), _tracker("d1", {}), {}
    )
    assert result["telefono"] == "+393331234567"


async def test_unita_yes_takes_the_suggestion_from_the_cap() -> None:
    result = await ValidateFilingForm().validate_unita(
        "/affirm", CollectingDispatcher(), _tracker("d1", {"cap": "00184"}, intent="affirm"), {}
    )
    assert "Roma" in result["unita"]


async def test_modulo_is_read_from_the_database_not_the_message() -> None:
    sender = f"d-{uuid.uuid4().hex[:6]}"
    form = ValidateFilingForm()
    tracker = _tracker(sender, {}, intent="upload_received")
    assert await form.extract_modulo(CollectingDispatcher(), tracker, {}) == {}
    _store(sender, "modulo", SIGNED_FORM_OTHER_CF)
    tracker = _tracker(sender, {}, intent="upload_received")  # the turn the file brings
    extracted = await form.extract_modulo(CollectingDispatcher(), tracker, {})
    assert extracted["modulo"]
    dispatcher = CollectingDispatcher()
    await form.validate_modulo(extracted["modulo"], dispatcher, _tracker(sender, SLOTS), {})
    # The identity pre-check: the form's codice fiscale differs from the declared one.
    assert "BNCGLI85M41F205X" in _texts(dispatcher)


async def test_summary_then_filing_files_one_ticket() -> None:
    sender = f"d-{uuid.uuid4().hex[:6]}"
    _store(sender, "modulo", SIGNED_FORM)
    _store(sender, "documento_fronte", pictures.photo_jpeg())
    _store(sender, "documento_retro", pictures.back_photo_jpeg())
    dispatcher = CollectingDispatcher()
    events = await ActionShowSummary().run(dispatcher, _tracker(sender, SLOTS), {})
    summary_id = next(e["value"] for e in events if e["name"] == "summary_id")
    assert "Prestazioni a tutela del lavoratore" in _texts(dispatcher)

    slots = {**SLOTS, "summary_id": summary_id}
    numbers = set()
    for _ in range(2):
        dispatcher = CollectingDispatcher()
        await ActionRespond().run(dispatcher, _confirmed(sender, slots), {})
        numbers.update(w for w in _texts(dispatcher).split() if w.startswith("IR-"))
    assert len({n.rstrip(".:,") for n in numbers}) == 1
    with UnitOfWork() as uow:
        assert len(uow.tickets.for_conversation(sender)) == 1


async def test_database_failure_mid_filing_stores_nothing_and_says_so(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sender = f"d-{uuid.uuid4().hex[:6]}"
    _store(sender, "modulo", SIGNED_FORM)
    _store(
        sender, "documento", forms.images_pdf([pictures.photo_jpeg(), pictures.back_photo_jpeg()])
    )

    def broken(self: UnitOfWork) -> None:
        raise OperationalError("COMMIT", {}, Exception("disk I/O error"))

    # The ticket and its attachments are written (flushed), then the commit fails.
    monkeypatch.setattr(UnitOfWork, "commit", broken)
    dispatcher = CollectingDispatcher()
    await ActionRespond().run(dispatcher, _confirmed(sender, {**SLOTS, "summary_id": "s1"}), {})
    assert "non disponibile" in _texts(dispatcher)
    with UnitOfWork() as uow:
        assert uow.tickets.for_conversation(sender) == []
        assert len(uow.attachments.pending_for_conversation(sender)) == 2
