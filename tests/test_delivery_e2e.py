"""End to end: the product's real channels against the fake Telegram Bot API and the fake WeCom server
(HTTP on 127.0.0.1), the real scheduler on the injected clock, real TinyDB files, and a kill -9."""
from __future__ import annotations

import asyncio
import json
import os
import signal
from datetime import datetime, timedelta

import pytest
from aiohttp import web

from bot.app import make_channels, start_delivery, stop_delivery
from bot.clock import SHANGHAI, Clock, FixedClock
from bot.config import load_settings
from bot.dialogs import Dialogs
from bot.alliance.events import validate
from bot.messages import Incoming
from bot.router import Router
from bot.services import Services
from bot.store import Audience, Store
from tests.conftest import TODAY
from tests.fakes.product import run_product
from tests.fakes.telegram_server import FakeBotApi
from tests.fakes.wecom_callbacks import new_aes_key
from tests.fakes.wecom_server import FakeWeCom
from tests.records import announcement, on_disk

STAFF = 9000


class Product:
    """The product as serve() assembles it (channels from settings, then delivery and reminders), on `clock`."""

    def __init__(self, settings, kb, clock: Clock | None = None):
        clock = clock or FixedClock(TODAY)
        self.svc = Services(settings=settings, clock=clock, kb=kb, dialogs=Dialogs(clock),
                            store=Store(settings.data_dir))
        self.router = Router(self.svc)
        self.channels = make_channels(settings, self.router, web.Application())

    async def __aenter__(self) -> "Product":
        for channel in self.channels:
            await channel.start()
        await asyncio.wait_for(self.channels[0].ready.wait(), 10)      # Telegram polling is up
        await start_delivery(self.svc)
        return self

    async def __aexit__(self, *exc) -> None:
        await stop_delivery(self.svc)
        for channel in reversed(self.channels):
            await channel.stop()

    async def wecom_user(self, user: str, *payloads: str) -> None:
        for payload in ("", *payloads):
            await self.router.handle(Incoming("wecom", user, user, text="你好" if not payload else "",
                                              payload=payload or None))


@pytest.fixture
async def fakes():
    async with FakeBotApi() as telegram, FakeWeCom(robot_keys=["key-alliance"]) as wecom:
        yield telegram, wecom


def product_env(telegram: FakeBotApi, wecom: FakeWeCom, data_dir, **extra) -> dict:
    return {"BOT_DATA_DIR": str(data_dir), "BOT_STAFF": f"telegram:{STAFF}",
            "TELEGRAM_BOT_TOKEN": telegram.token, "TELEGRAM_API_BASE_URL": telegram.base_url,
            "WECOM_CORP_ID": wecom.corp_id, "WECOM_SECRET": wecom.secret, "WECOM_AGENT_ID": "1000002",
            "WECOM_TOKEN": "tok", "WECOM_AES_KEY": new_aes_key(), "WECOM_ROBOT_KEYS": "alliance:key-alliance",
            "WECOM_API_BASE_URL": wecom.base_url, **extra}


@pytest.fixture
def settings_for(tmp_path, fakes):
    telegram, wecom = fakes
    return lambda **extra: load_settings(product_env(telegram, wecom, tmp_path / "data", **extra), env_file=None)


def texts_to(telegram: FakeBotApi, chat: int, marker: str) -> list[str]:
    return [m["text"] for m in telegram.sent_to(chat) if marker in m["text"]]


def wecom_texts(wecom: FakeWeCom, user: str, marker: str) -> list[str]:
    return [b["text"]["content"] for b in wecom.sent_to("message/send")
            if b.get("touser") == user and marker in b.get("text", {}).get("content", "")]


def robot_texts(wecom: FakeWeCom, marker: str) -> list[str]:
    return [b["markdown"]["content"] for b in wecom.sent_to("webhook/send") if marker in b["markdown"]["content"]]


