"""The "email" channel of the notifier: status changes sent to the ticket's e-mail address,
and operators' answers to messages left out of hours, to the address the doctor gave.

By SMTP when SMTP_HOST is set (SMTP_PORT, SMTP_USER, SMTP_PASSWORD, SMTP_FROM, SMTP_STARTTLS);
otherwise each message is written to var/outbox/<notification id>.eml, so nothing is lost and
staff can forward it. The Message-ID comes from the notification id: a retried message can be
recognised as a duplicate. Texts: the `email` section of notices.yml.
"""

from __future__ import annotations

import asyncio
import os
import smtplib
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.config import Settings, get_settings
from bot.notify.notices import email_texts, fill, status_values
from bot.notify.senders import PermanentFailure
from bot.tickets import Notification, UnitOfWork

ROME = ZoneInfo("Europe/Rome")
SMTP_TIMEOUT_S = 30
CALLBACK_ANSWER = "callback_answer"


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


def _message(subject: str, body: str, to: str, sender: str, notification_id: int) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = sender
    message["To"] = to
    message["Date"] = formatdate(localtime=False)
    domain = sender.rpartition("@")[2] or "localhost"
    message["Message-ID"] = f"<stato-{notification_id}@{domain}>"
    message.set_content(body + "\n")
    return message


def status_email(notification: Notification, to: str, sender: str) -> EmailMessage:
    texts = email_texts()
    values = status_values(notification.payload)
    if not values["data"]:
        values["data"] = notification.created_at.astimezone(ROME).strftime("%d/%m/%Y alle %H:%M")
    status = str(notification.payload.get("to_status") or "")
    stati = texts["status_changed"]["stati"]
    paragraph = fill(stati.get(status, stati["altro"]), values, fold=False).strip()
    body = "\n\n".join([texts["saluto"], paragraph, fill(texts["chiusura"], values, fold=False)])
    subject = fill(texts["status_changed"]["oggetto"], values)
    return _message(subject, body, to, sender, notification.id)


def callback_email(notification: Notification, to: str, sender: str) -> EmailMessage:
    """The answer an operator wrote to a message the doctor left out of hours."""
    texts = email_texts()
    values = {
        "operatore": str(notification.payload.get("operatore") or ""),
        "testo": str(notification.payload.get("testo") or ""),
        "data": notification.created_at.astimezone(ROME).strftime("%d/%m/%Y alle %H:%M"),
    }
    paragraph = fill(texts["callback_answer"]["testo"], values, fold=False).strip()
    body = "\n\n".join([texts["saluto"], paragraph, fill(texts["chiusura"], values, fold=False)])
    return _message(texts["callback_answer"]["oggetto"], body, to, sender, notification.id)


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
    """Sends (or files as .eml) the e-mail of one notice; returns a receipt."""
    config = settings or load_email_settings()
    build = callback_email if notification.kind == CALLBACK_ANSWER else status_email
    message = build(notification, ticket_email, config.sender)
    if not config.host:
        path = _write_eml(message, notification.id, config.outbox_dir)
        return f"file:{path.name}"
    _send_smtp(message, config)
    return f"smtp:{message['Message-ID']}"


def ticket_email(ticket_id: int) -> str | None:
    from bot.tickets.models import Ticket

    with UnitOfWork(read_only=True) as uow:
        ticket = uow.session.get(Ticket, ticket_id)
        return ticket.email if ticket else None


def recipient(notification: Notification) -> str | None:
    """The ticket's address for a status change; the one the doctor gave for a callback."""
    if notification.kind == CALLBACK_ANSWER:
        from bot.handoff.models import Handoff

        with UnitOfWork(read_only=True) as uow:
            handoff = uow.session.get(Handoff, int(notification.payload.get("handoff_id") or 0))
            return handoff.reply_email if handoff else None
    return ticket_email(notification.ticket_id) if notification.ticket_id else None


class EmailSender:
    """The notifier's sender for channel "email" (see bot/notify/registry.py)."""

    def __init__(self, settings: EmailSettings) -> None:
        self.settings = settings

    async def send(self, notification: Notification) -> str | None:
        address = await asyncio.to_thread(recipient, notification)
        if not address:
            raise PermanentFailure("no e-mail address for this notice")
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
