"""Photos (JPEG, PNG): check the size from the header, decode, fix orientation, re-encode.

What the doctor sees: a photo that is too small or too large in pixels is refused with a request
for a better one; an accepted photo is stored upright, without EXIF (GPS position, camera, date),
ICC profile, comments or text chunks. Dimensions are read from the file header before any pixel is
decoded, so a 30000×30000 image costs a few bytes of reading, not gigabytes of memory.
"""

from __future__ import annotations

import io
import struct
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

from bot.intake.model import JPEG, PNG, Flag, Limits, Refused

_PILLOW_FORMATS = {"JPEG": JPEG, "MPO": JPEG, "PNG": PNG}  # MPO: phone JPEGs with a preview
_ORIENTATION_TAG = 0x0112
_PNG_KEPT_INFO = ("transparency",)  # needed to render the pixels; everything else is dropped
_METADATA_KEYS = ("exif", "icc_profile", "comment", "xmp", "XML:com.adobe.xmp", "photoshop")
# Start-of-frame markers carry the dimensions (all SOFn except DHT C4, JPG C8, DAC CC).
_JPEG_SOF = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}


class ImageRefused(Refused):
    """The image cannot be accepted; `code` names the problem in messages.yml."""


@dataclass(frozen=True)
class CleanImage:
    data: bytes
    mime: str
    width: int
    height: int
    flags: tuple[str, ...]


def header_size(data: bytes, mime: str) -> tuple[int, int] | None:
    """(width, height) as declared in the PNG IHDR or the JPEG start-of-frame, or None."""
    if mime == PNG:
        if len(data) >= 24 and data[12:16] == b"IHDR":
            width, height = struct.unpack(">II", data[16:24])
            return width, height
        return None
    offset = 2
    while offset + 9 < len(data):
        if data[offset] != 0xFF:
            return None
        marker = data[offset + 1]
        if marker == 0xFF:  # fill byte
            offset += 1
            continue
        if marker in (0x01, 0xD8) or 0xD0 <= marker <= 0xD7:
            offset += 2
            continue
        (length,) = struct.unpack(">H", data[offset + 2 : offset + 4])
        if marker in _JPEG_SOF:
            height, width = struct.unpack(">HH", data[offset + 5 : offset + 9])
            return width, height
        if length < 2:
            return None
        offset += 2 + length
    return None


def _check_dimensions(width: int, height: int, mime: str, min_side: int, limits: Limits) -> None:
    max_pixels = limits.max_png_pixels if mime == PNG else limits.max_pixels
    if width * height > max_pixels:
        raise ImageRefused("immagine_troppo_grande", larghezza=width, altezza=height)
    if min(width, height) < min_side:
        raise ImageRefused("immagine_troppo_piccola", larghezza=width, altezza=height)


def clean_image(data: bytes, mime: str, min_side: int, limits: Limits) -> CleanImage:
    """Decode within the limits and return the re-encoded, metadata-free, upright image."""
    declared = header_size(data, mime)
    if declared is None:
        raise ImageRefused("immagine_danneggiata")
    _check_dimensions(*declared, mime, min_side, limits)
    try:
        return _reencode(data, min_side, limits)
    except ImageRefused:
        raise
    except (
        UnidentifiedImageError,
        Image.DecompressionBombError,
        OSError,
        SyntaxError,
        ValueError,
        struct.error,
        EOFError,
    ):
        raise ImageRefused("immagine_danneggiata") from None


def _reencode(data: bytes, min_side: int, limits: Limits) -> CleanImage:
    flags: list[str] = []
    with Image.open(io.BytesIO(data), formats=["JPEG", "PNG"]) as image:
        out_mime = _PILLOW_FORMATS.get(image.format or "")
        if out_mime is None:
            raise ImageRefused("immagine_danneggiata")
        _check_dimensions(*image.size, out_mime, min_side, limits)
        original_size = image.size
        had_metadata = any(key in image.info for key in _METADATA_KEYS) or any(
            isinstance(value, str) for value in image.info.values()
        )
        orientation = image.getexif().get(_ORIENTATION_TAG, 1)
        longest = limits.max_stored_long_side
        if out_mime == JPEG and max(image.size) > longest:
            # Let the decoder scale down by 1/2, 1/4 or 1/8 until the long side fits: far less
            # memory than a full decode (a 40 MP photo is stored at about 10 MP).
            factor = 2
            while factor < 8 and max(image.size) / factor > longest:
                factor *= 2
            image.draft("RGB", (-(-image.width // factor), -(-image.height // factor)))
        image.load()
        upright = image
        ImageOps.exif_transpose(upright, in_place=True)  # no copy when already upright
        if orientation not in (1, None):
            flags.append(Flag.IMMAGINE_RUOTATA)
        if max(upright.size) > longest:
            upright.thumbnail((longest, longest), Image.Resampling.LANCZOS, reducing_gap=3.0)
        if max(upright.size) < max(original_size):
            flags.append(Flag.IMMAGINE_RIDOTTA)
        kept = {key: upright.info[key] for key in _PNG_KEPT_INFO if key in upright.info}
        upright.info = kept if out_mime == PNG else {}
        if out_mime == JPEG and upright.mode not in ("RGB", "L"):
            upright = upright.convert("RGB")
        elif out_mime == PNG and upright.mode not in ("1", "L", "LA", "P", "RGB", "RGBA", "I;16"):
            upright = upright.convert("RGBA" if "A" in upright.mode else "RGB")
        buffer = io.BytesIO()
        if out_mime == JPEG:
            upright.save(buffer, format="JPEG", quality=90)
        else:
            upright.save(buffer, format="PNG", compress_level=6)
    if had_metadata:
        flags.append(Flag.METADATI_RIMOSSI)
    return CleanImage(buffer.getvalue(), out_mime, upright.width, upright.height, tuple(flags))
