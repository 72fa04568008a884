"""The widget's routes on the web process.

GET /widget/widget.js                 the bundle (build.sh makes it)
GET /widget/config.json               where the widget finds Rasa's socket.io, upload limit
GET /widget/api/history/{session_id}  the transcript of a widget conversation (its token in
                                      the X-Conversation-Token header)
GET /demo                             a page with the widget embedded
"""

from __future__ import annotations

import re
from pathlib import Path

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape

from bot.config import get_settings
from bot.conversation_ids import CONVERSATION_TOKEN_HEADER, token_matches
from bot.rasa_client import RasaClient, RasaUnavailable
from bot.web.texts import message
from bot.web.widget.cors import WidgetCORSMiddleware
from bot.web.widget.history import as_json, transcript
from bot.web.widget.settings import get_widget_settings

HERE = Path(__file__).resolve().parent
DIST = HERE / "dist"
ASSETS = {"widget.js": "text/javascript", "widget.js.map": "application/json"}
SESSION_ID = re.compile(r"^[0-9a-f]{32}$")
NOT_BUILT = 'console.error("Widget INAIL non compilato: eseguire bot/web/widget/build.sh");'

router = APIRouter()
templates = Environment(
    loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html"])
)


@router.get("/widget/{asset}", include_in_schema=False)
async def widget_asset(asset: str) -> Response:
    if asset == "config.json":
        return widget_config_response()
    if asset not in ASSETS:
        return Response(status_code=404)
    path = DIST / asset
    if not path.is_file():
        return Response(NOT_BUILT, status_code=503, media_type="text/javascript")
    # Revalidated on every load (ETag): a new build reaches browsers at once.
    return FileResponse(path, media_type=ASSETS[asset], headers={"Cache-Control": "no-cache"})


def widget_config_response() -> JSONResponse:
    settings, widget = get_settings(), get_widget_settings()
    return JSONResponse(
        {
            "socketUrl": widget.socket_url or None,
            "socketPort": settings.rasa_port,
            "socketPath": widget.socket_path,
            "maxUploadBytes": settings.max_upload_bytes,
        },
        headers={"Cache-Control": "no-cache"},
    )


@router.get("/widget/api/history/{session_id}")
async def history(session_id: str, request: Request) -> JSONResponse:
    if not SESSION_ID.match(session_id):
        return JSONResponse(
            {"error": "conversazione_non_valida", "message": message("conversazione_non_valida")},
            status_code=400,
        )
    if not token_matches(session_id, request.headers.get(CONVERSATION_TOKEN_HEADER)):
        return JSONResponse(
            {"error": "conversazione_altrui", "message": message("conversazione_altrui")},
            status_code=403,
        )
    rasa: RasaClient = request.app.state.rasa
    try:
        tracker = await rasa.tracker(session_id)
    except RasaUnavailable:
        return JSONResponse(
            {"error": "servizio_non_disponibile", "message": message("servizio_non_disponibile")},
            status_code=503,
        )
    entries = transcript(list(tracker.get("events") or []))
    return JSONResponse({"entries": as_json(entries)}, headers={"Cache-Control": "no-store"})


@router.get("/demo", response_class=HTMLResponse, include_in_schema=False)
async def demo() -> HTMLResponse:
    return HTMLResponse(templates.get_template("demo.html").render())


def install(app: FastAPI) -> None:
    """Adds the widget's routes, and CORS so that other sites can embed the widget."""
    app.include_router(router)
    app.add_middleware(WidgetCORSMiddleware, allowed_origins=get_widget_settings().allowed_origins)
