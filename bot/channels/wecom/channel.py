"""The WeCom callback server: one URL for the self-built app's messages and 微信客服 events.

GET  /wecom/callback  URL verification (decrypt and echo `echostr`).
POST /wecom/callback  an encrypted message. App messages are answered passively (encrypted XML in the HTTP
response) when the answer is ready within REPLY_WITHIN seconds and fits one message; otherwise the callback
is acknowledged at once and the answer sent with message/send. WeCom retries a callback it got no answer
to within 5 s (3 times): each MsgId is answered once, also across restarts and crashes — it is claimed on
disk before any answer leaves, and kept for as long as a replay of the callback would be accepted.
`kf_msg_or_event` only starts a 微信客服 pull (bot/channels/wecom/kf.py).
"""
from __future__ import annotations

import asyncio
import logging
import secrets
import time
from typing import Any, Awaitable, Callable

from aiohttp import web

from bot.outbox import SendError
from bot.channels.pacing import Pacer
from bot.channels.wecom.api import WeComApi
from bot.channels.wecom.app import PER_MEMBER, AppOutbox, dedup_key, to_incoming
from bot.channels.wecom.crypto import MAX_XML_BYTES, TIMESTAMP_WINDOW, CallbackError, WeComCrypto, to_xml
from bot.channels.wecom.kf import KfOutbox, KfSync, ReplyWindow
from bot.channels.wecom.kf_handoff import KfHandoff
from bot.channels.wecom.state import WeComState
from bot.choices import Choices
from bot.config import Settings
from bot.flood import NOTICE, FloodControl, Verdict
from bot.inbound import BUSY, InboundQueue
from bot.messages import Incoming, Reply
from bot.router import Router

log = logging.getLogger(__name__)

CALLBACK_PATH = "/wecom/callback"
REPLY_WITHIN = 3.0          # seconds to wait for a passive answer; WeCom gives up at 5
# A callback is accepted while its signed timestamp is within TIMESTAMP_WINDOW of our clock, and it may be
# dated that far ahead: the same bytes can come back up to twice the window after they first arrived.
APP_DEDUP_TTL = 2 * TIMESTAMP_WINDOW + 60
STOP_GRACE = 10.0           # seconds stop() lets pending active answers finish


async def read_capped(request: web.Request, limit: int = MAX_XML_BYTES) -> bytes:
    if request.content_length is not None and request.content_length > limit:
        raise CallbackError(413, f"body of {request.content_length} bytes exceeds {limit}")
    if request.content_length is not None:        # as WeCom sends it: the declared length, read in one step
        try:
            return await request.content.readexactly(request.content_length)
        except asyncio.IncompleteReadError:
            raise CallbackError(400, "body shorter than its Content-Length") from None
    data = bytearray()
    async for chunk in request.content.iter_chunked(16 * 1024):
        data += chunk
        if len(data) > limit:
            raise CallbackError(413, f"body exceeds {limit} bytes")
    return bytes(data)


def ack() -> web.Response:
    """WeCom takes an empty 200 as 'received, nothing to reply'."""
    return web.Response(text="")


