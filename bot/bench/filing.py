"""Filing latency: one ticket per conversation, files already stored, on a fresh SQLite file.

    python -m bot.bench.filing [--runs 50]

Prints p50/p95 of `file_ticket` (one transaction: number, ticket, first status event, the
conversation's files attached) and of a repeated confirmation (the idempotent path).
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-filing-") as tmp:
        os.environ["DATABASE_URL"] = f"sqlite:///{Path(tmp) / 'bench.db'}"
        os.environ["FILES_DIR"] = str(Path(tmp) / "files")
        from bot.db import upgrade_to_head
        from bot.intake import check_upload
        from bot.intake.samples import pictures, signed
        from bot.storage import store_attachment
        from bot.tickets import FilingRequest, UnitOfWork, file_ticket

        upgrade_to_head()
        modulo = check_upload(signed.pades_signed_pdf(), "modulo")
        documento = check_upload(pictures.photo_jpeg(), "documento_fronte")
        first, again = [], []
        for run in range(args.runs):
            conversation = f"bench-{run}"
            with UnitOfWork() as uow:
                store_attachment(uow, conversation, "modulo", modulo)
            for purpose in ("documento_fronte", "documento_retro"):
                with UnitOfWork() as uow:
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
                file_ticket(UnitOfWork(), request, f"key-{run}")
                times.append((time.perf_counter() - started) * 1000)
    print(f"\nFiling latency on SQLite ({args.runs} tickets, 3 attachments each):")
    print(f"{'':34}{'p50':>10}{'p95':>10}{'mean':>10}")
    for label, values in (
        ("file_ticket (new ticket)", first),
        ("confirmed again (idempotent)", again),
    ):
        print(
            f"{label:34}{_percentile(values, 0.5):>8.1f}ms{_percentile(values, 0.95):>8.1f}ms"
            f"{statistics.mean(values):>8.1f}ms"
        )


if __name__ == "__main__":
    main()
