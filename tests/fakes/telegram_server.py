"""A fake Telegram Bot API on 127.0.0.1: the real python-telegram-bot client talks to it over HTTP.

It is strict where Telegram is (HTML that would not parse, text over 4096, callback_data over 64 bytes,
empty text, malformed commands → 400), records every call and every message, lets a test queue updates
for getUpdates long polling, and injects faults: 429 with retry_after, 5xx storms, 403 for blocked users.

    async with FakeBotApi() as api:
        settings = ... TELEGRAM_BOT_TOKEN=api.token, TELEGRAM_API_BASE_URL=api.base_url ...
        api.push_message("/start", user_id=42)
        [reply] = await api.wait_sent(1, chat_id=42)
        api.fail("sendMessage", status=429, retry_after=1)    # next sendMessage is rate limited
        api.block(42)                                          # 42 blocked the bot: 403 from now on
        api.hold(42) … api.release(42)                         # replies to 42 wait until released
"""
from __future__ import annotations

import asyncio
import html
import json
import re
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any, Callable

from aiohttp import web

HOST = "127.0.0.1"
MAX_TEXT = 4096
MAX_CALLBACK_DATA = 64
JSON_FIELDS = {"reply_markup", "commands", "scope", "allowed_updates", "entities", "link_preview_options",
               "reply_parameters"}
HTML_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler", "a", "code",
             "pre", "blockquote", "tg-emoji"}
TAG = re.compile(r"<(/?)([a-zA-Z-]+)((?:\s+[^<>]*)?)>")
ENTITY = re.compile(r"&(lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);")
COMMAND = re.compile(r"^[a-z0-9_]{1,32}$")
NUMERIC_FIELDS = {"chat_id", "offset", "limit", "timeout", "message_id"}
BLOCKED = "Forbidden: bot was blocked by the user"


class Refused(Exception):
    """An API error reply: status, description and optional response parameters."""

    def __init__(self, status: int, description: str, parameters: dict | None = None):
        super().__init__(description)
        self.status, self.description, self.parameters = status, description, parameters


@dataclass
class Call:
    method: str
    params: dict
    at: float = field(default_factory=time.monotonic)


@dataclass
class Fault:
    status: int
    description: str
    retry_after: int | None = None


def plain_text(markup: str) -> str:
    """What an HTML-mode text reads as once Telegram parsed it; raises Refused where Telegram would."""
    stack: list[str] = []
    out, pos = [], 0
    for m in re.finditer(r"<[^>]*>?|&[^;\s<]*;?", markup):
        out.append(markup[pos:m.start()])
        pos = m.end()
        token = m.group()
        if token.startswith("&"):
            if not ENTITY.fullmatch(token):
                raise Refused(400, f"Bad Request: can't parse entities: unsupported entity {token!r}")
            out.append(html.unescape(token))
            continue
        tag = TAG.fullmatch(token)
        if not tag or tag.group(2).lower() not in HTML_TAGS:
            raise Refused(400, f"Bad Request: can't parse entities: unsupported tag {token!r}")
        closing, name = tag.group(1), tag.group(2).lower()
        if closing:
            if not stack or stack.pop() != name:
                raise Refused(400, f"Bad Request: can't parse entities: unexpected end tag {name!r}")
        else:
            stack.append(name)
    if stack:
        raise Refused(400, f"Bad Request: can't parse entities: unclosed tag {stack[-1]!r}")
    out.append(markup[pos:])
    return "".join(out)


def number(value: str) -> int | float | str:
    """Form values arrive as text; "@channel" chat ids stay text."""
    try:
        return int(value)
    except ValueError:
        try:
            return float(value)
        except ValueError:
            return value


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


