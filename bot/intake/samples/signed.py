"""Digitally signed forms: PAdES (signature inside the PDF, via pyHanko) and CAdES .p7m."""

from __future__ import annotations

import base64
import io

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.serialization import pkcs7

from bot.intake.samples.certificates import signing_identity
from bot.intake.samples.forms import filled_form_pdf
from bot.intake.samples.identity import CODICE_FISCALE


def pades_signed_pdf(pdf: bytes | None = None, key_type: str = "rsa") -> bytes:
    """The filled form signed with pyHanko into a new signature field "Firma".

    pyHanko runs its own event loop: from inside a running one (an async test, Playwright's
    sync API) the signing runs in a thread of its own.
    """
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return _pades_signed_pdf(pdf, key_type)
    with ThreadPoolExecutor(max_workers=1) as executor:
        return executor.submit(_pades_signed_pdf, pdf, key_type).result()


def _pades_signed_pdf(pdf: bytes | None, key_type: str) -> bytes:
    from asn1crypto import keys, x509
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    certificate, key = signing_identity(key_type=key_type)
    asn1_cert = x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))
    asn1_key = keys.PrivateKeyInfo.load(
        key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    signer = signers.SimpleSigner(
        signing_cert=asn1_cert,
        signing_key=asn1_key,
        cert_registry=SimpleCertificateStore.from_certs([asn1_cert]),
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf or filled_form_pdf()), strict=False)
    out = signers.sign_pdf(writer, signers.PdfSignatureMetadata(field_name="Firma"), signer=signer)
    return out.getvalue()


def p7m(
    content: bytes | None = None,
    codice_fiscale: str = CODICE_FISCALE,
    key_type: str = "rsa",
    detached: bool = False,
    expired: bool = False,
) -> bytes:
    """A DER CAdES-like envelope (what Italian signing software saves as "modulo.pdf.p7m")."""
    certificate, key = signing_identity(codice_fiscale, key_type, expired)
    options = [pkcs7.PKCS7Options.Binary]
    if detached:
        options.append(pkcs7.PKCS7Options.DetachedSignature)
    return (
        pkcs7.PKCS7SignatureBuilder()
        .set_data(content if content is not None else filled_form_pdf())
        .add_signer(certificate, key, hashes.SHA256())
        .sign(serialization.Encoding.DER, options)
    )


def p7m_base64(content: bytes | None = None) -> bytes:
    """The same envelope as PEM text, as some tools export it."""
    body = base64.encodebytes(p7m(content)).decode("ascii")
    return f"-----BEGIN PKCS7-----\n{body}-----END PKCS7-----\n".encode("ascii")


def tampered_p7m() -> bytes:
    """A p7m whose inner PDF was altered after signing (one byte of the header)."""
    envelope = bytearray(p7m())
    at = envelope.find(b"%PDF-1.")
    envelope[at + 7] = ord("9") if envelope[at + 7] != ord("9") else ord("8")
    return bytes(envelope)


def tampered_pades_pdf() -> bytes:
    """A PAdES-signed form with one byte changed inside the signed range."""
    signed = bytearray(pades_signed_pdf())
    at = signed.find(b"Helvetica")
    signed[at] = ord("h")
    return bytes(signed)
