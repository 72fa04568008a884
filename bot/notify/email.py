"""The "email" channel of the notifier: status changes sent to the ticket's e-mail address.

By SMTP when SMTP_HOST is set (SMTP_PORT, SMTP_USER, SMTP_PASSWORD, SMTP_FROM, SMTP_STARTTLS);
otherwise each message is written to var/outbox/<notification id>.eml, so nothing is lost and
staff can forward it. The Message-ID comes from the notification id: a retried message can be
recognised as a duplicate. Texts: email.yml beside this module.
"""

from __future__ import annotations

import asyncio
import os
import smtplib
import ssl
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from email.utils import formatdate
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from bot.config import Settings, get_settings
from bot.notify.senders import PermanentFailure
from bot.tickets import Notification, UnitOfWork
from bot.tickets.texts import status_label

ROME = ZoneInfo("Europe/Rome")
SMTP_TIMEOUT_S = 30


@dataclass(frozen=True)
class EmailSettings:
    host: str
    port: int
    user: str
    password: str = field(repr=False)
    sender: str
    starttls: bool
    outbox_dir: Path


def load_email_settings(settings: Settings | None = None) -> EmailSettings:
    base = settings or get_settings()
    port = int(os.environ.get("SMTP_PORT", "").strip() or 587)
    starttls = os.environ.get("SMTP_STARTTLS", "").strip().lower()
    return EmailSettings(
        host=os.environ.get("SMTP_HOST", "").strip(),
        port=port,
        user=os.environ.get("SMTP_USER", "").strip(),
        password=os.environ.get("SMTP_PASSWORD", ""),
        sender=os.environ.get("SMTP_FROM", "").strip() or "assistente-inail@localhost",
        starttls=(starttls in ("1", "true", "yes", "si")) if starttls else port == 587,
        outbox_dir=base.var_dir / "outbox",
    )


@lru_cache(maxsize=1)
def _texts() -> dict[str, Any]:
    with Path(__file__).with_name("email.yml").open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    if not isinstance(data, dict):
        raise ValueError("email.yml must contain a mapping")
    return data


def status_email(notification: Notification, to: str, sender: str) -> EmailMessage:
    texts = _texts()
    payload = notification.payload
    status = str(payload.get("to_status") or "")
    occurred = payload.get("occurred_at")
    moment = datetime.fromisoformat(occurred) if occurred else notification.created_at
    values = {
        "numero": payload.get("number", ""),
        "stato": status_label(status),
        "motivo": (payload.get("reason") or "").strip(),
        "data": moment.astimezone(ROME).strftime("%d/%m/%Y alle %H:%M"),
    }
    paragraph = texts["stati"].get(status, texts["stati"]["altro"])
    body = "\n\n".join(
        [texts["saluto"], paragraph.format(**values).strip(), texts["chiusura"].format(**values)]
    )
    message = EmailMessage()
    message["Subject"] = texts["oggetto"].format(**values)
    message["From"] = sender
    message["To"] = to
    message["Date"] = formatdate(localtime=False)
    domain = sender.rpartition("@")[2] or "localhost"
    message["Message-ID"] = f"<stato-{notification.id}@{domain}>"
    message.set_content(body + "\n")
    return message


def _write_eml(message: EmailMessage, notification_id: int, directory: Path) -> Path:
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = directory / f"{notification_id}.eml"
    temporary = directory / f".{notification_id}.eml.tmp"
    temporary.write_bytes(bytes(message))
    os.replace(temporary, path)
    return path


def _send_smtp(message: EmailMessage, settings: EmailSettings) -> None:
    context = ssl.create_default_context()
    if settings.port == 465:
        client: smtplib.SMTP = smtplib.SMTP_SSL(
            settings.host, settings.port, timeout=SMTP_TIMEOUT_S, context=context
        )
    else:
        client = smtplib.SMTP(settings.host, settings.port, timeout=SMTP_TIMEOUT_S)
    with client:
        if settings.starttls and settings.port != 465:
            client.starttls(context=context)
        if settings.user:
            client.login(settings.user, settings.password)
        client.send_message(message)


def send_status_email(
    notification: Notification, ticket_email: str, settings: EmailSettings | None = None
) -> str:
    """Sends (or files as .eml) the e-mail of one status change; returns a receipt."""
    config = settings or load_email_settings()
    message = status_email(notification, ticket_email, config.sender)
    if not config.host:
        path = _write_eml(message, notification.id, config.outbox_dir)
        return f"file:{path.name}"
    _send_smtp(message, config)
    return f"smtp:{message['Message-ID']}"


def ticket_email(ticket_id: int) -> str | None:
    from bot.tickets.models import Ticket

    with UnitOfWork() as uow:
        ticket = uow.session.get(Ticket, ticket_id)
        return ticket.email if ticket else None


class EmailSender:
    """The notifier's sender for channel "email" (see bot/notify/registry.py)."""

    def __init__(self, settings: EmailSettings) -> None:
        self.settings = settings

    async def send(self, notification: Notification) -> str | None:
        address = await asyncio.to_thread(ticket_email, notification.ticket_id)
        if not address:
            raise PermanentFailure("ticket without an e-mail address")
        try:
            return await asyncio.to_thread(send_status_email, notification, address, self.settings)
        except smtplib.SMTPRecipientsRefused:
            raise PermanentFailure("recipient refused by the SMTP server") from None
        except smtplib.SMTPResponseException as error:
            # The server's text may quote the address: only the code goes to the outbox row.
            raise RuntimeError(f"SMTP error {error.smtp_code}") from None

    async def aclose(self) -> None:
        return None


def build_sender(settings: Settings) -> EmailSender:
    """Always available: without SMTP the messages go to var/outbox/ as .eml files."""
    return EmailSender(load_email_settings(settings))
