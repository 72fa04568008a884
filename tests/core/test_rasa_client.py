"""Rasa's API is called with a JWT in a header: the token never travels in a URL."""

from __future__ import annotations

import httpx
import jwt
import pytest

from bot.config import Settings, load_settings
from bot.rasa_client import RasaClient, api_jwt, conversation_path

TOKEN = "the-rasa-api-token-0123456789-abcdef"


def _settings() -> Settings:
    from dataclasses import replace

    return replace(load_settings(), rasa_api_token=TOKEN, rasa_url="http://rasa")


async def test_api_calls_carry_a_jwt_header_and_no_token_in_the_url() -> None:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"events": [], "messages": []})

    client = httpx.AsyncClient(base_url="http://rasa", transport=httpx.MockTransport(answer))
    rasa = RasaClient(_settings(), client)
    await rasa.tracker("deveval-x-3fa9c01b2e7d")
    await rasa.trigger_intent("telegram:42", "upload_received", output_channel="socketio")
    await rasa.aclose()
    assert [r.url.path for r in seen] == [
        "/conversations/deveval-x-3fa9c01b2e7d/tracker",
        "/conversations/telegram:42/trigger_intent",
    ]
    for request in seen:
        assert TOKEN not in str(request.url) and "token" not in request.url.params
        scheme, _, value = request.headers["authorization"].partition(" ")
        # Verified as Rasa verifies it (sanic-jwt uses PyJWT).
        claims = jwt.decode(value, TOKEN, algorithms=["HS256"])
        assert scheme == "Bearer" and claims["user"]["role"] == "admin"
        assert claims["exp"] - claims["iat"] <= 300


def test_the_jwt_expires_and_is_bound_to_the_secret() -> None:
    token = api_jwt(TOKEN, now=1_000_000)
    with pytest.raises(jwt.ExpiredSignatureError):
        jwt.decode(token, TOKEN, algorithms=["HS256"])
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(api_jwt(TOKEN), "another-secret-of-32-bytes-or-more", algorithms=["HS256"])


@pytest.mark.parametrize("sender", [".", "..", ""])
def test_dot_ids_never_reach_the_api_path(sender: str) -> None:
    with pytest.raises(ValueError):
        conversation_path(sender, "tracker")


def test_anything_outside_the_id_alphabet_stays_inside_its_path_segment() -> None:
    assert conversation_path("a/../b?x", "tracker") == "/conversations/a%2F..%2Fb%3Fx/tracker"
