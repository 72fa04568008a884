"""Digital signatures of the form: PDF signature fields (PAdES) and .p7m envelopes (CAdES).

Both end in the same verdict: "valid" (digest and signature verified with the signer's key),
"invalid" (the file was altered or the signature is broken: the upload is refused), or
"unsupported" (an algorithm we cannot check here: accepted, staff verify it).
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from bot.intake.cms import CmsError, SignatureCheck, check_signatures, parse_signed_data
from bot.intake.pdf import PdfSignatureField

# Document timestamps look like signatures but carry no signer.
_TIMESTAMP_SUB_FILTERS = frozenset({"/ETSI.RFC3161"})


@dataclass(frozen=True)
class PdfSignatureVerdict:
    checks: tuple[SignatureCheck, ...]
    modified_after_signing: bool

    @property
    def any_signature(self) -> bool:
        return bool(self.checks)


def verify_pdf_signatures(fields: list[PdfSignatureField]) -> PdfSignatureVerdict:
    """Check each signed field over the bytes its /ByteRange covers."""
    checks = [
        _verify_field(signature_field)
        for signature_field in fields
        if signature_field.sub_filter not in _TIMESTAMP_SUB_FILTERS
    ]
    # Incremental saves after the last signature or timestamp leave no field covering the end.
    modified = bool(checks) and not any(f.covers_whole_file for f in fields)
    return PdfSignatureVerdict(tuple(checks), modified)


def _verify_field(signature_field: PdfSignatureField) -> SignatureCheck:
    try:
        envelope = parse_signed_data(signature_field.cms_der)
    except CmsError:
        return SignatureCheck("invalid", None, True)
    if envelope.content is None:
        return check_signatures(envelope, signature_field.covered)
    # adbe.pkcs7.sha1: the envelope signs the SHA-1 digest of the covered bytes.
    digest = hashlib.sha1(signature_field.covered).digest()
    if not hmac.compare_digest(envelope.content, digest):
        return SignatureCheck("invalid", None, True)
    return check_signatures(envelope, envelope.content)
