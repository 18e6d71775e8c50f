"""The Telegram channel: python-telegram-bot 22 running inside the product's own asyncio loop.

Updates arrive by long polling, or — when TELEGRAM_WEBHOOK_URL is set — at POST /telegram/webhook on the
product's one aiohttp server. Each becomes an Incoming for the router; the Reply goes out through
TelegramOutbox (rendering, pacing, retries). The token never reaches a log line.
"""
from __future__ import annotations

import asyncio
import hmac
import json
import logging
from collections import Counter, OrderedDict
from typing import Awaitable, Callable

from aiohttp import web
from telegram import BotCommand, BotCommandScopeChat, Message, MessageEntity, Update
from telegram.error import BadRequest, NetworkError, RetryAfter, TelegramError
from telegram.ext import Application, BaseUpdateProcessor, CallbackQueryHandler, ContextTypes, MessageHandler, filters

from bot.outbox import RecipientGone, SendError
from bot.channels.telegram.http import AiohttpRequest
from bot.channels.telegram.outbox import TelegramOutbox, TelegramPacing, retry_after_seconds
from bot.channels.telegram.updates import problem
from bot.config import Settings
from bot.flood import NOTICE, FloodControl, Verdict
from bot.inbound import BUSY, InboundQueue
from bot.messages import Incoming, Reply
from bot.router import Router, command_of, public_commands, staff_commands

log = logging.getLogger(__name__)

WEBHOOK_PATH = "/telegram/webhook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY]
GROUP_TYPES = ("group", "supergroup")
RECENT_UPDATES = 10_000       # webhook update ids remembered against redelivery (in memory: a restart forgets them)
# Connections for Bot API calls other than getUpdates (TelegramOutbox hands it no more sends than that at once;
# the Delivery service sends as many per platform). Paced, real traffic is 30 sends/s, so with round trips of
# up to ~0.5 s to Telegram about 15 are in flight: 16 leaves pacing, not the pool, the limit.
POOL_SIZE, POOL_TIMEOUT = 16, 10.0
# A busy reply is sent only while the overall send rate lets it out within this many seconds: beyond
# Telegram's 30 messages/s not every shed message can get one, and a late one helps nobody.
BUSY_WITHIN = 5.0


def quiet_http_logs() -> None:
    """PTB's bot logs its API URL, which contains the token, at DEBUG: never below INFO whatever the root
    level. (aiohttp, its HTTP client here, logs no request URLs.)"""
    for name in ("telegram.Bot", "telegram.ext.ExtBot"):
        logging.getLogger(name).setLevel(logging.INFO)


class ChatOrderedProcessor(BaseUpdateProcessor):
    """Many chats at once, one update at a time per chat in arrival order: a paced or slow reply in one
    chat never holds up another, and a user's messages (a multi-turn dialog) are answered in order.
    Updates beyond the inbound queue's limit go to `shed` on arrival instead of waiting their turn."""

    def __init__(self, queue: InboundQueue, shed: Callable[[Update], Awaitable[None]],
                 max_concurrent_updates: int = 256):
        super().__init__(max_concurrent_updates)
        self.queue, self._shed = queue, shed
        self._locks: dict[int, asyncio.Lock] = {}
        self._queued: Counter[int] = Counter()         # updates holding or awaiting each chat's lock

    async def process_update(self, update: object, coroutine: Awaitable) -> None:
        if not isinstance(update, Update):
            await super().process_update(update, coroutine)
            return
        if not self.queue.enter():
            coroutine.close()                          # never started: nothing to clean up
            await self._shed(update)
            return
        try:
            await super().process_update(update, coroutine)
        finally:
            self.queue.leave()

    async def do_process_update(self, update: object, coroutine: Awaitable) -> None:
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is None:
            await coroutine
            return
        lock = self._locks.setdefault(chat.id, asyncio.Lock())
        self._queued[chat.id] += 1
        try:
            async with lock:
                await coroutine
        finally:
            self._queued[chat.id] -= 1
            if not self._queued[chat.id]:
                del self._queued[chat.id], self._locks[chat.id]

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""


