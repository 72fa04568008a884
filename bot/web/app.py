"""The web application: routers of each concern, one Rasa client, settings read once."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from bot.config import get_settings
from bot.notify.registry import build_adapters
from bot.rasa_client import RasaClient
from bot.web import conversations, errors, handoff, uploads, widget
from bot.web.console.routes import router as console_router


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    app.state.rasa = RasaClient()
    # Each channel's adapter: the console shows "sta scrivendo" on the doctor's channel.
    app.state.channels = build_adapters(get_settings())
    try:
        yield
    finally:
        await app.state.rasa.aclose()
        for adapter in app.state.channels.values():
            await adapter.aclose()


def create_app() -> FastAPI:
    app = FastAPI(title="Assistente INAIL Medico esterno", lifespan=lifespan)

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    errors.install(app)  # malformed requests: a 4xx with an Italian message, never a 500
    app.include_router(conversations.router)  # POST /api/conversations: an id and its token
    app.include_router(uploads.router)
    app.include_router(handoff.router)  # the doctor's side of a hand-off
    widget.install(app)  # widget bundle, /demo, history; CORS for embedding sites
    app.include_router(console_router)  # staff console under /staff
    return app
