"""The real product server on 127.0.0.1 for the console's browser tests: the Telegram channel against the fake
Bot API, the console mounted on the same aiohttp server, storage and knowledge in temporary folders (so edits
never touch the repository's data files), and a pinned clock that tests advance."""
from __future__ import annotations

import asyncio
import os
import re
import shutil
import socket
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from aiohttp import web

from bot.app import healthz, start_delivery, start_http, stop_delivery
from bot.channels.telegram.channel import TelegramChannel
from bot.clock import FixedClock
from bot.config import load_settings
from bot.dialogs import Dialogs
from bot.router import Router
from bot.services import Services
from bot.store import Store
from bot.web.console import mount
from bot.web.knowledge_files import KnowledgeEditor
from faq.knowledge import FAQ_DIR, POLICY_DIR, load_knowledge
from faq.knowledge_base import KnowledgeBase
from tests.fakes import FakeBotApi

STAFF, USER = 9001, 1001
LINK = re.compile(r"http://127\.0\.0\.1:\d+/console/login/\S+")
# the Chromium the browser tests drive: CHROMIUM, else the one on PATH (make test installs Debian's when missing)
CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser") or "/usr/bin/chromium"
BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run"]


def copy_knowledge(folder: Path) -> tuple[Path, Path]:
    faq, policy = folder / "faq", folder / "policy"
    shutil.copytree(FAQ_DIR, faq)
    shutil.copytree(POLICY_DIR, policy)
    return faq, policy


def editable_kb(faq: Path, policy: Path) -> KnowledgeBase:
    return KnowledgeBase(loader=partial(load_knowledge, faq, policy))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Running:
    api: FakeBotApi
    svc: Services
    clock: FixedClock
    url: str
    staff: set[str] = field(default_factory=set)

    async def say(self, text: str, user: int = USER, replies: int = 1) -> list[dict]:
        before = len(self.api.sent_to(user))
        self.api.push_message(text, user_id=user)
        return (await self.api.wait_sent(before + replies, chat_id=user))[before:]

    async def press(self, data: str, user: int = USER) -> dict:
        before = len(self.api.sent_to(user))
        self.api.push_callback(data, user_id=user)
        return (await self.api.wait_sent(before + 1, chat_id=user))[before]

    async def link(self, user: int = STAFF) -> str:
        """A sign-in link, asked for in Telegram with /console."""
        [reply] = await self.say("/console", user=user)
        return LINK.search(reply["text"]).group()


@asynccontextmanager
async def running(data_dir: Path, clock: FixedClock, kb: KnowledgeBase, faq: Path, policy: Path):
    async with FakeBotApi() as api:
        port = free_port()
        settings = load_settings({"BOT_DATA_DIR": str(data_dir), "BOT_STAFF": f"telegram:{STAFF}",
                                  "TELEGRAM_BOT_TOKEN": api.token, "TELEGRAM_API_BASE_URL": api.base_url,
                                  "BOT_HTTP_PORT": str(port)}, env_file=None)
        store = Store(settings.data_dir)
        svc = Services(settings=settings, clock=clock, kb=kb, dialogs=Dialogs(clock), store=store)
        svc.analytics.interval = 0.05
        staff = {f"telegram:{STAFF}"}
        http = web.Application()
        http.router.add_get("/healthz", healthz)
        mount(http, svc, lambda: frozenset(staff), KnowledgeEditor(kb, store, clock, settings.data_dir, faq, policy))
        channel = TelegramChannel(settings, Router(svc), http, paced=False, poll_timeout=1, retry_delay=0.05,
                                  outbox_backoff=0.01)
        runner = await start_http(http, "127.0.0.1", port)
        try:
            await channel.start()
            await asyncio.wait_for(channel.ready.wait(), 5)
            await start_delivery(svc)
            yield Running(api, svc, clock, f"http://127.0.0.1:{port}", staff)
        finally:
            await stop_delivery(svc)
            await channel.stop()
            await runner.cleanup()
