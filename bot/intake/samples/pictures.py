"""Photos and images: ID-card-like pictures, a photographed form, and malformed images."""

from __future__ import annotations

import io
import struct
import zlib
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

from bot.intake.samples.forms import BODY, FILLED_VALUES, FORM_FIELDS, TITLE

ORIENTATION = 0x0112
GPS_IFD = 0x8825
MARKER_COLOUR = (220, 20, 20)


def _card(width: int, height: int, back: bool = False) -> Image.Image:
    """The sample doctor's CIE (front, or back with the MRZ) at the given size, with a red
    marker in the top-left corner to tell rotations apart."""
    from bot.intake.samples import documents
    from bot.intake.samples.identity import doctor_person

    person = doctor_person()
    card = documents.cie_back(person) if back else documents.cie_front(person)
    image = card.resize((width, height), Image.LANCZOS)
    draw = ImageDraw.Draw(image)
    side = max(8, min(width, height) // 14)
    draw.rectangle((0, 0, side, side), fill=MARKER_COLOUR)
    return image


def photo_jpeg(
    width: int = 1600,
    height: int = 1000,
    orientation: int | None = None,
    gps: bool = False,
    back: bool = False,
) -> bytes:
    """A JPEG "photo" of the ID card's front (or back), optionally with EXIF Orientation and a
    GPS position."""
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "Phone 15"  # Model
    if orientation is not None:
        exif[ORIENTATION] = orientation
    if gps:
        exif[GPS_IFD] = {1: "N", 2: (41.0, 53.0, 24.0), 3: "E", 4: (12.0, 29.0, 32.0)}
    out = io.BytesIO()
    _card(width, height, back).save(out, format="JPEG", quality=85, exif=exif.tobytes())
    return out.getvalue()


def back_photo_jpeg(width: int = 1600, height: int = 1000) -> bytes:
    """A JPEG photo of the back of the sample doctor's CIE (codice fiscale, MRZ)."""
    return photo_jpeg(width, height, back=True)


def photo_png(width: int = 1200, height: int = 800) -> bytes:
    """A PNG screenshot-like image with a text chunk (metadata to be stripped)."""
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Author", "Mario Rossi")
    out = io.BytesIO()
    _card(width, height).save(out, format="PNG", pnginfo=info)
    return out.getvalue()


def tiny_jpeg() -> bytes:
    """A thumbnail too small to read a document from."""
    out = io.BytesIO()
    _card(320, 200).save(out, format="JPEG")
    return out.getvalue()


def gif_image() -> bytes:
    out = io.BytesIO()
    _card(800, 600).convert("P").save(out, format="GIF")
    return out.getvalue()


def webp_image() -> bytes:
    out = io.BytesIO()
    _card(800, 600).save(out, format="WEBP")
    return out.getvalue()


def truncated_jpeg() -> bytes:
    """A photo cut short by a broken upload."""
    data = photo_jpeg()
    return data[: len(data) // 2]


def form_page_image(width: int = 1240, height: int = 1754) -> Image.Image:
    """The filled and hand-signed form as a sheet of paper, at 150 dpi."""
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    title_font = ImageFont.load_default(size=34)
    font = ImageFont.load_default(size=26)
    draw.text((80, 100), TITLE, fill=0, font=title_font)
    for row, start in enumerate(range(0, len(BODY), 70)):
        draw.text((80, 200 + row * 36), BODY[start : start + 70], fill=0, font=font)
    for index, (name, label, _required) in enumerate(FORM_FIELDS):
        draw.text((80, 420 + index * 50), f"{label}: {FILLED_VALUES[name]}", fill=0, font=font)
    draw.line((700, 1000, 820, 960, 900, 1010, 1050, 950), fill=0, width=4)  # a signature
    return image


def form_photo_jpeg() -> bytes:
    """A phone photo of the signed paper form."""
    out = io.BytesIO()
    form_page_image().save(out, format="JPEG", quality=85)
    return out.getvalue()


def _png_chunk(kind: bytes, payload: bytes) -> bytes:
    crc = zlib.crc32(kind + payload) & 0xFFFFFFFF
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)


@lru_cache(maxsize=2)
def huge_png(side: int = 30_000) -> bytes:
    """A valid side×side bilevel PNG, built row by row: about 100 KB, never held in memory."""
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)  # 1-bit greyscale
    row = b"\x00" + b"\x00" * ((side + 7) // 8)
    compressor = zlib.compressobj(9)
    chunks = [compressor.compress(row) for _ in range(side)]
    chunks.append(compressor.flush())
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", b"".join(chunks))
        + _png_chunk(b"IEND", b"")
    )
