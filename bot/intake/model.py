"""The values the intake check takes and returns.

Everything here is plain data: a channel (web upload, Telegram) passes bytes and a purpose in, and
gets back a `CheckedFile` saying whether the file is accepted, what to store, and what to tell the
doctor. The Italian texts inside `Problem` come from `messages.yml`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Literal, get_args

if TYPE_CHECKING:
    from bot.intake.reading import Reading

Purpose = Literal["modulo", "documento_fronte", "documento_retro", "documento"]
"""What the doctor is sending: the signed request form, or the ID document (one side or both)."""

PURPOSES: tuple[str, ...] = get_args(Purpose)
DOCUMENT_PURPOSES: frozenset[str] = frozenset({"documento_fronte", "documento_retro", "documento"})

PDF = "application/pdf"
P7M = "application/pkcs7-mime"
JPEG = "image/jpeg"
PNG = "image/png"
ACCEPTED_TYPES: tuple[str, ...] = (PDF, P7M, JPEG, PNG)


class Flag:
    """Facts about an accepted file that staff (and the dialogue) may want to know."""

    FIRMA_DIGITALE = "firma_digitale"  # a PAdES signature field with a value, or a p7m envelope
    FIRMA_VERIFICATA = "firma_verificata"  # digest and signature checked against the signer's key
    CATENA_NON_VERIFICATA = "catena_non_verificata"  # trust in the issuing CA not checked offline
    P7M = "p7m"  # CAdES envelope; stored as received, the inner PDF was checked
    FIRMA_DA_VERIFICARE = "firma_da_verificare"  # staff must look at the handwritten signature
    FIRMA_AUTOGRAFA = "firma_autografa"  # ink found in the signature box of a photo or scan
    DA_VERIFICARE = "da_verificare"  # the ID could not be read after two tries: staff look
    SCANSIONE = "scansione"  # a photo or an image-only PDF of the paper form
    CAMPI_VUOTI = "campi_vuoti"  # fillable fields left empty
    MODIFICATO_DOPO_FIRMA = "modificato_dopo_firma"  # bytes added after the PDF signature
    PROTETTO_DA_MODIFICHE = "protetto_da_modifiche"  # owner-password PDF that opens without one
    CONTENUTI_ATTIVI = "contenuti_attivi"  # JavaScript, auto-actions or embedded files
    IMMAGINE_RUOTATA = "immagine_ruotata"  # EXIF orientation applied to the pixels
    IMMAGINE_RIDOTTA = "immagine_ridotta"  # stored at a reduced resolution
    METADATI_RIMOSSI = "metadati_rimossi"  # EXIF/GPS/ICC/text chunks dropped on re-encoding


class Refused(Exception):
    """The file cannot be accepted; `code` names the problem in messages.yml."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass(frozen=True)
class Problem:
    """One thing to tell the doctor: a stable `code` for the program, an Italian `message`."""

    code: str
    message: str


@dataclass(frozen=True)
class DeclaredIdentity:
    """What the doctor typed in the conversation, to compare with the form."""

    nome: str | None = None
    cognome: str | None = None
    codice_fiscale: str | None = None


@dataclass(frozen=True)
class ExtractedIdentity:
    """Name and codice fiscale found in a file; `source` is "campi", "testo" or "firma"."""

    nome: str | None = None
    cognome: str | None = None
    codice_fiscale: str | None = None
    source: str = "campi"

    def is_empty(self) -> bool:
        return not (self.nome or self.cognome or self.codice_fiscale)


@dataclass(frozen=True)
class Signer:
    """The holder of a digital signature's certificate, as written in the certificate."""

    common_name: str | None = None
    nome: str | None = None
    cognome: str | None = None
    codice_fiscale: str | None = None  # from serialNumber "TINIT-<codice fiscale>"
    serial_number: str | None = None  # the subject's serialNumber attribute, verbatim
    verified: bool | None = None  # None: the algorithm could not be checked here

    def as_identity(self) -> ExtractedIdentity:
        return ExtractedIdentity(self.nome, self.cognome, self.codice_fiscale, source="firma")


@dataclass(frozen=True)
class Limits:
    """Bounds on what one upload may cost. `default_limits()` builds them from the settings."""

    max_bytes: int = 10 * 1024 * 1024
    max_form_pages: int = 10
    max_document_pages: int = 4
    max_text_pages: int = 2  # text is extracted from the first pages only
    max_text_content_bytes: int = 1_000_000  # heavier pages are not text-extracted
    max_content_operands: int = 50_000  # pypdf's parsing budget per content stream
    max_text_chars: int = 50_000
    max_fields: int = 1_000  # AcroForm field nodes looked at
    max_tree_depth: int = 32  # page tree and field tree
    max_pixels: int = 40_000_000  # JPEG: large ones are decoded at 1/2, 1/4 or 1/8 scale
    max_png_pixels: int = 16_000_000  # PNG is always decoded at full size (RGBA: 4 bytes/px)
    min_image_short_side: int = 500
    min_form_image_short_side: int = 800
    max_stored_long_side: int = 4_096  # larger photos are stored reduced (still ~12 MP)
    max_p7m_nesting: int = 3  # "file.pdf.p7m.p7m" from double signing
    max_stream_bytes: int = 8_000_000  # decompressed size of any PDF stream we decode


@dataclass(frozen=True)
class CheckedFile:
    """The verdict on one upload.

    `accepted` is False exactly when `problems` is not empty; `warnings` never block. On
    acceptance `stored_bytes` is what to keep: the original PDF or p7m, or the re-encoded image
    without metadata. On refusal `stored_bytes` is empty. `size` and `sha256` describe the
    stored bytes (0 and None on refusal); `received_size` is the upload as received. `pages` is
    the page count (1 for a photo; for a refused PDF, its declared count when known).
    """

    accepted: bool
    purpose: str
    sniffed_type: str | None
    stored_bytes: bytes = field(repr=False)
    stored_type: str | None
    size: int
    sha256: str | None
    pages: int | None
    flags: tuple[str, ...]
    problems: tuple[Problem, ...]
    warnings: tuple[Problem, ...]
    identity: ExtractedIdentity | None
    signer: Signer | None
    safe_name: str | None
    received_size: int = 0
    reading: Reading | None = None  # what the file is and what was read from it
    asked_purpose: str | None = None  # what the conversation asked for (purpose: what it is)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready results of the check, without the file's bytes."""
        reading = self.reading
        data = asdict(self)
        del data["stored_bytes"]
        data["reading"] = reading.to_dict() if reading is not None else None
        data["flags"] = list(self.flags)
        data["problems"] = [asdict(p) for p in self.problems]
        data["warnings"] = [asdict(p) for p in self.warnings]
        return data

    def has_flag(self, flag: str) -> bool:
        return flag in self.flags

    @property
    def problem_codes(self) -> list[str]:
        return [p.code for p in self.problems]

    @property
    def warning_codes(self) -> list[str]:
        return [p.code for p in self.warnings]
