"""The console's Italian texts (messages, labels), from texts.yml beside this module."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml


@lru_cache(maxsize=1)
def texts() -> dict[str, Any]:
    with Path(__file__).with_name("texts.yml").open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    if not isinstance(data, dict):
        raise ValueError("texts.yml must contain a mapping")
    return data


def message(code: str, **params: object) -> str:
    messages: dict[str, str] = texts()["messaggi"]
    return " ".join(str(messages.get(code, messages["errore_generico"])).split()).format(**params)


def label(group: str, key: str) -> str:
    return str(texts()[group].get(key, key))
