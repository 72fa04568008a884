"""`check_upload`: one uploaded file in, one verdict out, for every channel.

The doctor sees either "accepted" (maybe with remarks: empty fields, data that differ from what they
declared, a handwritten signature staff will check) or a refusal saying what is wrong and what to
send instead. Nothing here logs: the results contain personal data and go back to the caller only.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from bot.config import get_settings
from bot.intake.cms import CmsError, SignatureCheck, check_signatures, parse_signed_data
from bot.intake.identity import codice_fiscale_in_text, identity_from_fields, identity_warnings
from bot.intake.images import ImageRefused, clean_image
from bot.intake.messages import problem, type_label, warning
from bot.intake.model import (
    P7M,
    PDF,
    PURPOSES,
    CheckedFile,
    DeclaredIdentity,
    ExtractedIdentity,
    Flag,
    Limits,
    Problem,
    Purpose,
    Signer,
)
from bot.intake.names import safe_name
from bot.intake.pdf import PdfFacts, PdfRefused, read_pdf
from bot.intake.signatures import verify_pdf_signatures
from bot.intake.sniff import decode_base64_cms, looks_like_cms, sniff

# Words of the request form; any one of them is enough (OCR'd or re-typed forms vary a lot).
FORM_KEYWORDS = (
    "abilitazione",
    "medico esterno",
    "medici esterni",
    "inail",
    "credenziali",
    "servizi online",
    "servizi telematici",
)
# A scan's OCR layer may miss every keyword; a text document this long would not.
_SUBSTANTIAL_TEXT_CHARS = 200
_MAX_LISTED_FIELDS = 5


@lru_cache(maxsize=1)
def default_limits() -> Limits:
    """Limits with the upload size from the settings (MAX_UPLOAD_BYTES)."""
    return Limits(max_bytes=get_settings().max_upload_bytes)


@dataclass
class _Verdict:
    """What the checks found so far for one upload."""

    purpose: str
    limits: Limits
    flags: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    pages: int | None = None
    identity: ExtractedIdentity | None = None
    signer: Signer | None = None

    def flag(self, *names: str) -> None:
        self.flags.extend(name for name in names if name not in self.flags)

    def refuse(self, code: str, **params: object) -> None:
        self.problems.append(problem(code, self.purpose, **params))

    def warn(self, code: str, **params: object) -> None:
        remark = warning(code, self.purpose, **params)
        if remark not in self.warnings:
            self.warnings.append(remark)

    @property
    def is_form(self) -> bool:
        return self.purpose == "modulo"


def check_upload(
    data: bytes,
    purpose: Purpose,
    original_name: str | None = None,
    declared: DeclaredIdentity | None = None,
    limits: Limits | None = None,
) -> CheckedFile:
    """Check one uploaded file for `purpose` and say what to store and what to tell the doctor.

    The type comes from the bytes only; `original_name` is kept as `safe_name` metadata.
    """
    if purpose not in PURPOSES:
        raise ValueError(f"unknown purpose {purpose!r}; expected one of {PURPOSES}")
    limits = limits or default_limits()
    verdict = _Verdict(purpose=purpose, limits=limits)
    sniffed = sniff(data)
    stored, stored_type = b"", None
    if not data:
        verdict.refuse("file_vuoto")
    elif len(data) > limits.max_bytes:
        verdict.refuse(
            "troppo_grande",
            size_mb=_megabytes(len(data)),
            max_mb=_megabytes(limits.max_bytes),
        )
    elif sniffed.mime is None:
        verdict.refuse("tipo_non_ammesso", tipo=type_label(sniffed.kind))
    elif sniffed.mime == PDF:
        _check_pdf(data, verdict, signed_outside=False)
        stored, stored_type = data, PDF
    elif sniffed.mime == P7M:
        _check_p7m(data, verdict, depth=1)
        stored, stored_type = data, P7M
    else:
        stored, stored_type = _check_image(data, sniffed.mime, verdict)
    if verdict.problems:
        stored, stored_type = b"", None
    else:
        verdict.warnings.extend(
            identity_warnings(verdict.identity, declared, verdict.signer, purpose)
        )
        if verdict.identity is None and verdict.signer is not None:
            signer_identity = verdict.signer.as_identity()
            verdict.identity = None if signer_identity.is_empty() else signer_identity
    return CheckedFile(
        accepted=not verdict.problems,
        purpose=purpose,
        sniffed_type=sniffed.mime,
        stored_bytes=stored,
        stored_type=stored_type,
        size=len(stored),
        sha256=hashlib.sha256(stored).hexdigest() if stored else None,
        pages=verdict.pages,
        flags=tuple(verdict.flags),
        problems=tuple(verdict.problems),
        warnings=tuple(verdict.warnings),
        identity=verdict.identity,
        signer=verdict.signer,
        safe_name=safe_name(original_name),
        received_size=len(data),
    )


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".replace(".", ",").replace(",0", "")


def _check_pdf(data: bytes, verdict: _Verdict, signed_outside: bool) -> None:
    limits = verdict.limits
    max_pages = limits.max_form_pages if verdict.is_form else limits.max_document_pages
    try:
        facts = read_pdf(data, max_pages, limits)
    except PdfRefused as refusal:
        declared_pages = refusal.params.pop("declared_pages", None)
        if isinstance(declared_pages, int):
            verdict.pages = declared_pages
        verdict.refuse(refusal.code, **refusal.params)
        return
    verdict.pages = facts.pages
    if facts.owner_protected:
        verdict.flag(Flag.PROTETTO_DA_MODIFICHE)
    if facts.active_content:
        verdict.flag(Flag.CONTENUTI_ATTIVI)
    signed_inside = _apply_pdf_signatures(facts, verdict)
    if verdict.problems:
        return
    if verdict.is_form:
        _judge_form(facts, verdict, signed=signed_outside or signed_inside)
    else:
        _judge_document_pdf(facts, verdict)


def _apply_pdf_signatures(facts: PdfFacts, verdict: _Verdict) -> bool:
    """Flags for the PDF's own signature fields; True when it carries a digital signature."""
    result = verify_pdf_signatures(facts.signature_fields)
    if not result.any_signature:
        return False
    for check in result.checks:
        _apply_signature_check(check, verdict)
    if result.modified_after_signing:
        verdict.flag(Flag.MODIFICATO_DOPO_FIRMA)
        verdict.warn("modificato_dopo_firma")
    return True


