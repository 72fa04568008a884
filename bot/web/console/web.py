"""What every console page shares: the logged-in staff member, rendering, CSRF, headers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import Depends, HTTPException, Request
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.responses import HTMLResponse, RedirectResponse, Response

from bot.tickets.texts import document_label, status_label
from bot.web.console import masking, numbers
from bot.web.console.sessions import (
    CSRF_FIELD,
    SessionData,
    read_session,
    same_token,
    set_session_cookie,
    touched,
)
from bot.web.console.settings import ConsoleSettings, get_console_settings
from bot.web.console.texts import label, message, texts
from bot.web.console.users import Staff, get_user
from bot.web.proxies import client_address

PREFIX = "/staff"
ROME = ZoneInfo("Europe/Rome")

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; "
        "connect-src 'self'; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


def local_time(value: datetime | None, fmt: str = "%d/%m/%Y %H:%M") -> str:
    return value.astimezone(ROME).strftime(fmt) if value else ""


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(Path(__file__).with_name("templates"))),
        autoescape=select_autoescape(["html", "svg"], default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        dt=local_time,
        status_label=status_label,
        document_label=document_label,
        mask_cf=masking.mask_codice_fiscale,
        mask_email=masking.mask_email,
        mask_phone=masking.mask_phone,
        decimal=numbers.decimal,
        percent=numbers.percent,
        duration=numbers.duration,
        kilobytes=numbers.kilobytes,
        integer=numbers.integer,
    )
    env.globals.update(
        label=label, message=message, texts=texts, prefix=PREFIX, plural=numbers.plural
    )
    return env


@dataclass(frozen=True)
class Context:
    """The logged-in staff member of a request, and their (refreshed) session."""

    staff: Staff
    session: SessionData
    settings: ConsoleSettings

    @property
    def csrf(self) -> str:
        return self.session.csrf


def client_ip(request: Request) -> str:
    """The client's address; X-Forwarded-For counts only from TRUSTED_PROXIES."""
    return client_address(request)


def current(request: Request) -> Context | None:
    settings = get_console_settings()
    session = read_session(request, settings)
    if session is None:
        return None
    staff = get_user(session.user_id)
    if staff is None or not staff.active or not same_token(staff.session_nonce, session.nonce):
        return None
    return Context(staff, touched(session), settings)


def page_context(request: Request) -> Context:
    """Dependency of pages: the staff member, or a redirect to the login page."""
    context = current(request)
    if context is None:
        raise HTTPException(status_code=303, headers={"Location": f"{PREFIX}/login"})
    return context


def api_context(request: Request) -> Context:
    """Dependency of files and downloads: the staff member, or 401 (no redirect)."""
    context = current(request)
    if context is None:
        raise HTTPException(status_code=401, detail=message("non_autenticato"))
    return context


PageContext = Annotated[Context, Depends(page_context)]
ApiContext = Annotated[Context, Depends(api_context)]


def require(context: Context, permission: str) -> None:
    if not context.staff.may(permission):
        raise HTTPException(status_code=403, detail=message("non_autorizzato"))


async def posted_form(request: Request) -> dict[str, str]:
    """The posted form's text fields (read here, so that handlers can run in the thread pool)."""
    form = await request.form()
    return {key: value for key, value in form.items() if isinstance(value, str)}


async def checked_form(request: Request, context: PageContext) -> dict[str, str]:
    """The posted form, if its CSRF token is the session's; 403 otherwise."""
    values = await posted_form(request)
    if not same_token(context.session.csrf, values.get(CSRF_FIELD)):
        raise HTTPException(status_code=403, detail=message("csrf_non_valido"))
    return values


def secure_headers(response: Response) -> Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def render(
    request: Request,
    template: str,
    context: Context | None,
    *,
    status_code: int = 200,
    **values: Any,
) -> HTMLResponse:
    html = (
        environment()
        .get_template(template)
        .render(
            request=request,
            staff=context.staff if context else None,
            csrf=context.csrf if context else None,
            csrf_field=CSRF_FIELD,
            notice=texts()["avvisi"].get(request.query_params.get("avviso", "")),
            **values,
        )
    )
    response = HTMLResponse(html, status_code=status_code)
    if context is not None:
        set_session_cookie(response, request, context.session, context.settings)
    return secure_headers(response)


def redirect(
    request: Request, path: str, context: Context | None = None, **query: str
) -> RedirectResponse:
    url = f"{PREFIX}{path}" + (f"?{urlencode(query)}" if query else "")
    response = RedirectResponse(url, status_code=303)
    if context is not None:
        set_session_cookie(response, request, context.session, context.settings)
    return secure_headers(response)


PostedForm = Annotated[dict[str, str], Depends(posted_form)]
CheckedForm = Annotated[dict[str, str], Depends(checked_form)]


def date_filter(value: str | None) -> date | None:
    """A date typed in a list filter (YYYY-MM-DD); anything else means no filter."""
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None
