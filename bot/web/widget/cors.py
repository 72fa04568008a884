"""CORS for the routes a widget embedded on another site calls, and for those only."""

from __future__ import annotations

from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from bot.conversation_ids import CONVERSATION_TOKEN_HEADER

# The widget's own routes and the upload API; the staff console stays same-origin.
CROSS_ORIGIN_PREFIXES = ("/widget/", "/api/conversations/")


class WidgetCORSMiddleware:
    def __init__(self, app: ASGIApp, allowed_origins: tuple[str, ...]) -> None:
        self.app = app
        self.cors = CORSMiddleware(
            app,
            allow_origins=list(allowed_origins),
            allow_methods=["GET", "POST", "OPTIONS"],
            allow_headers=["Content-Type", CONVERSATION_TOKEN_HEADER],
            allow_credentials=False,
            max_age=600,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and str(scope.get("path", "")).startswith(CROSS_ORIGIN_PREFIXES):
            await self.cors(scope, receive, send)
        else:
            await self.app(scope, receive, send)
