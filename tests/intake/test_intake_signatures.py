"""Digital signatures: PAdES inside the PDF and CAdES .p7m envelopes, verified offline."""

from __future__ import annotations

import hashlib

from bot.intake import P7M, Flag, check_upload
from bot.intake.samples import forms, signed

CF = "RSSMRA80A01H501U"


def test_pades_signed_form_is_verified_and_names_the_signer(pades_form, doctor, limits):
    result = check_upload(pades_form, "modulo", "modulo_firmato.pdf", doctor, limits)
    assert result.accepted, result.problems
    assert result.has_flag(Flag.FIRMA_DIGITALE)
    assert result.has_flag(Flag.FIRMA_VERIFICATA)
    assert result.has_flag(Flag.CATENA_NON_VERIFICATA)  # trust in the CA is not checked offline
    assert not result.has_flag(Flag.FIRMA_DA_VERIFICARE)
    assert result.signer is not None and result.signer.codice_fiscale == CF
    assert result.warnings == ()


def test_pades_signature_with_ecdsa_key_verifies(limits):
    result = check_upload(signed.pades_signed_pdf(key_type="ec"), "modulo", limits=limits)
    assert result.has_flag(Flag.FIRMA_VERIFICATA)


def test_pdf_altered_after_signing_is_refused_as_invalid_signature(limits):
    result = check_upload(signed.tampered_pades_pdf(), "modulo", limits=limits)
    assert result.problem_codes == ["firma_non_valida"]


def test_p7m_is_stored_as_received_and_its_inner_pdf_is_checked(p7m_form, doctor, limits):
    result = check_upload(p7m_form, "modulo", "modulo.pdf.p7m", doctor, limits)
    assert result.accepted, result.problems
    assert result.sniffed_type == P7M and result.stored_type == P7M
    assert result.stored_bytes == p7m_form
    assert result.sha256 == hashlib.sha256(p7m_form).hexdigest()
    assert {Flag.P7M, Flag.FIRMA_DIGITALE, Flag.FIRMA_VERIFICATA} <= set(result.flags)
    assert result.pages == 1
    assert result.identity is not None and result.identity.cognome == "Rossi"


def test_p7m_signer_codice_fiscale_comes_from_tinit_serial_number(p7m_form, limits):
    result = check_upload(p7m_form, "modulo", limits=limits)
    assert result.signer is not None
    assert result.signer.serial_number == f"TINIT-{CF}"
    assert result.signer.codice_fiscale == CF
    assert result.signer.common_name == "MARIO ROSSI"
    assert result.signer.verified is True


def test_p7m_in_base64_pem_is_accepted(limits):
    result = check_upload(signed.p7m_base64(), "modulo", limits=limits)
    assert result.accepted, result.problems
    assert result.has_flag(Flag.FIRMA_VERIFICATA)


def test_p7m_with_ecdsa_signature_verifies(limits):
    result = check_upload(signed.p7m(key_type="ec"), "modulo", limits=limits)
    assert result.has_flag(Flag.FIRMA_VERIFICATA)


def test_detached_signature_asks_for_the_p7m_with_the_document_inside(limits):
    result = check_upload(signed.p7m(detached=True), "modulo", "modulo.p7s", limits=limits)
    assert result.problem_codes == ["p7m_senza_documento"]
    assert ".pdf.p7m" in result.problems[0].message


def test_tampered_p7m_is_refused_as_invalid_signature(limits):
    result = check_upload(signed.tampered_p7m(), "modulo", limits=limits)
    assert result.problem_codes == ["firma_non_valida"]
    assert "firma digitale non è valida" in result.problems[0].message


def test_truncated_p7m_is_refused_as_damaged(p7m_form, limits):
    result = check_upload(p7m_form[:300], "modulo", limits=limits)
    assert result.problem_codes == ["p7m_danneggiato"]


def test_p7m_wrapping_something_other_than_a_pdf_is_refused(limits):
    result = check_upload(signed.p7m(b"solo testo, non un PDF " * 10), "modulo", limits=limits)
    assert result.problem_codes == ["p7m_contenuto_non_ammesso"]
    assert "file di testo" in result.problems[0].message


def test_double_signed_p7m_is_opened_layer_by_layer(p7m_form, limits):
    result = check_upload(signed.p7m(p7m_form), "modulo", "modulo.pdf.p7m.p7m", limits=limits)
    assert result.accepted, result.problems
    assert result.pages == 1


def test_p7m_signed_by_someone_else_warns_with_both_codici_fiscali(doctor, limits):
    other = "VRDGPP70B02F205X"
    result = check_upload(
        signed.p7m(codice_fiscale=other), "modulo", declared=doctor, limits=limits
    )
    assert result.accepted
    (warning,) = [w for w in result.warnings if w.code == "firmatario_diverso"]
    assert other in warning.message and CF in warning.message


def test_expired_signing_certificate_is_accepted_with_a_warning(limits):
    result = check_upload(signed.p7m(expired=True), "modulo", limits=limits)
    assert result.accepted
    assert "certificato_scaduto" in result.warning_codes


def test_p7m_of_a_non_form_pdf_is_refused_like_the_pdf_itself(limits):
    invoice = forms.text_pdf(["Fattura n. 42", "Totale 120,00 euro"], "Fattura")
    result = check_upload(signed.p7m(invoice), "modulo", limits=limits)
    assert result.problem_codes == ["non_sembra_il_modulo"]
