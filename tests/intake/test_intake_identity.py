"""Identity pre-check: differences between the form and what the doctor declared."""

from __future__ import annotations

import logging

from bot.intake import DeclaredIdentity, check_upload
from bot.intake.identity import codice_fiscale_in_text, identity_from_fields, normalise
from bot.intake.samples import forms, signed


def test_comparison_ignores_case_accents_spaces_and_apostrophes():
    assert normalise("  d'Àngelo ") == normalise("DANGELO")
    assert normalise("De  Luca") == normalise("deluca")


def test_identical_data_written_differently_raises_no_warning(limits):
    pdf = signed.pades_signed_pdf(forms.filled_form_pdf(cognome="D'Àngelo", nome="Niccolò"))
    declared = DeclaredIdentity("niccolo", "dangelo", "rssmra80a01h501u")
    result = check_upload(pdf, "modulo", declared=declared, limits=limits)
    assert "dato_diverso" not in result.warning_codes


def test_different_codice_fiscale_is_reported_with_both_values(pades_form, limits):
    declared = DeclaredIdentity("Mario", "Rossi", "RSSMRA80A01H501X")
    result = check_upload(pades_form, "modulo", declared=declared, limits=limits)
    assert result.accepted  # a warning, not a refusal
    (warning,) = [w for w in result.warnings if w.code == "dato_diverso"]
    assert warning.message.startswith(
        "Il codice fiscale è diverso: nel modulo è RSSMRA80A01H501U, nei dati che mi ha"
        " indicato è RSSMRA80A01H501X."
    )


def test_each_differing_datum_gets_its_own_warning(pades_form, limits):
    declared = DeclaredIdentity("Maria", "Russo", "RSSMRA80A01H501U")
    result = check_upload(pades_form, "modulo", declared=declared, limits=limits)
    messages = [w.message for w in result.warnings if w.code == "dato_diverso"]
    assert len(messages) == 2
    assert any("Il nome è diverso: nel modulo è MARIO" in m and "è MARIA" in m for m in messages)
    assert any("Il cognome è diverso: nel modulo è ROSSI" in m and "RUSSO" in m for m in messages)


def test_missing_declared_data_is_not_compared(pades_form, limits):
    result = check_upload(pades_form, "modulo", declared=DeclaredIdentity(), limits=limits)
    assert "dato_diverso" not in result.warning_codes


def test_identity_warnings_are_never_logged(filled_form, limits, caplog):
    declared = DeclaredIdentity("Maria", "Russo", "RSSMRA80A01H501X")
    with caplog.at_level(logging.DEBUG):
        check_upload(filled_form, "modulo", "modulo Rossi.pdf", declared, limits)
    logged = caplog.text
    for secret in ("Rossi", "Russo", "RSSMRA80A01H501", "Maria"):
        assert secret not in logged


def test_field_names_are_recognised_in_usual_shapes():
    found = identity_from_fields(
        {"Dati.Medico.Cognome[0]": "Bianchi", "nome_1": "Anna", "CodiceFiscale": "bnclna85m41f205z"}
    )
    assert found is not None
    assert (found.nome, found.cognome, found.codice_fiscale) == (
        "Anna",
        "Bianchi",
        "BNCLNA85M41F205Z",
    )


def test_codice_fiscale_is_found_in_plain_text_including_omocodia():
    assert codice_fiscale_in_text("C.F.: rssmra80a01h501u nato a Roma") == "RSSMRA80A01H501U"
    assert codice_fiscale_in_text("CF RSSMRAURALMH50NU") == "RSSMRAURALMH50NU"
    assert codice_fiscale_in_text("nessun codice qui") is None


def test_codice_fiscale_in_text_only_form_is_compared(limits):
    pdf = signed.pades_signed_pdf(
        forms.text_pdf(
            ["Domanda di abilitazione Medico esterno INAIL", "Codice fiscale: RSSMRA80A01H501U"]
        )
    )
    declared = DeclaredIdentity(codice_fiscale="BNCLNA85M41F205Z")
    result = check_upload(pdf, "modulo", declared=declared, limits=limits)
    assert result.identity is not None and result.identity.source == "testo"
    assert "dato_diverso" in result.warning_codes