class WeComChannel:
    def __init__(self, settings: Settings, router: Router, http: web.Application, *,
                 now: Callable[[], float] = time.time,
                 sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
                 reply_within: float = REPLY_WITHIN, api_backoff: float = 0.5,
                 flood: FloodControl | None = None):
        self.settings, self.router, self._now, self._reply_within = settings, router, now, reply_within
        self.flood = flood or FloodControl(router.svc.clock)
        self.inbound = InboundQueue("wecom", settings.inbound_queue, router.svc.clock, router.svc.metrics)
        self.crypto = WeComCrypto(settings.wecom_token, settings.wecom_aes_key, settings.wecom_corp_id)
        self.api = WeComApi(settings.wecom_api_base_url, settings.wecom_corp_id, settings.wecom_secret,
                            now=now, sleep=sleep, backoff=api_backoff)
        self.state = WeComState(settings.data_dir / "wecom_state.json", now=now, commits=router.svc.store.commits)
        self._choices = Choices()
        pacer = Pacer(PER_MEMBER, now=now, sleep=sleep) if settings.pacing else None
        self.app = AppOutbox(self.api, settings.wecom_agent_id, pacer, self._choices)
        router.svc.outboxes[self.app.platform] = self.app
        self.kf: KfSync | None = None
        if settings.wecom_kf_open_kfids:
            window = ReplyWindow(now)
            kf_outbox = KfOutbox(self.api, window)
            handoff = KfHandoff(self.api, self.state, kf_outbox, settings.wecom_kf_servicers)
            self.kf = KfSync(self.api, self.state, self.answer, kf_outbox, window, settings, now, handoff)
            router.svc.outboxes[kf_outbox.platform] = kf_outbox
            router.svc.live_handoff[kf_outbox.platform] = handoff.transfer
        if not settings.wecom_agent_id.isdigit():
            log.warning("WECOM_AGENT_ID is not set: slow or long app answers cannot be delivered")
        self._tasks: set[asyncio.Task] = set()
        http.router.add_get(CALLBACK_PATH, self.verify)
        http.router.add_post(CALLBACK_PATH, self.callback)

    async def start(self) -> None:
        await self.api.start()
        if self.kf:
            self.kf.resume()

    async def stop(self) -> None:
        if self.kf:
            await self.kf.stop()
        if self._tasks:
            _, pending = await asyncio.wait(self._tasks, timeout=STOP_GRACE)
            for task in pending:
                task.cancel()
        await self.state.save()
        await self.api.close()

    async def idle(self) -> None:
        """Waits until every pending active answer and 微信客服 pull is done (tests, benches)."""
        while self._tasks:
            await asyncio.wait(set(self._tasks))
        if self.kf:
            await self.kf.idle()

    async def verify(self, request: web.Request) -> web.Response:
        try:
            echo = self.crypto.verify_url(dict(request.query), self._now())
        except CallbackError as exc:
            return self._refuse(exc)
        return web.Response(body=echo, content_type="text/plain")

    async def callback(self, request: web.Request) -> web.Response:
        try:
            fields = self.crypto.open(dict(request.query), await read_capped(request), self._now())
        except CallbackError as exc:
            return self._refuse(exc)
        if fields.get("MsgType") == "event" and fields.get("Event") == "kf_msg_or_event":
            if self.kf:
                self.kf.kick(fields.get("OpenKfId", ""), fields.get("Token", ""))
            else:
                log.warning("微信客服 event received but WECOM_KF_OPEN_KFIDS is empty; ignored")
            return ack()
        return await self._app_message(fields)

    async def _app_message(self, fields: dict[str, str]) -> web.Response:
        incoming = to_incoming(fields, self.settings, self._choices)
        if incoming is None:
            return ack()
        try:
            if not await self.state.claim(dedup_key(fields), APP_DEDUP_TTL):
                log.info("duplicate wecom callback ignored")
                return ack()
        except OSError:                      # logged by the state; WeCom retries a 5xx
            return web.Response(status=503, text="try again")
        if not self.inbound.enter():         # full: a busy reply now rather than an answer minutes late
            self.router.svc.metrics.updated(incoming.platform, "message", "shed")
            if not self.inbound.notice_due(incoming.user_key):
                return ack()
            return web.Response(text=self._passive(incoming.chat_id, BUSY), content_type="application/xml")
        answering = asyncio.ensure_future(self.answer(incoming))
        answering.add_done_callback(lambda _: self.inbound.leave())
        done, _ = await asyncio.wait({answering}, timeout=self._reply_within)
        if not done:
            self._spawn(self._send_when_ready(incoming.chat_id, answering))
            return ack()
        if (reply := answering.result()) is None:
            return ack()
        texts = self.app.render(incoming.chat_id, reply)
        if len(texts) != 1:
            self._spawn(self._send(incoming.chat_id, texts))
            return ack()
        return web.Response(text=self._passive(incoming.chat_id, texts[0]), content_type="application/xml")

    async def answer(self, incoming: Incoming) -> Reply | None:
        """The router's answer, or the flood notice, or None for someone still paused by flood control."""
        verdict = self.flood.check(incoming.user_key)
        self.router.svc.metrics.updated(incoming.platform, "callback" if incoming.payload else "message",
                                        "answered" if verdict is Verdict.OK else "flood")
        if verdict is Verdict.DROP:
            return None
        if verdict is Verdict.WARN:
            return Reply(NOTICE, intent="help")
        return await self.router.handle(incoming)

    def _passive(self, user: str, text: str) -> str:
        timestamp = str(int(self._now()))
        xml = to_xml({"ToUserName": user, "FromUserName": self.settings.wecom_corp_id, "CreateTime": timestamp,
                      "MsgType": "text", "Content": text})
        return self.crypto.seal(xml, timestamp, secrets.token_hex(8))

    async def _send_when_ready(self, chat_id: str, answering: asyncio.Future[Reply | None]) -> None:
        if (reply := await answering) is not None:
            await self._send(chat_id, self.app.render(chat_id, reply))

    async def _send(self, chat_id: str, texts: list[str]) -> None:
        try:
            await self.app.send_texts(chat_id, texts)
        except SendError as exc:
            log.warning("wecom app answer not delivered: %s", exc)

    def _spawn(self, coro) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    @staticmethod
    def _refuse(exc: CallbackError) -> web.Response:
        log.warning("wecom callback refused (HTTP %d): %s", exc.status, exc)
        return web.Response(status=exc.status, text="refused")
