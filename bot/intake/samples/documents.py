"""ID documents of invented people (FAC-SIMILE), drawn from scratch, and phone-photo degradations.

Kinds: CIE front and back (codice fiscale, TD1 MRZ with ICAO 9303 check digits), the old paper
carta d'identità, the EU driving licence, the passport data page (TD3 MRZ), the request form
photographed or scanned (signed or not). Layouts, fonts and degradations are ours; every card
carries "FAC-SIMILE" in red. Fonts come from Debian packages (fonts-dejavu-core, fonts-ocr-b for
the MRZ, DejaVu Sans Mono when OCR-B is missing).
"""

from __future__ import annotations

import io
import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from bot.intake.mrz import check_digit, td1_lines, td3_lines
from bot.intake.samples.people import Person

_FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/opentype/ocr-b"))
_CARD = (1290, 814)  # ID-1 card at about 15 px/mm
_INK = (25, 28, 40)
_LABEL = (70, 80, 100)
_RED = (190, 20, 30)


@lru_cache(maxsize=32)
def font(name: str, size: int) -> ImageFont.FreeTypeFont:
    for directory in _FONT_DIRS:
        path = directory / name
        if path.exists():
            return ImageFont.truetype(str(path), size)
    return ImageFont.truetype(str(_FONT_DIRS[0] / "DejaVuSansMono-Bold.ttf"), size)


