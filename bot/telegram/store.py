"""The bridge's memory, in the app database, shared by every bridge process.

- Updates seen: Telegram delivers at least once; an update id seen before is not processed again,
  also after a restart. Updates that could not reach Rasa are kept and retried in order.
- Buttons offered: Telegram's callback_data holds only the button's id; the payload sent to Rasa
  is read back from here, and a keyboard can be chosen from once.

Functions are synchronous (SQLAlchemy); call them with `asyncio.to_thread` from handlers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, exists, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker

from bot.db import session_factory
from bot.db.types import utc_now
from bot.telegram.models import (
    DEFERRED,
    EXPIRED,
    RETRYING,
    SEEN,
    TelegramButton,
    TelegramKeyboard,
    TelegramUpdate,
)

# Telegram stops redelivering an update after 24 hours; keep ids a while longer.
SEEN_RETENTION = timedelta(days=3)
KEYBOARD_RETENTION = timedelta(days=30)


@dataclass(frozen=True)
class Choice:
    keyboard_id: int
    title: str
    payload: str
    first_time: bool


@dataclass(frozen=True)
class KeptUpdate:
    update_id: int
    chat_id: int | None
    payload: str
    attempts: int
    received_at: datetime


class BridgeStore:
    def __init__(self, sessions: sessionmaker | None = None) -> None:
        self._sessions = sessions or session_factory()

    # Updates --------------------------------------------------------------------------------

    def first_delivery(self, update_id: int, chat_id: int | None) -> bool:
        """Records the update; False if it was seen before (a redelivery: ignore it)."""
        with self._sessions() as session:
            session.add(
                TelegramUpdate(
                    update_id=update_id,
                    chat_id=chat_id,
                    state=SEEN,
                    attempts=0,
                    received_at=utc_now(),
                )
            )
            try:
                session.commit()
            except IntegrityError:
                session.rollback()
                return False
            return True

    def has_kept_updates(self, chat_id: int, before: int) -> bool:
        """Whether older messages of this chat still wait for Rasa (new ones queue behind)."""
        query = select(
            exists().where(
                TelegramUpdate.chat_id == chat_id,
                TelegramUpdate.state.in_((DEFERRED, RETRYING)),
                TelegramUpdate.update_id < before,
            )
        )
        with self._sessions() as session:
            return bool(session.execute(query).scalar())

    def keep(self, update_id: int, payload: str, retry_after: timedelta) -> bool:
        """Keeps an update for a later retry; True the first time (tell the doctor once)."""
        with self._sessions() as session:
            row = session.get(TelegramUpdate, update_id)
            if row is None:
                return False
            first = row.attempts == 0
            row.state = DEFERRED
            row.payload = payload
            row.attempts += 1
            row.next_attempt_at = utc_now() + retry_after
            session.commit()
            return first

    def done(self, update_id: int) -> None:
        with self._sessions() as session:
            session.execute(
                update(TelegramUpdate)
                .where(TelegramUpdate.update_id == update_id)
                .values(state=SEEN, payload=None)
            )
            session.commit()

    def expire(self, update_id: int) -> None:
        with self._sessions() as session:
            session.execute(
                update(TelegramUpdate)
                .where(TelegramUpdate.update_id == update_id)
                .values(state=EXPIRED, payload=None)
            )
            session.commit()

    def claim_kept(
        self, limit: int = 50, chat_id: int | None = None, due_only: bool = True
    ) -> list[KeptUpdate]:
        """The oldest kept update of each chat (or of `chat_id`), leased to this process.

        `due_only=False` ignores the retry delay (a new message of the chat arrived: try now).
        """
        now = utc_now()
        query = select(TelegramUpdate).where(TelegramUpdate.state.in_((DEFERRED, RETRYING)))
        if chat_id is not None:
            query = query.where(TelegramUpdate.chat_id == chat_id)
        with self._sessions() as session:
            rows = (
                session.execute(query.order_by(TelegramUpdate.update_id).limit(limit * 4))
                .scalars()
                .all()
            )
            claimed: list[KeptUpdate] = []
            chats: set[int | None] = set()
            for row in rows:
                if row.chat_id in chats:
                    continue
                chats.add(row.chat_id)
                leased = row.state == RETRYING and (row.next_attempt_at or now) > now
                if leased or (due_only and (row.next_attempt_at or now) > now):
                    continue
                # The lease: another process skips it until next_attempt_at passes.
                won = session.execute(
                    update(TelegramUpdate)
                    .where(
                        TelegramUpdate.update_id == row.update_id,
                        TelegramUpdate.next_attempt_at == row.next_attempt_at,
                    )
                    .values(state=RETRYING, next_attempt_at=now + timedelta(minutes=2))
                    .execution_options(synchronize_session=False)
                )
                if won.rowcount == 1 and row.payload:
                    claimed.append(
                        KeptUpdate(
                            row.update_id, row.chat_id, row.payload, row.attempts, row.received_at
                        )
                    )
                if len(claimed) >= limit:
                    break
            session.commit()
            return claimed

    def is_retrying(self, update_id: int) -> bool:
        with self._sessions() as session:
            row = session.get(TelegramUpdate, update_id)
            return row is not None and row.state == RETRYING

    def prune(self) -> None:
        now = utc_now()
        with self._sessions() as session:
            session.execute(
                delete(TelegramUpdate)
                .where(
                    TelegramUpdate.state.in_((SEEN, EXPIRED)),
                    TelegramUpdate.received_at < now - SEEN_RETENTION,
                )
                .execution_options(synchronize_session=False)
            )
            old = select(TelegramKeyboard.id).where(
                TelegramKeyboard.created_at < now - KEYBOARD_RETENTION
            )
            session.execute(
                delete(TelegramButton)
                .where(TelegramButton.keyboard_id.in_(old))
                .execution_options(synchronize_session=False)
            )
            session.execute(
                delete(TelegramKeyboard)
                .where(TelegramKeyboard.created_at < now - KEYBOARD_RETENTION)
                .execution_options(synchronize_session=False)
            )
            session.commit()

    # Buttons --------------------------------------------------------------------------------

    def offer(self, chat_id: int, buttons: Sequence[tuple[str, str]]) -> list[int]:
        """Stores (title, payload) buttons under a new keyboard; returns their ids, in order."""
        with self._sessions() as session:
            keyboard = TelegramKeyboard(chat_id=chat_id, created_at=utc_now())
            rows = [TelegramButton(title=title, payload=payload) for title, payload in buttons]
            session.add(keyboard)
            session.flush()
            for row in rows:
                row.keyboard_id = keyboard.id
            session.add_all(rows)
            session.commit()
            return [row.id for row in rows]

    def choose(self, chat_id: int, button_id: int, update_id: int) -> Choice | None:
        """The chosen button, if its keyboard was not used yet (or by this very update)."""
        with self._sessions() as session:
            found = session.execute(
                select(TelegramButton, TelegramKeyboard)
                .join(TelegramKeyboard, TelegramButton.keyboard_id == TelegramKeyboard.id)
                .where(TelegramButton.id == button_id, TelegramKeyboard.chat_id == chat_id)
            ).first()
            if found is None:
                return None
            button, keyboard = found
            won = session.execute(
                update(TelegramKeyboard)
                .where(TelegramKeyboard.id == keyboard.id, TelegramKeyboard.chosen_at.is_(None))
                .values(chosen_button_id=button.id, chosen_update_id=update_id, chosen_at=utc_now())
                .execution_options(synchronize_session=False)
            )
            session.commit()
            if won.rowcount == 1:
                return Choice(keyboard.id, button.title, button.payload, first_time=True)
            if keyboard.chosen_update_id == update_id and keyboard.chosen_button_id == button.id:
                return Choice(keyboard.id, button.title, button.payload, first_time=False)
            return None
