"""Hostile or broken files are refused quickly, with bounded memory, never with an exception."""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Callable

import pytest

from bot.intake import Limits, check_upload
from bot.intake.samples import forms, hostile, signed

SECONDS = 2.0
PEAK_BYTES = 80_000_000


def _timed(data: bytes, purpose: str = "modulo"):
    """The result, the wall time of one check, and its allocation peak (in a second run:
    tracemalloc slows allocation-heavy code several times over)."""
    started = time.perf_counter()
    result = check_upload(data, purpose, limits=Limits())  # type: ignore[arg-type]
    elapsed = time.perf_counter() - started
    tracemalloc.start()
    try:
        check_upload(data, purpose, limits=Limits())  # type: ignore[arg-type]
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, elapsed, peak


def test_pdf_with_thousands_of_pages_is_refused_fast():
    result, elapsed, peak = _timed(hostile.many_pages_pdf(5_000))
    assert result.problem_codes == ["troppe_pagine"]
    assert result.pages == 5_000
    assert "al massimo 10" in result.problems[0].message
    assert elapsed < SECONDS and peak < PEAK_BYTES


def test_page_tree_with_a_lying_count_is_walked_only_until_the_limit():
    result, elapsed, _ = _timed(hostile.many_pages_pdf(5_000, declared_count=1))
    assert result.problem_codes == ["troppe_pagine"]
    assert elapsed < SECONDS


def test_page_tree_loop_is_refused_as_damaged():
    result, elapsed, _ = _timed(hostile.page_tree_loop_pdf())
    assert result.problem_codes == ["pdf_danneggiato"]
    assert elapsed < SECONDS


def test_deeply_nested_objects_do_not_crash_the_check():
    result, elapsed, _ = _timed(hostile.deep_nesting_pdf())
    assert result.problem_codes == ["pdf_danneggiato"]
    assert elapsed < SECONDS


@pytest.mark.parametrize(
    "make",
    [
        hostile.flate_bomb_pdf,
        lambda: hostile.flate_bomb_pdf(25, b"(a) Tj "),
        hostile.repeated_contents_pdf,
    ],
    ids=["300MB-of-spaces", "25MB-of-operators", "same-stream-5000-times"],
)
def test_compressed_stream_bomb_is_refused_without_inflating_it(make):
    data = make()
    assert len(data) < 2_000_000
    result, elapsed, peak = _timed(data)
    assert result.problem_codes == ["pdf_danneggiato"]
    assert elapsed < SECONDS and peak < PEAK_BYTES


@pytest.mark.parametrize("filler", [b"q Q ", b"0 0 m ", b"1 0 0 1 0 0 cm ", b"(a) Tj "])
def test_pages_slow_to_interpret_are_bounded_and_left_to_staff(filler):
    result, elapsed, peak = _timed(hostile.heavy_content_pdf(filler))
    assert elapsed < SECONDS and peak < PEAK_BYTES
    assert result.accepted  # text too heavy to read: not refused as "not the form"
    assert "firma_da_verificare" in result.flags


@pytest.mark.parametrize("keep", [0.1, 0.5, 0.9, 0.99])
def test_truncated_pdf_is_refused_as_damaged_or_checked_normally(filled_form, keep):
    result, elapsed, _ = _timed(hostile.truncated(filled_form, keep))
    assert elapsed < SECONDS
    if not result.accepted:
        assert result.problem_codes[0] in {"pdf_danneggiato", "non_sembra_il_modulo"}


def test_truncated_pdf_asks_to_save_it_again(filled_form):
    result, _, _ = _timed(hostile.truncated(filled_form, 0.5))
    assert result.problem_codes == ["pdf_danneggiato"]
    assert "danneggiato o incompleto" in result.problems[0].message


def test_pdf_header_followed_by_junk_is_refused_as_damaged():
    result, _, _ = _timed(b"%PDF-1.7\n" + hostile.random_bytes(50_000))
    assert result.problem_codes == ["pdf_danneggiato"]


@pytest.mark.parametrize(
    "make",
    [
        lambda: hostile.random_bytes(1_000_000, seed=1),
        lambda: b"\x30\x82\xff\xff\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x07\x02" + b"\x00" * 100,
        lambda: b"\xff\xd8\xff" + hostile.random_bytes(10_000),
        lambda: b"\x89PNG\r\n\x1a\n" + hostile.random_bytes(10_000),
        lambda: signed.p7m()[:-100],
        lambda: forms.filled_form_pdf().replace(b"/Root", b"/Rxxx"),
    ],
    ids=["random", "fake-cms-header", "fake-jpeg", "fake-png", "cut-p7m", "no-root"],
)
def test_malformed_files_are_refused_without_exceptions(make: Callable[[], bytes]):
    result, elapsed, _ = _timed(make())
    assert not result.accepted
    assert result.problems and all(p.message for p in result.problems)
    assert elapsed < SECONDS
