"""Opening hours of the operators, from configuration (HANDOFF_HOURS), in Italian time.

"lun-ven 08:00-18:00"                   Monday to Friday
"lun-ven 08:00-13:00 14:00-18:00, sab 09:00-12:00"
"sempre" (always open), "mai" (never: messages only, answered later)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

ROME = ZoneInfo("Europe/Rome")
DAYS = ("lun", "mar", "mer", "gio", "ven", "sab", "dom")
_RANGE = re.compile(r"^(\d{1,2})[:.](\d{2})-(\d{1,2})[:.](\d{2})$")
_END_OF_DAY = time(23, 59, 59, 999999)


class InvalidHours(ValueError):
    pass


@dataclass(frozen=True)
class OpeningHours:
    # Per weekday (0 = Monday): the (start, end) periods, end exclusive.
    periods: tuple[tuple[tuple[time, time], ...], ...]
    text: str

    def is_open(self, moment: datetime) -> bool:
        local = moment.astimezone(ROME)
        return any(start <= local.time() < end for start, end in self.periods[local.weekday()])

    def next_opening(self, moment: datetime) -> datetime | None:
        """When the operators are next there (None: never)."""
        local = moment.astimezone(ROME)
        for offset in range(8):
            day = (local + timedelta(days=offset)).date()
            for start, _end in self.periods[day.weekday()]:
                opening = datetime.combine(day, start, tzinfo=ROME)
                if opening > local:
                    return opening
        return None


def _day_range(spec: str) -> list[int]:
    first, _, last = spec.partition("-")
    try:
        start = DAYS.index(first)
        end = DAYS.index(last) if last else start
    except ValueError:
        raise InvalidHours(f"unknown day in {spec!r} (use {', '.join(DAYS)})") from None
    return [(start + n) % 7 for n in range((end - start) % 7 + 1)]


def _period(spec: str) -> tuple[time, time]:
    match = _RANGE.match(spec)
    if not match:
        raise InvalidHours(f"bad time range {spec!r} (e.g. 08:00-18:00)")
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    start = time(h1, m1)
    end = _END_OF_DAY if (h2, m2) == (24, 0) else time(h2, m2)
    if end <= start:
        raise InvalidHours(f"time range {spec!r} ends before it starts")
    return start, end


def parse_hours(text: str) -> OpeningHours:
    spec = " ".join(text.lower().split())
    if spec == "sempre":
        return OpeningHours(tuple(((time(0), _END_OF_DAY),) for _ in DAYS), spec)
    if spec == "mai":
        return OpeningHours(tuple(() for _ in DAYS), spec)
    days: list[list[tuple[time, time]]] = [[] for _ in DAYS]
    for part in filter(None, (p.strip() for p in spec.split(","))):
        words = part.split()
        if len(words) < 2:
            raise InvalidHours(f"{part!r}: days, then one or more time ranges")
        for day in _day_range(words[0]):
            days[day].extend(_period(word) for word in words[1:])
    return OpeningHours(tuple(tuple(sorted(periods)) for periods in days), spec)
