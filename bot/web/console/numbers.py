"""Numbers as an Italian reader writes them: "0,7 %", "1,5 ore", "1.234", "1 decisa"."""

from __future__ import annotations

from datetime import timedelta


def integer(value: int | float) -> str:
    return f"{round(value):,}".replace(",", ".")


def decimal(value: float | None, digits: int = 1) -> str:
    if value is None:
        return "–"
    text = f"{value:,.{digits}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def percent(share: float | None, digits: int = 1) -> str:
    """A share (0..1) as a percentage, "–" when there is nothing to divide."""
    return "–" if share is None else f"{decimal(share * 100, digits)} %"


def plural(count: int, one: str, many: str) -> str:
    return f"{integer(count)} {one if count == 1 else many}"


def duration(value: timedelta | None) -> str:
    """Minutes under an hour, hours under two days, days after."""
    if value is None:
        return "–"
    minutes = value.total_seconds() / 60
    if minutes < 60:
        whole = max(0, round(minutes))
        return "meno di 1 minuto" if minutes < 1 else plural(whole, "minuto", "minuti")
    hours = minutes / 60
    if hours < 48:
        shown = decimal(hours, 1).removesuffix(",0")
        return f"{shown} {'ora' if shown == '1' else 'ore'}"
    days = decimal(hours / 24, 1).removesuffix(",0")
    return f"{days} {'giorno' if days == '1' else 'giorni'}"


def kilobytes(size: int | None) -> str:
    if not size:
        return ""
    if size < 1024 * 1024:
        return f"{integer(max(1, size / 1024))} kB"
    return f"{decimal(size / (1024 * 1024), 1)} MB"
