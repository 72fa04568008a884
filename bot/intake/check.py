"""`check_upload`: one uploaded file in, one verdict out, for every channel.

The doctor sees either "accepted" (maybe with remarks: empty fields, data that differ from what they
declared, a handwritten signature staff will check) or a refusal saying what is wrong and what to
send instead. Nothing here logs: the results contain personal data and go back to the caller only.
"""

from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from bot.config import get_settings
from bot.intake import document_checks
from bot.intake.cms import CmsError, SignatureCheck, check_signatures, parse_signed_data
from bot.intake.identity import codice_fiscale_in_text, identity_from_fields, identity_warnings
from bot.intake.images import ImageRefused, clean_image
from bot.intake.messages import catalogue, problem, type_label, warning
from bot.intake.model import (
    DOCUMENT_PURPOSES,
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
from bot.intake.pdf import PdfFacts, PdfRefused, page_images, read_pdf
from bot.intake.reading import FORM, ID_KINDS, OTHER, PASSPORT, Reading, dates_in
from bot.intake.signatures import verify_pdf_signatures
from bot.intake.sniff import decode_base64_cms, looks_like_cms, sniff

logger = logging.getLogger(__name__)

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


# Refusals that the doctor answers by taking the photo again: after two, accepted for review.
RETRY_CODES = frozenset({"documento_illeggibile", "modulo_senza_firma_autografa"})


@dataclass(frozen=True)
class Context:
    """What the conversation knows besides the file: its other files' readings (by purpose),
    how many retakes were already asked, and today's date."""

    others: Mapping[str, Reading] = field(default_factory=dict)
    retries: int = 0
    today: date | None = None
    read: bool = True  # False: structure checks only (the fallback after a reading overran)


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
    reading: Reading | None = None
    context: Context = field(default_factory=Context)

    def flag(self, *names: str) -> None:
        self.flags.extend(name for name in names if name not in self.flags)

    def refuse(self, code: str, **params: object) -> None:
        self.problems.append(problem(code, self.purpose, **params))

    def warn(self, code: str, **params: object) -> None:
        self.warn_problem(warning(code, self.purpose, **params))

    def warn_problem(self, remark: Problem) -> None:
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
    context: Context | None = None,
) -> CheckedFile:
    """Check one uploaded file and say what it is, what to store and what to tell the doctor.

    `purpose` is what the conversation asked for; the verdict's `purpose` is what the file
    really is (the form, one side of the ID, or both), read from its content. The type comes
    from the bytes only; `original_name` is kept as `safe_name` metadata.
    """
    if purpose not in PURPOSES:
        raise ValueError(f"unknown purpose {purpose!r}; expected one of {PURPOSES}")
    limits = limits or default_limits()
    context = context or Context()
    verdict = _Verdict(purpose=purpose, limits=limits, context=context)
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
    if not verdict.problems and verdict.reading is not None:
        _check_reading(verdict, purpose, declared)
    if verdict.problems:
        stored, stored_type = b"", None
    else:
        if verdict.reading is None or verdict.reading.kind == OTHER:
            verdict.warnings.extend(
                identity_warnings(verdict.identity, declared, verdict.signer, verdict.purpose)
            )
        if verdict.identity is None and verdict.signer is not None:
            signer_identity = verdict.signer.as_identity()
            verdict.identity = None if signer_identity.is_empty() else signer_identity
    return CheckedFile(
        accepted=not verdict.problems,
        purpose=verdict.purpose,
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
        reading=verdict.reading,
        asked_purpose=purpose,
    )


def real_purpose(asked: str, reading: Reading | None) -> str:
    """What the file is, as an attachment purpose; the asked one when it cannot be told."""
    if reading is None or reading.kind == OTHER:
        return asked
    if reading.kind == FORM:
        return "modulo"
    if reading.side == "entrambi" or reading.kind == PASSPORT:
        return "documento"
    if reading.side == "retro":
        return "documento_retro"
    if reading.side == "fronte":
        return "documento" if asked == "documento" and reading.mrz_valid else "documento_fronte"
    return asked if asked != "modulo" else "documento_fronte"


