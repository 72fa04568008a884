"""The action server's answers: checked against the schema compiled once, as strictly as Rasa."""

from __future__ import annotations

import pytest
from jsonschema import ValidationError
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction

from bot.rasa_ext import action_results

VALID = {
    "events": [{"event": "slot", "name": "path", "value": "A"}],
    "responses": [{"text": "Ecco la procedura", "buttons": []}],
}


@pytest.fixture(scope="module")
def action() -> RemoteAction:
    action_results.install()
    action_results.install()  # twice: still one wrapper
    return RemoteAction("action_respond", None)


def test_a_valid_answer_passes_without_checking_the_schema_again(
    action: RemoteAction, monkeypatch: pytest.MonkeyPatch
) -> None:
    cls = validator_for(RemoteAction.action_response_format_spec())

    def forbidden(*_: object) -> None:
        raise AssertionError("the schema was checked again")

    monkeypatch.setattr(cls, "check_schema", forbidden)
    assert action._validate_action_result(VALID) is True
    assert action._validate_action_result({"events": [], "responses": []}) is True


@pytest.mark.parametrize(
    "answer",
    [
        {"events": "not a list", "responses": []},
        {"events": [{"name": "no event type"}], "responses": []},
        {"events": [], "responses": "not a list"},
    ],
)
def test_an_invalid_answer_fails_with_rasas_message(action: RemoteAction, answer: dict) -> None:
    with pytest.raises(ValidationError, match="Failed to validate Action server response"):
        action._validate_action_result(answer)
