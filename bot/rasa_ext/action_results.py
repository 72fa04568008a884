"""The action server's answers validated against a schema compiled once, not on every call.

Rasa 3.6 checks each answer of the action server with `jsonschema.validate(result, spec)`,
which first validates the schema itself against its metaschema: with jsonschema 4.17 that was
most of the Rasa server's time in a turn (`make bench-load`, profiled: about 60 % of
`handle_message`). The schema is checked once here, at start-up, and every answer against a
validator built from it; an invalid answer goes through Rasa's own code, so it fails exactly as
before, with Rasa's message.
"""

from __future__ import annotations

from typing import Any

from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction

_PATCHED = "_inail_compiled_validation"


def install() -> None:
    """Once per process (the Rasa server's entrypoint calls it)."""
    if getattr(RemoteAction, _PATCHED, False):
        return
    spec = RemoteAction.action_response_format_spec()
    cls = validator_for(spec)
    cls.check_schema(spec)
    validator = cls(spec)
    rasas = RemoteAction._validate_action_result

    def validate(self: RemoteAction, result: dict[str, Any]) -> bool:
        if validator.is_valid(result):
            return True
        return bool(rasas(self, result))  # raises Rasa's ValidationError

    RemoteAction._validate_action_result = validate  # type: ignore[method-assign]
    setattr(RemoteAction, _PATCHED, True)
