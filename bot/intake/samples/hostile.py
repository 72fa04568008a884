"""Hand-built files meant to cost a naive validator time or memory, and plain junk."""

from __future__ import annotations

import io
import random
import zipfile
import zlib
from functools import lru_cache


def _assemble_pdf(objects: list[bytes], root: int = 1) -> bytes:
    """A PDF with a correct xref table from numbered object bodies (object n = objects[n-1])."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref_at = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        root,
        xref_at,
    )
    return bytes(out)


@lru_cache(maxsize=4)
def many_pages_pdf(pages: int = 5_000, declared_count: int | None = None) -> bytes:
    """`pages` blank pages under one /Pages node; /Count may lie (`declared_count`)."""
    first_page = 3
    kids = b" ".join(b"%d 0 R" % (first_page + i) for i in range(pages))
    count = pages if declared_count is None else declared_count
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Count %d /Kids [%s] >>" % (count, kids),
    ]
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"] * pages
    return _assemble_pdf(objects)


def page_tree_loop_pdf() -> bytes:
    """A page tree whose /Kids point back at the root."""
    return _assemble_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Count 1 /Kids [3 0 R] >>",
            b"<< /Type /Pages /Count 1 /Kids [2 0 R] /Parent 2 0 R >>",
        ]
    )


def deep_nesting_pdf(depth: int = 50_000) -> bytes:
    """A form field list made of `depth` nested arrays, to exhaust a recursive parser."""
    nested = b"[" * depth + b"]" * depth
    return _assemble_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields 4 0 R >> >>",
            b"<< /Type /Pages /Count 1 /Kids [3 0 R] >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
            nested,
        ]
    )


@lru_cache(maxsize=4)
def flate_bomb_pdf(expanded_mb: int = 300, filler: bytes = b" ") -> bytes:
    """One text page whose content stream inflates from a few hundred KB to `expanded_mb` MB."""
    compressor = zlib.compressobj(9)
    text = b"BT /F1 12 Tf 72 720 Td (Domanda di abilitazione INAIL) Tj ET\n"
    chunk = filler * (1024 * 1024 // len(filler))
    compressed = compressor.compress(text)
    compressed += b"".join(compressor.compress(chunk) for _ in range(expanded_mb))
    compressed += compressor.flush()
    stream = b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(compressed)
    font = b"<< /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >>"
    return _assemble_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Count 1 /Kids [3 0 R] >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources %s >>"
            % font,
            stream + compressed + b"\nendstream",
        ]
    )


def truncated(data: bytes, keep: float = 0.5) -> bytes:
    """The first part of a file, as left by an interrupted upload."""
    return data[: int(len(data) * keep)]


def random_bytes(size: int = 200_000, seed: int = 7) -> bytes:
    return random.Random(seed).randbytes(size)


def docx_like() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


def heic_like() -> bytes:
    """The header of an iPhone HEIC photo followed by filler."""
    return b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 4096


_FONT_RESOURCES = b"<< /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >>"


def heavy_content_pdf(filler: bytes = b"q Q ", size: int = 950_000, pages: int = 2) -> bytes:
    """Pages sharing one content stream of `size` bytes of cheap operators: slow to interpret."""
    body = b"BT /F1 12 Tf 72 720 Td (Domanda INAIL) Tj ET\n" + filler * (size // len(filler))
    compressed = zlib.compress(body, 9)
    stream = b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(compressed)
    first_page = 4
    kids = b" ".join(b"%d 0 R" % (first_page + i) for i in range(pages))
    page = b"<< /Type /Page /Parent 2 0 R /Contents 3 0 R /Resources %s >>" % _FONT_RESOURCES
    return _assemble_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Count %d /Kids [%s] >>" % (pages, kids),
            stream + compressed + b"\nendstream",
        ]
        + [page] * pages
    )


def repeated_contents_pdf(references: int = 5_000) -> bytes:
    """A page whose /Contents lists the same 900 KB stream thousands of times."""
    compressed = zlib.compress(b" " * 900_000, 9)
    stream = b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(compressed)
    contents = b"[" + b" ".join([b"4 0 R"] * references) + b"]"
    return _assemble_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Count 1 /Kids [3 0 R] >>",
            b"<< /Type /Page /Parent 2 0 R /Contents %s /Resources %s >>"
            % (contents, _FONT_RESOURCES),
            stream + compressed + b"\nendstream",
        ]
    )
