"""A status change by staff reaches the doctor's Telegram chat: once, in order, with next steps."""

from __future__ import annotations

from sqlalchemy import select

from bot.db import session_factory
from bot.tickets import UnitOfWork, change_status, file_ticket
from bot.tickets.models import OutboxMessage
from tests.telegram.conftest import Stack
from tests.tickets.conftest import build_request, store_documents


def test_status_changes_arrive_as_messages_once_and_in_order(
    stack: Stack, chat: int, tmp_path
) -> None:
    conversation = f"telegram:{chat}"
    uow = UnitOfWork(session_factory(stack.database_url))
    store_documents(uow, conversation, stack.servers.var_dir / "files")
    filed = file_ticket(uow, build_request(conversation, channel="telegram"), f"key-{chat}")
    change_status(uow, filed.number, "in_lavorazione", "staff")
    change_status(uow, filed.number, "da_integrare", "staff", "Manca il retro del documento.")

    messages = stack.telegram.wait_for_messages(chat, until=lambda sent: len(sent) >= 2, settle=2)
    assert len(messages) == 2  # exactly once each
    first, second = (m.text for m in messages)
    assert filed.number in first and "In lavorazione" in first
    assert "Da integrare" in second and "Manca il retro del documento." in second
    assert "documenti mancanti" in second  # what to do next
    with session_factory(stack.database_url)() as session:
        rows = session.execute(
            select(OutboxMessage.sent_at).where(
                OutboxMessage.conversation_id == conversation,
                OutboxMessage.channel == "telegram",
            )
        ).all()
    assert rows and all(sent_at is not None for (sent_at,) in rows)
