"""Password hashes with the standard library's scrypt and a random salt per user.

Stored as `scrypt$<n>$<r>$<p>$<salt b64>$<hash b64>`, so the cost can be raised later and old
hashes still verify.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

N, R, P = 2**14, 8, 1
_KEY_LENGTH = 32
_MAX_MEMORY = 64 * 1024 * 1024
MIN_LENGTH = 12


def _derive(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=_MAX_MEMORY, dklen=_KEY_LENGTH
    )


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = _derive(password, salt, N, R, P)
    return f"scrypt${N}${R}${P}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        computed = _derive(password, base64.b64decode(salt), int(n), int(r), int(p))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(computed, base64.b64decode(digest))


# Verified against when the username is unknown, so that both cases cost the same time.
DUMMY_HASH = hash_password(secrets.token_urlsafe(16))


def generate_password() -> str:
    return secrets.token_urlsafe(15)


def password_problem(password: str) -> str | None:
    """An error code of texts.yml, or None when the password is acceptable."""
    if len(password) < MIN_LENGTH:
        return "password_troppo_corta"
    return None
