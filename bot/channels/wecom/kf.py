"""微信客服 (WeChat customer service): customers outside the organisation write from plain WeChat.

The callback only announces `kf_msg_or_event` (with a short-lived Token); the messages are pulled with
kf/sync_msg from the saved cursor, answered with kf/send_msg, and the cursor saved after every page.
Each msgid is claimed on disk before it is answered, so a crash — after answering, or before the cursor
was saved — answers nobody twice.
A customer may be answered for 48 hours after each message, with at most 5 messages; the welcome on
`enter_session` goes through kf/send_msg_on_event with the event's one-time welcome_code, as does the answer
after a handoff (bot/channels/wecom/kf_handoff.py) with the code the state change returned.
"""
from __future__ import annotations

import asyncio
import logging
from functools import partial
from typing import Awaitable, Callable, Protocol

from bot.outbox import RecipientGone, SendError
from bot.channels.wecom.api import ApiError, WeComApi
from bot.channels.wecom.render import TEXT_LIMIT, clip, kf_messages
from bot.channels.wecom.state import WeComState
from bot.choices import numbered
from bot.config import Settings
from bot.messages import Incoming, Reply

log = logging.getLogger(__name__)

PLATFORM = "wecom_kf"
CUSTOMER = 3                           # msg_list origin: 3 customer, 4 system event, 5 human servicer
WINDOW_SECONDS = 48 * 3600
WINDOW_MESSAGES = 5
DEDUP_TTL = 3 * 86400                  # sync_msg without a cursor reaches back 3 days
STARTUP_GRACE = 300                    # first sync ever: history older than start - this is not answered
GONE = {40096, 84061}                  # invalid external_userid; no relationship with this customer
WINDOW_CLOSED = {95001, 95002, 95013}  # message count limit; 48-hour limit; session already ended


def chat_id(open_kfid: str, external_userid: str) -> str:
    return f"{open_kfid}:{external_userid}"


class ReplyWindow:
    """How many more messages each customer may receive. A customer we have not heard from since the
    process started is left to the platform to judge."""

    def __init__(self, now: Callable[[], float], limit: int = 50_000):
        self._now, self._limit = now, limit
        self._open: dict[str, tuple[float, int]] = {}        # chat → (opened at, messages sent)

    def opened(self, chat: str, at: float) -> None:
        if len(self._open) >= self._limit:
            horizon = self._now() - WINDOW_SECONDS
            self._open = {k: v for k, v in self._open.items() if v[0] > horizon}
        self._open.pop(chat, None)
        self._open[chat] = (at, 0)

    def take(self, chat: str, wanted: int) -> int:
        if chat not in self._open:
            return wanted
        at, used = self._open[chat]
        if self._now() - at > WINDOW_SECONDS:
            return 0
        granted = max(0, min(wanted, WINDOW_MESSAGES - used))
        self._open[chat] = (at, used + granted)
        return granted


class Handoff(Protocol):
    """What the pull loop needs from the 微信客服 handoff (bot/channels/wecom/kf_handoff.py)."""

    async def status_changed(self, event: dict) -> None: ...

    async def people_serve(self, chat: str) -> bool: ...


class KfOutbox:
    platform = PLATFORM

    def __init__(self, api: WeComApi, window: ReplyWindow):
        self._api, self._window = api, window
        self._codes: dict[str, str] = {}          # chat → msg_code for its next answer

    def answer_with_code(self, chat_id: str, code: str) -> None:
        """The next answer to this chat goes out with `code` (from a session state change)."""
        self._codes[chat_id] = code

    async def send(self, chat_id: str, reply: Reply) -> None:
        open_kfid, _, user = chat_id.partition(":")
        if not (open_kfid and user):
            raise RecipientGone(f"not a {PLATFORM} chat id")
        if code := self._codes.pop(chat_id, None):
            await self.on_event(code, reply)
            return
        bodies = kf_messages(reply)
        allowed = self._window.take(chat_id, len(bodies))
        if not allowed:
            raise SendError("outside 微信客服's reply window (48 hours, 5 messages)", permanent=True)
        if allowed < len(bodies):
            log.warning("kf reply trimmed to %d of %d messages by the reply window", allowed, len(bodies))
        for body in bodies[:allowed]:
            await self._call("kf/send_msg", {"touser": user, "open_kfid": open_kfid, **body})

    async def on_event(self, code: str, reply: Reply) -> None:
        """The one message a welcome_code or msg_code allows (valid 20 s, once)."""
        bodies = kf_messages(reply)
        body = bodies[0] if len(bodies) == 1 else {"msgtype": "text",
                                                    "text": {"content": clip(numbered(reply), TEXT_LIMIT)}}
        await self._call("kf/send_msg_on_event", {"code": code, **body})

    async def _call(self, path: str, body: dict) -> None:
        try:
            await self._api.call(path, body)
        except ApiError as exc:
            if exc.errcode in GONE:
                raise RecipientGone(exc.reason) from None
            if exc.errcode in WINDOW_CLOSED:
                raise SendError(f"reply window closed: {exc.reason}", permanent=True) from None
            raise


