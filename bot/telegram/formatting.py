"""Rasa's reply texts made safe for Telegram's HTML parse mode.

Everything Telegram would parse (<, >, &) is escaped; `[label](https://…)` links become real
links, bare URLs stay as text (Telegram links them itself). Long texts are split in pieces
Telegram accepts.
"""

from __future__ import annotations

import html
import re

# Telegram's limit is 4096 characters after entity parsing; leave room for escaping.
MAX_CHUNK = 3500
_LINK = re.compile(r"\[([^\]\n]{1,200})\]\((https?://[^\s)]{1,2000})\)")
_URL = re.compile(r"^https?://[^\s]+$")


def to_html(text: str) -> str:
    """Escaped text, with markdown-style links turned into <a> tags."""
    parts: list[str] = []
    position = 0
    for match in _LINK.finditer(text):
        parts.append(html.escape(text[position : match.start()], quote=False))
        label, url = match.groups()
        href, shown = html.escape(url, quote=True), html.escape(label, quote=False)
        parts.append(f'<a href="{href}">{shown}</a>')
        position = match.end()
    parts.append(html.escape(text[position:], quote=False))
    return "".join(parts)


def chunks(text: str, size: int = MAX_CHUNK) -> list[str]:
    """The text in pieces of at most `size` characters, cut at a line break or space."""
    pieces: list[str] = []
    rest = text.strip()
    while len(rest) > size:
        cut = rest.rfind("\n", 0, size)
        if cut < size // 2:
            cut = rest.rfind(" ", 0, size)
        if cut < size // 2:
            cut = size
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        pieces.append(rest)
    return pieces


def is_url(value: str) -> bool:
    return bool(_URL.match(value.strip()))
