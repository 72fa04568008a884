"""The Rasa server's arguments: the API secret reaches Rasa whatever characters it holds."""

from __future__ import annotations

import pytest
from rasa.__main__ import create_argument_parser

from bot.rasa_ext.server import rasa_arguments


@pytest.mark.parametrize("secret", ["-starts-with-a-dash-0123456789abcdefghij", "a" * 43])
def test_the_secret_is_parsed_by_rasa_as_the_jwt_secret(secret: str) -> None:
    argv = rasa_arguments(["--enable-api", "--port", "6299"], secret)
    parsed = create_argument_parser().parse_args(argv[1:])
    assert parsed.jwt_secret == secret and parsed.jwt_method == "HS256"


def test_a_secret_on_the_command_line_is_refused() -> None:
    with pytest.raises(SystemExit):
        rasa_arguments(["--jwt-secret", "x"], "y" * 40)