async def telegram_users(telegram: FakeBotApi, users: dict[int, tuple[str, ...]]) -> None:
    """Each user writes /start, then presses the given buttons; returns once every answer arrived."""
    for user, payloads in users.items():
        telegram.push_message("/start", user_id=user)
        for payload in payloads:
            telegram.push_callback(payload, user_id=user)
    for user, payloads in users.items():
        await telegram.wait_sent(1 + len(payloads), chat_id=user)


def when(product: Product, delta: timedelta) -> str:
    return (product.svc.clock.now() + delta).strftime("%Y-%m-%d %H:%M")


async def test_publish_and_cancel_notify_the_audience_on_every_platform(fakes, settings_for, kb):
    telegram, wecom = fakes
    async with Product(settings_for(), kb) as product:
        await telegram_users(telegram, {1001: ("sub:events:on", "seg:quasi:on"),
                                        1002: ("sub:events:on", "seg:licensed:on")})
        await product.wecom_user("zhangsan", "sub:events:on", "seg:quasi:on")
        telegram.push_message(f"/newevent {when(product, timedelta(days=9))} | 年度项目路演 | 小镇会客厅 | 类金融行业分会",
                              user_id=STAFF)
        await telegram.wait_for(lambda: texts_to(telegram, 1001, "【活动通知】"))
        await product.svc.delivery.wait()
        assert "年度项目路演" in texts_to(telegram, 1001, "【活动通知】")[0]
        assert len(wecom_texts(wecom, "zhangsan", "【活动通知】")) == 1
        assert texts_to(telegram, 1002, "【活动通知】") == [] and robot_texts(wecom, "【活动通知】") == []
        assert any("活动已发布" in m["text"] for m in telegram.sent_to(STAFF))

        telegram.push_message(f"/newevent {when(product, timedelta(days=10))} | 金融知识讲座 | 英蓝中心 | 全体", user_id=STAFF)
        await telegram.wait_for(lambda: len(texts_to(telegram, 1002, "【活动通知】")) == 1)
        await telegram.wait_for(lambda: robot_texts(wecom, "金融知识讲座"))       # the alliance group robot

        telegram.push_message("/cancelevent 1", user_id=STAFF)
        await telegram.wait_for(lambda: any("确认取消" in m["text"] for m in telegram.sent_to(STAFF)))
        telegram.push_callback("evadm:cancel:1", user_id=STAFF)
        await telegram.wait_for(lambda: texts_to(telegram, 1001, "【活动取消】"))
        await product.svc.delivery.wait()
        assert len(wecom_texts(wecom, "zhangsan", "【活动取消】")) == 1
        assert texts_to(telegram, 1002, "【活动取消】") == []


async def publish_in(product: Product, delta: timedelta) -> datetime:
    """An event starting `delta` after the product's clock; returns its start."""
    start = product.svc.clock.now() + delta
    event = validate({"title": "FOF基金沙龙", "start": start.isoformat(), "place": "英蓝中心", "audience": "全体"},
                     product.svc.clock.now())
    await product.svc.scheduler.publish([event], f"telegram:{STAFF}")
    return event.start


def ring(product: Product, job_id: str) -> None:
    """The timer `job_id` goes off now: APScheduler runs its job at once instead of at its planned instant."""
    product.svc.scheduler.aps.get_job(job_id).modify(next_run_time=datetime.now(SHANGHAI))


