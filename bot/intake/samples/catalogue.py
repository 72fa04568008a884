"""Named sample files with the purpose they are uploaded for and the expected verdict.

The benchmark walks this list; the tests use the generators directly.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.intake.samples import forms, hostile, pictures, signed


@dataclass(frozen=True)
class Sample:
    name: str
    purpose: str
    make: Callable[[], bytes]
    accepted: bool


SAMPLES: tuple[Sample, ...] = (
    Sample("modulo compilato, non firmato", "modulo", forms.filled_form_pdf, False),
    Sample("modulo firmato PAdES", "modulo", signed.pades_signed_pdf, True),
    Sample("modulo .pdf.p7m", "modulo", signed.p7m, True),
    Sample(
        "modulo scansionato (PDF)",
        "modulo",
        lambda: forms.images_pdf([pictures.form_photo_jpeg()]),
        True,
    ),
    Sample("foto modulo (JPEG)", "modulo", pictures.form_photo_jpeg, True),
    Sample(
        "foto documento JPEG 12MP",
        "documento_fronte",
        lambda: pictures.photo_jpeg(4000, 3000, orientation=6, gps=True),
        True,
    ),
    Sample("foto documento PNG", "documento_retro", pictures.photo_png, True),
    Sample("PDF 5000 pagine", "modulo", hostile.many_pages_pdf, False),
    Sample(
        "PDF /Count falso (5000)",
        "modulo",
        lambda: hostile.many_pages_pdf(5_000, declared_count=1),
        False,
    ),
    Sample("PDF flate bomb 300MB", "modulo", hostile.flate_bomb_pdf, False),
    Sample("PDF annidato 50000", "modulo", hostile.deep_nesting_pdf, False),
    Sample("PDF contenuto pesante", "modulo", hostile.heavy_content_pdf, True),
    Sample("PNG 30000x30000", "documento", pictures.huge_png, False),
    Sample("PDF troncato", "modulo", lambda: hostile.truncated(forms.filled_form_pdf()), False),
    Sample("PDF cifrato", "modulo", forms.encrypted_pdf, False),
    Sample("p7m manomesso", "modulo", signed.tampered_p7m, False),
    Sample("byte casuali", "modulo", hostile.random_bytes, False),
)
