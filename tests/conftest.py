"""Shared fixtures: one knowledge base per session (loading jieba is the slow part), a fixed clock at
the product's "today" (2026-11-22, Asia/Shanghai), and fresh services per test."""
from __future__ import annotations

import gc
import os
from datetime import datetime
from pathlib import Path

import pytest

from bot.clock import SHANGHAI, FixedClock
from bot.config import load_settings
from bot.dialogs import Dialogs
from bot.messages import Incoming
from bot.router import Router
from bot.services import Services
from bot.store import Store
from faq.knowledge_base import KnowledgeBase
from tests.fakes import FakeBotApi, FakeWeCom
from tests.fakes.wecom_callbacks import FakeTime
from tests.outboxes import MemoryOutbox

TODAY = datetime(2026, 11, 22, 10, 0, tzinfo=SHANGHAI)
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    """The source documents the data is checked against: ../shared/seeds beside the repo (as in CI), or
    BOT_SEEDS_DIR. Without them the data checks fail with this message rather than pass unchecked."""
    seeds = Path(os.environ.get("BOT_SEEDS_DIR") or ROOT.parent / "shared" / "seeds")
    if not (seeds / "README.md").exists():
        pytest.fail(f"source documents not found in {seeds}: clone the repo beside shared/ or set BOT_SEEDS_DIR")
    return seeds


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    """Frozen out of the garbage collector's reach: a full collection walking the session's knowledge (jieba,
    pinyin tables) pauses the event loop long enough to bunch up the real-time pacing tests' sends."""
    knowledge = KnowledgeBase()
    gc.collect()
    gc.freeze()
    return knowledge


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(TODAY)


@pytest.fixture
def settings(tmp_path):
    return load_settings({"BOT_DATA_DIR": str(tmp_path / "data"), "BOT_STAFF": "console:staff"}, env_file=None)


@pytest.fixture
def services(settings, clock, kb) -> Services:
    return Services(settings=settings, clock=clock, kb=kb, dialogs=Dialogs(clock),
                    store=Store(settings.data_dir))


@pytest.fixture
def outbox(services) -> MemoryOutbox:
    """What the console channel was sent (a broadcast, an event notice, a reply from staff)."""
    box = services.outboxes["console"] = MemoryOutbox("console")
    return box


@pytest.fixture
def router(services) -> Router:
    return Router(services)


@pytest.fixture
def ask(router):
    """ask("问题") → Reply, as an enterprise user on the console; ask(..., staff=True) as staff."""
    async def _ask(text: str = "", payload: str | None = None, staff: bool = False, user: str = "u1"):
        user_id = "staff" if staff else user
        return await router.handle(Incoming("console", user_id, user_id, text=text, payload=payload, is_staff=staff))
    return _ask


@pytest.fixture
async def api():
    """The fake Telegram Bot API on 127.0.0.1."""
    async with FakeBotApi() as fake:
        yield fake


@pytest.fixture
def fake_time(clock):
    """WeCom's time (token expiry, rate windows), starting at the fixed clock's instant."""
    return FakeTime(clock.now().timestamp())


@pytest.fixture
async def wecom(fake_time):
    """The fake WeCom server API on 127.0.0.1."""
    async with FakeWeCom(now=fake_time.now) as server:
        yield server
