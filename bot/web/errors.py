"""Malformed requests get a 4xx with an Italian message, never a 500.

FastAPI's own validation answers (422, English) become 400 with the name of the parameter;
an integer too large for the database (SQLite stores 64 bits) is a bad parameter too. A database
that cannot be reached (PostgreSQL restarting) is a 503 with the Italian "servizio momentaneamente
non disponibile"; the pool reconnects by itself once it is back.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError, InterfaceError, OperationalError

from bot.web.texts import message

MAX_DB_INTEGER = 2**63 - 1  # largest id a database row can have


def _bad_parameter(name: str) -> JSONResponse:
    return JSONResponse(
        {"error": "parametro_non_valido", "message": message("parametro_non_valido", campo=name)},
        status_code=400,
    )


def install(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def invalid_request(_request: Request, error: RequestValidationError) -> JSONResponse:
        locations = [item.get("loc") or () for item in error.errors()]
        names = [str(loc[-1]) for loc in locations if loc]
        return _bad_parameter(", ".join(dict.fromkeys(names)) or "?")

    @app.exception_handler(OverflowError)  # SQLite: an integer beyond 64 bits
    @app.exception_handler(DataError)  # PostgreSQL: a value out of its column's range
    async def out_of_range(_request: Request, _error: Exception) -> JSONResponse:
        return _bad_parameter("valore fuori intervallo")

    @app.exception_handler(OperationalError)  # the database is down or restarting
    @app.exception_handler(InterfaceError)
    async def database_unavailable(_request: Request, _error: Exception) -> JSONResponse:
        return JSONResponse(
            {"error": "riprovare_piu_tardi", "message": message("riprovare_piu_tardi")},
            status_code=503,
            headers={"Retry-After": "5"},
        )
