"""axe-core (from npm, installed by build.sh; nothing from a CDN) on the widget and the console:
no violations, in headless Chromium against the real servers."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from bot.config import PROJECT_ROOT
from tests.handoff.helpers import PASSWORD, make_operator
from tests.widget.chat import ChatPage
from tests.widget.test_widget_handoff import Servers, _waiting_row

AXE = PROJECT_ROOT / "bot/web/widget/node_modules/axe-core/axe.min.js"


def violations(page: Page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async () => { const r = await axe.run(document, {resultTypes: ['violations']});"
        " return r.violations.map(v => ({id: v.id, impact: v.impact,"
        " nodes: v.nodes.map(n => n.target.join(' '))})); }"
    )
    print(f"axe {page.url}: {len(result)} violations {json.dumps(result)}")
    return list(result)


@pytest.fixture(scope="module", autouse=True)
def axe_installed(widget_bundle: Path) -> None:
    assert AXE.is_file(), "axe-core is installed by bot/web/widget/build.sh (npm ci)"


def test_the_widget_has_no_accessibility_violations(chat: ChatPage) -> None:
    chat.goto()
    assert violations(chat.page) == []  # closed: the bubble on the host page
    chat.open()
    chat.bot_says("credenziali")
    chat.attach("modulo.pdf", b"%PDF-1.4 finto", "application/pdf")
    assert violations(chat.page) == []  # open, with the first question and a file chosen


def test_the_console_pages_have_no_accessibility_violations(
    browser: Browser, servers: Servers, web_url: str, chat: ChatPage
) -> None:
    username = f"axe{uuid.uuid4().hex[:6]}"
    make_operator(servers[0], username, role="admin")
    context = browser.new_context(locale="it-IT", bypass_csp=True)  # to inject axe
    page = context.new_page()
    try:
        page.goto(f"{web_url}/staff/login")
        assert violations(page) == []
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.goto(f"{web_url}/staff/assistenza")
        chat.goto().open()
        chat.send("voglio parlare con un operatore")
        chat.bot_says("in coda")
        row = _waiting_row(page, chat.session_id())
        expect(row).to_be_visible(timeout=20_000)
        assert violations(page) == []
        row.get_by_role("button", name="Prendi in carico").click()
        expect(page.locator("#handoff-status")).to_have_text("Con operatore")
        assert violations(page) == []
        for path in ("/staff/richieste", "/staff/conversazioni", "/staff/cruscotto"):
            page.goto(f"{web_url}{path}")
            assert violations(page) == [], path
        page.goto(f"{web_url}/staff/conversazioni/{chat.session_id()}")
        assert violations(page) == []
    finally:
        context.close()
