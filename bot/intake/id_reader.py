"""Read a photo or a scan: which document it is, and the holder's data (OCR + MRZ).

Steps: cut the document out of the photo and straighten it, tell from the ink whether the text
runs across or up and down (a quarter turn), even out the light, read the text that way up and,
if it reads badly, the other way up, then read the MRZ and the codice fiscale again on their own
with the characters they may contain. Runs only inside the intake worker processes
(bot/intake/worker.py).
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence

import numpy as np
from PIL import Image, ImageOps

from bot.intake import ocr, photo
from bot.intake.mrz import mrz_like
from bot.intake.reading import (
    FORM,
    Reading,
    codice_fiscale_candidates,
    from_lines,
    merge,
    plain,
)

_KEYWORDS = (
    "REPUBBLICA",
    "ITALIANA",
    "IDENTITA",
    "COGNOME",
    "SURNAME",
    "NOME",
    "NASCITA",
    "SCADENZA",
    "FISCALE",
    "PATENTE",
    "GUIDA",
    "PASSAPORTO",
    "PASSPORT",
    "DOMANDA",
    "ABILITAZIONE",
    "MEDICO",
    "INAIL",
    "RESIDENZA",
    "EMISSIONE",
)
_GOOD_ENOUGH = 2  # known words (or MRZ lines) that make an orientation right at once
_TRIAL_LONG_SIDE = 900  # orientation trials read a copy this size
_SIGNATURE_INK = 0.006  # share of dark pixels in the signature box that means "signed"


def _score(lines: Sequence[ocr.Line]) -> tuple[int, float]:
    """How well the text reads: known words and MRZ lines first, then confident characters."""
    joined = plain(" ".join(line.text for line in lines))
    hits = sum(1 for word in _KEYWORDS if word in joined)
    hits += sum(1 for line in lines if mrz_like(line.text) and line.confidence >= 30)
    confident = sum(
        line.confidence / 100 * len(re.sub(r"[^A-Za-z0-9]", "", line.text))
        for line in lines
        if line.confidence >= 60
    )
    return hits, confident


def _prepare(gray: np.ndarray) -> np.ndarray:
    return photo.deskew(photo.even_light(gray))


_ACROSS, _DOWN = 1.1, 0.9  # text_direction() beyond these: the text surely runs across / down


def _candidates(doc: np.ndarray) -> tuple[tuple[int, ...], bool]:
    """The rotations worth reading, most likely first, and whether the text's direction is sure.

    The ink's row profile tells text running across (upright or upside down) from text running
    up or down (turned by 90°) in a few milliseconds; which way up is left to the OCR."""
    direction = photo.text_direction(doc)
    if direction >= _ACROSS:
        return (0, 180), True
    if direction <= _DOWN:
        return (270, 90), True
    height, width = doc.shape
    return ((0, 180, 270, 90) if width >= height else (0, 270, 90, 180)), False


def _upright(doc: np.ndarray) -> tuple[np.ndarray, list[ocr.Line], int]:
    """The orientation whose text reads best, its OCR lines and the rotation applied.

    When the text's direction is sure, at most two full readings (this way up, then the other);
    otherwise the remaining orientations are tried on a small copy first, and only the best one
    is read at full size."""
    candidates, sure = _candidates(doc)
    best: tuple[tuple[int, float], np.ndarray, list[ocr.Line], int] | None = None
    for degrees in candidates[:2] if sure else candidates[:1]:
        prepared = _prepare(photo.rotate_quarter(doc, degrees))
        found = ocr.lines(prepared, psm=3)
        score = _score(found)
        if best is None or score > best[0]:
            best = (score, prepared, found, degrees)
        if score[0] >= _GOOD_ENOUGH:
            break
    assert best is not None
    if sure or best[0][0] >= _GOOD_ENOUGH:
        return best[1], best[2], best[3]
    small, _ = photo.scaled(doc, _TRIAL_LONG_SIDE)
    trials: dict[int, tuple[int, float]] = {}
    for degrees in candidates[1:]:
        trials[degrees] = _score(ocr.lines(_prepare(photo.rotate_quarter(small, degrees)), psm=3))
        if trials[degrees][0] >= _GOOD_ENOUGH:
            break
    chosen = max(trials, key=lambda degrees: trials[degrees])
    if trials[chosen][0] <= best[0][0]:
        return best[1], best[2], best[3]
    turned = _prepare(photo.rotate_quarter(doc, chosen))
    turned_lines = ocr.lines(turned, psm=3)
    if _score(turned_lines) < best[0]:
        return best[1], best[2], best[3]
    return turned, turned_lines, chosen


def _band(lines: Sequence[ocr.Line], shape: tuple[int, int]) -> tuple[int, int, int, int] | None:
    boxes = [line.box for line in lines if mrz_like(line.text)]
    if not boxes:
        return None
    height, width = shape
    x0 = min(b[0] for b in boxes)
    y0 = min(b[1] for b in boxes)
    y1 = max(b[3] for b in boxes)
    pad = max(8, (y1 - y0) // 6)
    return max(0, x0 - 3 * pad), max(0, y0 - pad), width, min(height, y1 + pad)


def _mrz_passes(gray: np.ndarray, lines: Sequence[ocr.Line]) -> list[list[str]]:
    """The MRZ band OCR'd again with only MRZ characters allowed, grey and binarised: each pass
    misreads different characters, and the names' line has no check digit to prove it."""
    box = _band(lines, gray.shape)
    if box is None:
        return []
    x0, y0, x1, y1 = box
    region = gray[y0:y1, x0:x1]
    passes: list[list[str]] = []
    for lang, pixels in (("eng", region), ("ita", photo.binarise(region))):
        found = ocr.text(pixels, psm=6, whitelist=ocr.MRZ_CHARS, lang=lang)
        passes.append([t for t in found.splitlines() if t.strip()])
    return passes


