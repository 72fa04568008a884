"""Checks before filing: what the file is, the ID's validity, the data compared, the signature."""

from __future__ import annotations

from datetime import date

import pytest

from bot.intake import DeclaredIdentity, check_upload
from bot.intake.check import Context
from bot.intake.document_checks import cf_mismatches, differences, identity_sources
from bot.intake.reading import Reading
from bot.intake.samples import documents as d
from bot.intake.samples import forms, signed
from bot.intake.samples.people import PEOPLE

TODAY = date(2026, 12, 1)
PERSON = PEOPLE[0]
DECLARED = DeclaredIdentity(PERSON.nome, PERSON.cognome, PERSON.codice_fiscale)


def _check(data: bytes, purpose: str, declared=DECLARED, **context):
    return check_upload(data, purpose, declared=declared, context=Context(today=TODAY, **context))


@pytest.fixture(scope="module")
def back() -> bytes:
    return d.jpeg(d.cie_back(PERSON))


@pytest.fixture(scope="module")
def front() -> bytes:
    return d.jpeg(d.cie_front(PERSON))


def test_an_id_photo_sent_as_the_form_is_stored_as_the_id(front):
    result = _check(front, "modulo")
    assert result.accepted and result.purpose == "documento_fronte"
    assert result.asked_purpose == "modulo"
    assert "file_diverso" in result.warning_codes
    assert "documento d'identità" in result.warnings[0].message


def test_the_form_sent_as_the_id_is_kept_as_the_form():
    result = _check(signed.pades_signed_pdf(), "documento_fronte", declared=None)
    assert result.accepted and result.purpose == "modulo"
    assert "file_diverso" in result.warning_codes


def test_the_back_sent_for_the_front_is_the_back(back):
    result = _check(back, "documento_fronte")
    assert result.purpose == "documento_retro" and "file_diverso" in result.warning_codes


def test_the_upload_api_read_has_the_documented_fields_only(back):
    read = _check(back, "documento_retro").reading.api_dict()
    assert read == {
        "kind": "carta_identita_elettronica",
        "side": "retro",
        "source": "mrz",
        "cognome": PERSON.cognome.upper(),
        "nome": PERSON.nome.upper(),
        "data_nascita": PERSON.nascita.isoformat(),
        "sesso": PERSON.sesso,
        "numero_documento": PERSON.numero,
        "scadenza": PERSON.scadenza.isoformat(),
        **({"codice_fiscale": PERSON.codice_fiscale} if "codice_fiscale" in read else {}),
    }


def test_an_expired_id_is_refused_with_the_date_read():
    expired = PERSON.with_document(PERSON.numero, date(2016, 5, 2), date(2026, 9, 14))
    result = _check(d.jpeg(d.cie_back(expired)), "documento_retro")
    assert not result.accepted and result.problem_codes == ["documento_scaduto"]
    assert "14/09/2026" in result.problems[0].message
    assert result.stored_bytes == b""


def test_an_id_expiring_within_30_days_is_accepted_with_a_warning():
    soon = PERSON.with_document(PERSON.numero, date(2016, 12, 20), date(2026, 12, 20))
    result = _check(d.jpeg(d.cie_back(soon)), "documento_retro")
    assert result.accepted and "documento_in_scadenza" in result.warning_codes
    assert "20/12/2026" in " ".join(w.message for w in result.warnings)


def test_a_paper_identity_card_is_refused_since_august_2026_with_what_to_send():
    result = _check(d.jpeg(d.paper_id(PERSON)), "documento_fronte")
    assert result.problem_codes == ["carta_cartacea_non_valida"]
    message = result.problems[0].message
    assert "2019/1157" in message and "passaporto" in message and "patente" in message
    earlier = check_upload(
        d.jpeg(d.paper_id(PERSON)),
        "documento_fronte",
        declared=DECLARED,
        context=Context(today=date(2026, 7, 1)),
    )
    assert earlier.accepted


def test_another_persons_id_names_each_difference_with_both_values():
    brother = PEOPLE[1]
    result = _check(d.jpeg(d.cie_back(brother)), "documento_retro")
    assert result.accepted
    messages = " ".join(w.message for w in result.warnings if w.code == "dato_diverso")
    assert brother.cognome.upper() in messages and PERSON.cognome.upper() in messages
    assert brother.nome.upper() in messages and PERSON.nome.upper() in messages


def test_form_and_id_disagreeing_is_named_even_when_the_typed_data_are_missing(front):
    form = Reading(kind="modulo", cognome="FERRARI", nome="GIULIA")
    result = _check(front, "documento_fronte", declared=None, others={"modulo": form})
    text = " ".join(w.message for w in result.warnings if w.code == "dato_diverso")
    assert "FERRARI" in text and "nel modulo" in text and "sul documento" in text


def test_the_codice_fiscale_is_checked_against_the_id_data():
    reading = Reading(
        kind="carta_identita_elettronica",
        cognome=PERSON.cognome,
        nome=PERSON.nome,
        data_nascita=PERSON.nascita,
        sesso=PERSON.sesso,
    )
    assert cf_mismatches(PERSON.codice_fiscale, reading) == []
    assert cf_mismatches(PEOPLE[1].codice_fiscale, reading) == ["cognome", "nome", "data_nascita"]
    male = reading.with_(sesso="M")
    assert cf_mismatches(PERSON.codice_fiscale, male) == ["sesso"]


def test_given_names_typed_in_part_are_not_a_difference():
    sources = identity_sources(
        {"documento_fronte": Reading(kind="carta_identita_elettronica", nome="MARIA ELENA")},
        DeclaredIdentity(nome="Maria"),
    )
    assert differences(sources, "documento_fronte") == []


def test_a_form_filled_on_a_computer_without_digital_signature_is_to_be_signed():
    result = _check(forms.filled_form_pdf(), "modulo", declared=None)
    assert result.problem_codes == ["modulo_non_firmato"]
    message = result.problems[0].message
    assert "firmi digitalmente" in message.lower() and "stampi" in message


def test_a_photo_of_the_form_needs_ink_in_the_signature_box():
    unsigned = d.jpeg(d.form_sheet(PERSON, signed=False))
    assert _check(unsigned, "modulo").problem_codes == ["modulo_senza_firma_autografa"]
    third = _check(unsigned, "modulo", retries=2)
    assert third.accepted and "firma_da_verificare" in third.flags
    signed_photo = _check(d.jpeg(d.form_sheet(PERSON, signed=True)), "modulo")
    assert signed_photo.accepted and "firma_autografa" in signed_photo.flags


def test_an_unreadable_photo_gets_retake_advice_then_is_accepted_for_review():
    blurred = d.jpeg(d.UNREADABLE[0].apply(d.cie_back(PERSON), 1))
    first = _check(blurred, "documento_retro")
    assert first.problem_codes == ["documento_illeggibile"]
    assert "sfocata" in first.problems[0].message and "Rifaccia" in first.problems[0].message
    third = _check(blurred, "documento_retro", retries=2)
    assert third.accepted and "da_verificare" in third.flags


def test_a_scan_of_both_sides_is_the_whole_document():
    result = _check(d.pdf_of([d.cie_front(PERSON), d.cie_back(PERSON)]), "modulo")
    assert result.accepted and result.purpose == "documento"
    assert result.reading.side == "entrambi"


def test_without_reading_only_the_structure_is_checked(front):
    result = check_upload(front, "documento_fronte", context=Context(read=False))
    assert result.accepted and result.reading is None and result.purpose == "documento_fronte"