class FakeBotApi:
    def __init__(self, token: str = "123456:FAKE-token-for-tests_only", bot_id: int = 777000,
                 username: str = "CanalTownBot"):
        self.token = token
        self.me = {"id": bot_id, "is_bot": True, "first_name": "运河财富小镇助手", "username": username}
        self.calls: list[Call] = []
        self.sent: list[dict] = []               # every message the bot sent (sendMessage results + "at")
        self.edits: list[dict] = []              # every editMessageText result
        self.callback_answers: list[dict] = []
        self.commands: dict[tuple, list[dict]] = {}   # (scope type, chat_id or None) → commands
        self.localized_commands: dict[tuple, list[dict]] = {}   # (language_code, scope type, chat_id) → commands
        self.languages: dict[int, str] = {}   # user id → the language_code their client sends (default zh-hans)
        self.webhook: dict | None = None
        self.pushed_at: dict[int, float] = {}    # update_id → monotonic time it became available
        self.blocked: dict[int | str, str] = {}  # chat_id → 403 description
        self.confirmed = 0                       # highest getUpdates offset: updates below it were received
        self._faults: dict[str, deque[Fault]] = defaultdict(deque)
        self._held: dict[int | str, asyncio.Event] = {}     # chat_id → released when set
        self._updates: list[dict] = []
        self._next_update_id = 1
        self._message_ids: dict[Any, int] = defaultdict(int)
        self._changed: asyncio.Condition | None = None
        self._runner: web.AppRunner | None = None
        self._closing = False
        self.port = 0

    # ------------------------------------------------------------------ lifecycle

    @property
    def base_url(self) -> str:
        """What TELEGRAM_API_BASE_URL should be: the client appends `{token}/{method}`."""
        return f"http://{HOST}:{self.port}/bot"

    async def start(self) -> "FakeBotApi":
        self._changed = asyncio.Condition()
        app = web.Application()
        app.router.add_route("*", "/{prefix}/{method}", self._handle)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, HOST, 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]
        return self

    async def stop(self) -> None:
        self._closing = True
        for held in self._held.values():
            held.set()
        await self._notify()
        if self._runner is not None:
            await self._runner.cleanup()

    async def __aenter__(self) -> "FakeBotApi":
        return await self.start()

    async def __aexit__(self, *exc) -> None:
        await self.stop()

    # ------------------------------------------------------------------ driving the bot

    def push(self, update: dict) -> int:
        """Queues an update for getUpdates (an `update_id` is assigned) and returns its id."""
        update_id = self._next_update_id
        self._next_update_id += 1
        self._updates.append({"update_id": update_id, **update})
        self.pushed_at[update_id] = time.monotonic()
        self._notify_soon()
        return update_id

    def user(self, user_id: int) -> dict:
        return {"id": user_id, "is_bot": False, "first_name": f"用户{user_id}",
                "language_code": self.languages.get(user_id, "zh-hans")}

    def chat(self, chat_id: int, chat_type: str | None = None, user_id: int | None = None) -> dict:
        chat_type = chat_type or ("private" if chat_id > 0 else "supergroup")
        if chat_type == "private":
            return {"id": chat_id, "type": "private", "first_name": f"用户{user_id or chat_id}"}
        return {"id": chat_id, "type": chat_type, "title": "小镇企业群"}

    def message(self, text: str | None = None, *, user_id: int = 1001, chat_id: int | None = None,
                chat_type: str | None = None, reply_to_bot: bool = False, reply_to: int | None = None,
                **extra) -> dict:
        """A Message object as Telegram sends it, with entities for commands and @mentions; `reply_to` quotes
        the bot's message with that id (`reply_to_bot`: some earlier message of the bot's)."""
        chat_id = chat_id if chat_id is not None else user_id
        self._message_ids[chat_id] += 1
        msg: dict = {"message_id": self._message_ids[chat_id], "date": int(time.time()),
                     "chat": self.chat(chat_id, chat_type, user_id), "from": self.user(user_id), **extra}
        if text is not None:
            msg["text"] = text
            entities = [{"type": "mention", "offset": utf16_len(text[:m.start()]), "length": utf16_len(m.group())}
                        for m in re.finditer(r"@\w+", text)]
            if m := re.match(r"/\w+(@\w+)?", text):
                entities.insert(0, {"type": "bot_command", "offset": 0, "length": utf16_len(m.group())})
            if entities:
                msg["entities"] = entities
        if reply_to_bot or reply_to is not None:
            msg["reply_to_message"] = {"message_id": reply_to or 1, "date": int(time.time()), "chat": msg["chat"],
                                       "from": self.me, "text": "（机器人之前的消息）"}
        return msg

    def push_message(self, text: str | None = None, **kwargs) -> int:
        return self.push({"message": self.message(text, **kwargs)})

    def push_sticker(self, **kwargs) -> int:
        sticker = {"file_id": "CAACAgIAAxkBAAEfake", "file_unique_id": "AgADfake", "type": "regular",
                   "width": 512, "height": 512, "is_animated": False, "is_video": False, "emoji": "👍"}
        return self.push({"message": self.message(sticker=sticker, **kwargs)})

    def push_photo(self, caption: str | None = None, **kwargs) -> int:
        photo = [{"file_id": "AgACAgIAAxkBAAEfake", "file_unique_id": "AQADfake", "width": 90, "height": 90}]
        extra = {"caption": caption} if caption else {}
        return self.push({"message": self.message(photo=photo, **extra, **kwargs)})

    def push_callback(self, data: str, *, user_id: int = 1001, chat_id: int | None = None) -> int:
        """A press on an inline button of the bot's last message in that chat."""
        chat_id = chat_id if chat_id is not None else user_id
        pressed = next((m for m in reversed(self.sent) if m["chat"]["id"] == chat_id), None)
        message = pressed or {"message_id": 1, "date": int(time.time()), "chat": self.chat(chat_id, None, user_id),
                              "from": self.me, "text": "菜单"}
        message = {k: v for k, v in message.items() if k not in ("at", "html")}
        query = {"id": f"cq{self._next_update_id}", "from": self.user(user_id), "chat_instance": f"ci{chat_id}",
                 "message": message, "data": data}
        return self.push({"callback_query": query})

    # ------------------------------------------------------------------ faults

    def fail(self, method: str = "*", status: int = 500, *, times: int = 1, description: str = "",
             retry_after: int | None = None) -> None:
        """The next `times` calls of `method` ("*" = any method) fail with `status`."""
        description = description or (f"Too Many Requests: retry after {retry_after}" if retry_after
                                      else HTTPStatus(status).phrase)
        self._faults[method].extend(Fault(status, description, retry_after) for _ in range(times))

    def flood(self, method: str = "sendMessage", retry_after: int = 1, times: int = 1) -> None:
        self.fail(method, 429, times=times, retry_after=retry_after)

    def block(self, chat_id: int, description: str = BLOCKED) -> None:
        """From now on messages to `chat_id` get 403 (blocked, kicked, deactivated: pass the wording)."""
        self.blocked[chat_id] = description

    def hold(self, chat_id: int) -> None:
        """sendMessage to `chat_id` does not answer until release(chat_id): a slow reply, on demand."""
        self._held[chat_id] = asyncio.Event()

    def release(self, chat_id: int) -> None:
        self._held.pop(chat_id).set()

    # ------------------------------------------------------------------ inspecting

    def calls_to(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    def sent_to(self, chat_id: int) -> list[dict]:
        return [m for m in self.sent if m["chat"]["id"] == chat_id]

    async def wait_for(self, predicate: Callable[[], Any], timeout: float = 5.0) -> Any:
        """Waits until predicate() is truthy and returns its value; TimeoutError after `timeout`."""
        async with asyncio.timeout(timeout):
            async with self._changed:
                while not (value := predicate()):
                    await self._changed.wait()
                return value

    async def wait_sent(self, count: int = 1, chat_id: int | None = None, timeout: float = 5.0) -> list[dict]:
        """Waits until at least `count` messages went to `chat_id` (any chat if None); returns them all."""
        def enough():
            sent = self.sent if chat_id is None else self.sent_to(chat_id)
            return sent if len(sent) >= count else None
        return await self.wait_for(enough, timeout)

    # ------------------------------------------------------------------ the API

    async def _notify(self) -> None:
        if self._changed is not None:
            async with self._changed:
                self._changed.notify_all()

    def _notify_soon(self) -> None:
        try:
            asyncio.get_running_loop().create_task(self._notify())
        except RuntimeError:          # pushed before the loop runs: getUpdates will see it anyway
            pass

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["prefix"] != f"bot{self.token}":
            return self._error(Refused(401, "Unauthorized"))
        method = request.match_info["method"]
        params = await self._params(request)
        self.calls.append(Call(method, params))
        try:
            fault = self._take_fault(method)
            if fault is not None:
                extra = {"retry_after": fault.retry_after} if fault.retry_after else None
                raise Refused(fault.status, fault.description, extra)
            handler = getattr(self, f"_api_{method}", None)
            if handler is None:
                raise Refused(404, "Not Found: method not found")
            result = await handler(params)
        except Refused as exc:
            await self._notify()
            return self._error(exc)
        await self._notify()
        return web.json_response({"ok": True, "result": result})

    @staticmethod
    def _error(exc: Refused) -> web.Response:
        body = {"ok": False, "error_code": exc.status, "description": exc.description}
        if exc.parameters:
            body["parameters"] = exc.parameters
        return web.json_response(body, status=exc.status)

    @staticmethod
    async def _params(request: web.Request) -> dict:
        if request.content_type == "application/json":
            return await request.json()
        params = dict(await request.post()) if request.can_read_body else dict(request.query)
        for key, value in params.items():
            if key in JSON_FIELDS and isinstance(value, str):
                params[key] = json.loads(value)
            elif key in NUMERIC_FIELDS and isinstance(value, str):
                params[key] = number(value)
        return params

    def _take_fault(self, method: str) -> Fault | None:
        for key in (method, "*"):
            if self._faults[key]:
                return self._faults[key].popleft()
        return None

    async def _api_getMe(self, params: dict) -> dict:
        return {**self.me, "can_join_groups": True, "can_read_all_group_messages": False,
                "supports_inline_queries": False}

    async def _api_deleteWebhook(self, params: dict) -> bool:
        self.webhook = None
        if str(params.get("drop_pending_updates", "")).lower() == "true":
            self._updates.clear()
        return True

    async def _api_setWebhook(self, params: dict) -> bool:
        if not str(params.get("url", "")).startswith("https://"):
            raise Refused(400, "Bad Request: bad webhook: An HTTPS URL must be provided for webhook")
        self.webhook = params
        return True

    async def _api_getUpdates(self, params: dict) -> list[dict]:
        if self.webhook:
            raise Refused(409, "Conflict: can't use getUpdates method while webhook is active; "
                               "use deleteWebhook to delete the webhook first")
        offset, limit = params.get("offset", 0), params.get("limit", 100)
        self.confirmed = max(self.confirmed, offset)
        if offset:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        if not self._updates and params.get("timeout") and not self._closing:
            try:
                await self.wait_for(lambda: self._updates or self._closing, timeout=params["timeout"])
            except TimeoutError:
                pass
        return self._updates[:limit]

    def _message_to(self, params: dict) -> dict:
        chat_id = params.get("chat_id")
        if chat_id in self.blocked:
            raise Refused(403, self.blocked[chat_id])
        text = params.get("text") or ""
        if params.get("parse_mode") == "HTML":
            text = plain_text(text)
        if not text.strip():
            raise Refused(400, "Bad Request: message text is empty")
        if utf16_len(text) > MAX_TEXT:
            raise Refused(400, "Bad Request: message is too long")
        markup = params.get("reply_markup")
        for row in (markup or {}).get("inline_keyboard", []):
            for button in row:
                if len(button.get("callback_data", "").encode()) > MAX_CALLBACK_DATA:
                    raise Refused(400, "Bad Request: BUTTON_DATA_INVALID")
        self._message_ids[chat_id] += 1
        message = {"message_id": self._message_ids[chat_id], "date": int(time.time()),
                   "chat": self.chat(chat_id) if isinstance(chat_id, int) else {"id": chat_id, "type": "channel"},
                   "from": self.me, "text": text}
        if markup:
            message["reply_markup"] = markup
        return message

    async def _api_sendMessage(self, params: dict) -> dict:
        if (held := self._held.get(params.get("chat_id"))) is not None:
            await self._notify()
            await held.wait()
        message = self._message_to(params)
        self.sent.append({**message, "html": params.get("text"), "at": time.monotonic()})
        return message

    async def _api_editMessageText(self, params: dict) -> dict:
        message = self._message_to(params)
        message["message_id"] = params.get("message_id")
        self.edits.append({**message, "html": params.get("text"), "at": time.monotonic()})
        return message

    async def _api_answerCallbackQuery(self, params: dict) -> bool:
        self.callback_answers.append(params)
        return True

    async def _api_setMyCommands(self, params: dict) -> bool:
        commands = params.get("commands") or []
        for c in commands:
            if not COMMAND.match(c.get("command", "")) or not 1 <= len(c.get("description", "")) <= 256:
                raise Refused(400, "Bad Request: BOT_COMMAND_INVALID")
        scope = params.get("scope") or {"type": "default"}
        if params.get("language_code"):
            self.localized_commands[(params["language_code"], scope["type"], scope.get("chat_id"))] = commands
        else:
            self.commands[(scope["type"], scope.get("chat_id"))] = commands
        return True