class KfSync:
    """One pull loop per 微信客服 account at a time; a callback during a pull schedules one more pull."""

    def __init__(self, api: WeComApi, state: WeComState, handle: Callable[[Incoming], Awaitable[Reply | None]],
                 outbox: KfOutbox, window: ReplyWindow, settings: Settings, now: Callable[[], float],
                 handoff: Handoff):
        self._api, self._state, self._handle, self._outbox = api, state, handle, outbox
        self._handoff = handoff
        self._window, self._settings, self._now = window, settings, now
        self._kfids = set(settings.wecom_kf_open_kfids)
        self._started = now()
        self._again: dict[str, str] = {}                     # open_kfid → callback token for the next pull
        self._tasks: dict[str, asyncio.Task] = {}

    def kick(self, open_kfid: str, token: str = "") -> None:
        if open_kfid not in self._kfids:
            log.warning("kf event for an open_kfid not in WECOM_KF_OPEN_KFIDS; ignored")
            return
        self._again[open_kfid] = token
        task = self._tasks.get(open_kfid)
        if task is None or task.done():
            self._tasks[open_kfid] = asyncio.ensure_future(self._run(open_kfid))

    def resume(self) -> None:
        """After a restart: pull what arrived while we were down (only where a cursor exists)."""
        for open_kfid in sorted(self._kfids):
            if self._state.cursor(open_kfid):
                self.kick(open_kfid)

    async def idle(self) -> None:
        """Waits until no pull is running (tests, shutdown)."""
        while running := [t for t in self._tasks.values() if not t.done()]:
            await asyncio.wait(running)

    async def stop(self, grace: float = 10.0) -> None:
        """Lets running pulls finish (up to `grace` seconds), then cancels them."""
        self._again.clear()
        if running := [t for t in self._tasks.values() if not t.done()]:
            _, pending = await asyncio.wait(running, timeout=grace)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)

    async def _run(self, open_kfid: str) -> None:
        while open_kfid in self._again:
            token = self._again.pop(open_kfid)
            try:
                await self._drain(open_kfid, token)
            except SendError as exc:
                log.warning("kf sync_msg failed (%s); the next event resumes from the saved cursor", exc)
            except OSError:                 # a claim could not be saved (logged there): the next pull retries
                pass
            except Exception:
                log.exception("kf sync failed")

    async def _drain(self, open_kfid: str, token: str) -> None:
        cursor = self._state.cursor(open_kfid)
        not_before = self._started - STARTUP_GRACE if not cursor else self._now() - WINDOW_SECONDS
        while True:
            body = {"open_kfid": open_kfid, "limit": 1000}
            body.update({k: v for k, v in (("cursor", cursor), ("token", token)) if v})
            data = await self._api.call("kf/sync_msg", body)
            await self._answer_page(data.get("msg_list") or [], not_before)
            cursor = data.get("next_cursor") or cursor
            self._state.set_cursor(open_kfid, cursor)
            await self._state.save()
            if not data.get("has_more"):
                return

    async def _answer_page(self, msgs: list[dict], not_before: float) -> None:
        """The page's new messages are claimed together (one write), then handled in order."""
        todo: dict[str, Callable[[], Awaitable[None]]] = {}
        for msg in msgs:
            key = f"kf:{msg.get('msgid', '')}"
            if key == "kf:" or key in todo or self._state.seen(key):
                continue
            if float(msg.get("send_time") or 0) < not_before:
                log.info("kf message from before the reply horizon skipped")
            elif (step := self._prepare(msg)) is not None:
                todo[key] = step
        claimed = await asyncio.gather(*(self._state.claim(key, DEDUP_TTL) for key in todo))
        for step, fresh in zip(todo.values(), claimed):
            if fresh:
                await step()

    def _prepare(self, msg: dict) -> Callable[[], Awaitable[None]] | None:
        """What to do for a customer's message, enter_session (the welcome) or a session that people took or
        ended; None for anything that needs nothing."""
        event = msg.get("event") or {}
        if msg.get("msgtype") == "event":
            if event.get("event_type") == "session_status_change":
                return partial(self._handoff.status_changed, event)
            if event.get("event_type") == "msg_send_fail":
                log.warning("kf message %s did not reach the customer (fail_type %s)",
                            event.get("fail_msgid"), event.get("fail_type"))
            if event.get("event_type") != "enter_session" or not event.get("welcome_code"):
                return None
            incoming = self._incoming(event.get("open_kfid", ""), event.get("external_userid", ""), "/start")
            return partial(self._reply, incoming, partial(self._outbox.on_event, event["welcome_code"]))
        if msg.get("origin") != CUSTOMER:
            return None
        text = msg.get("text") or {}
        menu_id = text.get("menu_id") or None           # a msgmenu click carries the button's payload
        incoming = self._incoming(msg.get("open_kfid", ""), msg.get("external_userid", ""),
                                  "" if menu_id else text.get("content", ""), menu_id)
        self._window.opened(incoming.chat_id, float(msg.get("send_time") or self._now()))
        return partial(self._reply, incoming, partial(self._outbox.send, incoming.chat_id))

    async def _reply(self, incoming: Incoming, send: Callable[[Reply], Awaitable[None]]) -> None:
        if await self._handoff.people_serve(incoming.chat_id):   # else the session ended: the bot is back
            log.info("kf message left to the people serving the customer")
            return
        if (reply := await self._handle(incoming)) is not None:
            try:
                await send(reply)
            except SendError as exc:
                log.warning("kf reply not delivered: %s", exc)

    def _incoming(self, open_kfid: str, user: str, text: str, payload: str | None = None) -> Incoming:
        """Staff in 微信客服 are listed as wecom_kf:<external_userid>."""
        return Incoming(PLATFORM, chat_id(open_kfid, user), user, text=text, payload=payload,
                        is_staff=self._settings.is_staff(PLATFORM, user))