def _recognise(verdict: _Verdict, reading: Reading | None) -> None:
    """Take the file for what it is; tell the doctor when it is not what was asked."""
    verdict.reading = reading
    asked = verdict.purpose
    actual = real_purpose(asked, reading)
    if actual == asked:
        return
    verdict.purpose = actual
    both_ids = asked in DOCUMENT_PURPOSES and actual in DOCUMENT_PURPOSES
    if both_ids and "documento" in (asked, actual):
        return  # one side where both were asked (or the reverse): not worth a remark
    kinds = catalogue()["tipo_file"]
    verdict.warn("file_diverso", tipo_file=kinds[actual], atteso=kinds[asked])


def _check_reading(verdict: _Verdict, asked: str, declared: DeclaredIdentity | None) -> None:
    """The ID's validity and legibility, then form vs ID vs declared data."""
    reading = verdict.reading
    assert reading is not None
    context = verdict.context
    if verdict.purpose in DOCUMENT_PURPOSES:
        outcome = document_checks.check_document(
            reading, verdict.purpose, context.retries, context.today
        )
        verdict.problems.extend(outcome.problems)
        verdict.flag(*outcome.flags)
        for remark in outcome.warnings:
            if remark not in verdict.warnings:
                verdict.warnings.append(remark)
        if verdict.problems:
            return
    readings = {p: r for p, r in context.others.items() if p != verdict.purpose}
    readings[verdict.purpose] = reading
    sources = document_checks.identity_sources(readings, declared)
    if verdict.purpose == "modulo" and verdict.identity is not None:
        form = sources.setdefault("modulo", {})
        for attr in ("cognome", "nome", "codice_fiscale"):
            value = getattr(verdict.identity, attr)
            if value:
                form.setdefault(attr, value)
    for _field, remark in document_checks.differences(sources, verdict.purpose):
        verdict.warn_problem(remark)
    document = _merged_document(readings)
    if document is not None:
        codice_fiscale = (
            document.codice_fiscale
            or sources.get("modulo", {}).get("codice_fiscale")
            or (declared.codice_fiscale if declared else None)
        )
        for remark in document_checks.cf_warning(
            str(codice_fiscale) if codice_fiscale else None, document, verdict.purpose
        ):
            verdict.warn_problem(remark)
    if verdict.signer is not None and declared is not None:
        verdict.warnings.extend(
            w
            for w in identity_warnings(None, declared, verdict.signer, verdict.purpose)
            if w not in verdict.warnings
        )


def _merged_document(readings: Mapping[str, Reading]) -> Reading | None:
    from bot.intake.reading import merge

    documents = [r for r in readings.values() if r is not None and r.kind in ID_KINDS]
    return merge(documents) if documents else None


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".replace(".", ",").replace(",0", "")


def _check_pdf(data: bytes, verdict: _Verdict, signed_outside: bool) -> None:
    limits = verdict.limits
    max_pages = max(limits.max_form_pages, limits.max_document_pages)
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
    if verdict.context.read:
        _recognise(verdict, _safely(_read_pdf, data, facts, verdict))
    elif _looks_like_form(facts):
        _recognise(verdict, Reading(kind=FORM))
    page_limit = limits.max_form_pages if verdict.is_form else limits.max_document_pages
    if facts.pages > page_limit:
        verdict.refuse("troppe_pagine", max_pagine=page_limit)
        return
    if verdict.is_form:
        _judge_form(facts, verdict, signed=signed_outside or signed_inside)
    else:
        _judge_document_pdf(facts, verdict)


def _safely(read: Callable[..., Reading | None], *args: object) -> Reading | None:
    """A reading, or None when the reader failed (the file is then checked as before)."""
    try:
        return read(*args)
    except Exception as error:  # OCR missing or a reader bug: never a lost upload
        logger.warning("document reading failed: %s", type(error).__name__)
        return None


def _looks_like_form(facts: PdfFacts) -> bool:
    searchable = _searchable(facts)
    return any(k in searchable for k in FORM_KEYWORDS)


def _is_scan(facts: PdfFacts) -> bool:
    """Pictures of paper pages, not a document made on a computer."""
    filled = any(value.strip() for value in facts.fields.values())
    return facts.has_images and len(facts.text.strip()) < _SUBSTANTIAL_TEXT_CHARS and not filled


