"""Italian texts of the ticket domain, loaded once from the YAML files beside this module."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

_HERE = Path(__file__).resolve().parent


def load_data_file(name: str) -> dict[str, Any]:
    with (_HERE / name).open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    if not isinstance(data, dict):
        raise ValueError(f"{name} must contain a mapping")
    return data


@dataclass(frozen=True)
class TicketTexts:
    categoria: str
    sottocategoria: str
    oggetto: str
    messaggio: str
    motivo_reinvio: str
    motivo_apertura: str
    stati: dict[str, str]
    documenti: dict[str, str]


@lru_cache(maxsize=1)
def ticket_texts() -> TicketTexts:
    data = load_data_file("ticket_texts.yml")
    return TicketTexts(**{name: data[name] for name in TicketTexts.__dataclass_fields__})


@lru_cache(maxsize=1)
def error_messages() -> dict[str, str]:
    return {str(code): str(text) for code, text in load_data_file("messages.yml").items()}


def error_message(code: str) -> str:
    """The Italian sentence for an error code of the validators or the domain errors."""
    messages = error_messages()
    return messages.get(code, messages["errore_generico"])


def status_label(status: str) -> str:
    return ticket_texts().stati.get(status, status)


def document_label(purpose: str) -> str:
    return ticket_texts().documenti.get(purpose, purpose)
