"""Administration: staff users and the audit log (admins only)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from bot.web.console import audit
from bot.web.console.models import ROLES
from bot.web.console.passwords import generate_password
from bot.web.console.texts import message
from bot.web.console.users import (
    UserError,
    create_user,
    get_user,
    list_users,
    set_active,
    set_password,
)
from bot.web.console.web import (
    PREFIX,
    CheckedForm,
    Context,
    PageContext,
    redirect,
    render,
    require,
)

router = APIRouter(prefix=PREFIX)
AUDIT_PAGE = 100


def _users_page(
    request: Request, context: Context, *, result: str | None = None, error: str | None = None
) -> Response:
    return render(
        request,
        "users.html",
        context,
        users=list_users(),
        roles=ROLES,
        result=result,
        error=error,
        status_code=422 if error else 200,
    )


@router.get("/utenti")
def users(request: Request, context: PageContext) -> Response:
    require(context, "users")
    return _users_page(request, context)


@router.post("/utenti")
def new_user(request: Request, context: PageContext, form: CheckedForm) -> Response:
    """The initial password is shown once, on this page (never in a URL or a log)."""
    require(context, "users")
    password = generate_password()
    try:
        created = create_user(form.get("username", ""), form.get("ruolo", ""), password)
    except UserError as error:
        return _users_page(request, context, error=message(error.code))
    return _users_page(
        request, context, result=message("utente_creato", nome=created.username, password=password)
    )


@router.post("/utenti/{user_id}")
def update_user(
    request: Request, user_id: int, context: PageContext, form: CheckedForm
) -> Response:
    require(context, "users")
    target = get_user(user_id)
    if target is None:
        return _users_page(request, context, error=message("utente_non_trovato"))
    action = form.get("azione")
    if action == "reimposta":
        password = generate_password()
        set_password(user_id, password)
        return _users_page(
            request,
            context,
            result=message("password_reimpostata", nome=target.username, password=password),
        )
    if action in ("disattiva", "attiva") and user_id != context.staff.id:
        set_active(user_id, action == "attiva")
    return redirect(request, "/utenti", context, avviso="utente_aggiornato")


@router.get("/audit")
def audit_log(request: Request, context: PageContext, pagina: int = 1) -> Response:
    require(context, "audit")
    page = max(1, pagina)
    rows, total = audit.list_entries(limit=AUDIT_PAGE, offset=(page - 1) * AUDIT_PAGE)
    return render(
        request,
        "audit.html",
        context,
        rows=rows,
        page=page,
        pages=max(1, -(-total // AUDIT_PAGE)),
    )
