"""Personal data partly hidden, for lists: enough to recognise a request, not to copy the data."""

from __future__ import annotations

MASK = "•"


def mask_codice_fiscale(value: str | None) -> str:
    """RSSMRA80A01H501U -> RSS••••••••••01U"""
    text = (value or "").strip()
    if len(text) <= 6:
        return MASK * len(text)
    return text[:3] + MASK * (len(text) - 6) + text[-3:]


def mask_email(value: str | None) -> str:
    """mario.rossi@pec.example.it -> m•••••••••i@pec.example.it"""
    text = (value or "").strip()
    local, at, domain = text.rpartition("@")
    if not at:
        return MASK * len(text)
    if len(local) <= 2:
        return MASK * len(local) + "@" + domain
    return local[0] + MASK * (len(local) - 2) + local[-1] + "@" + domain


def mask_phone(value: str | None) -> str:
    """3331234567 -> •••••••567"""
    digits = "".join(ch for ch in (value or "") if ch.isdigit() or ch == "+")
    if len(digits) <= 3:
        return MASK * len(digits)
    return MASK * (len(digits) - 3) + digits[-3:]
