"""Benchmark of the document reader: ID documents and the form photographed as people do.

    python -m bot.bench.reading [--people 3]

Per variant (clean, on a table at 2 and 12 MP, skewed, upside down, turned 90°/270°, uneven
light, slight blur) over every kind (CIE front and back, paper ID, driving licence, passport,
photo of the signed form) and --people invented persons: the share of pictures with every field
right, the share of fields right, the time per picture p50/p95 (a worker process, as in
production: one picture at a time) and the worker's peak memory. Then the checks that must never
fail: expired IDs accepted, differences missed, files stored as the wrong kind.
Nothing about the documents' content is printed.
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from bot.bench.measure import percentile
from bot.intake.check import Context
from bot.intake.model import DeclaredIdentity
from bot.intake.samples import documents as d
from bot.intake.samples.people import PEOPLE, Person
from bot.intake.worker import WorkerLimits, WorkerPool

TODAY = date(2026, 12, 1)


def _status_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field):
            return int(line.split()[1])
    return 0


def read_measured(data: bytes) -> tuple[dict[str, Any], float]:
    """In the worker: read one picture; (what was read, peak RSS of the worker in MB)."""
    from bot.intake.id_reader import read_image_bytes

    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")  # reset the peak mark
    reading = read_image_bytes(data)
    return reading.to_dict(), _status_kib("VmHWM:") / 1024


# kind name, drawing, expected fields
KINDS: tuple[tuple[str, Callable[[Person, int], Any], tuple[str, ...]], ...] = (
    ("CIE retro", d.cie_back, ("cognome", "nome", "data_nascita", "sesso", "numero", "scadenza")),
    ("CIE fronte", d.cie_front, ("cognome", "nome", "data_nascita", "scadenza", "numero")),
    ("patente", d.driving_licence, ("cognome", "nome", "data_nascita", "scadenza")),
    ("passaporto", d.passport_page, ("cognome", "nome", "data_nascita", "scadenza", "numero")),
    ("carta cartacea", d.paper_id, ("cognome", "nome", "data_nascita", "scadenza")),
    ("modulo (foto)", lambda p, s: d.form_sheet(p, True, s), ("cognome", "nome", "cf", "firma")),
)


def _expected(person: Person, name: str) -> Any:
    return {
        "cognome": person.cognome.upper(),
        "nome": person.nome.upper(),
        "data_nascita": person.nascita.isoformat(),
        "sesso": person.sesso,
        "numero": person.numero,
        "scadenza": person.scadenza.isoformat(),
        "cf": person.codice_fiscale,
        "firma": True,
    }[name]


def _got(reading: dict[str, Any], name: str) -> Any:
    key = {"numero": "numero_documento", "cf": "codice_fiscale", "firma": "signature_ink"}
    value = reading.get(key.get(name, name))
    return value.upper() if isinstance(value, str) and name in ("cognome", "nome") else value


def _reads(people: list[Person]) -> None:
    pool = WorkerPool(WorkerLimits(seconds=30, processes=1))
    pool.call(read_measured, d.jpeg(d.cie_back(people[0])))  # start and warm the worker
    header = (
        f"{'variante':18} {'letti':>7} {'campi ok':>9} {'p50 ms':>7} {'p95 ms':>7} {'picco MB':>9}"
    )
    print(f"\nlettura documenti: {len(KINDS)} tipi × {len(people)} persone per variante")
    print(header)
    print("-" * len(header))
    by_kind: dict[str, list[bool]] = {name: [] for name, _, _ in KINDS}
    mrz_first_try: list[bool] = []
    all_times: list[float] = []
    fields_total = fields_right = 0
    for variant in d.VARIANTS:
        times, peaks, complete = [], [], []
        variant_fields = variant_right = 0
        for index, person in enumerate(people):
            for kind, draw, expected in KINDS:
                photo = d.jpeg(variant.apply(draw(person, index), index), variant.quality)
                started = time.perf_counter()
                reading, peak = pool.call(read_measured, photo)
                times.append((time.perf_counter() - started) * 1000)
                peaks.append(peak)
                right = [_got(reading, name) == _expected(person, name) for name in expected]
                variant_fields += len(right)
                variant_right += sum(right)
                complete.append(all(right))
                by_kind[kind].append(all(right))
                if kind == "CIE retro":
                    mrz_first_try.append(bool(reading.get("mrz_valid")))
        fields_total += variant_fields
        fields_right += variant_right
        all_times += times
        print(
            f"{variant.name:18} {sum(complete):>3}/{len(complete):<3} "
            f"{100 * variant_right / variant_fields:8.1f}% {statistics.median(times):7.0f}"
            f" {percentile(times, 0.95):7.0f} {max(peaks):9.0f}"
        )
    print("-" * len(header))
    print(
        f"{'tutte':18} {'':7} {100 * fields_right / fields_total:8.1f}%"
        f" {statistics.median(all_times):7.0f} {percentile(all_times, 0.95):7.0f}"
    )
    for kind, results in by_kind.items():
        print(f"  {kind:16} letti con tutti i campi giusti: {sum(results)}/{len(results)}")
    print(
        f"  CIE retro: MRZ valida (cifre di controllo) al primo tentativo: "
        f"{sum(mrz_first_try)}/{len(mrz_first_try)}"
        f" ({100 * sum(mrz_first_try) / len(mrz_first_try):.0f}%)"
    )
    pool.close()


def _never(people: list[Person]) -> None:
    """The checks that must never fail, through the real check in a worker."""
    from bot.intake import check_upload

    pool = WorkerPool(WorkerLimits(seconds=30, processes=1))
    expired_accepted = differences_missed = wrong_kind = 0
    cases = 0
    for index, person in enumerate(people):
        declared = DeclaredIdentity(person.nome, person.cognome, person.codice_fiscale)
        context = Context(today=TODAY)
        gone = person.with_document(person.numero, date(2015, 3, 1), date(2026, 3, 1))
        for draw in (d.cie_back, d.cie_front, d.passport_page):
            photo = d.jpeg(d.VARIANTS[index % len(d.VARIANTS)].apply(draw(gone, index), index))
            result = pool.call(
                check_upload, photo, "documento_fronte", None, declared, None, context
            )
            expired_accepted += result.accepted
            cases += 1
        other = PEOPLE[(PEOPLE.index(person) + 3) % len(PEOPLE)]
        for draw in (d.cie_back, d.cie_front):
            photo = d.jpeg(draw(other, index))
            result = pool.call(
                check_upload, photo, "documento_fronte", None, declared, None, context
            )
            differences_missed += "dato_diverso" not in result.warning_codes
            cases += 1
        for draw, asked, real in (
            (d.cie_front, "modulo", "documento_fronte"),
            (d.cie_back, "documento_fronte", "documento_retro"),
            (lambda p, s: d.form_sheet(p, True, s), "documento_fronte", "modulo"),
        ):
            photo = d.jpeg(draw(person, index))
            result = pool.call(check_upload, photo, asked, None, declared, None, context)
            wrong_kind += result.accepted and result.purpose != real
            cases += 1
    pool.close()
    print(
        f"\ncontrolli su {cases} file: documenti scaduti accettati {expired_accepted},"
        f" differenze non segnalate {differences_missed}, file registrati come altro {wrong_kind}"
    )


def run(people: int) -> None:
    chosen = list(PEOPLE[: max(1, min(people, len(PEOPLE)))])
    _reads(chosen)
    _never(chosen)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=3, help="invented persons (default 3)")
    args = parser.parse_args(argv)
    run(args.people)


if __name__ == "__main__":
    main()