def _apply_signature_check(check: SignatureCheck, verdict: _Verdict) -> None:
    if check.verification == "invalid":
        if not verdict.problems:
            verdict.refuse("firma_non_valida")
        return
    verdict.flag(Flag.FIRMA_DIGITALE, Flag.CATENA_NON_VERIFICATA)
    if check.verification == "valid":
        verdict.flag(Flag.FIRMA_VERIFICATA)
    else:
        verdict.flag(Flag.FIRMA_DA_VERIFICARE)
    if not check.certificate_in_validity:
        verdict.warn("certificato_scaduto")
    if verdict.signer is None and check.signer is not None:
        verdict.signer = check.signer


def _searchable(facts: PdfFacts) -> str:
    """Text layer, title and field names/values, lower case without accents."""
    parts = [facts.text, facts.title, *facts.fields.keys(), *facts.fields.values()]
    text = unicodedata.normalize("NFKD", " ".join(parts).lower())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(re.split(r"[\s_.\-]+", text))


def _judge_form(facts: PdfFacts, verdict: _Verdict, signed: bool) -> None:
    searchable = _searchable(facts)
    looks_like_form = any(k in searchable for k in FORM_KEYWORDS)
    if not looks_like_form:
        if facts.text_incomplete:
            pass  # too heavy to read: staff will look at it
        elif facts.has_images and len(facts.text.strip()) < _SUBSTANTIAL_TEXT_CHARS:
            verdict.flag(Flag.SCANSIONE)  # a scan, maybe with a poor OCR layer
        else:
            verdict.refuse("non_sembra_il_modulo")  # another document, or blank pages
            return
    if not signed:
        verdict.flag(Flag.FIRMA_DA_VERIFICARE)
        verdict.warn("firma_da_verificare")
    if facts.empty_required_fields:
        verdict.flag(Flag.CAMPI_VUOTI)
        listed = [_printable(name) for name in facts.empty_required_fields[:_MAX_LISTED_FIELDS]]
        if len(facts.empty_required_fields) > _MAX_LISTED_FIELDS:
            listed.append("…")
        verdict.warn("campi_vuoti", campi=", ".join(listed))
    verdict.identity = identity_from_fields(facts.fields)
    if verdict.identity is None or verdict.identity.codice_fiscale is None:
        in_text = codice_fiscale_in_text(facts.text)
        if in_text:
            base = verdict.identity or ExtractedIdentity(source="testo")
            verdict.identity = ExtractedIdentity(base.nome, base.cognome, in_text, base.source)


def _judge_document_pdf(facts: PdfFacts, verdict: _Verdict) -> None:
    searchable = _searchable(facts)
    if "abilitazione" in searchable and ("inail" in searchable or "medic" in searchable):
        verdict.warn("sembra_il_modulo")
    if verdict.purpose == "documento" and facts.pages == 1:
        verdict.warn("pagina_unica_documento")


def _printable(name: str) -> str:
    """A field name from the file, safe to show: printable characters, bounded length."""
    cleaned = "".join(ch for ch in name if ch.isprintable())
    return cleaned[:40] or "?"


def _check_p7m(data: bytes, verdict: _Verdict, depth: int) -> None:
    der = data if looks_like_cms(data) else decode_base64_cms(data)
    if der is None:
        verdict.refuse("p7m_danneggiato")
        return
    try:
        envelope = parse_signed_data(der)
    except CmsError:
        verdict.refuse("p7m_danneggiato")
        return
    if envelope.content is None:
        verdict.refuse("p7m_senza_documento")
        return
    _apply_signature_check(check_signatures(envelope, envelope.content), verdict)
    if verdict.problems:
        return
    verdict.flag(Flag.P7M)
    inner = sniff(envelope.content)
    if inner.mime == P7M:
        if depth >= verdict.limits.max_p7m_nesting:
            verdict.refuse("p7m_troppo_annidato")
        else:
            _check_p7m(envelope.content, verdict, depth + 1)
    elif inner.mime == PDF:
        _check_pdf(envelope.content, verdict, signed_outside=True)
    else:
        verdict.refuse("p7m_contenuto_non_ammesso", tipo=type_label(inner.kind))


def _check_image(data: bytes, mime: str, verdict: _Verdict) -> tuple[bytes, str | None]:
    limits = verdict.limits
    min_side = limits.min_form_image_short_side if verdict.is_form else limits.min_image_short_side
    try:
        image = clean_image(data, mime, min_side, limits)
    except ImageRefused as refusal:
        verdict.refuse(refusal.code, **refusal.params)
        return b"", None
    verdict.pages = 1
    verdict.flag(*image.flags)
    if verdict.is_form:
        verdict.flag(Flag.SCANSIONE, Flag.FIRMA_DA_VERIFICARE)
        verdict.warn("firma_da_verificare")
    elif verdict.purpose == "documento":
        verdict.warn("documento_un_lato")
    return image.data, image.mime