async def test_reminder_fires_at_its_time_through_the_scheduler(fakes, settings_for, kb):
    telegram, _ = fakes
    clock = FixedClock(TODAY)
    async with Product(settings_for(BOT_EVENT_REMINDERS="1h"), kb, clock) as product:
        await telegram_users(telegram, {1001: ("sub:events:on",)})
        start = await publish_in(product, timedelta(days=2))
        [pending] = await product.svc.store.events.reminders("pending")
        assert pending.due == start - timedelta(hours=1)
        [timer] = product.svc.scheduler.aps.get_jobs()          # planned for the reminder
        assert timer.id == f"reminder:{pending.id}" and list(timer.args) == [pending.id]
        assert texts_to(telegram, 1001, "【活动提醒】") == []
        clock.advance(days=2, hours=-1)
        ring(product, timer.id)
        [reminder] = await telegram.wait_for(lambda: texts_to(telegram, 1001, "【活动提醒】"))
        assert "1 小时后开始" in reminder and len(texts_to(telegram, 1001, "【活动通知】")) == 1
        assert product.svc.scheduler.aps.get_jobs() == []


async def test_restart_before_the_reminder_still_delivers_it_once(fakes, settings_for, kb):
    telegram, _ = fakes
    settings, clock = settings_for(BOT_EVENT_REMINDERS="1h"), FixedClock(TODAY)
    async with Product(settings, kb, clock) as product:
        await telegram_users(telegram, {1001: ("sub:events:on",)})
        await publish_in(product, timedelta(days=1))
        await telegram.wait_for(lambda: texts_to(telegram, 1001, "【活动通知】"))
    # stopped before the reminder was due; a new process rebuilds it from storage
    async with Product(settings, kb, clock) as product:
        store = product.svc.store
        [timer] = product.svc.scheduler.aps.get_jobs()
        clock.advance(hours=23)
        ring(product, timer.id)
        await telegram.wait_for(lambda: texts_to(telegram, 1001, "【活动提醒】"))
        await product.svc.delivery.wait()                    # every send of this process has its outcome
        assert await store.events.reminders("pending") == [] and product.svc.scheduler.aps.get_jobs() == []
        assert len(texts_to(telegram, 1001, "【活动提醒】")) == 1
        assert [r.status for r in await store.events.reminders("fired")] == ["fired", "fired"]


async def test_staff_broadcast_to_a_segment_reaches_exactly_that_segment(fakes, settings_for, kb):
    telegram, wecom = fakes
    async with Product(settings_for(), kb) as product:
        await telegram_users(telegram, {1001: ("seg:quasi:on",), 1002: ("seg:licensed:on",), 1003: ()})
        await product.wecom_user("zhangsan", "seg:quasi:on")
        await product.wecom_user("lisi")
        telegram.push_message("/broadcast 类金融分会座谈会改至周五", user_id=STAFF)
        await telegram.wait_for(lambda: any("请选择受众" in m["text"] for m in telegram.sent_to(STAFF)))
        telegram.push_callback("bc:aud:segment:quasi", user_id=STAFF)
        await telegram.wait_for(lambda: any("当前 2 位" in m["text"] for m in telegram.sent_to(STAFF)))
        telegram.push_callback("bc:send", user_id=STAFF)
        await telegram.wait_for(lambda: texts_to(telegram, 1001, "座谈会改至周五"))
        await product.svc.delivery.wait()
        assert len(wecom_texts(wecom, "zhangsan", "座谈会改至周五")) == 1
        for chat in (1002, 1003, STAFF):                          # staff saw only the preview
            assert [m for m in telegram.sent_to(chat) if m["text"] == "类金融分会座谈会改至周五"] == []
        assert wecom_texts(wecom, "lisi", "座谈会改至周五") == [] and robot_texts(wecom, "座谈会") == []
        [entry] = [a for a in await product.svc.store.audit.all() if a.action == "broadcast.send"]
        assert entry.actor == f"telegram:{STAFF}"


