"""The widget's own JavaScript unit tests (node --test), run with the Python ones."""

from __future__ import annotations

import subprocess

from bot.config import PROJECT_ROOT


def test_message_formatting_keeps_html_as_text_and_links_safe() -> None:
    result = subprocess.run(
        ["node", "--test", "test/"],
        cwd=PROJECT_ROOT / "bot/web/widget",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
