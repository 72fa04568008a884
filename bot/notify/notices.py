"""The notices catalogue (notices.yml): what each outbox kind says, on every channel alike."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.texts import catalogue as load_catalogue
from bot.texts import fill as fill_text
from bot.tickets.texts import status_label

ROME = ZoneInfo("Europe/Rome")
STATUS_CHANGED = "status_changed"


class UnknownNotice(ValueError):
    """An outbox kind the catalogue has no text for (it can never be delivered)."""


@dataclass(frozen=True)
class SharedFile:
    """A file an operator sent: the doctor downloads it at `path` (relative to the web process)."""

    name: str
    size: int
    mime: str
    token: str
    path: str


@dataclass(frozen=True)
class Notice:
    """One message said into a conversation, whatever the channel."""

    kind: str
    text: str
    title: str | None = None
    author: str | None = None
    buttons: tuple[tuple[str, str], ...] = field(default_factory=tuple)
    file: SharedFile | None = None

    def metadata(self, notice_id: int) -> dict[str, Any]:
        """What the conversation's history keeps beside the text (the widget shows it)."""
        data: dict[str, Any] = {"id": notice_id, "kind": self.kind}
        if self.title:
            data["title"] = self.title
        if self.author:
            data["author"] = self.author
        if self.file:
            data["file"] = {
                "name": self.file.name,
                "size": self.file.size,
                "mime": self.file.mime,
                "url": self.file.path,
            }
        return data


def catalogue() -> dict[str, Any]:
    data = dict(load_catalogue(Path(__file__).resolve().with_name("notices.yml")).data)
    if not {"chat", "email", "autori"} <= data.keys():
        raise ValueError("notices.yml must have the sections chat, email and autori")
    return data


def fill(template: str, values: dict[str, Any], *, fold: bool = True) -> str:
    """Placeholders filled; an unknown one is an error (a text would show "{x}" otherwise)."""
    return fill_text(template, values, folded=fold)


def file_path(conversation_id: str, token: str) -> str:
    return f"/api/conversations/{conversation_id}/files/{token}"


def status_values(payload: dict[str, Any]) -> dict[str, str]:
    occurred = payload.get("occurred_at")
    moment = datetime.fromisoformat(occurred) if occurred else None
    return {
        "numero": str(payload.get("number") or ""),
        "stato": status_label(str(payload.get("to_status") or "")),
        "stato_precedente": status_label(str(payload.get("from_status") or "")),
        "motivo": str(payload.get("reason") or "").strip(),
        "data": moment.astimezone(ROME).strftime("%d/%m/%Y alle %H:%M") if moment else "",
    }


def _status_notice(payload: dict[str, Any]) -> Notice:
    texts = catalogue()["chat"][STATUS_CHANGED]
    values = status_values(payload)
    headline = texts["stato_cambiato"] if payload.get("from_status") else texts["stato_nuovo"]
    parts = [fill(headline, values)]
    if values["motivo"]:
        parts.append(fill(texts["motivo"], values))
    step = texts["prossimo_passo"].get(str(payload.get("to_status") or ""))
    if step:
        parts.append(fill(step, values))
    return Notice(STATUS_CHANGED, "\n\n".join(parts), title=texts["titolo"])


def render(kind: str, payload: dict[str, Any], conversation_id: str) -> Notice:
    """The notice of one outbox row (kind and payload as `say` queued them)."""
    if kind == STATUS_CHANGED:
        return _status_notice(payload)
    texts = catalogue()["chat"].get(kind)
    if not isinstance(texts, dict):
        raise UnknownNotice(kind)
    values = {k: v for k, v in payload.items() if not isinstance(v, (dict, list))}
    author = None
    if payload.get("operatore") and kind in ("operator_message", "operator_file"):
        author = fill(catalogue()["autori"]["operatore"], values)
    shared = None
    info = payload.get("file")
    if isinstance(info, dict):
        shared = SharedFile(
            name=str(info["name"]),
            size=int(info["size"]),
            mime=str(info["mime"]),
            token=str(info["token"]),
            path=file_path(conversation_id, str(info["token"])),
        )
    text = fill(texts["testo"], values, fold=kind != "operator_message")
    buttons = tuple((str(b["title"]), str(b["payload"])) for b in texts.get("buttons") or [])
    return Notice(
        kind, text, title=texts.get("titolo"), author=author, buttons=buttons, file=shared
    )


def email_texts() -> dict[str, Any]:
    return dict(catalogue()["email"])
