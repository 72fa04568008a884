"""Ticket numbers: IR-<year>-<six-digit sequence>, e.g. IR-2026-000123."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

PREFIX = "IR"
# The year of a number is the Italian calendar year in which the request was filed.
ITALIAN_TIME = ZoneInfo("Europe/Rome")

_NUMBER_RE = re.compile(rf"^\s*{PREFIX}\s*[-/ ]?\s*(\d{{4}})\s*[-/ ]?\s*(\d{{1,9}})\s*$", re.I)


def format_ticket_number(year: int, sequence: int) -> str:
    return f"{PREFIX}-{year:04d}-{sequence:06d}"


def parse_ticket_number(text: str | None) -> str | None:
    """The canonical number for what a person typed ("ir 2026 123" -> "IR-2026-000123")."""
    match = _NUMBER_RE.match(text or "")
    if not match:
        return None
    return format_ticket_number(int(match.group(1)), int(match.group(2)))


def filing_year(moment: datetime) -> int:
    return moment.astimezone(ITALIAN_TIME).year
