"""Login, logout and the console's static files."""

from __future__ import annotations

import secrets
from pathlib import Path

from fastapi import APIRouter, HTTPException, Request
from starlette.responses import FileResponse, Response

from bot.web.console.sessions import (
    CSRF_FIELD,
    clear_session_cookie,
    login_csrf,
    new_session,
    same_token,
    set_login_cookie,
    set_session_cookie,
)
from bot.web.console.settings import get_console_settings
from bot.web.console.users import LoginOutcome, authenticate, count_users, end_sessions
from bot.web.console.web import (
    PREFIX,
    CheckedForm,
    PageContext,
    PostedForm,
    client_ip,
    current,
    redirect,
    render,
    secure_headers,
)

router = APIRouter(prefix=PREFIX)
STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
STATIC_FILES = {"console.css": "text/css", "console.js": "text/javascript"}


@router.get("/static/{name}")
def static(name: str) -> Response:
    if name not in STATIC_FILES:
        raise HTTPException(status_code=404)
    response = FileResponse(STATIC_DIR / name, media_type=STATIC_FILES[name])
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@router.get("")
@router.get("/")
def home(request: Request) -> Response:
    context = current(request)
    if context is None:
        return redirect(request, "/login")
    start = "/richieste" if context.staff.may("tickets") else "/conversazioni"
    return redirect(request, start, context)


def _login_page(request: Request, error: str | None = None, status_code: int = 200) -> Response:
    settings = get_console_settings()
    token = secrets.token_urlsafe(32)
    response = render(
        request,
        "login.html",
        None,
        status_code=status_code,
        login_token=token,
        error=error,
        no_users=count_users() == 0,
    )
    set_login_cookie(response, request, token, settings)
    return response


@router.get("/login")
def login_form(request: Request) -> Response:
    if current(request) is not None:
        return redirect(request, "/")
    return _login_page(request)


@router.post("/login")
def login(request: Request, form: PostedForm) -> Response:
    settings = get_console_settings()
    token = str(form.get(CSRF_FIELD) or "")
    if not same_token(login_csrf(request, settings), token):
        return _login_page(request, "csrf_non_valido", status_code=403)
    outcome, staff = authenticate(
        str(form.get("username") or ""),
        str(form.get("password") or ""),
        client_ip(request),
        settings,
    )
    if outcome is not LoginOutcome.OK or staff is None:
        return _login_page(
            request, outcome.value, status_code=429 if outcome is LoginOutcome.LOCKED else 401
        )
    response = redirect(request, "/")
    set_session_cookie(response, request, new_session(staff.id, staff.session_nonce), settings)
    response.delete_cookie("console_login", path=PREFIX)
    return response


@router.post("/logout")
def logout(request: Request, context: PageContext, _form: CheckedForm) -> Response:
    end_sessions(context.staff.id)
    response = redirect(request, "/login", avviso="uscito")
    clear_session_cookie(response)
    return secure_headers(response)
