"""The bridge process: long polling by default, webhook mode when TELEGRAM_WEBHOOK_URL is set.

Start-up: waits for the Bot API (getMe), registers the commands (setMyCommands), then polls
(after deleteWebhook) or registers the webhook with its secret token (setWebhook).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from telegram import BotCommand, Update
from telegram.error import InvalidToken, TelegramError
from telegram.ext import Application, ApplicationBuilder

from bot.rasa_client import RasaClient
from bot.telegram import texts
from bot.telegram.bridge import ALLOWED_UPDATES, Bridge
from bot.telegram.conversation import RasaGateway
from bot.telegram.ratelimit import FloodWait
from bot.telegram.settings import TelegramSettings
from bot.telegram.store import BridgeStore
from bot.telegram.webhook import start_webhook_server

logger = logging.getLogger(__name__)

POLL_TIMEOUT_S = 10
STARTUP_RETRY_S = 5.0


def build_application(settings: TelegramSettings, bridge: Bridge) -> Application:
    builder = (
        ApplicationBuilder()
        .token(settings.token)
        .base_url(f"{settings.api_url}/bot")
        .base_file_url(f"{settings.api_url}/file/bot")
        .concurrent_updates(bridge.processor)
        .rate_limiter(FloodWait())
    )
    if settings.webhook_mode:  # our own aiohttp server receives the updates
        builder = builder.updater(None)
    application = builder.build()
    bridge.attach(application)
    return application


async def _initialize(application: Application, stop: asyncio.Event) -> bool:
    """Retries until the Bot API answers; a wrong token stops the bridge."""
    while not stop.is_set():
        try:
            await application.initialize()
            return True
        except InvalidToken:
            raise
        except TelegramError as error:
            logger.warning("Telegram Bot API not reachable (%s): retrying", type(error).__name__)
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=STARTUP_RETRY_S)
    return False


async def serve(settings: TelegramSettings, stop: asyncio.Event) -> None:
    rasa = RasaClient()
    bridge = Bridge(settings, RasaGateway(rasa), BridgeStore())
    application = build_application(settings, bridge)
    try:
        if not await _initialize(application, stop):
            return
        bot = application.bot
        await bot.set_my_commands([BotCommand(c.name, c.description) for c in texts.commands()])
        runner = None
        if settings.webhook_mode:

            async def process(update: Update) -> None:
                await bridge.processor.process_update(update, application.process_update(update))

            runner = await start_webhook_server(settings, application, process)
            await bot.set_webhook(
                settings.webhook_url,
                secret_token=settings.webhook_secret,
                allowed_updates=ALLOWED_UPDATES,
            )
            logger.info(
                "Telegram bridge: webhook mode, listening on port %s", settings.webhook_port
            )
        else:
            await bot.delete_webhook()
            assert application.updater is not None
            await application.updater.start_polling(
                timeout=POLL_TIMEOUT_S, allowed_updates=ALLOWED_UPDATES
            )
            logger.info("Telegram bridge: long polling")
        await application.start()
        retry = asyncio.create_task(bridge.retry_loop(application, stop))
        await stop.wait()
        retry.cancel()
        if runner is not None:
            await runner.cleanup()
        elif application.updater is not None and application.updater.running:
            await application.updater.stop()
        await application.stop()
    finally:
        if application.running:
            await application.stop()
        await application.shutdown()
        await rasa.aclose()
