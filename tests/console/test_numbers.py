"""Numbers on the console as an Italian reader writes them."""

from __future__ import annotations

from datetime import timedelta

from bot.web.console import numbers


def test_percentages_use_a_decimal_comma_and_a_space() -> None:
    assert numbers.percent(0.007) == "0,7 %"
    assert numbers.percent(1 / 3) == "33,3 %"
    assert numbers.percent(None) == "–"


def test_durations_read_naturally() -> None:
    assert numbers.duration(timedelta(hours=1, minutes=30)) == "1,5 ore"
    assert numbers.duration(timedelta(hours=1)) == "1 ora"
    assert numbers.duration(timedelta(minutes=4)) == "4 minuti"
    assert numbers.duration(timedelta(minutes=1)) == "1 minuto"
    assert numbers.duration(timedelta(seconds=20)) == "meno di 1 minuto"
    assert numbers.duration(timedelta(days=3)) == "3 giorni"


def test_counts_agree_with_their_noun() -> None:
    assert numbers.plural(1, "decisa", "decise") == "1 decisa"
    assert numbers.plural(2, "decisa", "decise") == "2 decise"
    assert numbers.integer(12345) == "12.345"
    assert numbers.decimal(1234.5, 2) == "1.234,50"
