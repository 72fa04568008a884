"""The name the doctor's file had, kept only as harmless metadata.

The stored file gets a random name elsewhere; this one is shown to staff, so it must not carry
folders, control or bidirectional-override characters, or be arbitrarily long.
"""

from __future__ import annotations

import re
import unicodedata

MAX_NAME_LENGTH = 120
_UNSAFE = re.compile(r'[<>:"|?*]')


def safe_name(original_name: str | None, max_length: int = MAX_NAME_LENGTH) -> str | None:
    """ "../../x/Modulo\u202efdp.exe" -> "Modulofdp.exe"; None when nothing printable is left."""
    if not original_name:
        return None
    name = unicodedata.normalize("NFC", original_name)
    name = re.split(r"[/\\]", name)[-1]
    name = "".join(ch for ch in name if not unicodedata.category(ch).startswith("C"))
    name = _UNSAFE.sub("_", " ".join(name.split())).strip(" .")
    if not name:
        return None
    if len(name) > max_length:
        stem, dot, extension = name.rpartition(".")
        if dot and 0 < len(extension) <= 10:
            name = stem[: max_length - len(extension) - 1] + "." + extension
        else:
            name = name[:max_length]
    return name
