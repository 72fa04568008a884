"""Staff users: creation, login with throttling, roles and what each role may do."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from sqlalchemy import func, select

from bot.db.types import utc_now
from bot.web.console import throttle
from bot.web.console.db import transaction
from bot.web.console.models import ADMIN, OPERATORE, REVISORE, ROLES, StaffUser
from bot.web.console.passwords import DUMMY_HASH, hash_password, password_problem, verify_password
from bot.web.console.settings import ConsoleSettings

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")

PERMISSIONS: dict[str, frozenset[str]] = {
    "tickets": frozenset({ADMIN, OPERATORE}),
    "attachments": frozenset({ADMIN, OPERATORE}),
    "handoff": frozenset({ADMIN, OPERATORE}),  # answer doctors who asked for a person
    "conversations": frozenset({ADMIN, OPERATORE, REVISORE}),
    "review": frozenset({ADMIN, REVISORE}),
    "dashboard": frozenset({ADMIN, OPERATORE, REVISORE}),
    "audit": frozenset({ADMIN}),
    "personal_data": frozenset({ADMIN}),  # transcripts with the personal data shown (audited)
    "users": frozenset({ADMIN}),
}


def may(role: str, permission: str) -> bool:
    return role in PERMISSIONS[permission]


@dataclass(frozen=True)
class Staff:
    id: int
    username: str
    role: str
    active: bool
    session_nonce: str
    created_at: datetime
    last_login_at: datetime | None

    def may(self, permission: str) -> bool:
        return may(self.role, permission)


def _staff(user: StaffUser) -> Staff:
    return Staff(
        id=user.id,
        username=user.username,
        role=user.role,
        active=user.active,
        session_nonce=user.session_nonce,
        created_at=user.created_at,
        last_login_at=user.last_login_at,
    )


class UserError(ValueError):
    """`code` is a key of texts.yml."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def create_user(username: str, role: str, password: str) -> Staff:
    username = username.strip().lower()
    if not USERNAME_RE.match(username):
        raise UserError("nome_utente_non_valido")
    if role not in ROLES:
        raise UserError("ruolo_non_valido")
    problem = password_problem(password)
    if problem:
        raise UserError(problem)
    with transaction() as session:
        if session.execute(select(StaffUser).where(StaffUser.username == username)).first():
            raise UserError("utente_esistente")
        user = StaffUser(
            username=username,
            role=role,
            password_hash=hash_password(password),
            active=True,
            session_nonce=secrets.token_hex(16),
            created_at=utc_now(),
        )
        session.add(user)
        session.flush()
        return _staff(user)


def count_users() -> int:
    with transaction() as session:
        return int(session.execute(select(func.count(StaffUser.id))).scalar_one())


def list_users() -> list[Staff]:
    with transaction() as session:
        rows = session.execute(select(StaffUser).order_by(StaffUser.username)).scalars()
        return [_staff(user) for user in rows]


def get_user(user_id: int) -> Staff | None:
    with transaction() as session:
        user = session.get(StaffUser, user_id)
        return _staff(user) if user else None


def end_sessions(user_id: int) -> None:
    """Logout: every cookie issued to this user stops working."""
    with transaction() as session:
        user = session.get(StaffUser, user_id)
        if user is not None:
            user.session_nonce = secrets.token_hex(16)


def set_active(user_id: int, active: bool) -> None:
    with transaction() as session:
        user = session.get(StaffUser, user_id)
        if user is not None:
            user.active = active
            user.session_nonce = secrets.token_hex(16)


def set_password(user_id: int, password: str) -> None:
    problem = password_problem(password)
    if problem:
        raise UserError(problem)
    with transaction() as session:
        user = session.get(StaffUser, user_id)
        if user is None:
            raise UserError("utente_non_trovato")
        user.password_hash = hash_password(password)
        user.session_nonce = secrets.token_hex(16)
        throttle.clear(session, throttle.user_subject(user.username))


class LoginOutcome(Enum):
    OK = "ok"
    INVALID = "credenziali_non_valide"
    LOCKED = "accesso_bloccato"


def authenticate(
    username: str, password: str, ip: str, settings: ConsoleSettings, *, now: datetime | None = None
) -> tuple[LoginOutcome, Staff | None]:
    """The same answer and about the same time for unknown users and wrong passwords."""
    moment = now or utc_now()
    name = username.strip().lower()
    user_key, ip_key = throttle.user_subject(name), throttle.ip_subject(ip)
    with transaction() as session:
        if throttle.locked_until(session, [user_key, ip_key], moment):
            return LoginOutcome.LOCKED, None
        user = session.execute(
            select(StaffUser).where(StaffUser.username == name)
        ).scalar_one_or_none()
        valid = verify_password(password, user.password_hash if user else DUMMY_HASH)
        if user is None or not valid or not user.active:
            throttle.record_failure(
                session, user_key, settings.login_max_failures_user, settings, moment
            )
            throttle.record_failure(
                session, ip_key, settings.login_max_failures_ip, settings, moment
            )
            return LoginOutcome.INVALID, None
        throttle.clear(session, user_key)
        user.last_login_at = moment
        return LoginOutcome.OK, _staff(user)
