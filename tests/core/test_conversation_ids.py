"""Which conversation ids a client may choose, and the conversation token."""

from __future__ import annotations

import uuid

import pytest

from bot.config import get_settings
from bot.conversation_ids import (
    GUESSABLE,
    MALFORMED,
    MISSING,
    conversation_token,
    is_issued,
    new_conversation_id,
    opened_by,
    problem_with,
    token_matches,
)


@pytest.fixture(autouse=True)
def _secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONVERSATION_SECRET", "a-test-conversation-secret")
    get_settings.cache_clear()


def test_ids_drawn_as_the_evaluation_runner_draws_them_always_pass() -> None:
    kinds = ("route", "intent", "conv-a_cns_completa_si_confermo", "probe")
    for n in range(20_000):
        sender = f"deveval-{kinds[n % 4]}-{uuid.uuid4().hex[:12]}"
        assert problem_with(sender) is None, sender


@pytest.mark.parametrize(
    "sender",
    [
        str(uuid.uuid4()),
        uuid.uuid4().hex,
        f"doc-{uuid.uuid4().hex[:12]}",
        f"portale.asl:{uuid.uuid4().hex[:16]}",
        "telegram:424242",
    ],
)
def test_random_ids_and_the_bridges_own_are_well_formed(sender: str) -> None:
    assert problem_with(sender) is None


@pytest.mark.parametrize(
    "sender",
    [
        "dott-rossi",
        "default",
        "123",
        "393331234567",
        "39-333-1234567",
        "mario.rossi@pec.example.it",
        "a1b2c3d4e5f6@example.it",
        "RSSMRA80A01H501U",
        "test-aaaaaaaaaaaa",
        "test-abababababab",
        "test-0123456789ab",
        "test-02468ace0246",
        "test-abcdabcdabcd",
        "test-3fa9c01b2e7",  # 11 hex digits
    ],
)
def test_guessable_ids_are_refused(sender: str) -> None:
    assert problem_with(sender) == GUESSABLE


@pytest.mark.parametrize("sender", [None, "", "   "])
def test_a_missing_id_is_its_own_error(sender: object) -> None:
    assert problem_with(sender) == MISSING


@pytest.mark.parametrize(
    "sender",
    [".", "..", "...", "a/b", "x" * 129, 42, ["x"], {"a": 1}, "telegram:abc", "ciao mondo"],
)
def test_malformed_ids_are_refused(sender: object) -> None:
    assert problem_with(sender) == MALFORMED


def test_the_token_belongs_to_one_conversation_and_one_secret(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sender = new_conversation_id()
    assert is_issued(sender) and problem_with(sender) is None
    token = conversation_token(sender)
    assert len(token) >= 43  # 256 bits
    assert token_matches(sender, token)
    assert not token_matches(new_conversation_id(), token)
    assert not token_matches(sender, token[:-1])
    assert not token_matches(sender, None) and not token_matches(sender, "")
    monkeypatch.setenv("CONVERSATION_SECRET", "another-secret")
    assert not token_matches(sender, token)


def test_without_a_configured_secret_one_is_kept_in_var_and_shared(
    tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CONVERSATION_SECRET")
    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    get_settings.cache_clear()
    token = conversation_token("deveval-x-3fa9c01b2e7d")
    key = tmp_path / "conversation_secret.key"
    assert key.stat().st_mode & 0o777 == 0o600
    assert token == conversation_token("deveval-x-3fa9c01b2e7d")
    get_settings.cache_clear()


def test_a_conversation_is_opened_by_the_first_message_a_person_sent() -> None:
    pushed = {"event": "user", "text": "EXTERNAL: upload_received", "input_channel": "collector"}
    assert opened_by([]) is None
    assert opened_by([{"event": "action", "name": "action_session_start"}, pushed]) is None
    typed = {"event": "user", "text": "ciao", "input_channel": "socketio"}
    later = {"event": "user", "text": "ciao", "input_channel": "rest"}
    assert opened_by([pushed, typed, later]) == "socketio"
