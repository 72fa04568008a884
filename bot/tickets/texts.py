"""Italian texts of the ticket domain, from the catalogues beside this module (bot/texts.py)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from bot.texts import catalogue, fill, fold

_HERE = Path(__file__).resolve().parent
CATEGORISATION = ("categoria", "sottocategoria", "oggetto", "messaggio")


def load_data_file(name: str) -> dict[str, Any]:
    return dict(catalogue(_HERE / name).data)


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


def categorisation() -> dict[str, str]:
    """InailRisponde's categorisation of every request, the one place it is written."""
    texts = ticket_texts()
    return {name: fold(getattr(texts, name)) for name in CATEGORISATION}


def resubmission_reason(documents: list[str]) -> str:
    """The status event's reason when the doctor sends new documents."""
    labels = ", ".join(document_label(purpose) for purpose in documents)
    return fill(ticket_texts().motivo_reinvio, {"allegati": labels})


@lru_cache(maxsize=1)
def error_messages() -> dict[str, str]:
    return {str(code): str(text) for code, text in load_data_file("messages.yml").items()}


def error_message(code: str) -> str:
    """The Italian sentence for an error code of the validators or the domain errors."""
    messages = error_messages()
    return fold(messages.get(code, messages["errore_generico"]))


def status_label(status: str) -> str:
    return ticket_texts().stati.get(status, status)


def document_label(purpose: str) -> str:
    return ticket_texts().documenti.get(purpose, purpose)
