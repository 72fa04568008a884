"""The request form as a PDF: recognised, fields read, signature status flagged for staff."""

from __future__ import annotations

import io

from bot.intake import PDF, Flag, check_upload
from bot.intake.samples import forms


def test_filled_form_is_accepted_with_identity_from_its_fields(pades_form, doctor, limits):
    result = check_upload(pades_form, "modulo", "modulo.pdf", doctor, limits)
    assert result.accepted, result.problems
    assert result.stored_bytes == pades_form
    assert result.stored_type == PDF
    assert result.pages == 1
    assert result.identity is not None
    assert (result.identity.nome, result.identity.cognome) == ("Mario", "Rossi")
    assert result.identity.codice_fiscale == "RSSMRA80A01H501U"
    assert not any(w.code == "dato_diverso" for w in result.warnings)


def test_unsigned_form_filled_on_a_computer_is_sent_back_to_be_signed(filled_form, limits):
    result = check_upload(filled_form, "modulo", limits=limits)
    assert result.problem_codes == ["modulo_non_firmato"]
    assert not result.has_flag(Flag.FIRMA_DIGITALE)
    assert "stampi, lo firmi a mano" in result.problems[0].message


def test_form_with_an_empty_signature_field_is_still_unsigned(limits):
    pdf = forms.form_pdf(forms.FILLED_VALUES, with_signature_field=True)
    result = check_upload(pdf, "modulo", limits=limits)
    assert result.problem_codes == ["modulo_non_firmato"]
    assert not result.has_flag(Flag.FIRMA_DIGITALE)


def test_blank_form_is_accepted_with_a_warning_listing_empty_fields(blank_form, limits):
    from bot.intake.samples import signed

    result = check_upload(signed.pades_signed_pdf(blank_form), "modulo", limits=limits)
    assert result.accepted
    assert result.has_flag(Flag.CAMPI_VUOTI)
    (warning,) = [w for w in result.warnings if w.code == "campi_vuoti"]
    assert "cognome" in warning.message and "codice_fiscale" in warning.message
    assert result.identity is not None and result.identity.source == "firma"  # not the fields


def test_scanned_form_without_text_layer_is_accepted_for_staff_review(scanned_form, limits):
    result = check_upload(scanned_form, "modulo", "scansione.pdf", limits=limits)
    assert result.accepted, result.problems
    assert result.has_flag(Flag.SCANSIONE)
    assert result.has_flag(Flag.FIRMA_DA_VERIFICARE)


def test_pdf_that_is_not_the_request_form_is_refused(limits):
    invoice = forms.text_pdf(["Fattura n. 42 del 3 marzo", "Totale 120,00 euro"], "Fattura")
    result = check_upload(invoice, "modulo", limits=limits)
    assert result.problem_codes == ["non_sembra_il_modulo"]
    assert "ucm_220206" in result.problems[0].message


def test_text_document_with_a_logo_is_still_not_the_form(id_photo, limits):
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.image(io.BytesIO(id_photo), w=40)
    pdf.set_font("Helvetica", size=11)
    pdf.multi_cell(0, 6, "Preventivo per lavori di ristrutturazione del bagno. " * 8)
    result = check_upload(bytes(pdf.output()), "modulo", limits=limits)
    assert result.problem_codes == ["non_sembra_il_modulo"]


def test_scan_with_a_poor_ocr_layer_is_accepted_as_scan(form_photo, limits):
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.image(io.BytesIO(form_photo), w=190)
    pdf.set_font("Helvetica", size=8)
    pdf.cell(0, 5, "D0m4nd4 d1 ab1l1t4z10n3")  # what OCR makes of a blurred title
    result = check_upload(bytes(pdf.output()), "modulo", limits=limits)
    assert result.accepted and result.purpose == "modulo"
    assert result.has_flag(Flag.SCANSIONE)


def test_blank_pdf_is_not_the_form(limits):
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    out = io.BytesIO()
    writer.write(out)
    result = check_upload(out.getvalue(), "modulo", limits=limits)
    assert result.problem_codes == ["non_sembra_il_modulo"]


def test_form_keywords_are_matched_loosely(limits):
    pdf = forms.text_pdf(["RICHIESTA CREDENZIALI - Medici Esterni"], "Modulo")
    # Recognised as the form (so what is missing is its signature, not the right file).
    assert check_upload(pdf, "modulo", limits=limits).problem_codes == ["modulo_non_firmato"]


def test_password_protected_pdf_asks_for_an_unprotected_copy(limits):
    result = check_upload(forms.encrypted_pdf(), "modulo", limits=limits)
    assert result.problem_codes == ["pdf_protetto"]
    assert "senza password" in result.problems[0].message


def test_pdf_restricted_only_by_owner_password_opens_and_is_read(limits):
    result = check_upload(forms.encrypted_pdf(user_password=""), "modulo", limits=limits)
    assert result.problem_codes == ["modulo_non_firmato"]  # opened and read, then judged
    assert result.has_flag(Flag.PROTETTO_DA_MODIFICHE)
    assert result.reading is not None and result.reading.cognome == "Rossi"


def test_form_with_javascript_is_flagged(limits):
    from bot.intake.samples import signed

    result = check_upload(
        signed.pades_signed_pdf(forms.javascript_form_pdf()), "modulo", limits=limits
    )
    assert result.accepted
    assert result.has_flag(Flag.CONTENUTI_ATTIVI)


def test_id_document_pdf_with_both_sides_is_accepted(id_photo, limits):
    from bot.intake.samples import pictures

    pdf = forms.images_pdf([id_photo, pictures.back_photo_jpeg()])
    result = check_upload(pdf, "documento", limits=limits)
    assert result.accepted and result.purpose == "documento"
    assert result.pages == 2
    assert result.warnings == ()


def test_single_page_id_pdf_is_kept_as_the_side_it_shows(id_photo, limits):
    result = check_upload(forms.images_pdf([id_photo]), "documento", limits=limits)
    assert result.accepted and result.purpose == "documento_fronte"


def test_single_page_pdf_that_cannot_be_read_reminds_to_include_both_sides(id_photo, limits):
    from bot.intake.check import Context

    pdf = forms.images_pdf([id_photo])
    result = check_upload(pdf, "documento", limits=limits, context=Context(read=False))
    assert result.accepted
    assert result.warning_codes == ["pagina_unica_documento"]


def test_id_document_pdf_with_too_many_pages_is_refused(id_photo, limits):
    result = check_upload(forms.images_pdf([id_photo] * 5), "documento", limits=limits)
    assert result.problem_codes == ["troppe_pagine"]
    assert "al massimo 4" in result.problems[0].message


def test_form_sent_as_id_document_is_kept_as_the_form(pades_form, limits):
    result = check_upload(pades_form, "documento_fronte", limits=limits)
    assert result.accepted and result.purpose == "modulo"
    assert "file_diverso" in result.warning_codes


def test_to_dict_is_json_ready_and_has_no_file_bytes(pades_form, doctor, limits):
    import json

    data = check_upload(pades_form, "modulo", "modulo.pdf", doctor, limits).to_dict()
    assert "stored_bytes" not in data
    decoded = json.loads(json.dumps(data))
    assert decoded["accepted"] is True
    assert decoded["identity"]["codice_fiscale"] == "RSSMRA80A01H501U"
    assert decoded["reading"]["kind"] == "modulo"
    assert "firma_digitale" in decoded["flags"]