class TelegramChannel:
    platform = "telegram"

    def __init__(self, settings: Settings, router: Router, http: web.Application | None = None, *,
                 paced: bool | None = None, poll_timeout: float = 10, retry_delay: float = 1.0,
                 outbox_backoff: float = 0.5):
        """`paced` switches outbound rate limiting on or off whatever BOT_PACING says (tests, benchmarks).
        `retry_delay` is the first wait before retrying start-up calls after a network error; it doubles up
        to a minute."""
        self.settings, self.router = settings, router
        self.webhook = bool(settings.telegram_webhook_url)
        self._recent: OrderedDict[int, None] = OrderedDict()     # the last webhook update ids, oldest first
        quiet_http_logs()
        self.metrics = router.svc.metrics
        self.inbound = InboundQueue(self.platform, settings.inbound_queue, router.svc.clock, self.metrics)
        builder = (Application.builder().token(settings.telegram_bot_token)
                   .base_url(settings.telegram_api_base_url)
                   .concurrent_updates(ChatOrderedProcessor(self.inbound, self._shed)).job_queue(None)
                   .request(AiohttpRequest(POOL_SIZE, pool_timeout=POOL_TIMEOUT))
                   .get_updates_request(AiohttpRequest(1)))
        if self.webhook:
            builder = builder.updater(None)
        self.app = builder.build()
        self.app.add_handler(CallbackQueryHandler(self._on_callback))
        self.app.add_handler(MessageHandler(filters.UpdateType.MESSAGE, self._on_message))
        self.app.add_error_handler(self._on_error)
        paced = settings.pacing if paced is None else paced
        self.outbox = TelegramOutbox(self.app.bot, TelegramPacing() if paced else None, backoff=outbox_backoff,
                                     in_flight=POOL_SIZE)
        router.svc.outboxes[self.platform] = self.outbox
        self.flood = FloodControl(router.svc.clock)
        self.poll_timeout, self.retry_delay = poll_timeout, retry_delay
        self.ready = asyncio.Event()          # set once updates flow
        self._bring_up_task: asyncio.Task | None = None
        if self.webhook and http is not None:
            http.router.add_post(WEBHOOK_PATH, self._on_webhook)

    # ----------------------------------------------------------------- lifecycle

    async def start(self) -> None:
        """Returns at once: connecting to Telegram (retried while the network is down) must not hold up
        the other channels. `ready` is set when updates flow."""
        self._bring_up_task = asyncio.create_task(self._bring_up(), name="telegram bring-up")

    async def stop(self) -> None:
        if self._bring_up_task is not None and not self._bring_up_task.done():
            self._bring_up_task.cancel()
            await asyncio.gather(self._bring_up_task, return_exceptions=True)
        if self.app.updater is not None and self.app.updater.running:
            await self.app.updater.stop()
        if self.app.running:
            await self.app.stop()
        await self.app.shutdown()
        self.ready.clear()

    async def _bring_up(self) -> None:
        bot = self.app.bot
        try:
            await self._retrying("start-up", self.app.initialize)
            await self._register_commands()
            if self.webhook:
                await self._retrying("setWebhook", lambda: bot.set_webhook(
                    self.settings.telegram_webhook_url, secret_token=self.settings.telegram_webhook_secret,
                    allowed_updates=ALLOWED_UPDATES))
            else:
                await self._retrying("polling start", lambda: self.app.updater.start_polling(
                    timeout=self.poll_timeout, allowed_updates=ALLOWED_UPDATES,
                    error_callback=self._on_polling_error))
            await self.app.start()
        except TelegramError as exc:        # a rejected token or webhook URL: retrying cannot help
            log.error("Telegram channel not started: %s: %s", type(exc).__name__, self._safe(exc.message))
            return
        self.ready.set()
        log.info("Telegram channel up as @%s (%s)", bot.username, "webhook" if self.webhook else "long polling")

    async def _retrying(self, what: str, action: Callable[[], Awaitable]) -> None:
        """Network errors and 429s are waited out with growing delays; any other error is raised."""
        delay = self.retry_delay
        while True:
            try:
                await action()
                return
            except RetryAfter as exc:
                wait = retry_after_seconds(exc)
            except BadRequest:
                raise
            except NetworkError as exc:
                wait, delay = delay, min(delay * 2, 60)
                log.warning("Telegram %s failed (%s); retrying in %.1f s", what, self._safe(exc.message), wait)
            await asyncio.sleep(wait)

    async def _register_commands(self) -> None:
        """Public commands for everyone; staff ids also see the staff commands in their private chat."""
        public = [BotCommand(r.key, r.description) for r in public_commands()]
        staff = public + [BotCommand(r.key, r.description) for r in staff_commands()]
        try:
            await self.app.bot.set_my_commands(public)
            await self.app.bot.set_my_commands([BotCommand(r.key, r.en) for r in public_commands()], language_code="en")
        except TelegramError as exc:
            log.warning("Telegram setMyCommands failed: %s", self._safe(exc.message))
        for entry in sorted(self.settings.staff):
            platform, _, user_id = entry.partition(":")
            if platform != self.platform:
                continue
            if not user_id.isdigit():
                log.warning("BOT_STAFF entry %r is not a numeric Telegram user id; skipped", entry)
                continue
            try:
                await self.app.bot.set_my_commands(staff, scope=BotCommandScopeChat(int(user_id)))
            except TelegramError as exc:    # e.g. the staff member has not opened the bot yet
                log.warning("staff commands not set for telegram:%s: %s", user_id, self._safe(exc.message))

    # ----------------------------------------------------------------- updates

    def _count(self, update: Update, outcome: str) -> None:
        kind = "callback" if update.callback_query else "message"
        self.metrics.updated(self.platform, kind, outcome)

    def _text_for_us(self, update: Update) -> str | None:
        """The message's text when it is meant for this bot; None for bots' messages and, in groups,
        messages that do not address it."""
        message, user, chat = update.message, update.effective_user, update.effective_chat
        if message is None or user is None or user.is_bot or chat is None:
            return None
        text = message.text or message.caption or ""
        return self._addressed(message, text) if chat.type in GROUP_TYPES else text

    async def _shed(self, update: Update) -> None:
        """The inbound queue is full: a short busy reply, sent without routing or storage (a toast for a
        button press), once per user per window and only while it can go out soon; else dropped."""
        self._count(update, "shed")
        user, chat, query = update.effective_user, update.effective_chat, update.callback_query
        if user is None or chat is None or (query is None and self._text_for_us(update) is None):
            return
        key = f"{self.platform}:{user.id}"
        try:
            if query is not None:                                # a press always stops its spinner
                await query.answer(BUSY if self.inbound.notice_due(key) else None)
            elif self.outbox.backlog() <= BUSY_WITHIN and self.inbound.notice_due(key):
                await self.outbox.send(str(chat.id), Reply(BUSY, intent="help"))
        except (SendError, TelegramError) as exc:
            log.info("busy reply to update %s not delivered: %s", update.update_id, self._safe(str(exc)))

    async def _on_message(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        user, chat = update.effective_user, update.effective_chat
        text = self._text_for_us(update)
        if text is None:
            self._count(update, "ignored")
            return
        is_group = chat.type in GROUP_TYPES
        quoted = update.message.reply_to_message
        mine = quoted is not None and quoted.from_user is not None and quoted.from_user.id == self.app.bot.id
        await self._answer(update, Incoming(self.platform, str(chat.id), str(user.id), text=text,
                                            is_staff=self.settings.is_staff(self.platform, str(user.id)),
                                            display_name=user.full_name, is_group=is_group,
                                            reply_to=str(quoted.message_id) if mine else "",
                                            language_code=user.language_code))

    async def _on_callback(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        try:
            await query.answer()          # stops the button's spinner
        except TelegramError as exc:
            log.info("answerCallbackQuery failed for update %s: %s", update.update_id, self._safe(exc.message))
        chat, user = update.effective_chat, query.from_user
        if chat is None or not query.data:
            self._count(update, "ignored")
            return
        await self._answer(update, Incoming(self.platform, str(chat.id), str(user.id), payload=query.data,
                                            is_staff=self.settings.is_staff(self.platform, str(user.id)),
                                            display_name=user.full_name, is_group=chat.type in GROUP_TYPES,
                                            language_code=user.language_code))

    async def _answer(self, update: Update, msg: Incoming) -> None:
        verdict = self.flood.check(msg.user_key)
        if verdict is Verdict.DROP:
            self._count(update, "flood")
            return
        reply = Reply(NOTICE, intent="help") if verdict is Verdict.WARN else await self.router.handle(msg)
        try:
            await self.outbox.send(msg.chat_id, reply)
        except RecipientGone as exc:
            self._count(update, "undelivered")
            log.info("update %s: chat is gone (%s)", update.update_id, exc.reason)
        except SendError as exc:
            self._count(update, "undelivered")
            log.warning("update %s: reply not delivered: %s", update.update_id, self._safe(exc.reason))
        else:
            self._count(update, "flood" if verdict is Verdict.WARN else "answered")

    def _addressed(self, message: Message, text: str) -> str | None:
        """In a group: the text meant for this bot (its mention removed), or None when it is not addressed
        by a command, a mention or a reply to one of its messages."""
        me = self.app.bot
        username = (me.username or "").lower()
        if command_of(text):
            target = text.split(maxsplit=1)[0].partition("@")[2].lower()
            return text if target in ("", username) else None
        kinds = [MessageEntity.MENTION, MessageEntity.TEXT_MENTION]
        entities = message.parse_entities(kinds) if message.text else message.parse_caption_entities(kinds)
        mentioned = False
        for entity, value in entities.items():
            if (value.lower() == f"@{username}" if entity.type == MessageEntity.MENTION
                    else entity.user is not None and entity.user.id == me.id):
                mentioned = True
                text = text.replace(value, " ")
        replied = message.reply_to_message is not None and message.reply_to_message.from_user is not None \
            and message.reply_to_message.from_user.id == me.id
        return text.strip() if mentioned or replied else None

    async def _on_webhook(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self.settings.telegram_webhook_secret.encode()):
            log.warning("Telegram webhook: wrong or missing secret token from %s", request.remote)
            return web.Response(status=403, text="forbidden")
        try:
            data = json.loads(await request.read())
            if not isinstance(data, dict):
                raise TypeError("not a JSON object")
            if reason := problem(data):     # PTB would take it, and a handler fail on it
                log.warning("Telegram webhook: malformed update (%s)", reason)
                return web.Response(status=400, text="malformed update")
            update = Update.de_json(data, self.app.bot)
        except Exception as exc:            # whatever the bytes: PTB's parser raises many kinds
            log.warning("Telegram webhook: malformed update (%s)", type(exc).__name__)
            return web.Response(status=400, text="malformed update")
        if self._replayed(update.update_id):
            log.info("Telegram webhook: update %s delivered again, not answered twice", update.update_id)
            return web.Response(text="ok")
        await self.app.update_queue.put(update)
        return web.Response(text="ok")

    def _replayed(self, update_id: int) -> bool:
        """Whether this webhook update came before (Telegram redelivers one whose answer was lost or late)."""
        if update_id in self._recent:
            return True
        self._recent[update_id] = None
        if len(self._recent) > RECENT_UPDATES:
            self._recent.popitem(last=False)
        return False

    # ----------------------------------------------------------------- errors

    def _safe(self, text: str) -> str:
        token = self.settings.telegram_bot_token
        return text.replace(token, "***") if token else text

    def _on_polling_error(self, exc: TelegramError) -> None:
        log.warning("Telegram polling failed (%s: %s); retrying with backoff", type(exc).__name__,
                    self._safe(exc.message))

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        update_id = update.update_id if isinstance(update, Update) else None
        err = context.error
        log.error("Telegram update %s failed: %s: %s", update_id, type(err).__name__, self._safe(str(err)),
                  exc_info=None if isinstance(err, TelegramError) else err)
