"""Personal data partly hidden, for lists and transcripts: enough to recognise a request, not to
copy the data."""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.personal_data_patterns import CODICE_FISCALE, EMAIL, PHONE

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


def mask_name(value: str | None) -> str:
    """Mario De Rossi -> M•••• D• R••••"""
    return " ".join(word[0] + MASK * (len(word) - 1) for word in (value or "").split())


def mask_text(text: str, names: Iterable[str] = ()) -> str:
    """Free text (a transcript line) with its codici fiscali, e-mail addresses and phone numbers
    masked as in the lists, and the given names (what the doctor declared) too."""
    masked = CODICE_FISCALE.sub(lambda m: mask_codice_fiscale(m.group(0)), text)
    masked = EMAIL.sub(lambda m: mask_email(m.group(0)), masked)
    masked = PHONE.sub(lambda m: mask_phone(m.group(0)), masked)
    for name in sorted({n.strip() for n in names if len(n.strip()) >= 2}, key=len, reverse=True):
        pattern = re.compile(rf"(?<!\w){re.escape(name)}(?!\w)", re.IGNORECASE)
        masked = pattern.sub(lambda m: mask_name(m.group(0)), masked)
    return masked
