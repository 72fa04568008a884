"""Whole conversations on Telegram: the real bridge and servers, a fake Bot API."""

from __future__ import annotations

import httpx

from tests.telegram.conftest import TOKEN, Stack
from tests.telegram.fake_telegram import texts_of

CHANNELS = {
    "A": "InailRisponde",
    "B": "Richiedi credenziali dispositive",
    "C": "registrazione-utente-generico",
}


def _user_texts(stack: Stack, chat: int) -> list[str]:
    response = httpx.get(
        f"{stack.servers.rasa_url}/conversations/telegram:{chat}/tracker",
        headers=stack.servers.api_headers(),
        timeout=30,
    )
    events = response.json().get("events") or []
    return [e.get("text") or "" for e in events if e.get("event") == "user"]


def test_commands_are_registered_with_telegram(stack: Stack) -> None:
    names = [command["command"] for command in stack.telegram.commands]
    assert names == ["start", "stato", "ricomincia", "aiuto"]
    assert all(command["description"] for command in stack.telegram.commands)


def test_start_greets_and_asks_for_credentials_with_buttons(stack: Stack, chat: int) -> None:
    stack.telegram.say(chat, "/start")
    replies = stack.telegram.wait_for_messages(chat)
    assert "credenziali" in texts_of(replies)
    assert any(message.buttons() for message in replies)
    assert all(m.method == "sendMessage" for m in replies)
    sent = [p for p in stack.telegram.called("sendMessage") if int(p["chat_id"]) == chat]
    assert all(p.get("parse_mode") == "HTML" for p in sent)


def test_each_path_is_explained_from_plain_text(stack: Stack, chat: int) -> None:
    for offset, (message, path) in enumerate(
        [("ho la CNS", "A"), ("anzi no, sono registrato come utente generico", "B")]
    ):
        before = len(stack.telegram.messages(chat))
        stack.telegram.say(chat, message)
        text = texts_of(stack.telegram.wait_for_messages(chat, after=before))
        assert CHANNELS[path] in text, offset


def test_a_button_sends_its_payload_once_and_shows_the_choice(stack: Stack, chat: int) -> None:
    telegram = stack.telegram
    telegram.say(chat, "ciao")
    with_buttons = next(m for m in telegram.wait_for_messages(chat) if m.buttons())
    assert all(len(b["callback_data"]) <= 64 for b in with_buttons.buttons())
    title = next(b["text"] for b in with_buttons.buttons() if "nessuna" in b["text"].lower())

    before = len(telegram.messages(chat))
    telegram.click(chat, with_buttons, title)
    text = texts_of(telegram.wait_for_messages(chat, after=before))
    assert CHANNELS["C"] in text
    # The keyboard now shows the choice only, and a second click does nothing.
    assert [b["text"] for b in with_buttons.buttons()] == [f"✅ {title}"]
    answered = len(telegram.answers)
    after_first = len(telegram.messages(chat))
    telegram.click(chat, with_buttons, title)
    telegram.wait_until(lambda: len(telegram.answers) > answered)
    assert "già scelto" in telegram.answers[-1].get("text", "")
    assert len(telegram.messages(chat)) == after_first


def test_unknown_commands_never_reach_the_conversation(stack: Stack, chat: int) -> None:
    stack.telegram.say(chat, "/has_strong_credentials")
    reply = texts_of(stack.telegram.wait_for_messages(chat))
    assert "/start" in reply and "/aiuto" in reply
    assert not any("has_strong_credentials" in t for t in _user_texts(stack, chat))


def test_restart_command_starts_over(stack: Stack, chat: int) -> None:
    stack.telegram.say(chat, "non ho nessuna credenziale")
    stack.telegram.wait_for_messages(chat)
    before = len(stack.telegram.messages(chat))
    stack.telegram.say(chat, "/ricomincia")
    assert "Ricominciamo" in texts_of(stack.telegram.wait_for_messages(chat, after=before))


def test_help_and_status_commands_answer(stack: Stack, chat: int) -> None:
    stack.telegram.say(chat, "/aiuto")
    assert stack.telegram.wait_for_messages(chat)
    before = len(stack.telegram.messages(chat))
    stack.telegram.say(chat, "/stato")
    assert stack.telegram.wait_for_messages(chat, after=before)


def test_a_redelivered_update_is_processed_once(stack: Stack, chat: int) -> None:
    telegram = stack.telegram
    update = telegram.message_update(chat, text="ho la CNS")
    telegram.push(update)
    first = telegram.wait_for_messages(chat)
    telegram.push(update)  # Telegram delivers at least once
    telegram.say(chat, "grazie")  # a later message is still answered
    later = telegram.wait_for_messages(chat, after=len(first))
    assert CHANNELS["A"] not in texts_of(later)
    assert _user_texts(stack, chat).count("ho la CNS") == 1


def test_flood_control_429_is_waited_out(stack: Stack, chat: int) -> None:
    telegram = stack.telegram
    telegram.fail_next("sendMessage", count=1, retry_after=1)
    telegram.say(chat, "ho la CNS")
    assert CHANNELS["A"] in texts_of(telegram.wait_for_messages(chat))


def test_the_token_never_appears_in_the_logs(stack: Stack) -> None:
    logs = stack.servers.var_dir / "log"
    for name in ("telegram.log", "notify.log"):
        assert TOKEN not in (logs / name).read_text(errors="replace")
