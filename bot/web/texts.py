"""The Italian texts of the web process, from messages.yml."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml


@lru_cache(maxsize=1)
def _messages() -> dict[str, str]:
    with Path(__file__).with_name("messages.yml").open(encoding="utf-8") as handle:
        return {k: " ".join(str(v).split()) for k, v in yaml.safe_load(handle).items()}


def message(code: str, **params: object) -> str:
    return _messages()[code].format(**params)
