"""Assembles the product: services, router, the one aiohttp server, and every configured channel."""
from __future__ import annotations

import asyncio
import gc
import logging
import signal

from aiohttp import hdrs, web

from bot.clock import Clock
from bot.config import Settings
from bot.dialogs import Dialogs
from bot.local_admin import LocalAdmin
from bot.router import Router
from bot.services import KnowledgeBase, Services
from bot.delivery import Delivery
from bot.store import Store
from bot.tickets import Tickets
from scheduler.reminders import Reminders

log = logging.getLogger(__name__)


def build_services(settings: Settings, clock: Clock | None = None) -> Services:
    clock = clock or Clock()
    store = Store(settings.data_dir)      # raises StorageError on an unreadable data file: start-up stops
    return attach_delivery(Services(settings=settings, clock=clock, kb=KnowledgeBase(), dialogs=Dialogs(clock),
                                    store=store))


def attach_delivery(svc: Services) -> Services:
    """Delivery, reminders and tickets over svc.store and svc.outboxes (a dict the channels fill in later)."""
    svc.delivery = Delivery(svc.store, svc.outboxes, svc.clock, metrics=svc.metrics)
    svc.scheduler = Reminders(svc.store, svc.delivery, svc.clock, svc.settings.event_reminders)
    svc.tickets = Tickets(svc.store, svc.delivery, svc.clock, svc.settings.handoff_targets)
    return svc


async def start_delivery(svc: Services) -> None:
    """After the channels: push-only recipients (group robots) exist, reminders are planned from storage,
    and broadcasts interrupted by a stop or crash go on."""
    for platform, outbox in svc.outboxes.items():
        for chat in getattr(outbox, "chats", ()):
            await svc.store.ensure_recipient(platform, chat, f"群机器人 {chat}", ("news", "events"))
    await svc.scheduler.start()
    await svc.delivery.resume()


async def stop_delivery(svc: Services) -> None:
    await svc.scheduler.stop()
    await svc.delivery.stop()


async def healthz(request: web.Request) -> web.Response:
    return web.json_response({"ok": True})


@web.middleware
async def refuse_encoded_bodies(request: web.Request, handler) -> web.StreamResponse:
    """WeCom and Telegram never compress what they post, and inflating a body costs the event loop far more
    than its size on the wire: a compressed body is refused before a byte of it is read (the server does not
    decompress at all: serve() turns aiohttp's auto_decompress off)."""
    encoding = request.headers.get(hdrs.CONTENT_ENCODING, "").strip().lower()
    if encoding not in ("", "identity"):
        log.warning("HTTP %s %s refused (415): Content-Encoding %.20r", request.method, request.path, encoding)
        return web.Response(status=415, text="compressed request bodies are not accepted")
    return await handler(request)


def make_channels(settings: Settings, router: Router, http: web.Application) -> list:
    """Every channel whose settings are present. Each registers its HTTP routes on `http` and its
    Outbox(es) in router.svc.outboxes, and has async start()/stop()."""
    channels: list = []
    if settings.telegram_enabled:
        from bot.channels.telegram import TelegramChannel
        channels.append(TelegramChannel(settings, router, http))
    if settings.wecom_enabled:
        from bot.channels.wecom import WeComChannel
        wecom = WeComChannel(settings, router, http)                # outboxes "wecom" (+ "wecom_kf")
        router.svc.metrics.watch_dedupe("wecom", wecom.state)
        channels.append(wecom)
    if settings.wecom_robot_keys:
        from bot.channels.wecom_robot import RobotChannel
        channels.append(RobotChannel(settings, router.svc))         # outbox "wecom_robot"
    return channels


async def serve(settings: Settings, router: Router) -> None:
    """Runs every configured channel in this loop until SIGINT/SIGTERM (the caller holds the data-folder lock)."""
    http = web.Application(client_max_size=1024 * 1024, middlewares=[refuse_encoded_bodies])
    http.router.add_get("/healthz", healthz)
    http.router.add_get("/metrics", router.svc.metrics.serve)
    admin = LocalAdmin(router, settings.data_dir, settings.console_staff)
    admin.register(http)
    channels = make_channels(settings, router, http)
    runner = web.AppRunner(http, access_log=None, auto_decompress=False)
    await runner.setup()
    site = web.TCPSite(runner, settings.http_host, settings.http_port)
    await site.start()
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
        gc.freeze()   # start-up objects (jieba's dictionary, the knowledge) leave the cyclic GC: no 50 ms pauses
        await stop.wait()
    finally:
        admin.withdraw()
        await stop_delivery(router.svc)
        for channel in reversed(channels):
            await channel.stop()
        await runner.cleanup()
