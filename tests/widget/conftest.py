"""Real servers (Rasa behind a cuttable proxy, actions, web) and headless Chromium."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from bot.config import PROJECT_ROOT
from bot.rasa_client import api_headers
from tests.e2e.servers import BotServers
from tests.widget.chat import ChatPage
from tests.widget.proxy import CuttableProxy

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="package")
def widget_bundle() -> Path:
    subprocess.run(["bash", str(PROJECT_ROOT / "bot/web/widget/build.sh")], check=True)
    return PROJECT_ROOT / "bot/web/widget/dist/widget.js"


@pytest.fixture(scope="package")
def servers(
    tmp_path_factory: pytest.TempPathFactory, widget_bundle: Path
) -> Iterator[tuple[BotServers, CuttableProxy]]:
    bot = BotServers(var_dir=tmp_path_factory.mktemp("var"))
    proxy = CuttableProxy(upstream_port=bot.rasa_port)
    proxy.start()
    # Browsers reach Rasa's socket.io through the proxy, which a test can cut.
    bot.extra_env["WIDGET_SOCKET_URL"] = proxy.url
    # Operators are in service whenever the tests run; the notifier delivers at once.
    bot.extra_env["HANDOFF_HOURS"] = "sempre"
    bot.extra_env["NOTIFY_POLL_SECONDS"] = "0.3"
    bot.start()
    try:
        yield bot, proxy
    finally:
        bot.stop()
        proxy.close()


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    ctx = browser.new_context(locale="it-IT", viewport={"width": 1280, "height": 860})
    ctx.set_default_timeout(30_000)
    yield ctx
    ctx.close()


@pytest.fixture
def web_url(servers: tuple[BotServers, CuttableProxy]) -> str:
    return servers[0].web_url


@pytest.fixture
def proxy(servers: tuple[BotServers, CuttableProxy]) -> Iterator[CuttableProxy]:
    yield servers[1]
    servers[1].restore()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


@pytest.fixture
def chat(page: Page, web_url: str, tmp_path: Path) -> ChatPage:
    shots = Path(os.environ.get("WIDGET_SCREENSHOT_DIR") or tmp_path)
    return ChatPage(page, f"{web_url}/demo", shots)


@dataclass
class RasaApi:
    """Rasa's HTTP API, as the notifier uses it to push a message into a conversation."""

    url: str
    token: str

    def trigger_intent(self, sender: str, intent: str, output_channel: str) -> None:
        response = httpx.post(
            f"{self.url}/conversations/{sender}/trigger_intent",
            params={"output_channel": output_channel},
            headers=api_headers(self.token),
            json={"name": intent},
            timeout=60,
        )
        response.raise_for_status()

    def say(self, sender: str, text: str) -> None:
        """A bot message said from outside, recorded and pushed as the notifier's speaker does."""
        response = httpx.post(
            f"{self.url}/conversations/{sender}/tracker/events",
            params={"output_channel": "socketio", "execute_side_effects": "true"},
            headers=api_headers(self.token),
            json=[{"event": "bot", "text": text}],
            timeout=60,
        )
        response.raise_for_status()


@pytest.fixture
def rasa_api(servers: tuple[BotServers, CuttableProxy]) -> RasaApi:
    return RasaApi(servers[0].rasa_url, servers[0].token)
