"""The console's routes under /staff, one module per area, gathered in one router."""

from __future__ import annotations

from fastapi import APIRouter

from bot.web.console.lifespan import lifespan
from bot.web.console.routes import admin, auth, conversations, dashboard, handoff, tickets

router = APIRouter(lifespan=lifespan)
for area in (auth, tickets, handoff, conversations, dashboard, admin):
    router.include_router(area.router)