def _sans(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    return font("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf", size)


def _mrz_font(size: int) -> ImageFont.FreeTypeFont:
    return font("OCRB.otf" if (_FONT_DIRS[1] / "OCRB.otf").exists() else "OCRBS.otf", size)


def _fitting_mrz_font(line: str, width: int, size: int) -> ImageFont.FreeTypeFont:
    while size > 12 and _mrz_font(size).getlength(line) > width:
        size -= 2
    return _mrz_font(size)


def _date(value: date, style: str) -> str:
    return {
        "dots": value.strftime("%d.%m.%Y"),
        "spaces": value.strftime("%d %m %Y"),
        "slashes": value.strftime("%d/%m/%Y"),
        "short": value.strftime("%d/%m/%y"),
    }[style]


def _background(size: tuple[int, int], tint: tuple[int, int, int], seed: int) -> Image.Image:
    """A pale card with fine guilloche-like waves."""
    image = Image.new("RGB", size, tint)
    draw = ImageDraw.Draw(image)
    rng = random.Random(seed)
    width, height = size
    for row in range(0, height, 38):
        phase = rng.random() * 6.28
        points = [(x, row + 9 * math.sin(x / 53 + phase)) for x in range(0, width, 12)]
        draw.line(points, fill=tuple(max(0, c - 18) for c in tint), width=1)
    draw.rounded_rectangle(
        (2, 2, width - 3, height - 3), radius=40, outline=(150, 160, 175), width=3
    )
    return image


def _specimen(draw: ImageDraw.ImageDraw, xy: tuple[int, int]) -> None:
    draw.text(xy, "FAC-SIMILE", fill=_RED, font=_sans(30, bold=True))


def _labelled(
    draw: ImageDraw.ImageDraw, x: int, y: int, label: str, value: str, size: int = 40
) -> None:
    draw.text((x, y), label, fill=_LABEL, font=_sans(20))
    draw.text((x, y + 26), value, fill=_INK, font=_sans(size, bold=True))


def _photo_box(draw: ImageDraw.ImageDraw, box: tuple[int, int, int, int]) -> None:
    x0, y0, x1, y1 = box
    draw.rectangle(box, fill=(196, 200, 208), outline=(120, 125, 135), width=2)
    cx = (x0 + x1) // 2
    draw.ellipse((cx - 70, y0 + 60, cx + 70, y0 + 230), fill=(150, 154, 162))
    draw.pieslice((x0 + 20, y0 + 250, x1 - 20, y1 + 150), 180, 360, fill=(150, 154, 162))


def _scribble(draw: ImageDraw.ImageDraw, box: tuple[int, int, int, int], seed: int) -> None:
    """A handwritten-looking signature inside `box`."""
    rng = random.Random(seed)
    x0, y0, x1, y1 = box
    mid = (y0 + y1) / 2
    points = []
    for step in range(60):
        x = x0 + (x1 - x0) * step / 59
        points.append((x, mid + (y1 - y0) * 0.35 * math.sin(step / 2.3 + rng.random())))
    draw.line(points, fill=(20, 30, 110), width=4, joint="curve")


def _date_style(seed: int) -> str:
    return ("dots", "spaces", "slashes")[seed % 3]


def cie_front(person: Person, seed: int = 0) -> Image.Image:
    """Front of an electronic identity card: photo on the left, labelled fields on the right."""
    image = _background(_CARD, (226, 236, 232), seed)
    draw = ImageDraw.Draw(image)
    style = _date_style(seed)
    draw.text((60, 40), "REPUBBLICA ITALIANA", fill=(20, 50, 120), font=_sans(46, bold=True))
    draw.text((60, 100), "CARTA DI IDENTITÀ / IDENTITY CARD", fill=_RED, font=_sans(30, bold=True))
    draw.text((900, 150), person.numero, fill=_RED, font=_sans(44, bold=True))
    _specimen(draw, (1030, 40))
    _photo_box(draw, (60, 180, 360, 560))
    x = 400
    _labelled(draw, x, 170, "COMUNE DI / MUNICIPALITY", person.comune, 34)
    _labelled(draw, x, 250, "COGNOME / SURNAME", person.cognome.upper())
    _labelled(draw, x, 335, "NOME / NAME", person.nome.upper())
    birth = f"{person.luogo.upper()} ({person.provincia}) {_date(person.nascita, style)}"
    _labelled(draw, x, 420, "LUOGO E DATA DI NASCITA / PLACE AND DATE OF BIRTH", birth, 34)
    _labelled(draw, x, 500, "SESSO / SEX", person.sesso, 34)
    _labelled(draw, x + 260, 500, "STATURA / HEIGHT", "170", 34)
    _labelled(draw, x + 560, 500, "CITTADINANZA / NATIONALITY", "ITA", 34)
    _labelled(draw, x, 585, "EMISSIONE / DATE OF ISSUE", _date(person.rilascio, style), 34)
    _labelled(draw, x + 400, 585, "SCADENZA / EXPIRY", _date(person.scadenza, style), 34)
    draw.text((60, 680), "FIRMA DEL TITOLARE / HOLDER'S SIGNATURE", fill=_LABEL, font=_sans(20))
    _scribble(draw, (120, 705, 520, 785), seed)
    return image


def cie_back(person: Person, seed: int = 0) -> Image.Image:
    """Back of the CIE: codice fiscale, residence, and the 3-line machine-readable zone."""
    image = _background(_CARD, (232, 234, 240), seed + 1)
    draw = ImageDraw.Draw(image)
    _labelled(draw, 60, 40, "CODICE FISCALE / FISCAL CODE", person.codice_fiscale, 44)
    for bar in range(90):  # a barcode-looking strip
        if (bar * 7 + seed) % 3:
            draw.rectangle((760 + bar * 5, 50, 762 + bar * 5, 130), fill=_INK)
    _labelled(
        draw, 60, 140, "INDIRIZZO DI RESIDENZA / RESIDENCE", f"VIA ROMA 1 - {person.comune}", 30
    )
    _labelled(draw, 60, 225, "ESTREMI ATTO DI NASCITA", f"{person.comune} - ATTO N. 101", 30)
    _specimen(draw, (1030, 320))
    draw.rectangle((4, 470, _CARD[0] - 5, _CARD[1] - 5), fill=(246, 246, 248))
    lines = td1_lines(person)
    mrz = _fitting_mrz_font(lines[0], _CARD[0] - 150, 58)
    for index, line in enumerate(lines):
        draw.text((70, 505 + index * 92), line, fill=(10, 10, 10), font=mrz)
    return image


def paper_id(person: Person, seed: int = 0) -> Image.Image:
    """The old paper carta d'identità (no MRZ): the inner page with the holder's data."""
    image = _background((1400, 980), (236, 228, 206), seed + 2)
    draw = ImageDraw.Draw(image)
    draw.text((80, 50), "REPUBBLICA ITALIANA", fill=_INK, font=_sans(40, bold=True))
    draw.text((80, 110), "CARTA D'IDENTITÀ", fill=_INK, font=_sans(36, bold=True))
    draw.text((900, 110), f"N. {person.numero}", fill=_RED, font=_sans(36, bold=True))
    _specimen(draw, (1120, 40))
    rows = (
        ("Cognome", person.cognome.upper()),
        ("Nome", person.nome.upper()),
        ("nato il", _date(person.nascita, "slashes")),
        ("a", f"{person.luogo.upper()} ({person.provincia})"),
        ("Cittadinanza", "ITALIANA"),
        ("Residenza", person.comune),
        ("Stato civile", "-"),
        ("Professione", "MEDICO"),
        ("Scadenza", _date(person.scadenza, "slashes")),
    )
    for index, (label, value) in enumerate(rows):
        y = 200 + index * 78
        draw.text((80, y + 8), label, fill=_LABEL, font=_sans(28))
        draw.text((360, y), value, fill=_INK, font=_sans(38, bold=True))
        draw.line((360, y + 52, 1300, y + 52), fill=(170, 160, 140), width=1)
    return image


def driving_licence(person: Person, seed: int = 0) -> Image.Image:
    """Front of the EU driving licence, with the numbered fields 1, 2, 3, 4a, 4b, 4c, 5."""
    image = _background(_CARD, (240, 226, 232), seed + 3)
    draw = ImageDraw.Draw(image)
    draw.text((420, 36), "PATENTE DI GUIDA", fill=(20, 50, 120), font=_sans(46, bold=True))
    draw.text((420, 96), "REPUBBLICA ITALIANA", fill=(20, 50, 120), font=_sans(28))
    draw.rectangle((50, 40, 150, 140), fill=(30, 60, 150))
    draw.text((78, 70), "I", fill=(250, 220, 0), font=_sans(44, bold=True))
    _specimen(draw, (1030, 150))
    _photo_box(draw, (50, 190, 360, 590))
    rows = (
        ("1.", person.cognome.upper()),
        ("2.", person.nome.upper()),
        ("3.", f"{_date(person.nascita, 'short')} {person.luogo.upper()} ({person.provincia})"),
        ("4a.", _date(person.rilascio, "short")),
        ("4b.", _date(person.scadenza, "short")),
        ("4c.", "MIT-UCO"),
        ("5.", "U1" + person.numero[2:]),
    )
    for index, (label, value) in enumerate(rows):
        y = 190 + index * 74
        draw.text((400, y), label, fill=_LABEL, font=_sans(34))
        draw.text((490, y), value, fill=_INK, font=_sans(38, bold=True))
    draw.text((400, 720), "9. AM B", fill=_INK, font=_sans(34, bold=True))
    _scribble(draw, (60, 640, 340, 740), seed)
    return image


def passport_page(person: Person, seed: int = 0) -> Image.Image:
    """The passport's data page: labelled fields and the 2-line TD3 MRZ."""
    size = (1760, 1240)
    image = _background(size, (236, 226, 236), seed + 4)
    draw = ImageDraw.Draw(image)
    draw.text((70, 40), "REPUBBLICA ITALIANA", fill=_INK, font=_sans(40, bold=True))
    draw.text((70, 100), "PASSAPORTO / PASSPORT", fill=_INK, font=_sans(36, bold=True))
    _specimen(draw, (1480, 40))
    _photo_box(draw, (70, 190, 470, 690))
    x = 530
    _labelled(draw, x, 180, "Cognome / Surname", person.cognome.upper())
    _labelled(draw, x, 270, "Nome / Given names", person.nome.upper())
    _labelled(draw, x, 360, "Cittadinanza / Nationality", "ITALIANA")
    _labelled(draw, x, 450, "Data di nascita / Date of birth", _date(person.nascita, "dots"))
    _labelled(draw, x + 560, 450, "Sesso / Sex", person.sesso)
    _labelled(draw, x, 540, "Luogo di nascita / Place of birth", person.luogo.upper())
    _labelled(draw, x, 630, "Data di scadenza / Date of expiry", _date(person.scadenza, "dots"))
    _labelled(draw, x + 600, 180, "Passaporto N. / Passport No.", person.numero)
    draw.rectangle((4, 960, size[0] - 5, size[1] - 5), fill=(246, 246, 248))
    lines = td3_lines(person)
    mrz = _fitting_mrz_font(lines[0], size[0] - 130, 56)
    for index, line in enumerate(lines):
        draw.text((60, 1010 + index * 100), line, fill=(10, 10, 10), font=mrz)
    return image


def form_sheet(person: Person, signed: bool = True, seed: int = 0) -> Image.Image:
    """The printed request form filled by hand-ish (typed values), signed or not, at 150 dpi."""
    image = Image.new("RGB", (1240, 1754), (252, 252, 250))
    draw = ImageDraw.Draw(image)
    draw.text((90, 90), "INAIL", fill=(0, 70, 140), font=_sans(56, bold=True))
    draw.text(
        (170, 200),
        "DOMANDA DI ABILITAZIONE AI SERVIZI ONLINE",
        fill=_INK,
        font=_sans(36, bold=True),
    )
    draw.text((360, 250), "Profilo MEDICO ESTERNO", fill=_INK, font=_sans(32, bold=True))
    _specimen(draw, (950, 90))
    rows = (
        ("Cognome", person.cognome),
        ("Nome", person.nome),
        ("Codice fiscale", person.codice_fiscale),
        ("Nato/a a", f"{person.luogo} ({person.provincia})"),
        ("il", _date(person.nascita, "slashes")),
        ("E-mail", f"{person.nome.lower()}.{person.cognome.lower().replace(' ', '')}@example.org"),
    )
    for index, (label, value) in enumerate(rows):
        y = 360 + index * 70
        draw.text((90, y), label, fill=_INK, font=_sans(28))
        draw.text((360, y - 4), value, fill=(20, 30, 110), font=_sans(32))
        draw.line((360, y + 36, 1150, y + 36), fill=(120, 120, 120), width=1)
    body = (
        "chiede il rilascio delle credenziali dispositive per l'accesso ai",
        "servizi telematici INAIL in qualità di Medico esterno e allega copia",
        "fronte/retro di un documento d'identità in corso di validità.",
    )
    for index, line in enumerate(body):
        draw.text((90, 830 + index * 44), line, fill=_INK, font=_sans(28))
    draw.text((90, 1080), "Luogo e data", fill=_INK, font=_sans(28))
    draw.text((700, 1080), "Firma del medico", fill=_INK, font=_sans(28))
    draw.rectangle((700, 1125, 1150, 1275), outline=(90, 90, 90), width=2)
    if signed:
        _scribble(draw, (730, 1150, 1120, 1250), seed)
    return image


# -- degradations ----------------------------------------------------------------------------


def rotate(image: Image.Image, degrees: float) -> Image.Image:
    return image.rotate(degrees, expand=True, fillcolor=(96, 88, 80), resample=Image.BICUBIC)


def on_table(image: Image.Image, seed: int, scale: float = 1.7) -> Image.Image:
    """The document lying on a dark, grainy table, seen a little from one side."""
    rng = random.Random(seed)
    width, height = image.size
    canvas_size = (int(width * scale), int(height * scale))
    # Seeded grain (Image.effect_noise draws from C's rand(): every call a different table).
    grain = np.random.default_rng(seed).normal(128, 24, (canvas_size[1], canvas_size[0]))
    table = Image.fromarray(np.clip(grain, 0, 255).astype(np.uint8), "L").convert("RGB")
    table = Image.blend(table, Image.new("RGB", canvas_size, (110, 82, 60)), 0.7)
    dx, dy = canvas_size[0] - width, canvas_size[1] - height
    left, top = int(dx * rng.uniform(0.3, 0.7)), int(dy * rng.uniform(0.3, 0.7))
    shadow = Image.new("L", image.size, 0)
    table.paste((50, 40, 30), (left + 12, top + 14), shadow.point(lambda _: 160))
    table.paste(image, (left, top))
    # A mild perspective: the far edge looks a few percent narrower.
    k = rng.uniform(0.02, 0.05) * width
    quad = (
        -k,
        0,
        -k * 0.3,
        canvas_size[1],
        canvas_size[0] + k * 0.3,
        canvas_size[1],
        canvas_size[0] + k,
        0,
    )
    return table.transform(canvas_size, Image.QUAD, quad, resample=Image.BICUBIC)


def uneven_light(image: Image.Image, seed: int) -> Image.Image:
    """A lamp on one side: bright there, darker (about 45 %) on the other."""
    rng = random.Random(seed)
    width, height = image.size
    gradient = Image.linear_gradient("L").resize((width, height))
    gradient = gradient.rotate(rng.choice((0, 90, 180, 270)), expand=False).resize((width, height))
    mask = gradient.point(lambda v: 140 + v * 115 // 255)
    dark = Image.merge("RGB", (mask, mask, mask))
    from PIL import ImageChops

    return ImageChops.multiply(image, dark)


def blur(image: Image.Image, radius: float) -> Image.Image:
    return image.filter(ImageFilter.GaussianBlur(radius))


def glare(image: Image.Image, box: tuple[float, float, float, float]) -> Image.Image:
    """A white reflection over part of the document (box as fractions of the size)."""
    width, height = image.size
    out = image.copy()
    layer = Image.new("L", image.size, 0)
    ImageDraw.Draw(layer).ellipse(
        (box[0] * width, box[1] * height, box[2] * width, box[3] * height), fill=255
    )
    out.paste((255, 255, 255), (0, 0), layer.filter(ImageFilter.GaussianBlur(20)))
    return out


def cut(image: Image.Image, keep: float = 0.55) -> Image.Image:
    """The photo misses part of the document (only the top `keep` fraction shows)."""
    width, height = image.size
    return image.crop((0, 0, width, int(height * keep)))


def resize_to_megapixels(image: Image.Image, megapixels: float) -> Image.Image:
    factor = math.sqrt(megapixels * 1_000_000 / (image.width * image.height))
    return image.resize((int(image.width * factor), int(image.height * factor)), Image.BICUBIC)


def jpeg(image: Image.Image, quality: int = 88) -> bytes:
    out = io.BytesIO()
    image.convert("RGB").save(out, format="JPEG", quality=quality)
    return out.getvalue()


def png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def pdf_of(images: list[Image.Image]) -> bytes:
    """Images as pages of one PDF, as a scanner app writes them (no text layer)."""
    out = io.BytesIO()
    first, *rest = [image.convert("RGB") for image in images]
    first.save(out, format="PDF", save_all=True, append_images=rest, resolution=150)
    return out.getvalue()


# -- phone-photo variants ----------------------------------------------------------------------


@dataclass(frozen=True)
class Variant:
    """A way of photographing a document: `apply(image, seed)` returns the photo's pixels."""

    name: str
    apply: Callable[[Image.Image, int], Image.Image]
    quality: int = 85


def _photo(image: Image.Image, seed: int, degrees: float, megapixels: float) -> Image.Image:
    return resize_to_megapixels(rotate(on_table(image, seed), degrees), megapixels)


VARIANTS: tuple[Variant, ...] = (
    Variant("pulita", lambda image, seed: image, 92),
    Variant("tavolo 2MP", lambda image, seed: _photo(image, seed, 0, 2)),
    Variant("tavolo 12MP", lambda image, seed: _photo(image, seed, 0, 12)),
    Variant("inclinata 7°", lambda image, seed: _photo(image, seed, 7, 3)),
    Variant("inclinata -12°", lambda image, seed: _photo(image, seed, -12, 3)),
    Variant("capovolta", lambda image, seed: _photo(image, seed, 180, 3)),
    Variant("ruotata 90°", lambda image, seed: _photo(image, seed, 90, 3)),
    Variant("ruotata 270°", lambda image, seed: _photo(image, seed, 270, 3)),
    Variant("luce irregolare", lambda image, seed: uneven_light(_photo(image, seed, 3, 4), seed)),
    Variant("mossa leggera", lambda image, seed: blur(_photo(image, seed, -2, 3), 1.4), 75),
)

UNREADABLE: tuple[Variant, ...] = (
    Variant("sfocata", lambda image, seed: blur(_photo(image, seed, 0, 3), 9)),
    Variant("riflesso", lambda image, seed: glare(image, (-0.1, 0.45, 1.1, 1.2))),
    Variant("tagliata", lambda image, seed: cut(image, 0.5)),
)


def mrz_check_digit(text: str) -> str:
    """Re-exported for the tests of the generator itself."""
    return check_digit(text)
