"""The web application: routers of each concern, one Rasa client, settings read once."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from bot.rasa_client import RasaClient
from bot.web import conversations, errors, uploads, widget
from bot.web.console.routes import router as console_router


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    app.state.rasa = RasaClient()
    try:
        yield
    finally:
        await app.state.rasa.aclose()


def create_app() -> FastAPI:
    app = FastAPI(title="Assistente INAIL Medico esterno", lifespan=lifespan)

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    errors.install(app)  # malformed requests: a 4xx with an Italian message, never a 500
    app.include_router(conversations.router)  # POST /api/conversations: an id and its token
    app.include_router(uploads.router)
    widget.install(app)  # widget bundle, /demo, history; CORS for embedding sites
    app.include_router(console_router)  # staff console under /staff
    return app
