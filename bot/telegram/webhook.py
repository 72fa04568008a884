"""Webhook mode: Telegram posts each update to us; the secret token is checked on every request.

A request without the right `X-Telegram-Bot-Api-Secret-Token` gets 403 and is not read. An update
is answered 200 only once processed, so Telegram delivers it again if we die half-way (the gate
drops what was already done).
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Awaitable, Callable

from aiohttp import web
from telegram import Update
from telegram.ext import Application

from bot.telegram.settings import TelegramSettings

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_BODY_BYTES = 1024 * 1024

Process = Callable[[Update], Awaitable[None]]


def webhook_app(
    settings: TelegramSettings, application: Application, process: Process
) -> web.Application:
    async def receive(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), settings.webhook_secret.encode()):
            logger.warning("webhook request with a wrong secret token refused")
            return web.Response(status=403)
        try:
            data = await request.json()
            update = Update.de_json(data, application.bot)
        except Exception:
            return web.Response(status=400)
        await process(update)
        return web.Response(status=200)

    async def health(_request: web.Request) -> web.Response:
        return web.Response(text="ok")

    app = web.Application(client_max_size=MAX_BODY_BYTES)
    app.router.add_post(settings.webhook_path, receive)
    app.router.add_get("/healthz", health)
    return app


async def start_webhook_server(
    settings: TelegramSettings, application: Application, process: Process
) -> web.AppRunner:
    runner = web.AppRunner(webhook_app(settings, application, process), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, settings.webhook_listen, settings.webhook_port)
    await site.start()
    return runner
