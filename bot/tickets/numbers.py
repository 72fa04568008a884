"""Ticket numbers: IR-<year>-<six-digit sequence>, e.g. IR-2026-000123.

One pattern for every place that reads a number: typed loosely ("ir 2026 000123",
"IR2026000123"), but always with the six digits of the sequence. "IR-2026-4567" is not
padded into somebody else's number: it is a malformed number, and the doctor is told the format.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

PREFIX = "IR"
SEQUENCE_DIGITS = 6
EXAMPLE = "IR-2026-000123"
# The year of a number is the Italian calendar year in which the request was filed.
ITALIAN_TIME = ZoneInfo("Europe/Rome")

_SEP = r"\s*[-/ _.]?\s*"
_NUMBER_RE = re.compile(rf"^\s*{PREFIX}{_SEP}(\d{{4}}){_SEP}(\d{{{SEQUENCE_DIGITS}}})\s*$", re.I)
# Anything a doctor may have meant as a number, well formed or not.
_IN_TEXT_RE = re.compile(
    rf"(?<![A-Za-z0-9]){PREFIX}{_SEP}(\d{{2,4}}){_SEP}(\d{{1,12}})(?!\d)", re.I
)


def format_ticket_number(year: int, sequence: int) -> str:
    return f"{PREFIX}-{year:04d}-{sequence:0{SEQUENCE_DIGITS}d}"


def parse_ticket_number(text: str | None) -> str | None:
    """The canonical number for what a person typed ("ir 2026 000123" -> "IR-2026-000123")."""
    match = _NUMBER_RE.match(text or "")
    if not match:
        return None
    return format_ticket_number(int(match.group(1)), int(match.group(2)))


@dataclass(frozen=True)
class WrittenNumber:
    """A ticket number found in a message: canonical when well formed, else None."""

    typed: str
    canonical: str | None


def ticket_number_in_text(text: str | None) -> WrittenNumber | None:
    """The first thing in `text` that looks like a ticket number, well formed or not."""
    match = _IN_TEXT_RE.search(text or "")
    if not match:
        return None
    typed = match.group(0)
    year, sequence = match.group(1), match.group(2)
    well_formed = len(year) == 4 and len(sequence) == SEQUENCE_DIGITS
    return WrittenNumber(typed, parse_ticket_number(typed) if well_formed else None)


def filing_year(moment: datetime) -> int:
    return moment.astimezone(ITALIAN_TIME).year
