"""Throwaway self-signed certificates shaped like Italian signature certificates."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from functools import lru_cache

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

from bot.intake.samples.identity import CODICE_FISCALE, COGNOME, NOME

PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey


@lru_cache(maxsize=8)
def signing_identity(
    codice_fiscale: str = CODICE_FISCALE,
    key_type: str = "rsa",
    expired: bool = False,
) -> tuple[x509.Certificate, PrivateKey]:
    """A certificate whose subject carries serialNumber "TINIT-<codice fiscale>", and its key."""
    key: PrivateKey
    if key_type == "rsa":
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    else:
        key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "IT"),
            x509.NameAttribute(NameOID.GIVEN_NAME, NOME.upper()),
            x509.NameAttribute(NameOID.SURNAME, COGNOME.upper()),
            x509.NameAttribute(NameOID.SERIAL_NUMBER, f"TINIT-{codice_fiscale}"),
            x509.NameAttribute(NameOID.COMMON_NAME, f"{NOME.upper()} {COGNOME.upper()}"),
        ]
    )
    now = datetime.now(timezone.utc)
    start, end = (
        (now - timedelta(days=800), now - timedelta(days=30))
        if expired
        else (
            now - timedelta(days=1),
            now + timedelta(days=365),
        )
    )
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    return certificate, key
