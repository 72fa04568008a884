"""The widget's routes on the web process.

GET /widget/widget.js                 a small loader of the bundle below (the snippet's URL)
GET /widget/widget.<hash>.js          the bundle (build.sh makes it): compressed, cached a year
GET /widget/config.json               where the widget finds Rasa's socket.io, upload limit
GET /widget/api/history/{session_id}  the transcript of a widget conversation (its token in
                                      the X-Conversation-Token header)
POST /widget/api/start/{session_id}   a new conversation's first question (once; no token: it
                                      acts only on a conversation nobody has written in)
GET /widget/favicon.svg               the demo page's icon
GET /demo                             a page with the widget embedded
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape

from bot.config import get_settings
from bot.conversation_ids import CONVERSATION_TOKEN_HEADER, is_widget, token_matches
from bot.rasa_client import RasaClient, RasaUnavailable
from bot.web.texts import message
from bot.web.widget.cors import WidgetCORSMiddleware
from bot.web.widget.history import as_json, transcript
from bot.web.widget.settings import get_widget_settings

HERE = Path(__file__).resolve().parent
DIST = HERE / "dist"
ASSETS = {"widget.js.map": "application/json", "favicon.svg": "image/svg+xml"}
STATIC = {"favicon.svg": HERE / "static" / "favicon.svg"}
IMMUTABLE = "public, max-age=31536000, immutable"
# Precompressed by build.mjs, best first.
ENCODINGS = (("br", ".br"), ("gzip", ".gz"))
# Copies the snippet's data-* options onto the bundle's own <script> (it reads them there).
LOADER = (
    "(function(){{var s=document.currentScript,n=document.createElement('script');"
    "n.src=new URL({name!r},s&&s.src?s.src:location.href).href;n.defer=true;"
    "if(s)for(var k in s.dataset)n.dataset[k]=s.dataset[k];"
    "(document.head||document.documentElement).appendChild(n);}})();"
)
BUNDLE = re.compile(r"^widget\.[0-9a-f]{12}\.js$")
OPENING_INTENT = "greet"  # the assistant greets and asks which credentials the doctor has
NOT_BUILT = 'console.error("Widget INAIL non compilato: eseguire bot/web/widget/build.sh");'

router = APIRouter()
templates = Environment(
    loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html"])
)


def bundle_name() -> str | None:
    """The current bundle's file name (widget.<hash>.js), from the build's manifest."""
    try:
        name = json.loads((DIST / "manifest.json").read_text(encoding="utf-8"))["widget.js"]
    except (OSError, ValueError, KeyError):
        return None
    return str(name) if BUNDLE.match(str(name)) and (DIST / str(name)).is_file() else None


def _bundle(name: str, accept_encoding: str) -> Response:
    accepted = {part.split(";")[0].strip() for part in accept_encoding.lower().split(",")}
    headers = {"Cache-Control": IMMUTABLE, "Vary": "Accept-Encoding"}
    for encoding, suffix in ENCODINGS:
        compressed = DIST / f"{name}{suffix}"
        if encoding in accepted and compressed.is_file():
            return FileResponse(
                compressed,
                media_type="text/javascript",
                headers={**headers, "Content-Encoding": encoding},
            )
    return FileResponse(DIST / name, media_type="text/javascript", headers=headers)


@router.get("/widget/{asset}", include_in_schema=False)
async def widget_asset(asset: str, request: Request) -> Response:
    if asset == "config.json":
        return widget_config_response()
    name = bundle_name()
    if asset == "widget.js":
        if name is None:
            return Response(NOT_BUILT, status_code=503, media_type="text/javascript")
        # Revalidated on every load: a new build reaches browsers at once.
        return Response(
            LOADER.format(name=name),
            media_type="text/javascript",
            headers={"Cache-Control": "no-cache"},
        )
    if name is not None and asset == name:
        return _bundle(name, request.headers.get("accept-encoding", ""))
    if asset not in ASSETS:
        return Response(status_code=404)
    path = STATIC.get(asset) or DIST / asset
    if not path.is_file():
        return Response(status_code=404)
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
    if not is_widget(session_id):
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


@router.post("/widget/api/start/{session_id}")
async def start(session_id: str, request: Request) -> JSONResponse:
    """The assistant's first question with its buttons, as soon as a new chat is opened.

    Only for a conversation the doctor has not written in yet; the replies are in its history
    too, so every tab and a reload show them."""
    if not is_widget(session_id):
        return JSONResponse(
            {"error": "conversazione_non_valida", "message": message("conversazione_non_valida")},
            status_code=400,
        )
    rasa: RasaClient = request.app.state.rasa
    try:
        tracker = await rasa.tracker(session_id)
        if any(e.get("event") in ("user", "bot") for e in tracker.get("events") or []):
            return JSONResponse({"messages": []}, headers={"Cache-Control": "no-store"})
        messages = await rasa.trigger_intent(session_id, OPENING_INTENT)
    except RasaUnavailable:
        return JSONResponse(
            {"error": "servizio_non_disponibile", "message": message("servizio_non_disponibile")},
            status_code=503,
        )
    return JSONResponse({"messages": messages}, headers={"Cache-Control": "no-store"})


@router.get("/demo", response_class=HTMLResponse, include_in_schema=False)
async def demo() -> HTMLResponse:
    bundle = bundle_name() or "widget.js"
    return HTMLResponse(templates.get_template("demo.html").render(bundle=bundle))


def install(app: FastAPI) -> None:
    """Adds the widget's routes, and CORS so that other sites can embed the widget."""
    app.include_router(router)
    app.add_middleware(WidgetCORSMiddleware, allowed_origins=get_widget_settings().allowed_origins)
