"""The bridge's own tables: updates already seen, and the buttons it has offered."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, ForeignKey, Index, Integer, String, Text

from bot.db.base import Base
from bot.db.types import UtcDateTime

SEEN = "seen"
DEFERRED = "deferred"
RETRYING = "retrying"
EXPIRED = "expired"


class TelegramUpdate(Base):
    """An update Telegram delivered; a second delivery of the same id is ignored.

    While Rasa is down the update is kept (`payload`, the update's JSON) and processed again
    later, in order; the payload is cleared once processed.
    """

    __tablename__ = "telegram_updates"

    update_id = Column(BigInteger, primary_key=True, autoincrement=False)
    chat_id = Column(BigInteger, nullable=True)
    state = Column(String(16), nullable=False)
    payload = Column(Text, nullable=True)
    attempts = Column(Integer, nullable=False, default=0)
    received_at = Column(UtcDateTime, nullable=False)
    next_attempt_at = Column(UtcDateTime, nullable=True)

    __table_args__ = (Index("ix_telegram_updates_state_chat", "state", "chat_id", "update_id"),)


class TelegramKeyboard(Base):
    """The buttons under one bot message; one of them can be chosen, once."""

    __tablename__ = "telegram_keyboards"

    id = Column(Integer, primary_key=True)
    chat_id = Column(BigInteger, nullable=False)
    created_at = Column(UtcDateTime, nullable=False)
    chosen_button_id = Column(Integer, nullable=True)
    chosen_update_id = Column(BigInteger, nullable=True)
    chosen_at = Column(UtcDateTime, nullable=True)


class TelegramButton(Base):
    """One button: Telegram gets only its id (callback_data is 64 bytes at most)."""

    __tablename__ = "telegram_buttons"

    id = Column(Integer, primary_key=True)
    keyboard_id = Column(
        Integer, ForeignKey("telegram_keyboards.id", ondelete="CASCADE"), nullable=False
    )
    title = Column(Text, nullable=False)
    payload = Column(Text, nullable=False)

    __table_args__ = (Index("ix_telegram_buttons_keyboard_id", "keyboard_id"),)
