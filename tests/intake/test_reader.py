"""Reading ID documents and the form from pictures (Tesseract, offline), as phones take them.

The documents are drawn by bot/intake/samples/documents.py for invented people (FAC-SIMILE).
"""

from __future__ import annotations

import pytest

from bot.intake.id_reader import read_image_bytes, read_pages
from bot.intake.samples import documents as d
from bot.intake.samples.people import PEOPLE

VARIANTS = {variant.name: variant for variant in d.VARIANTS}


def _read(image, variant="pulita", seed=1):
    return read_image_bytes(d.jpeg(VARIANTS[variant].apply(image, seed), 88))


@pytest.mark.parametrize(
    "variant", ["pulita", "tavolo 12MP", "inclinata -12°", "capovolta", "ruotata 90°"]
)
def test_cie_back_photos_are_read_through_the_mrz(variant):
    person = PEOPLE[1]
    read = _read(d.cie_back(person, 2), variant, 2)
    assert read.kind == "carta_identita_elettronica" and read.side == "retro"
    assert read.mrz_valid and read.source == "mrz"
    assert (read.cognome, read.nome) == (person.cognome.upper(), person.nome.upper())
    assert (read.data_nascita, read.sesso, read.scadenza) == (
        person.nascita,
        person.sesso,
        person.scadenza,
    )
    assert read.numero_documento == person.numero


@pytest.mark.parametrize("variant", ["pulita", "tavolo 2MP", "luce irregolare"])
def test_cie_front_fields_are_read_by_ocr(variant):
    person = PEOPLE[4]
    read = _read(d.cie_front(person, 3), variant, 3)
    assert (read.kind, read.side, read.source) == ("carta_identita_elettronica", "fronte", "ocr")
    assert (read.cognome, read.nome) == (person.cognome.upper(), person.nome.upper())
    assert (read.data_nascita, read.scadenza) == (person.nascita, person.scadenza)


def test_driving_licence_numbered_fields():
    person = PEOPLE[6]
    read = _read(d.driving_licence(person))
    assert read.kind == "patente"
    assert (read.cognome, read.nome) == (person.cognome.upper(), person.nome.upper())
    assert (read.data_nascita, read.scadenza) == (person.nascita, person.scadenza)


def test_passport_page_with_its_td3_zone():
    person = PEOPLE[7]
    read = _read(d.passport_page(person))
    assert read.kind == "passaporto"
    assert read.cognome == person.cognome.upper() and read.scadenza == person.scadenza


def test_paper_identity_card_is_told_apart_from_the_cie():
    person = PEOPLE[0]
    read = _read(d.paper_id(person))
    assert read.kind == "carta_identita" and not read.has_mrz
    assert read.cognome == person.cognome.upper() and read.scadenza == person.scadenza


def test_both_sides_as_pages_of_one_scan_are_one_document():
    person = PEOPLE[2]
    pages = [d.jpeg(d.cie_front(person)), d.jpeg(d.cie_back(person))]
    read = read_pages(pages)
    assert read.side == "entrambi" and read.mrz_valid
    assert read.codice_fiscale in (None, person.codice_fiscale)


def test_the_form_photographed_is_the_form_with_its_data_and_signature():
    person = PEOPLE[5]
    signed = _read(d.form_sheet(person, signed=True))
    unsigned = _read(d.form_sheet(person, signed=False))
    assert signed.kind == unsigned.kind == "modulo"
    assert signed.codice_fiscale == person.codice_fiscale
    assert signed.signature_ink is True and unsigned.signature_ink is False


@pytest.mark.parametrize(("variant", "reason"), [("sfocata", "sfocata"), ("riflesso", "riflessi")])
def test_what_made_a_photo_unreadable_is_named(variant, reason):
    bad = {v.name: v for v in d.UNREADABLE}[variant]
    read = read_image_bytes(d.jpeg(bad.apply(d.cie_back(PEOPLE[3]), 1)))
    assert reason in read.quality
    assert not read.mrz_valid


def test_a_picture_of_something_else_is_other():
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (1400, 900), (120, 160, 90))
    ImageDraw.Draw(image).ellipse((300, 200, 1100, 700), fill=(200, 60, 40))
    read = read_image_bytes(d.jpeg(image))
    assert read.kind == "altro" and read.cognome is None


def test_the_pictures_of_the_fixtures_are_the_same_every_time():
    # The table's grain is seeded: a figure measured twice is measured on the same photos.
    variant = VARIANTS["tavolo 2MP"]
    first = d.jpeg(variant.apply(d.cie_front(PEOPLE[0], 4), 4))
    d.jpeg(variant.apply(d.cie_back(PEOPLE[1], 5), 5))
    assert d.jpeg(variant.apply(d.cie_front(PEOPLE[0], 4), 4)) == first


@pytest.mark.parametrize(
    ("variant", "turned"),
    [("pulita", False), ("capovolta", False), ("ruotata 90°", True), ("ruotata 270°", True)],
)
def test_the_text_direction_tells_a_quarter_turn_before_any_ocr(variant, turned):
    import io

    from PIL import Image

    from bot.intake import photo

    for draw in (d.cie_front, d.driving_licence, d.passport_page):
        data = d.jpeg(VARIANTS[variant].apply(draw(PEOPLE[3], 2), 2))
        gray = photo.to_gray(Image.open(io.BytesIO(data)))
        doc, _ = photo.find_document(gray)
        ratio = photo.text_direction(doc)
        assert (ratio < 0.9) if turned else (ratio > 1.1), (draw.__name__, ratio)


@pytest.mark.parametrize("variant", ["capovolta", "ruotata 270°"])
def test_upside_down_and_turned_pictures_are_read_in_two_passes_at_most(variant, monkeypatch):
    from bot.intake import ocr

    calls = []
    original = ocr.lines
    monkeypatch.setattr(ocr, "lines", lambda *a, **k: calls.append(1) or original(*a, **k))
    person = PEOPLE[5]
    read = _read(d.cie_front(person, 6), variant, 6)
    assert (read.cognome, read.nome) == (person.cognome.upper(), person.nome.upper())
    assert read.rotation in (90, 180, 270) and len(calls) <= 2
