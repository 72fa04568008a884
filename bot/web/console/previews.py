"""PDF pages as pictures for the console, rendered by poppler's `pdftoppm` (Debian poppler-utils).

A separate process with a time limit and a memory cap: an upload is untrusted, and a heavy or
hostile PDF must not hold the web process. Nothing is written to disk but a temporary file.
"""

from __future__ import annotations

import resource
import shutil
import subprocess
import tempfile
from pathlib import Path

PREVIEW_DPI = 110
PREVIEW_SECONDS = 10
PREVIEW_MEMORY = 1024 * 1024 * 1024


class PreviewFailed(Exception):
    """No picture: pdftoppm is missing, failed, or ran out of time."""


def _limit_memory() -> None:  # runs in the child, before exec
    resource.setrlimit(resource.RLIMIT_AS, (PREVIEW_MEMORY, PREVIEW_MEMORY))


def pdf_page_png(data: bytes, page: int, dpi: int = PREVIEW_DPI) -> bytes:
    """Page `page` (1-based) of the PDF as PNG bytes."""
    binary = shutil.which("pdftoppm")
    if binary is None:
        raise PreviewFailed("pdftoppm is not installed (Debian poppler-utils)")
    with tempfile.TemporaryDirectory(prefix="preview-") as directory:
        source = Path(directory) / "in.pdf"
        source.write_bytes(data)
        try:
            completed = subprocess.run(
                [
                    binary,
                    "-q",
                    "-png",
                    "-r",
                    str(dpi),
                    "-f",
                    str(page),
                    "-l",
                    str(page),
                    "-singlefile",
                    str(source),
                    str(Path(directory) / "out"),
                ],
                capture_output=True,
                timeout=PREVIEW_SECONDS,
                preexec_fn=_limit_memory,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise PreviewFailed("timeout") from None
        output = Path(directory) / "out.png"
        if completed.returncode != 0 or not output.exists():
            raise PreviewFailed("pdftoppm failed")
        return output.read_bytes()
