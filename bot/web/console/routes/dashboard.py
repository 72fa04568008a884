"""The dashboard: charts of requests and of how well the assistant understands."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from bot.tickets.texts import status_label
from bot.web.console.charts import bar_chart
from bot.web.console.dashboard import build_dashboard
from bot.web.console.db import transaction
from bot.web.console.web import PREFIX, PageContext, render, require

router = APIRouter(prefix=PREFIX)


@router.get("/cruscotto")
def dashboard(request: Request, context: PageContext) -> Response:
    require(context, "dashboard")
    with transaction() as session:
        data = build_dashboard(session)
    return render(
        request,
        "dashboard.html",
        context,
        data=data,
        status_chart=bar_chart(
            "Richieste per stato", [(status_label(s), n) for s, n in data.per_status]
        ),
        day_chart=bar_chart(
            "Richieste al giorno (ultimi 30 giorni)",
            [(day.strftime("%d/%m"), n) for day, n in data.per_day],
        ),
        handoff_chart=bar_chart(
            "Richieste di un operatore al giorno (ultimi 30 giorni)",
            [(day.strftime("%d/%m"), n) for day, n in data.handoff.per_day],
        ),
    )
