"""Staff sessions in signed cookies, with idle and absolute timeouts, and CSRF tokens.

The cookie holds the user id, the user's session nonce (changed at logout, so the cookie dies),
the CSRF token of the session, and when it started and was last used. It is signed, not
encrypted: nothing in it is secret but the CSRF token, which the same user sees in every form.
"""

from __future__ import annotations

import hmac
import secrets
import time
from dataclasses import dataclass, replace

from itsdangerous import BadSignature, URLSafeSerializer
from starlette.requests import Request
from starlette.responses import Response

from bot.web.console.settings import ConsoleSettings
from bot.web.proxies import is_https

SESSION_COOKIE = "console_session"
LOGIN_COOKIE = "console_login"  # CSRF token of the login form, before there is a session
COOKIE_PATH = "/staff"
CSRF_FIELD = "csrf_token"


@dataclass(frozen=True)
class SessionData:
    user_id: int
    nonce: str
    csrf: str
    started: float
    last_seen: float


def _serializer(settings: ConsoleSettings, purpose: str) -> URLSafeSerializer:
    return URLSafeSerializer(settings.secret_key, salt=f"console-{purpose}")


def new_session(user_id: int, nonce: str, *, now: float | None = None) -> SessionData:
    moment = time.time() if now is None else now
    return SessionData(user_id, nonce, secrets.token_urlsafe(32), moment, moment)


def read_session(
    request: Request, settings: ConsoleSettings, *, now: float | None = None
) -> SessionData | None:
    """The session of the cookie, if its signature is good and neither timeout has passed."""
    raw = request.cookies.get(SESSION_COOKIE)
    if not raw:
        return None
    try:
        data = _serializer(settings, "session").loads(raw)
        session = SessionData(
            int(data["u"]), str(data["n"]), str(data["c"]), float(data["s"]), float(data["l"])
        )
    except (BadSignature, KeyError, TypeError, ValueError):
        return None
    moment = time.time() if now is None else now
    if moment - session.last_seen > settings.session_idle_minutes * 60:
        return None
    if moment - session.started > settings.session_max_hours * 3600:
        return None
    return session


def touched(session: SessionData, *, now: float | None = None) -> SessionData:
    return replace(session, last_seen=time.time() if now is None else now)


def _secure(request: Request, settings: ConsoleSettings) -> bool:
    if settings.cookie_secure == "auto":
        return is_https(request)  # X-Forwarded-Proto only from TRUSTED_PROXIES
    return settings.cookie_secure == "true"


def set_session_cookie(
    response: Response, request: Request, session: SessionData, settings: ConsoleSettings
) -> None:
    value = _serializer(settings, "session").dumps(
        {
            "u": session.user_id,
            "n": session.nonce,
            "c": session.csrf,
            "s": session.started,
            "l": session.last_seen,
        }
    )
    response.set_cookie(
        SESSION_COOKIE,
        value,
        max_age=settings.session_max_hours * 3600,
        path=COOKIE_PATH,
        httponly=True,
        samesite="strict",
        secure=_secure(request, settings),
    )


def clear_session_cookie(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path=COOKIE_PATH, httponly=True, samesite="strict")


def login_csrf(request: Request, settings: ConsoleSettings) -> str | None:
    raw = request.cookies.get(LOGIN_COOKIE)
    if not raw:
        return None
    try:
        return str(_serializer(settings, "login").loads(raw))
    except BadSignature:
        return None


def set_login_cookie(
    response: Response, request: Request, token: str, settings: ConsoleSettings
) -> None:
    response.set_cookie(
        LOGIN_COOKIE,
        _serializer(settings, "login").dumps(token),
        max_age=3600,
        path=COOKIE_PATH,
        httponly=True,
        samesite="strict",
        secure=_secure(request, settings),
    )


def same_token(expected: str | None, given: str | None) -> bool:
    if not expected or not given:
        return False
    return hmac.compare_digest(expected.encode(), given.encode())
