"""A conversation id is not a key, the channel is the channel's, bad requests are 4xx: over HTTP
and socket.io against the servers `make run` starts."""

from __future__ import annotations

import asyncio
import http.client
import json
import stat
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
import socketio

from bot.intake.samples import forms
from tests.e2e.servers import BotServers, texts

TOKEN_HEADER = "X-Conversation-Token"


def _sender() -> str:
    return f"sec-{uuid.uuid4().hex[:12]}"


def _post(servers: BotServers, body: bytes | str, **headers: str) -> httpx.Response:
    return httpx.post(
        f"{servers.rasa_url}/webhooks/rest/webhook",
        content=body if isinstance(body, bytes) else body.encode(),
        headers={"Content-Type": "application/json", **headers},
        timeout=60,
    )


def _upload(servers: BotServers, sender: str, **headers: str) -> httpx.Response:
    return httpx.post(
        f"{servers.web_url}/api/conversations/{sender}/uploads",
        params={"filename": "domanda.pdf"},
        content=forms.filled_form_pdf(),
        headers=headers,
        timeout=120,
    )


def _italian_error(response: httpx.Response, status: int, code: str | None = None) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["message"] and body["message"][0].isupper(), body
    if code:
        assert body["error"] == code


@pytest.mark.parametrize("body", ["[1, 2]", '"ciao"', "null", "42", "{not json", "", b"\xff\xfe"])
def test_a_rest_body_that_is_not_an_object_is_a_400_in_italian(
    servers: BotServers, body: str | bytes
) -> None:
    _italian_error(_post(servers, body), 400, "richiesta_non_valida")


@pytest.mark.parametrize("sender", ["absent", None, "", "   "])
def test_a_rest_message_without_sender_is_a_400_not_the_shared_default(
    servers: BotServers, sender: object
) -> None:
    body: dict[str, Any] = {"message": "ho la CNS"}
    if sender != "absent":
        body["sender"] = sender
    _italian_error(_post(servers, json.dumps(body)), 400, "conversazione_mancante")
    # Nothing reached Rasa's shared "default" conversation.
    assert not [e for e in servers.tracker("default")["events"] if e.get("event") == "user"]


@pytest.mark.parametrize(
    "sender", ["dott-rossi", "default", "123", "mario.rossi@pec.example.it", "393331234567"]
)
def test_guessable_ids_are_refused_by_rest_and_upload(servers: BotServers, sender: str) -> None:
    _italian_error(_post(servers, json.dumps({"sender": sender, "message": "ciao"})), 400)
    _italian_error(_upload(servers, sender), 400, "conversazione_indovinabile")


@pytest.mark.parametrize("body", [{"message": 5}, {"message": ["ciao"]}, {"metadata": "x"}])
def test_a_message_that_is_not_text_is_a_400(servers: BotServers, body: dict[str, Any]) -> None:
    payload = {"sender": _sender(), "message": "ciao", **body}
    _italian_error(_post(servers, json.dumps(payload)), 400, "messaggio_non_valido")


def test_the_channel_is_the_channels_own_never_the_bodys(servers: BotServers) -> None:
    sender = _sender()
    body = {"sender": sender, "message": "ho la CNS", "input_channel": "telegram"}
    assert _post(servers, json.dumps(body)).status_code == 200
    users = [e for e in servers.tracker(sender)["events"] if e.get("event") == "user"]
    assert [e["input_channel"] for e in users] == ["rest"]


@pytest.mark.parametrize(
    "raw_path",
    [
        "/api/conversations/./uploads",
        "/api/conversations/../uploads",
        "/api/conversations/%2E%2E/uploads",
    ],
)
def test_dot_ids_on_the_upload_api_are_a_400(servers: BotServers, raw_path: str) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", servers.web_port, timeout=60)
    connection.request("POST", raw_path + "?filename=a.pdf", body=b"%PDF-1.4\n")
    response = connection.getresponse()
    body = json.loads(response.read() or b"{}")
    connection.close()
    assert 400 <= response.status < 500, body
    assert body.get("message"), body


def test_a_file_may_start_a_rest_conversation(servers: BotServers) -> None:
    """Nothing declared, no file of anybody else: a client may send the file first, and the
    conversation is then its own (a REST one)."""
    sender = _sender()
    first = _upload(servers, sender)
    assert first.status_code in (200, 422) and first.json()["messages"], first.text
    assert servers.say(sender, "ho la CNS"), "the conversation goes on over REST"


def test_a_rest_client_uploads_without_token_into_its_own_conversation(
    servers: BotServers,
) -> None:
    """How the evaluation runner works: its unguessable id is its secret."""
    sender = _sender()
    servers.say(sender, "ho la CNS")
    response = _upload(servers, sender)
    assert response.status_code in (200, 422), response.text
    assert response.json()["messages"], "the bot's replies come back with the upload"


def test_an_issued_conversation_needs_its_token_for_text_and_files(servers: BotServers) -> None:
    issued = httpx.post(f"{servers.web_url}/api/conversations", timeout=30)
    assert issued.status_code == 201
    sender, token = issued.json()["sender"], issued.json()["token"]
    body = json.dumps({"sender": sender, "message": "ho la CNS"})
    _italian_error(_post(servers, body), 403, "conversazione_altrui")
    _italian_error(_post(servers, body, **{TOKEN_HEADER: token[:-2] + "xx"}), 403)
    replies = _post(servers, body, **{TOKEN_HEADER: token})
    assert replies.status_code == 200 and "InailRisponde" in texts(replies.json())
    _italian_error(_upload(servers, sender), 403, "conversazione_altrui")
    assert _upload(servers, sender, **{TOKEN_HEADER: token}).status_code in (200, 422)


