"""Reminder planning: offsets from settings, and rebuilding every timer from storage at start-up."""
from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from bot.config import ConfigError, load_settings
from bot.alliance.delivery import Delivery
from bot.alliance.events import validate
from bot.store import Store
from scheduler.reminders import Reminders, span_text
from tests.outboxes import MemoryOutbox
from tests.records import announcement


def test_reminder_offsets_come_from_settings():
    assert load_settings({}, env_file=None).event_reminders == (86400, 3600)
    assert load_settings({"BOT_EVENT_REMINDERS": "30m, 2d,10s"}, env_file=None).event_reminders == (172800, 1800, 10)
    for bad in ("1w", "abc", "0h", "h"):
        with pytest.raises(ConfigError, match="BOT_EVENT_REMINDERS"):
            load_settings({"BOT_EVENT_REMINDERS": bad}, env_file=None)


def test_spans_read_naturally():
    assert [span_text(s) for s in (86400, 7200, 1800, 90)] == ["1 天", "2 小时", "30 分钟", "90 秒"]


async def test_start_up_rebuilds_timers_from_storage_and_sends_what_is_overdue(services, clock):
    store, box = services.store, MemoryOutbox("console")
    await store.users.choose("console:fan", "subscriptions", "events", on=True)
    event = validate({"title": "讲座", "start": "2026-11-24 10:00", "place": "会客厅"}, clock.now())
    await services.scheduler.publish([event], "console:staff")
    await services.delivery.wait()       # the notice (this process has no console channel: recorded as failed)
    bid = await store.broadcasts.create(announcement(clock.now(), "定时公告", status="scheduled",
                                                     due=clock.now().replace(day=23, hour=9)))
    clock.advance(days=1, minutes=5)     # the process was down past the 1-day reminder and the broadcast

    again = Store(services.settings.data_dir)
    delivery = Delivery(again, {"console": box}, clock)
    reminders = Reminders(again, delivery, clock, services.settings.event_reminders)
    await reminders.start()
    try:
        planned = {job.id for job in reminders.aps.get_jobs()}
        assert planned == {"reminder:2", "reminder:3", f"broadcast:{bid}"}
        for _ in range(100):                   # overdue timers run at once
            if len(box.sent["fan"]) == 2:
                break
            await asyncio.sleep(0.02)
        await delivery.wait()
    finally:
        await reminders.stop()
    texts = box.texts("fan")
    assert len(texts) == 2 and "定时公告" in texts and any("1 天后开始" in t for t in texts)
    assert [r.offset for r in await again.events.reminders("pending")] == [3600]


async def test_timers_follow_the_product_clock_even_when_it_is_pinned(services, clock):
    reminders = services.scheduler
    await reminders.start()
    try:
        reminders._plan("reminder:99", clock.now() + timedelta(hours=2), reminders.fire, 99)
        [job] = reminders.aps.get_jobs()
        wait = (job.next_run_time - job.next_run_time.now(job.next_run_time.tzinfo)).total_seconds()
        assert 7190 < wait <= 7200
    finally:
        await reminders.stop()
