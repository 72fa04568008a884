"""The type comes from the bytes: names and extensions are never trusted."""

from __future__ import annotations

import pytest

from bot.intake import JPEG, P7M, PDF, PNG, Limits, check_upload, sniff
from bot.intake.samples import hostile, pictures, signed

MB = 1024 * 1024


def test_pdf_p7m_jpeg_and_png_are_recognised_from_their_bytes(filled_form, p7m_form, id_photo):
    assert sniff(filled_form).mime == PDF
    assert sniff(p7m_form).mime == P7M
    assert sniff(signed.p7m_base64()).mime == P7M
    assert sniff(id_photo).mime == JPEG
    assert sniff(pictures.photo_png()).mime == PNG


def test_jpeg_named_pdf_is_handled_as_a_photo(id_photo, limits):
    result = check_upload(id_photo, "documento_fronte", "carta_identita.pdf", limits=limits)
    assert result.accepted
    assert result.sniffed_type == JPEG
    assert result.stored_type == JPEG
    assert result.safe_name == "carta_identita.pdf"


@pytest.mark.parametrize(
    ("make", "kind_word"),
    [
        (pictures.gif_image, "GIF"),
        (pictures.webp_image, "WebP"),
        (hostile.heic_like, "HEIC"),
        (hostile.docx_like, "Word"),
        (lambda: b"MZ\x90\x00" + b"\x00" * 500, "programma"),
        (lambda: b"Gentile INAIL, allego il modulo.\n" * 20, "testo"),
        (hostile.random_bytes, "non riconosciuto"),
    ],
)
def test_files_outside_the_allowlist_are_refused_naming_what_was_sent(make, kind_word, limits):
    result = check_upload(make(), "modulo", "modulo.pdf", limits=limits)
    assert not result.accepted
    assert result.problem_codes == ["tipo_non_ammesso"]
    message = result.problems[0].message
    assert message.startswith("Il file inviato non è un PDF né una foto JPEG/PNG")
    assert kind_word in message
    assert "modulo di domanda di abilitazione" in message  # what to send instead
    assert result.stored_bytes == b"" and result.sha256 is None


def test_empty_upload_is_refused(limits):
    result = check_upload(b"", "documento", limits=limits)
    assert result.problem_codes == ["file_vuoto"]
    assert "vuoto" in result.problems[0].message


def test_file_over_the_size_limit_is_refused_saying_the_limit():
    result = check_upload(
        b"%PDF-1.7\n" + b" " * 3_000_000, "modulo", limits=Limits(max_bytes=2 * MB)
    )
    assert result.problem_codes == ["troppo_grande"]
    assert "pesa 2,9 MB, oltre il limite di 2 MB" in result.problems[0].message


def test_size_limit_defaults_to_the_settings():
    from bot.config import get_settings
    from bot.intake.check import default_limits

    assert default_limits().max_bytes == get_settings().max_upload_bytes


def test_unknown_purpose_is_a_programming_error(filled_form):
    with pytest.raises(ValueError):
        check_upload(filled_form, "passaporto")  # type: ignore[arg-type]