class Tab:
    """A browser tab of the widget, as socket.io sees it."""

    def __init__(self, servers: BotServers) -> None:
        self.url = servers.rasa_url
        self.client = socketio.AsyncClient()
        self.confirmed: asyncio.Queue[str] = asyncio.Queue()
        self.tokens: dict[str, str] = {}
        self.bot: list[dict[str, Any]] = []
        self.client.on("session_confirm", self.confirmed.put)
        self.client.on("session_token", self._token)
        self.client.on("bot_uttered", self.bot.append)

    async def _token(self, data: dict[str, str]) -> None:
        self.tokens[data["session_id"]] = data["token"]

    async def open(self, session_id: str, token: str | None = None) -> str:
        await self.client.connect(self.url, socketio_path="/socket.io", transports=["polling"])
        await self.client.emit("session_request", {"session_id": session_id, "token": token})
        return await asyncio.wait_for(self.confirmed.get(), 30)

    async def say(self, session_id: str, text: str) -> None:
        await self.client.call(
            "user_uttered", {"message": text, "session_id": session_id}, timeout=60
        )

    async def close(self) -> None:
        await self.client.disconnect()


def _user_texts(servers: BotServers, sender: str) -> list[str]:
    return [e.get("text") for e in servers.tracker(sender)["events"] if e.get("event") == "user"]


async def test_a_widget_session_is_reopened_only_with_its_token(servers: BotServers) -> None:
    doctor, stranger = Tab(servers), Tab(servers)
    session = uuid.uuid4().hex
    try:
        assert await doctor.open(session) == session  # a new session: the asker's
        token = doctor.tokens[session]
        await doctor.say(session, "ho la CNS")
        assert doctor.bot, "the doctor's tab gets the replies"

        # Knowing the id is not enough to join, to speak, to read or to upload.
        other = await stranger.open(session)
        assert other != session
        await stranger.say(session, "/confirm_filing")  # not the session confirmed on it
        assert _user_texts(servers, session) == ["ho la CNS"]
        history = f"{servers.web_url}/widget/api/history/{session}"
        _italian_error(httpx.get(history, timeout=30), 403, "conversazione_altrui")
        _italian_error(_upload(servers, session), 403, "conversazione_altrui")
        rest = json.dumps({"sender": session, "message": "a che punto è la mia richiesta?"})
        _italian_error(_post(servers, rest), 403, "conversazione_altrui")

        # With the token: the same session, its history and its uploads.
        again = Tab(servers)
        try:
            assert await again.open(session, token) == session
        finally:
            await again.close()
        shown = httpx.get(history, headers={TOKEN_HEADER: token}, timeout=30)
        assert shown.status_code == 200 and shown.json()["entries"]
        assert _upload(servers, session, **{TOKEN_HEADER: token}).status_code in (200, 422)
    finally:
        await doctor.close()
        await stranger.close()


def test_rasa_api_accepts_no_token_in_the_url(servers: BotServers) -> None:
    url = f"{servers.rasa_url}/conversations/{_sender()}/tracker"
    assert httpx.get(url, params={"token": servers.token}, timeout=30).status_code == 401
    assert httpx.get(url, headers=servers.api_headers(), timeout=30).status_code == 200


def _descendants(pid: int) -> list[int]:
    parents: dict[int, int] = {}
    for stat_file in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat_file.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(stat_file.parent.name)] = int(fields[1])
    found, frontier = [], [pid]
    while frontier:
        parent = frontier.pop()
        children = [child for child, p in parents.items() if p == parent]
        found += children
        frontier += children
    return found


def test_no_process_has_a_secret_on_its_command_line(servers: BotServers) -> None:
    assert servers.process is not None
    processes = [servers.process.pid, *_descendants(servers.process.pid)]
    assert len(processes) >= 5  # launcher, actions, rasa, web, notifier
    secrets = [servers.token, servers.action_token]
    for pid in processes:
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        for secret in secrets:
            assert secret not in command, command


def test_var_and_everything_in_it_is_private(servers: BotServers) -> None:
    assert stat.S_IMODE(servers.var_dir.stat().st_mode) == 0o700
    for path in [servers.var_dir / "bot.db", *(servers.var_dir / "log").glob("*.log")]:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


def test_the_action_server_refuses_calls_without_the_shared_secret(servers: BotServers) -> None:
    url = f"http://127.0.0.1:{servers.action_port}"
    call = {"next_action": "action_ticket_status", "sender_id": _sender(), "tracker": {}}
    assert httpx.post(f"{url}/webhook", json=call, timeout=30).status_code == 401
    forged = {"Authorization": "Bearer forged"}
    assert httpx.post(f"{url}/webhook", json=call, headers=forged, timeout=30).status_code == 401
    assert httpx.get(f"{url}/actions", timeout=30).status_code == 401
    assert httpx.get(f"{url}/health", timeout=30).status_code == 200
    # Rasa itself gets through: a whole turn with custom actions works.
    assert "InailRisponde" in texts(servers.say(_sender(), "ho la CNS"))
