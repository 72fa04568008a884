"""Which kind of file the bytes really are, whatever its name or declared MIME type says.

Only four kinds are accepted (PDF, p7m, JPEG, PNG); for the rest we still recognise the common
ones (GIF, HEIC, Word, ZIP, ...) so the refusal can tell the doctor what they actually sent.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass

from bot.intake.model import JPEG, P7M, PDF, PNG

# DER encoding of the OID 1.2.840.113549.1.7.2 (id-signedData), which opens every p7m.
SIGNED_DATA_OID = bytes.fromhex("06092a864886f70d010702")
_PEM_BEGIN = re.compile(rb"-----BEGIN (?:PKCS7|CMS|PKCS #7 SIGNED DATA)-----")
_BASE64_PREFIX = re.compile(rb"[A-Za-z0-9+/=\r\n]{64,}")
# The PDF header may follow some junk; readers look in the first kilobyte.
_PDF_HEADER_WINDOW = 1024


@dataclass(frozen=True)
class Sniffed:
    """`mime` is one of the accepted types, or None; `kind` names the file for messages."""

    mime: str | None
    kind: str


def looks_like_cms(der: bytes) -> bool:
    """A DER/BER SEQUENCE whose first element is the signedData OID."""
    return len(der) > 16 and der[0] == 0x30 and SIGNED_DATA_OID in der[:24]


def decode_base64_cms(data: bytes) -> bytes | None:
    """The DER inside a PEM block or a bare base64 p7m, or None if it is not one."""
    text = data.lstrip()
    match = _PEM_BEGIN.match(text)
    if match:
        end = text.find(b"-----END", match.end())
        text = text[match.end() : end if end >= 0 else len(text)]
    elif not _BASE64_PREFIX.match(text[:80]):
        return None
    try:
        der = base64.b64decode(b"".join(text.split()), validate=True)
    except (binascii.Error, ValueError):
        return None
    return der if looks_like_cms(der) else None


def _looks_like_base64_cms(data: bytes) -> bool:
    """Cheap test on the first bytes only; the whole body is decoded later."""
    head = data.lstrip()[:4096]
    if _PEM_BEGIN.match(head):
        return True
    if not _BASE64_PREFIX.match(head[:80]):
        return False
    compact = b"".join(head[:200].split())
    try:
        prefix = base64.b64decode(compact[: len(compact) // 4 * 4])
    except (binascii.Error, ValueError):
        return False
    return looks_like_cms(prefix)


def _zip_kind(data: bytes) -> str:
    head = data[:4096]
    if b"word/" in head:
        return "docx"
    if b"xl/" in head:
        return "xlsx"
    if b"application/vnd.oasis" in head:
        return "odt"
    return "zip"


def _is_text(data: bytes) -> bool:
    sample = data[:4096]
    try:
        decoded = sample.decode("utf-8")
    except UnicodeDecodeError:
        try:
            decoded = sample[:-3].decode("utf-8")
        except UnicodeDecodeError:
            return False
    printable = sum(ch.isprintable() or ch in "\r\n\t" for ch in decoded)
    return bool(decoded) and printable / len(decoded) > 0.95


def sniff(data: bytes) -> Sniffed:
    """Look at the magic numbers (and for p7m the ASN.1 header) of `data`."""
    if not data:
        return Sniffed(None, "vuoto")
    if data.startswith(b"\xff\xd8\xff"):
        return Sniffed(JPEG, "jpeg")
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return Sniffed(PNG, "png")
    if looks_like_cms(data):  # before PDF: a .pdf.p7m carries "%PDF-" within its first bytes
        return Sniffed(P7M, "p7m")
    if b"%PDF-" in data[:_PDF_HEADER_WINDOW]:
        return Sniffed(PDF, "pdf")
    if _looks_like_base64_cms(data):
        return Sniffed(P7M, "p7m")
    return Sniffed(None, _refused_kind(data))


def _refused_kind(data: bytes) -> str:
    head = data[:16]
    lowered = data[:512].lstrip().lower()
    checks: tuple[tuple[bool, str], ...] = (
        (head.startswith((b"GIF87a", b"GIF89a")), "gif"),
        (head.startswith(b"RIFF") and head[8:12] == b"WEBP", "webp"),
        (
            head[4:8] == b"ftyp"
            and head[8:12] in (b"heic", b"heix", b"hevc", b"heif", b"mif1", b"msf1"),
            "heic",
        ),
        (head.startswith((b"II*\x00", b"MM\x00*")), "tiff"),
        (head.startswith(b"BM"), "bmp"),
        (head.startswith(b"PK\x03\x04"), "zip"),
        (head.startswith(b"Rar!"), "rar"),
        (head.startswith(b"7z\xbc\xaf\x27\x1c"), "7z"),
        (head.startswith(b"\x1f\x8b"), "gzip"),
        (head.startswith(b"\xd0\xcf\x11\xe0"), "doc"),
        (head.startswith(b"{\\rtf"), "rtf"),
        (head.startswith((b"MZ", b"\x7fELF", b"\xcf\xfa\xed\xfe", b"#!")), "exe"),
        (lowered.startswith((b"<!doctype html", b"<html")), "html"),
        (lowered.startswith(b"<?xml"), "xml"),
    )
    for matched, kind in checks:
        if matched:
            return _zip_kind(data) if kind == "zip" else kind
    return "testo" if _is_text(data) else "sconosciuto"
