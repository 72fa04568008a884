"""CMS SignedData (the inside of a .p7m and of a PDF signature): parse, find the signer, verify.

What is verified: the messageDigest signed attribute matches the content, and the signature over
the signed attributes verifies with the public key of the signer's certificate. What is NOT
verified: that the certificate chains to a trusted Italian CA (AgID list), revocation, timestamps.
That needs the trusted list and network access, so accepted files carry the flag
`catena_non_verificata` and staff rely on their own tools for it.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Literal

from asn1crypto import cms, core, x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

from bot.intake.identity import CODICE_FISCALE_RE
from bot.intake.model import Signer

Verification = Literal["valid", "invalid", "unsupported"]

_HASHES: dict[str, type[hashes.HashAlgorithm]] = {
    "sha1": hashes.SHA1,
    "sha224": hashes.SHA224,
    "sha256": hashes.SHA256,
    "sha384": hashes.SHA384,
    "sha512": hashes.SHA512,
}
# serialNumber of Italian qualified certificates: "TINIT-<CF>" (ETSI), older ones "IT:<CF>".
_ITALIAN_SERIAL = re.compile(r"^(?:TINIT-|IT:)?([A-Z0-9]{16})$")


class CmsError(ValueError):
    """The bytes are not a readable CMS SignedData structure."""


@dataclass(frozen=True)
class SignedEnvelope:
    """A parsed SignedData: `content` is None for a detached signature."""

    signed_data: cms.SignedData
    content: bytes | None


@dataclass(frozen=True)
class SignatureCheck:
    verification: Verification
    signer: Signer | None
    certificate_in_validity: bool


def parse_signed_data(der: bytes) -> SignedEnvelope:
    """Open a ContentInfo holding SignedData; raises `CmsError` on anything else."""
    try:
        info = cms.ContentInfo.load(der, strict=False)
        if info["content_type"].native != "signed_data":
            raise CmsError("not signed data")
        signed_data = info["content"]
        content_field = signed_data["encap_content_info"]["content"]
        content = None if content_field.native is None else _octets(content_field)
        if len(signed_data["signer_infos"]) == 0:
            raise CmsError("no signer")
    except CmsError:
        raise
    except (ValueError, TypeError, KeyError, IndexError, OverflowError, RecursionError) as exc:
        raise CmsError(type(exc).__name__) from None
    return SignedEnvelope(signed_data, content)


def _octets(value: cms.ParsableOctetString) -> bytes:
    native = value.native
    if isinstance(native, bytes):
        return native
    return bytes(value.contents)


def check_signatures(envelope: SignedEnvelope, content: bytes) -> SignatureCheck:
    """Verify every signer of `content`; the first signer is reported."""
    try:
        signed_data = envelope.signed_data
        certificates = [
            choice.chosen for choice in signed_data["certificates"] if choice.name == "certificate"
        ]
        results: list[Verification] = []
        first_signer: Signer | None = None
        in_validity = True
        for signer_info in signed_data["signer_infos"]:
            certificate = _find_certificate(signer_info, certificates)
            result = _verify_one(signer_info, certificate, content)
            results.append(result)
            if certificate is not None:
                in_validity = in_validity and _in_validity(certificate, signer_info)
                if first_signer is None:
                    first_signer = _signer_from(certificate, result)
    except (ValueError, TypeError, KeyError, IndexError, OverflowError, RecursionError):
        return SignatureCheck("invalid", None, True)
    if "invalid" in results:
        overall: Verification = "invalid"
    elif "unsupported" in results:
        overall = "unsupported"
    else:
        overall = "valid"
    return SignatureCheck(overall, first_signer, in_validity)


def _find_certificate(
    signer_info: cms.SignerInfo, certificates: list[x509.Certificate]
) -> x509.Certificate | None:
    sid = signer_info["sid"]
    for certificate in certificates:
        if sid.name == "issuer_and_serial_number":
            wanted = sid.chosen
            if (
                certificate.serial_number == wanted["serial_number"].native
                and certificate.issuer == wanted["issuer"]
            ):
                return certificate
        elif certificate.key_identifier == sid.chosen.native:
            return certificate
    return None


def _verify_one(
    signer_info: cms.SignerInfo, certificate: x509.Certificate | None, content: bytes
) -> Verification:
    if certificate is None:
        return "invalid"
    digest_name = signer_info["digest_algorithm"]["algorithm"].native
    if digest_name not in _HASHES:
        return "unsupported"
    signed_attrs = signer_info["signed_attrs"]
    # Keep the bytes as received: reading attributes may make asn1crypto re-encode the set.
    raw_attrs = signed_attrs.dump()
    if raw_attrs:
        digest = _attribute(signed_attrs, "message_digest")
        actual = hashlib.new(digest_name, content).digest()
        if not isinstance(digest, bytes) or not hmac.compare_digest(digest, actual):
            return "invalid"
        # The signature covers the attributes re-tagged as a SET OF (RFC 5652, 5.4).
        to_verify = b"\x31" + raw_attrs[1:]
    else:
        to_verify = content
    return _verify_signature(signer_info, certificate, digest_name, to_verify)


def _verify_signature(
    signer_info: cms.SignerInfo, certificate: x509.Certificate, digest_name: str, data: bytes
) -> Verification:
    algorithm = signer_info["signature_algorithm"]
    signature = signer_info["signature"].native
    try:
        public_key = serialization.load_der_public_key(certificate.public_key.dump())
        scheme = algorithm.signature_algo
        hash_algorithm = _HASHES[digest_name]()
        if scheme == "rsassa_pkcs1v15" and isinstance(public_key, rsa.RSAPublicKey):
            public_key.verify(signature, data, padding.PKCS1v15(), hash_algorithm)
        elif scheme == "rsassa_pss" and isinstance(public_key, rsa.RSAPublicKey):
            params = algorithm["parameters"]
            pss_hash = _HASHES.get(params["hash_algorithm"]["algorithm"].native)
            if pss_hash is None:
                return "unsupported"
            pss = padding.PSS(padding.MGF1(pss_hash()), params["salt_length"].native)
            public_key.verify(signature, data, pss, pss_hash())
        elif scheme == "ecdsa" and isinstance(public_key, ec.EllipticCurvePublicKey):
            public_key.verify(signature, data, ec.ECDSA(hash_algorithm))
        else:
            return "unsupported"
    except InvalidSignature:
        return "invalid"
    except UnsupportedAlgorithm:
        return "unsupported"
    return "valid"


def _attribute(attributes: cms.CMSAttributes, name: str) -> object:
    for attribute in attributes:
        if attribute["type"].native == name:
            return attribute["values"][0].native
    return None


def _in_validity(certificate: x509.Certificate, signer_info: cms.SignerInfo) -> bool:
    """The certificate was valid at the declared signing time (or now, if none is declared)."""
    when = None
    if not isinstance(signer_info["signed_attrs"], core.Void):
        when = _attribute(signer_info["signed_attrs"], "signing_time")
    if not isinstance(when, datetime):
        when = datetime.now(timezone.utc)
    validity = certificate["tbs_certificate"]["validity"]
    return bool(validity["not_before"].native <= when <= validity["not_after"].native)


def _signer_from(certificate: x509.Certificate, result: Verification) -> Signer:
    subject = certificate.subject.native
    serial = _text(subject.get("serial_number"))
    codice_fiscale = None
    if serial:
        match = _ITALIAN_SERIAL.match(serial.strip().upper())
        if match and CODICE_FISCALE_RE.fullmatch(match.group(1)):
            codice_fiscale = match.group(1)
    return Signer(
        common_name=_text(subject.get("common_name")),
        nome=_text(subject.get("given_name")),
        cognome=_text(subject.get("surname")),
        codice_fiscale=codice_fiscale,
        serial_number=serial,
        verified=None if result == "unsupported" else result == "valid",
    )


def _text(value: object) -> str | None:
    if isinstance(value, list):  # a multi-valued attribute
        value = value[0] if value else None
    return str(value)[:200] if value else None