def _cf_pass(gray: np.ndarray, lines: Sequence[ocr.Line]) -> list[str]:
    """Lines that may hold the codice fiscale, read again with capital letters and digits only:
    the line under "CODICE FISCALE", and any line with a 16-character word."""
    height, width = gray.shape
    boxes = []
    for line in lines:
        x0, y0, x1, y1 = line.box
        line_height = y1 - y0
        if "FISCAL" in plain(line.text) and line_height < height // 8:
            boxes.append((x0 - line_height, y1, x0 + 28 * line_height, y1 + 3 * line_height))
        for word, (wx0, wy0, wx1, wy1) in line.words:
            if len(re.sub(r"[^A-Za-z0-9]", "", word)) >= 14:
                pad = (wy1 - wy0) // 3
                boxes.append((wx0 - pad, wy0 - pad, wx1 + pad, wy1 + pad))
    found = []
    for x0, y0, x1, y1 in boxes[:4]:
        region = gray[max(0, y0) : min(height, y1), max(0, x0) : min(width, x1)]
        if region.size:
            found.append(ocr.text(photo.binarise(region), psm=7, whitelist=ocr.CF_CHARS))
    return found


def _signature_ink(gray: np.ndarray, lines: Sequence[ocr.Line]) -> bool | None:
    """On a photo or scan of the form: is there ink where the doctor signs?"""
    labels = [
        box for line in lines for word, box in line.words if re.fullmatch(r"FIRMA\W*", plain(word))
    ]
    if not labels:
        return None
    height, width = gray.shape
    x0, _, _, y1 = labels[-1]
    below = (x0 - width // 20, y1 + 2, x0 + int(width * 0.42), y1 + int(height * 0.1))
    return photo.ink_ratio(gray, below) >= _SIGNATURE_INK


def _rows(lines: Sequence[ocr.Line]) -> list[str]:
    """The text as rows of the page: lines whose vertical middles fall within each other's
    height are one row, left to right (OCR may read a column of labels, then one of values)."""
    rows: list[list[ocr.Line]] = []
    for line in sorted(lines, key=lambda item: (item.box[1] + item.box[3]) / 2):
        middle = (line.box[1] + line.box[3]) / 2
        if rows:
            last = rows[-1][0]
            if (
                last.box[1] <= middle <= last.box[3]
                and line.box[1] <= (last.box[1] + last.box[3]) / 2 <= line.box[3]
            ):
                rows[-1].append(line)
                continue
        rows.append([line])
    return [
        " ".join(item.text for item in sorted(row, key=lambda item: item.box[0])) for row in rows
    ]


def read_gray(gray: np.ndarray) -> Reading:
    """Read one picture (grey levels) of a document."""
    doc, touches = photo.find_document(gray)
    upright, lines, degrees = _upright(doc)
    quality = photo.quality_problems(photo.rotate_quarter(doc, degrees), touches)
    texts = [line.text for line in lines]
    passes = _mrz_passes(upright, lines)
    found = codice_fiscale_candidates(texts)
    # The codice fiscale is read again on its own only when the page's text did not give it.
    cf_lines = [] if found else _cf_pass(upright, lines)
    reading = from_lines(texts, passes, cf_lines, rows=_rows(lines))
    if not lines:
        quality = sorted(set(quality) | {"illeggibile"})
    ink = _signature_ink(upright, lines) if reading.kind == FORM else None
    return reading.with_(quality=tuple(quality), rotation=degrees, signature_ink=ink)


def read_image_bytes(data: bytes, max_side: int = 4096) -> Reading:
    """Read a stored JPEG/PNG (already checked and re-encoded by bot/intake/images.py)."""
    with Image.open(io.BytesIO(data)) as image:
        image.draft("L", (max_side, max_side))
        image = ImageOps.exif_transpose(image)
        return read_gray(photo.to_gray(image))


def read_pages(images: Sequence[bytes]) -> Reading:
    """Front and back as separate pages (a scanned PDF): one reading for the document."""
    readings = [read_image_bytes(data) for data in images]
    if not readings:
        return Reading(quality=("illeggibile",))
    forms = [r for r in readings if r.kind == FORM]
    if forms:
        return forms[0]
    return merge(readings)
