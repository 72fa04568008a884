"""Photos: refused when unusable, otherwise stored upright and without metadata."""

from __future__ import annotations

import io
import tracemalloc

from PIL import Image

from bot.intake import JPEG, PNG, Flag, Limits, check_upload
from bot.intake.check import Context
from bot.intake.samples import pictures


def _open(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data))


def test_photo_is_stored_upright_without_exif_or_gps(id_photo, limits):
    original = _open(id_photo)
    assert original.getexif().get(pictures.ORIENTATION) == 6
    assert pictures.GPS_IFD in original.getexif()

    result = check_upload(id_photo, "documento_fronte", "IMG_0001.jpg", limits=limits)

    assert result.accepted, result.problems
    assert result.stored_type == JPEG
    stored = _open(result.stored_bytes)
    assert stored.size == (1000, 1600)  # Orientation 6: turned 90° clockwise
    assert len(stored.getexif()) == 0
    assert "exif" not in stored.info and "icc_profile" not in stored.info
    assert b"Exif" not in result.stored_bytes[:2048]
    # The red marker was top-left in the sensor image; after a clockwise turn it is top-right.
    red, green, _ = stored.convert("RGB").getpixel((stored.width - 20, 20))
    assert red > 180 and green < 80
    assert {Flag.IMMAGINE_RUOTATA, Flag.METADATI_RIMOSSI} <= set(result.flags)


def test_png_is_reencoded_as_png_without_text_chunks(limits):
    result = check_upload(pictures.photo_png(), "documento_retro", limits=limits)
    assert result.accepted
    assert result.stored_type == PNG
    assert b"Mario Rossi" not in result.stored_bytes
    assert b"tEXt" not in result.stored_bytes
    assert _open(result.stored_bytes).size == (1200, 800)


def test_photo_of_paper_form_is_accepted_as_scan_to_verify(form_photo, limits):
    result = check_upload(form_photo, "modulo", "modulo.jpg", limits=limits)
    assert result.accepted
    assert {Flag.SCANSIONE, Flag.FIRMA_DA_VERIFICARE} <= set(result.flags)
    assert "firma_da_verificare" in result.warning_codes


def test_single_photo_for_whole_document_is_kept_as_the_side_it_shows(id_photo, limits):
    result = check_upload(id_photo, "documento", limits=limits)
    assert result.accepted and result.purpose == "documento_fronte"
    unread = check_upload(id_photo, "documento", limits=limits, context=Context(read=False))
    assert unread.warning_codes == ["documento_un_lato"]


def test_tiny_image_asks_for_a_closer_sharper_photo(limits):
    result = check_upload(pictures.tiny_jpeg(), "documento_fronte", limits=limits)
    assert result.problem_codes == ["immagine_troppo_piccola"]
    message = result.problems[0].message
    assert "320×200" in message and "più nitida e più vicina" in message


def test_truncated_photo_is_refused_as_damaged(limits):
    result = check_upload(pictures.truncated_jpeg(), "documento_fronte", limits=limits)
    assert result.problem_codes == ["immagine_danneggiata"]


def test_huge_png_is_refused_from_its_header_without_decoding(limits):
    data = pictures.huge_png()
    assert len(data) < 1_000_000  # 900 megapixels in a small file
    tracemalloc.start()
    try:
        result = check_upload(data, "documento", limits=limits)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.problem_codes == ["immagine_troppo_grande"]
    assert "30000×30000" in result.problems[0].message
    assert peak < 20_000_000


def test_large_photo_is_stored_reduced_to_the_long_side_limit(limits):
    big = pictures.photo_jpeg(6000, 4000)
    result = check_upload(big, "documento_fronte", limits=limits)
    assert result.accepted
    assert max(_open(result.stored_bytes).size) <= limits.max_stored_long_side
    assert result.has_flag(Flag.IMMAGINE_RIDOTTA)


def test_pixel_cap_is_configurable():
    result = check_upload(
        pictures.photo_jpeg(1600, 1000), "documento_fronte", limits=Limits(max_pixels=1_000_000)
    )
    assert result.problem_codes == ["immagine_troppo_grande"]
