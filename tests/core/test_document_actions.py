"""The file side of the filing form on a real SQLite database: files that were not what was asked,
data read from a file proposed instead of asked, differences named before the summary."""

from __future__ import annotations

import uuid

from rasa_sdk.executor import CollectingDispatcher

from actions.documents import ActionAskNome, ActionUploadReceived
from actions.filing import ActionShowSummary, ValidateFilingForm
from bot.intake import check_upload
from bot.intake.samples import documents as d
from bot.intake.samples import signed
from bot.intake.samples.people import PEOPLE
from bot.storage import store_attachment
from bot.tickets import UnitOfWork
from tests.core.test_filing_actions import _tracker, database  # noqa: F401 (the same set-up)

PERSON = PEOPLE[0]
SIGNED_FORM = signed.pades_signed_pdf()  # the sample doctor Mario Rossi, outside the event loop


def _upload(sender: str, data: bytes, asked: str) -> str:
    checked = check_upload(data, asked)  # type: ignore[arg-type]
    assert checked.accepted, checked.problems
    with UnitOfWork() as uow:
        store_attachment(uow, sender, checked.purpose, checked)
    return checked.purpose


def _texts(dispatcher: CollectingDispatcher) -> str:
    return "\n".join(m.get("text") or "" for m in dispatcher.messages)


def _sender() -> str:
    return f"d-{uuid.uuid4().hex[:6]}"


async def test_an_id_side_sent_when_the_form_is_asked_is_said_and_kept_as_the_id():
    sender = _sender()
    assert _upload(sender, d.jpeg(d.cie_front(PERSON)), "modulo") == "documento_fronte"
    slots = {"requested_slot": "modulo", "nome": PERSON.nome}
    dispatcher = CollectingDispatcher()
    form = ValidateFilingForm()
    tracker = _tracker(sender, slots, intent="upload_received")
    extracted = await form.extract_documento(dispatcher, tracker, {})
    assert "fronte del documento d'identità, non il modulo" in _texts(dispatcher)
    assert extracted == {"documento_atteso": "documento_retro"}  # the back is what is missing
    assert await form.extract_modulo(CollectingDispatcher(), tracker, {}) == {}


async def test_a_file_during_the_form_gets_no_offer_to_file_here():
    sender = _sender()
    _upload(sender, SIGNED_FORM, "modulo")
    dispatcher = CollectingDispatcher()
    await ActionUploadReceived().run(dispatcher, _tracker(sender, {}), {})
    assert dispatcher.messages == []


async def test_the_data_read_from_a_form_sent_first_are_proposed_not_asked():
    sender = _sender()
    _upload(sender, SIGNED_FORM, "modulo")
    dispatcher = CollectingDispatcher()
    events = await ActionAskNome().run(dispatcher, _tracker(sender, {}), {})
    assert "ROSSI MARIO" in _texts(dispatcher) and "RSSMRA80A01H501U" in _texts(dispatcher)
    assert [b["payload"] for b in dispatcher.messages[0]["buttons"]] == ["/affirm", "/deny"]
    assert events[0]["value"] == "dati_letti"
    form = ValidateFilingForm()
    yes = _tracker(sender, {"pending_question": "dati_letti"}, "sì", "affirm")
    filled = form.read_data_answer(CollectingDispatcher(), yes)
    assert (filled["nome"], filled["cognome"], filled["codice_fiscale"]) == (
        "Mario",
        "Rossi",
        "RSSMRA80A01H501U",
    )


async def test_a_refused_proposal_asks_the_data_one_by_one():
    sender = _sender()
    _upload(sender, SIGNED_FORM, "modulo")
    form = ValidateFilingForm()
    no = _tracker(sender, {"pending_question": "dati_letti"}, "no", "deny")
    dispatcher = CollectingDispatcher()
    result = form.read_data_answer(dispatcher, no)
    assert result == {"nome": None, "pending_question": "dati_letti_no"}
    again = CollectingDispatcher()
    await ActionAskNome().run(again, _tracker(sender, {"pending_question": "dati_letti_no"}), {})
    assert again.messages[0].get("response") == "utter_ask_nome"


async def test_a_name_typed_instead_of_yes_or_no_is_read_as_the_name():
    sender = _sender()
    _upload(sender, SIGNED_FORM, "modulo")
    typed = _tracker(sender, {"pending_question": "dati_letti"}, "Mario", "inform")
    assert ValidateFilingForm().read_data_answer(CollectingDispatcher(), typed) is None


async def test_without_a_file_the_name_is_asked_as_usual():
    dispatcher = CollectingDispatcher()
    await ActionAskNome().run(dispatcher, _tracker(_sender(), {}), {})
    assert dispatcher.messages[0].get("response") == "utter_ask_nome"


async def test_another_persons_id_is_named_before_the_summary_and_what_was_read_listed():
    sender = _sender()
    other = PEOPLE[1]
    _upload(sender, SIGNED_FORM, "modulo")
    _upload(sender, d.jpeg(d.cie_front(other)), "documento_fronte")
    _upload(sender, d.jpeg(d.cie_back(other)), "documento_retro")
    slots = {
        "nome": "Mario",
        "cognome": "Rossi",
        "codice_fiscale": "RSSMRA80A01H501U",
        "email": "m@example.org",
        "telefono": "+393331234567",
        "cap": "00184",
    }
    dispatcher = CollectingDispatcher()
    await ActionShowSummary().run(dispatcher, _tracker(sender, slots), {})
    text = _texts(dispatcher)
    assert f"sul documento d'identità è {other.cognome.upper()}" in text
    assert "zona a lettura ottica" in text  # where the ID's data were read


async def test_one_form_validation_call_reads_the_files_once(monkeypatch):
    import actions.documents

    sender = _sender()
    _upload(sender, d.jpeg(d.cie_front(PERSON)), "documento_fronte")
    _upload(sender, d.jpeg(d.cie_back(PERSON)), "documento_retro")
    reads: list[str] = []
    read = actions.documents.documents.received_files

    def counted(conversation_id: str):
        reads.append(conversation_id)
        return read(conversation_id)

    monkeypatch.setattr(actions.documents.documents, "received_files", counted)
    form = ValidateFilingForm()
    slots = {"requested_slot": "documento", "nome": PERSON.nome, "cognome": PERSON.cognome}
    tracker = _tracker(sender, slots, intent="upload_received")
    extracted = await form.extract_documento(CollectingDispatcher(), tracker, {})
    assert await form.extract_modulo(CollectingDispatcher(), tracker, {}) == {}
    validated = await form.validate_documento(
        extracted["documento"], CollectingDispatcher(), tracker, {}
    )
    assert validated["documento"] == extracted["documento"] and reads == [sender]
    await form.extract_documento(CollectingDispatcher(), _tracker(sender, slots), {})
    assert reads == [sender, sender]  # the next call (its own tracker) reads them again