def _read_pdf(data: bytes, facts: PdfFacts, verdict: _Verdict) -> Reading | None:
    """The form from its fields and text; a scan (pictures of pages) by OCR."""
    if _is_scan(facts):
        from bot.intake.id_reader import read_pages

        images = page_images(data, verdict.limits, verdict.limits.max_document_pages)
        if images:
            return read_pages(images)
    if _looks_like_form(facts):
        identity = identity_from_fields(facts.fields)
        birth = [
            found
            for name, value in facts.fields.items()
            if "nascita" in name.lower() or name.lower().endswith("nato_il")
            for found in dates_in(value)
        ]
        codice_fiscale = (identity.codice_fiscale if identity else None) or codice_fiscale_in_text(
            facts.text
        )
        return Reading(
            kind=FORM,
            source="campi" if identity else ("ocr" if codice_fiscale else None),
            cognome=identity.cognome if identity else None,
            nome=identity.nome if identity else None,
            codice_fiscale=codice_fiscale,
            data_nascita=birth[0] if birth else None,
        )
    return None


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
    looks_like_form = _looks_like_form(facts) or (
        verdict.reading is not None and verdict.reading.kind == FORM
    )
    scan = _is_scan(facts)
    if not looks_like_form:
        if facts.text_incomplete:
            pass  # too heavy to read: staff will look at it
        elif facts.has_images and len(facts.text.strip()) < _SUBSTANTIAL_TEXT_CHARS:
            verdict.flag(Flag.SCANSIONE)  # a scan, maybe with a poor OCR layer
        else:
            verdict.refuse("non_sembra_il_modulo")  # another document, or blank pages
            return
    if scan:
        verdict.flag(Flag.SCANSIONE)
    if not signed:
        if scan or facts.text_incomplete:
            _judge_handwritten_signature(verdict)
        else:
            verdict.refuse("modulo_non_firmato")  # made on a computer: no pen ever touched it
            return
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
    if verdict.identity is None and verdict.reading is not None:
        verdict.identity = _identity_of(verdict.reading)


def _identity_of(reading: Reading) -> ExtractedIdentity | None:
    if not (reading.nome or reading.cognome or reading.codice_fiscale):
        return None
    return ExtractedIdentity(reading.nome, reading.cognome, reading.codice_fiscale, "ocr")


def _judge_handwritten_signature(verdict: _Verdict) -> None:
    """A photo or scan of the paper form: ink in the signature box, or retake advice."""
    reading = verdict.reading
    ink = reading.signature_ink if reading is not None else None
    verdict.flag(Flag.FIRMA_DA_VERIFICARE)
    if ink is None:
        verdict.warn("firma_da_verificare")
    elif ink:
        verdict.flag(Flag.FIRMA_AUTOGRAFA)
        verdict.warn("firma_autografa")
    elif verdict.context.retries < document_checks.UNREADABLE_TRIES:
        verdict.refuse("modulo_senza_firma_autografa")
    else:
        verdict.warn("firma_da_verificare")


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
    min_side = min(limits.min_form_image_short_side, limits.min_image_short_side)
    try:
        image = clean_image(data, mime, min_side, limits)
    except ImageRefused as refusal:
        verdict.refuse(refusal.code, **refusal.params)
        return b"", None
    verdict.pages = 1
    verdict.flag(*image.flags)
    if verdict.context.read:
        from bot.intake.id_reader import read_image_bytes

        _recognise(verdict, _safely(read_image_bytes, image.data))
    if verdict.is_form and min(image.width, image.height) < limits.min_form_image_short_side:
        verdict.refuse("immagine_troppo_piccola", larghezza=image.width, altezza=image.height)
        return b"", None
    if verdict.is_form:
        verdict.flag(Flag.SCANSIONE)
        _judge_handwritten_signature(verdict)
        if verdict.reading is not None and verdict.identity is None:
            verdict.identity = _identity_of(verdict.reading)
    elif verdict.purpose == "documento" and (
        verdict.reading is None or verdict.reading.side != "entrambi"
    ):
        verdict.warn("documento_un_lato")
    return image.data, image.mime
