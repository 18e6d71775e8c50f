"""Assembles the product: services, router, the one aiohttp server, and every configured channel."""
from __future__ import annotations

import asyncio
import gc
import logging
import signal
import sys
from typing import TYPE_CHECKING

from bot import edit_journal
from bot.clock import Clock
from bot.config import ROOT, Settings
from bot.dialogs import Dialogs
from bot.router import Router
from bot.services import Services
from bot.store import Store
from faq.knowledge import FAQ_DIR
from faq.knowledge_base import KnowledgeBase

if TYPE_CHECKING:          # the HTTP side is imported when a server starts: answering needs none of it
    from aiohttp import web

    from bot.web.sessions import StaffList

log = logging.getLogger(__name__)


def build_services(settings: Settings, clock: Clock | None = None) -> Services:
    clock = clock or Clock()
    store = Store(settings.data_dir)      # raises StorageError on an unreadable data file: start-up stops
    edit_journal.finish(FAQ_DIR)          # the one writer now: a console save a crash cut short is completed
    return Services(settings=settings, clock=clock, kb=KnowledgeBase(), dialogs=Dialogs(clock), store=store)


async def start_delivery(svc: Services) -> None:
    """After the channels: push-only recipients (group robots) exist, reminders are planned from storage,
    and broadcasts interrupted by a stop or crash go on."""
    for platform, outbox in svc.outboxes.items():
        for chat in getattr(outbox, "chats", ()):
            await svc.store.users.ensure_recipient(platform, chat, f"群机器人 {chat}", ("news", "events"))
    await svc.scheduler.start()
    await svc.delivery.resume()


async def stop_delivery(svc: Services) -> None:
    await svc.scheduler.stop()
    await svc.delivery.stop()
    await settle(svc)


async def settle(svc: Services) -> None:
    """What is still buffered (the dashboard's question outcomes, pending commits) reaches the disk."""
    await svc.analytics.close()
    await svc.store.commits.settle()
    await svc.store.db.settle()


async def healthz(request: web.Request) -> web.Response:
    from aiohttp import web
    return web.json_response({"ok": True})


async def refuse_encoded_bodies(request: web.Request, handler) -> web.StreamResponse:
    """WeCom and Telegram never compress what they post, and inflating a body costs the event loop far more
    than its size on the wire: a compressed body is refused before a byte of it is read (the server does not
    decompress at all: serve() turns aiohttp's auto_decompress off)."""
    encoding = request.headers.get("Content-Encoding", "").strip().lower()
    if encoding not in ("", "identity"):
        from aiohttp import web
        log.warning("HTTP %s %s refused (415): Content-Encoding %.20r", request.method, request.path, encoding)
        return web.Response(status=415, text="compressed request bodies are not accepted")
    return await handler(request)


def make_channels(settings: Settings, router: Router, http: web.Application) -> list:
    """Every channel whose settings are present. Each registers its HTTP routes on `http` and its
    Outbox(es) in router.svc.outboxes, and has async start()/stop()."""
    channels: list = []
    if settings.telegram_enabled:
        from bot.channels.telegram.channel import TelegramChannel
        channels.append(TelegramChannel(settings, router, http))
    if settings.wecom_enabled:
        from bot.channels.wecom.channel import WeComChannel
        wecom = WeComChannel(settings, router, http)                # outboxes "wecom" (+ "wecom_kf")
        router.svc.metrics.watch_dedupe("wecom", wecom.state)
        channels.append(wecom)
    if settings.wecom_robot_keys:
        from bot.channels.wecom.robot import RobotChannel
        channels.append(RobotChannel(settings, router.svc))         # outbox "wecom_robot"
    return channels


def console_staff(settings: Settings, also: frozenset[str] = frozenset()) -> StaffList:
    """Who may use the web console, looked up on every request (BOT_STAFF as it is now, plus `also`)."""
    from bot.web.sessions import EnvStaff
    current = EnvStaff(settings.staff, ROOT / ".env")
    return lambda: current() | also


def make_http(router: Router, staff: StaffList) -> web.Application:
    """The one HTTP server's application: health check, metrics and the staff console (channels add theirs)."""
    from aiohttp import web

    from bot.web.console import mount as mount_console
    http = web.Application(client_max_size=1024 * 1024, middlewares=[web.middleware(refuse_encoded_bodies)])
    http.router.add_get("/healthz", healthz)
    http.router.add_get("/metrics", router.svc.metrics.serve)
    mount_console(http, router.svc, staff)
    return http


async def start_http(http: web.Application, host: str, port: int) -> web.AppRunner:
    from aiohttp import web
    runner = web.AppRunner(http, access_log=None, auto_decompress=False)   # compressed bodies are refused
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    return runner


async def serve(settings: Settings, router: Router) -> None:
    """Runs every configured channel in this loop until SIGINT/SIGTERM (the caller holds the data-folder lock)."""
    from bot.local_admin import LocalAdmin
    http = make_http(router, console_staff(settings))
    admin = LocalAdmin(router, settings.data_dir, settings.console_staff)
    admin.register(http)
    channels = make_channels(settings, router, http)
    if not settings.pacing:
        log.warning("BOT_PACING=off: outbound pacing is off, sends go faster than Telegram and WeCom allow "
                    "(load tests against fake platforms only)")
    runner = await start_http(http, settings.http_host, settings.http_port)
    admin.publish(settings.http_host, settings.http_port)
    log.info("HTTP server on %s:%s; channels: %s", settings.http_host, settings.http_port,
             ", ".join(type(c).__name__ for c in channels))
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        for channel in channels:
            await channel.start()
        await start_delivery(router.svc)
        gc.freeze()   # start-up objects (jieba's dictionary, the knowledge) leave the cyclic GC, so its collections stay short
        await stop.wait()
    finally:
        admin.withdraw()
        await stop_delivery(router.svc)
        for channel in reversed(channels):
            await channel.stop()
        await runner.cleanup()


async def chat_with_console(settings: Settings, router: Router, chat, user: str) -> None:
    """Nothing configured: the terminal chat `chat`, with the staff console on 127.0.0.1 beside it and a
    sign-in link for `user` (the person at this terminal) printed first."""
    from bot.sign_in_links import TTL, SignInLinks, sign_in_url
    http = make_http(router, console_staff(settings, frozenset({user})))
    runner = None
    try:
        runner = await start_http(http, "127.0.0.1", settings.http_port)
    except OSError as exc:
        print(f"网页控制台未启动：127.0.0.1:{settings.http_port} 不可用（{exc.strerror}），可设置 BOT_HTTP_PORT。",
              file=sys.stderr)
    else:
        token = await asyncio.to_thread(SignInLinks(settings.data_dir, router.svc.clock).issue, user)
        print(f"网页控制台（一次性登录链接，{int(TTL.total_seconds() // 60)} 分钟内有效）："
              f"{sign_in_url(settings.console_url, token)}")
    try:
        await start_delivery(router.svc)
        await chat
    finally:
        await stop_delivery(router.svc)
        if runner is not None:
            await runner.cleanup()
