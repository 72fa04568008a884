"""A fake Telegram Bot API server on localhost: real HTTP, for the real python-telegram-bot client.

It runs in a thread of its own. Tests play the doctor (`say`, `send_document`, `click`...) and
read what the bot sent (`wait_for_messages`). It implements getMe, getUpdates (long polling),
setWebhook/deleteWebhook (then updates are POSTed to the webhook with the secret token),
sendMessage, sendPhoto, sendDocument, editMessageReplyMarkup, answerCallbackQuery,
sendChatAction, getFile, file download and setMyCommands; `fail_next` injects errors (429).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
from aiohttp import web

from tests.e2e.servers import free_port

BOT_USER = {
    "id": 4242,
    "is_bot": True,
    "first_name": "Assistente INAIL",
    "username": "inail_test_bot",
    "can_join_groups": False,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}
_JSON_FIELDS = {
    "chat_id",
    "message_id",
    "offset",
    "limit",
    "timeout",
    "reply_markup",
    "commands",
    "allowed_updates",
    "show_alert",
    "drop_pending_updates",
}


@dataclass
class Sent:
    """A message the bot sent (or edited)."""

    message_id: int
    chat_id: int
    method: str
    text: str = ""
    reply_markup: dict[str, Any] | None = None
    media: str | None = None

    def buttons(self) -> list[dict[str, Any]]:
        rows = (self.reply_markup or {}).get("inline_keyboard") or []
        return [button for row in rows for button in row]

    def as_message(self) -> dict[str, Any]:
        message: dict[str, Any] = {
            "message_id": self.message_id,
            "date": int(time.time()),
            "chat": {"id": self.chat_id, "type": "private"},
            "from": BOT_USER,
        }
        if self.text:
            message["text"] = self.text
        if self.reply_markup:
            message["reply_markup"] = self.reply_markup
        return message


@dataclass
class FakeTelegram:
    token: str
    port: int = field(default_factory=free_port)
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    sent: list[Sent] = field(default_factory=list)
    answers: list[dict[str, Any]] = field(default_factory=list)
    commands: list[dict[str, Any]] = field(default_factory=list)
    webhook: dict[str, Any] | None = None
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    failures: dict[str, list[tuple[int, dict[str, Any]]]] = field(default_factory=dict)
    webhook_responses: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._pending: list[dict[str, Any]] = []
        self._pushed: set[int] = set()
        self._update_ids = itertools.count(1000)
        self._message_ids = itertools.count(1)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wakeup: asyncio.Event | None = None
        self._runner: web.AppRunner | None = None
        self._thread: threading.Thread | None = None

    # Server ---------------------------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        ready = threading.Event()

        def run() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            asyncio.set_event_loop(loop)
            self._wakeup = asyncio.Event()
            loop.run_until_complete(self._serve())
            ready.set()
            loop.run_forever()
            loop.close()

        self._thread = threading.Thread(target=run, name="fake-telegram", daemon=True)
        self._thread.start()
        if not ready.wait(10):
            raise RuntimeError("fake Telegram did not start")

    def stop(self) -> None:
        if self._loop is not None and self._runner is not None:
            asyncio.run_coroutine_threadsafe(self._shutdown(), self._loop).result(30)
            self._loop.call_soon_threadsafe(self._loop.stop)
        if self._thread is not None:
            self._thread.join(10)

    async def _shutdown(self) -> None:
        """Ends pending long polls first, so nothing is left half-way when the loop stops."""
        others = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for task in others:
            task.cancel()
        await asyncio.gather(*others, return_exceptions=True)
        assert self._runner is not None
        await self._runner.cleanup()

    async def _serve(self) -> None:
        app = web.Application(client_max_size=50 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._download)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()

    async def _api(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return _error(401, "Unauthorized")
        method = request.match_info["method"]
        params = await _params(request)
        with self._lock:
            self.calls.append((method, params))
            queued = self.failures.get(method)
            failure = queued.pop(0) if queued else None
        if failure is not None:
            status, extra = failure
            return _error(status, extra.pop("description", "error"), **extra)
        handler = getattr(self, f"_m_{method}", None)
        if handler is None:
            return _error(404, f"Not Found: method {method}")
        try:
            result = await handler(params)
        except LookupError as error:
            return _error(400, f"Bad Request: {error}")
        return web.json_response({"ok": True, "result": result})

    async def _download(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.Response(status=401)
        for path, data in self.files.values():
            if path == request.match_info["path"]:
                return web.Response(body=data)
        return web.Response(status=404)

    # Bot API methods ------------------------------------------------------------------------

    async def _m_getMe(self, params: dict[str, Any]) -> Any:
        return BOT_USER

    async def _m_getUpdates(self, params: dict[str, Any]) -> Any:
        """As Telegram: every update from `offset` on, until a later offset confirms it.

        A redelivered update (pushed again with an id already confirmed) is delivered once.
        """
        offset = int(params.get("offset") or 0)
        deadline = time.monotonic() + float(params.get("timeout") or 0)
        while True:
            with self._lock:
                self._pending = [
                    u
                    for u in self._pending
                    if not (u["_redelivery"] and u["_delivered"])
                    and (u["_redelivery"] or u["update_id"] >= offset)
                ]
                ready = [u for u in self._pending if not (u["_redelivery"] and u["_delivered"])]
                for update in ready:
                    update["_delivered"] = True
            if ready or time.monotonic() >= deadline:
                return [{k: v for k, v in u.items() if not k.startswith("_")} for u in ready]
            assert self._wakeup is not None
            self._wakeup.clear()
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._wakeup.wait(), deadline - time.monotonic())

    async def _m_setWebhook(self, params: dict[str, Any]) -> Any:
        self.webhook = params
        return True

    async def _m_deleteWebhook(self, params: dict[str, Any]) -> Any:
        self.webhook = None
        return True

    async def _m_setMyCommands(self, params: dict[str, Any]) -> Any:
        self.commands = list(params["commands"])
        return True

    async def _m_sendChatAction(self, params: dict[str, Any]) -> Any:
        return True

    async def _m_answerCallbackQuery(self, params: dict[str, Any]) -> Any:
        self.answers.append(params)
        return True

    async def _m_sendMessage(self, params: dict[str, Any]) -> Any:
        return self._record(params, "sendMessage", text=str(params["text"])).as_message()

    async def _m_sendPhoto(self, params: dict[str, Any]) -> Any:
        return self._record(params, "sendPhoto", media=str(params.get("photo"))).as_message()

    async def _m_sendDocument(self, params: dict[str, Any]) -> Any:
        return self._record(params, "sendDocument", media=str(params.get("document"))).as_message()

    async def _m_editMessageReplyMarkup(self, params: dict[str, Any]) -> Any:
        with self._lock:
            for message in self.sent:
                if message.message_id == int(params["message_id"]):
                    message.reply_markup = params.get("reply_markup")
                    return message.as_message()
        raise LookupError("message to edit not found")

    async def _m_getFile(self, params: dict[str, Any]) -> Any:
        file_id = str(params["file_id"])
        if file_id not in self.files:
            raise LookupError("wrong file_id")
        path, data = self.files[file_id]
        return {
            "file_id": file_id,
            "file_unique_id": file_id[:8],
            "file_size": len(data),
            "file_path": path,
        }

    def _record(self, params: dict[str, Any], method: str, **values: Any) -> Sent:
        with self._lock:
            sent = Sent(
                message_id=next(self._message_ids),
                chat_id=int(params["chat_id"]),
                method=method,
                reply_markup=params.get("reply_markup"),
                **values,
            )
            self.sent.append(sent)
            return sent

    # The doctor's side ----------------------------------------------------------------------

    def push(self, update: dict[str, Any]) -> int:
        """Delivers an update (keeps its update_id if it has one: a redelivery)."""
        update = dict(update)
        update.setdefault("update_id", next(self._update_ids))
        redelivery = update["update_id"] in self._pushed
        self._pushed.add(update["update_id"])
        if self.webhook:
            self._post_to_webhook(update)
            return int(update["update_id"])
        with self._lock:
            self._pending.append({**update, "_delivered": False, "_redelivery": redelivery})
        assert self._loop is not None and self._wakeup is not None
        self._loop.call_soon_threadsafe(self._wakeup.set)
        return int(update["update_id"])

    def _post_to_webhook(self, update: dict[str, Any]) -> None:
        assert self.webhook is not None
        response = httpx.post(
            str(self.webhook["url"]),
            json=update,
            headers={"X-Telegram-Bot-Api-Secret-Token": str(self.webhook.get("secret_token"))},
            timeout=120,
        )
        self.webhook_responses.append(response.status_code)

    def message_update(self, chat_id: int, **content: Any) -> dict[str, Any]:
        user = {"id": chat_id, "is_bot": False, "first_name": "Mario", "language_code": "it"}
        message = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private", "first_name": "Mario"},
            "from": user,
            **content,
        }
        return {"update_id": next(self._update_ids), "message": message}

    def say(self, chat_id: int, text: str) -> int:
        content: dict[str, Any] = {"text": text}
        if text.startswith("/"):
            length = len(text.split()[0])
            content["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        return self.push(self.message_update(chat_id, **content))

    def add_file(self, data: bytes, declared_size: int | None = None) -> dict[str, Any]:
        file_id = f"file-{uuid.uuid4().hex}"
        self.files[file_id] = (f"documents/{file_id}.bin", data)
        size = len(data) if declared_size is None else declared_size
        return {"file_id": file_id, "file_unique_id": file_id[5:13], "file_size": size}

    def send_document(
        self, chat_id: int, data: bytes, name: str, declared_size: int | None = None
    ) -> int:
        document = {**self.add_file(data, declared_size), "file_name": name}
        return self.push(self.message_update(chat_id, document=document))

    def send_photo(self, chat_id: int, data: bytes, media_group_id: str | None = None) -> int:
        large = {**self.add_file(data), "width": 1280, "height": 960}
        small = {**self.add_file(data[:100]), "width": 90, "height": 68}
        content: dict[str, Any] = {"photo": [small, large]}
        if media_group_id:
            content["media_group_id"] = media_group_id
        return self.push(self.message_update(chat_id, **content))

    def click(self, chat_id: int, message: Sent, title: str) -> int:
        """Clicks the button whose title contains `title` under a message the bot sent."""
        button = next(b for b in message.buttons() if title in b["text"])
        query = {
            "id": uuid.uuid4().hex,
            "from": {"id": chat_id, "is_bot": False, "first_name": "Mario"},
            "chat_instance": str(chat_id),
            "data": button["callback_data"],
            "message": message.as_message(),
        }
        return self.push({"update_id": next(self._update_ids), "callback_query": query})

    def fail_next(
        self, method: str, count: int = 1, status: int = 429, retry_after: int = 1
    ) -> None:
        extra = {"description": "Too Many Requests: retry later", "retry_after": retry_after}
        with self._lock:
            self.failures.setdefault(method, []).extend((status, dict(extra)) for _ in range(count))

    # Reading what the bot did ---------------------------------------------------------------

    def messages(self, chat_id: int) -> list[Sent]:
        with self._lock:
            return [m for m in self.sent if m.chat_id == chat_id]

    def wait_for_messages(
        self,
        chat_id: int,
        after: int = 0,
        until: Callable[[list[Sent]], bool] | None = None,
        timeout: float = 60,
        settle: float = 1.0,
    ) -> list[Sent]:
        """The messages sent to the chat after the first `after`, once `until` holds and no more
        arrive for `settle` seconds (default: at least one message)."""
        check = until or bool
        deadline = time.monotonic() + timeout
        last_count, last_change = -1, time.monotonic()
        while time.monotonic() < deadline:
            new = self.messages(chat_id)[after:]
            if len(new) != last_count:
                last_count, last_change = len(new), time.monotonic()
            if check(new) and time.monotonic() - last_change >= settle:
                return new
            time.sleep(0.1)
        raise AssertionError(
            f"no expected messages; got {[m.text for m in self.messages(chat_id)[after:]]}"
        )

    def called(self, method: str) -> list[dict[str, Any]]:
        with self._lock:
            return [params for name, params in self.calls if name == method]

    def wait_until(self, condition: Callable[[], bool], timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise AssertionError("condition never met")
            time.sleep(0.1)

    def wait_for_call(self, method: str, timeout: float = 60) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.called(method)
            if found:
                return found[-1]
            time.sleep(0.1)
        raise AssertionError(f"{method} never called")


def _error(status: int, description: str, **parameters: Any) -> web.Response:
    body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
    if parameters:
        body["parameters"] = parameters
    return web.json_response(body, status=status)


async def _params(request: web.Request) -> dict[str, Any]:
    if request.content_type == "application/json":
        return dict(await request.json())
    raw = dict(request.query)
    if request.method == "POST":
        form = await request.post()
        raw.update({k: v for k, v in form.items() if isinstance(v, str)})
    return {k: (json.loads(v) if k in _JSON_FIELDS else v) for k, v in raw.items()}


def texts_of(messages: list[Sent]) -> str:
    return "\n".join(m.text for m in messages)
