"""Staff notes on conversations: tags, a note, the "reviewed" mark."""

from __future__ import annotations

import re

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.db.types import utc_now
from bot.web.console.models import ConversationReview, ConversationTag

TAG_RE = re.compile(r"^[\w -]{1,50}$")
MAX_NOTE = 5000


def _review(session: Session, conversation_id: str) -> ConversationReview:
    review = session.get(ConversationReview, conversation_id, with_for_update=True)
    if review is None:
        review = ConversationReview(conversation_id=conversation_id, updated_at=utc_now())
        session.add(review)
    return review


def save_review(session: Session, conversation_id: str, note: str, reviewed: bool, by: str) -> None:
    review = _review(session, conversation_id)
    review.note = note.strip()[:MAX_NOTE] or None
    if reviewed and review.reviewed_at is None:
        review.reviewed_at, review.reviewed_by = utc_now(), by
    elif not reviewed:
        review.reviewed_at, review.reviewed_by = None, None
    review.updated_at = utc_now()


def valid_tag(tag: str) -> str | None:
    cleaned = " ".join(tag.split()).lower()
    return cleaned if TAG_RE.match(cleaned) else None


def add_tag(session: Session, conversation_id: str, tag: str, by: str) -> None:
    exists = session.execute(
        select(ConversationTag.id).where(
            ConversationTag.conversation_id == conversation_id, ConversationTag.tag == tag
        )
    ).first()
    if not exists:
        session.add(
            ConversationTag(
                conversation_id=conversation_id, tag=tag, added_by=by, added_at=utc_now()
            )
        )


def remove_tag(session: Session, conversation_id: str, tag: str) -> None:
    session.execute(
        delete(ConversationTag).where(
            ConversationTag.conversation_id == conversation_id, ConversationTag.tag == tag
        )
    )


def all_tags(session: Session) -> list[str]:
    return list(
        session.execute(
            select(ConversationTag.tag).distinct().order_by(ConversationTag.tag)
        ).scalars()
    )
