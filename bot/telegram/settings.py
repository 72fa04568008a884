"""The bridge's settings: the shared ones (bot.config) plus webhook mode, read once at start-up.

| variable | default | meaning |
| --- | --- | --- |
| TELEGRAM_BOT_TOKEN | (unset: bridge off) | the bot's token from @BotFather |
| TELEGRAM_API_URL | https://api.telegram.org | Bot API server root |
| TELEGRAM_WEBHOOK_URL | (unset: long polling) | public HTTPS URL Telegram posts updates to |
| TELEGRAM_WEBHOOK_SECRET | (required with a webhook URL) | checked on every webhook request |
| TELEGRAM_WEBHOOK_LISTEN | 127.0.0.1 | address the webhook server binds |
| TELEGRAM_WEBHOOK_PORT | 8443 | port the webhook server binds |
| TELEGRAM_MAX_FILE_BYTES | min(MAX_UPLOAD_BYTES, 20 MB) | largest file the bridge downloads |
| TELEGRAM_RETRY_SECONDS | 10 | how often messages kept while Rasa was down are retried |
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from bot.config import Settings, get_settings

# The Bot API lets bots download files up to 20 MB.
TELEGRAM_DOWNLOAD_LIMIT = 20 * 1024 * 1024


@dataclass(frozen=True)
class TelegramSettings:
    token: str = field(repr=False)
    api_url: str
    webhook_url: str
    webhook_secret: str = field(repr=False)
    webhook_listen: str
    webhook_port: int
    max_file_bytes: int
    retry_seconds: float

    @property
    def webhook_mode(self) -> bool:
        return bool(self.webhook_url)

    @property
    def webhook_path(self) -> str:
        return urlsplit(self.webhook_url).path or "/"


def load_telegram_settings(settings: Settings | None = None) -> TelegramSettings:
    shared = settings or get_settings()
    env = os.environ
    max_file = int(env.get("TELEGRAM_MAX_FILE_BYTES") or shared.max_upload_bytes)
    loaded = TelegramSettings(
        token=shared.telegram_bot_token,
        api_url=shared.telegram_api_url,
        webhook_url=env.get("TELEGRAM_WEBHOOK_URL", "").strip(),
        webhook_secret=env.get("TELEGRAM_WEBHOOK_SECRET", "").strip(),
        webhook_listen=env.get("TELEGRAM_WEBHOOK_LISTEN", "").strip() or "127.0.0.1",
        webhook_port=int(env.get("TELEGRAM_WEBHOOK_PORT") or 8443),
        max_file_bytes=min(max_file, TELEGRAM_DOWNLOAD_LIMIT),
        retry_seconds=float(env.get("TELEGRAM_RETRY_SECONDS") or 10),
    )
    if not loaded.token:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set")
    if loaded.webhook_mode and not loaded.webhook_secret:
        raise ValueError("TELEGRAM_WEBHOOK_SECRET is required with TELEGRAM_WEBHOOK_URL")
    return loaded