async def test_blocked_user_is_marked_inactive_and_not_tried_again(fakes, settings_for, kb):
    telegram, wecom = fakes
    async with Product(settings_for(), kb) as product:
        await telegram_users(telegram, {1001: (), 1002: ()})
        telegram.block(1002)
        wecom.gone.add("wangwu")
        await product.wecom_user("wangwu")
        store = product.svc.store
        for text in ("第一条公告", "第二条公告"):
            bid = await store.broadcasts.create(announcement(TODAY, text))
            product.svc.delivery.start(bid)
            await product.svc.delivery.wait()
        assert (await store.users.get("telegram:1002")).active is False
        assert (await store.users.get("wecom:wangwu")).active is False
        tried = [c for c in telegram.calls_to("sendMessage") if c.params.get("chat_id") == 1002
                 and "公告" in str(c.params.get("text"))]
        assert len(tried) == 1                                      # the second broadcast skipped them
        assert len(texts_to(telegram, 1001, "公告")) == 2
        counts = await store.broadcasts.counts([1, 2])
        assert counts[1]["failed"] == 2 and counts[2]["failed"] == 0


# ---- kill -9 in the middle of a broadcast -------------------------------------------------------------------
RECIPIENTS = 90


def committed_sent(data_dir) -> set[int]:
    """Recipients recorded as sent on disk: the plan and log, or the archive once the broadcast finished."""
    return {int(d.chat_id) for d in on_disk(data_dir, 1) if d.status == "sent"}


async def on_disk_soon(predicate, timeout: float = 15.0) -> None:
    """What the product writes after its last send (the records, then the broadcast closed): nothing on the fake
    Bot API changes then, so the files themselves are looked at until it holds."""
    async with asyncio.timeout(timeout):
        while not predicate():
            await asyncio.sleep(0.05)


def broadcast_status(data_dir) -> str:
    """The first broadcast's status in store.json (written atomically, so any read sees a whole file)."""
    return json.loads((data_dir / "store.json").read_text("utf-8"))["broadcasts"]["1"]["status"]


async def test_kill_9_mid_broadcast_then_restart_skips_nobody_and_repeats_no_confirmed_send(tmp_path, fakes):
    telegram, wecom = fakes
    data_dir = tmp_path / "data"
    store = Store(data_dir)
    chats = list(range(5001, 5001 + RECIPIENTS))
    for chat in chats:
        await store.users.register(Incoming("telegram", str(chat), str(chat), text="hi"))
    await store.broadcasts.create(announcement(TODAY, "年终座谈会通知", Audience("platform", "telegram")))
    store.close()
    env = {k: v for k, v in product_env(telegram, wecom, data_dir).items() if not k.startswith("WECOM")}

    def delivered() -> list[int]:
        return [m["chat"]["id"] for m in telegram.sent if m["text"] == "年终座谈会通知"]

    first = await run_product(env)            # resumes the stored broadcast at start-up, paced at 30/s
    try:
        await telegram.wait_for(lambda: len(delivered()) >= 45, timeout=30)     # past the first burst of 30
        os.kill(first.pid, signal.SIGKILL)
        await first.wait()
    finally:
        if first.returncode is None:
            first.kill()
    assert first.returncode == -signal.SIGKILL
    before = delivered()
    confirmed = committed_sent(data_dir)      # what storage says was sent when the process died
    assert 0 < len(confirmed) <= len(set(before)) < RECIPIENTS

    second = await run_product(env)
    try:
        await telegram.wait_for(lambda: set(delivered()) == set(chats), timeout=30)
        await on_disk_soon(lambda: committed_sent(data_dir) == set(chats) and broadcast_status(data_dir) == "done")
    finally:
        second.send_signal(signal.SIGTERM)
        _, err = await second.communicate()
    assert second.returncode == 0, err.decode()[-2000:]
    counts = {chat: delivered().count(chat) for chat in chats}
    assert all(counts[chat] == 1 for chat in confirmed)                  # no confirmed recipient twice
    twice = {chat for chat, n in counts.items() if n > 1}
    assert twice <= set(before) - confirmed                              # only sends in flight at the kill
    data = json.loads((data_dir / "store.json").read_text("utf-8"))
    assert data["broadcasts"]["1"]["status"] == "done" and data["broadcasts"]["1"]["sent"] == RECIPIENTS
