"""Filing latency: one ticket per conversation, files already stored, on a fresh SQLite file.

    python -m bot.bench.filing [--runs 50]

Prints p50/p95 of `file_ticket` (one transaction: number, ticket, first status event, the
conversation's files attached) and of a repeated confirmation (the idempotent path), with the
database's `synchronous = FULL` (what runs: a filed ticket survives a power loss) and, for
comparison, with the `NORMAL` used before.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from bot.bench.measure import percentile


def _measure(runs: int, synchronous: str) -> tuple[list[float], list[float]]:
    with tempfile.TemporaryDirectory(prefix="bench-filing-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        os.environ["FILES_DIR"] = str(Path(tmp) / "files")
        from sqlalchemy.orm import Session, sessionmaker

        from bot.config import get_settings

        get_settings.cache_clear()  # this run's FILES_DIR

        from bot.db import upgrade_to_head
        from bot.db.engine import create_db_engine
        from bot.intake import check_upload
        from bot.intake.samples import pictures, signed
        from bot.storage import store_attachment
        from bot.tickets import FilingRequest, UnitOfWork, file_ticket

        upgrade_to_head(url)
        engine = create_db_engine(url, synchronous=synchronous)
        sessions = sessionmaker(bind=engine, class_=Session, future=True, expire_on_commit=False)
        modulo = check_upload(signed.pades_signed_pdf(), "modulo")
        documento = check_upload(pictures.photo_jpeg(), "documento_fronte")
        first: list[float] = []
        again: list[float] = []
        for run in range(runs):
            conversation = f"bench-{run}"
            with UnitOfWork(sessions) as uow:
                store_attachment(uow, conversation, "modulo", modulo)
            for purpose in ("documento_fronte", "documento_retro"):
                with UnitOfWork(sessions) as uow:
                    store_attachment(uow, conversation, purpose, documento)
            request = FilingRequest(
                nome="Mario",
                cognome="Rossi",
                codice_fiscale="RSSMRA80A01H501U",
                email="mario.rossi@pec.it",
                telefono="3331234567",
                cap="00184",
                path="A",
                channel="rest",
                conversation_id=conversation,
            )
            for times in (first, again):
                started = time.perf_counter()
                file_ticket(UnitOfWork(sessions), request, f"key-{run}")
                times.append((time.perf_counter() - started) * 1000)
        engine.dispose()
    return first, again


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args(argv)
    from bot.db.engine import SYNCHRONOUS

    rows = []
    for synchronous in ("NORMAL", SYNCHRONOUS):
        first, again = _measure(args.runs, synchronous)
        note = "now" if synchronous == SYNCHRONOUS else "before"
        rows += [
            (f"file_ticket, {synchronous} ({note})", first),
            (f"confirmed again, {synchronous}", again),
        ]
    print(f"\nFiling latency on SQLite ({args.runs} tickets, 3 attachments each):")
    print(f"{'':34}{'p50':>10}{'p95':>10}{'mean':>10}")
    for label, values in rows:
        print(
            f"{label:34}{percentile(values, 0.5):>8.1f}ms{percentile(values, 0.95):>8.1f}ms"
            f"{statistics.mean(values):>8.1f}ms"
        )


if __name__ == "__main__":
    main()
