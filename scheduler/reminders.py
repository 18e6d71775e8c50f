"""Event notices, reminders and scheduled broadcasts, on APScheduler's AsyncIOScheduler in the product's loop.

Storage is the source of truth; APScheduler only holds timers. Every notice (published, changed, cancelled)
and every reminder before an event is a reminder record written in the same write as the event change. A
timer fires `fire(id)`, which settles the record and stores its broadcast in one write, so a reminder is
sent at most once; at start-up `rebuild()` plans every pending record again. One missed while the bot was
down is sent late if the event has not started, and marked "skipped" (with the reason) if it has.
"""
from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Awaitable, Callable

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.clock import SHANGHAI, Clock
from bot.alliance.delivery import Delivery
from bot.alliance.events import changes, event_text, when_text
from bot.payloads import EVENT
from bot.store import Audience, Audit, Broadcast, Event, Reminder, Store
from bot.store.database import iso

log = logging.getLogger(__name__)
HEADINGS = {"published": "【活动通知】新活动发布", "changed": "【活动变更】", "cancelled": "【活动取消】以下活动已取消"}
REAL_TIME = Clock()


def span_text(seconds: int) -> str:
    for unit, name in ((86400, "天"), (3600, "小时"), (60, "分钟"), (1, "秒")):
        if seconds % unit == 0:
            return f"{seconds // unit} {name}"
    return f"{seconds} 秒"


def notice(kind: str, now: datetime, note: str = "") -> Reminder:
    return Reminder(kind, now, note=note)


class Reminders:
    def __init__(self, store: Store, delivery: Delivery, clock: Clock, offsets: tuple[int, ...] = (86400, 3600)):
        self.store, self.delivery, self.clock, self.offsets = store, delivery, clock, offsets
        self.aps = AsyncIOScheduler(timezone=SHANGHAI)

    # ---- life cycle --------------------------------------------------------------------------------------
    async def start(self) -> None:
        self.aps.start()
        await self.rebuild()

    async def stop(self) -> None:
        if self.aps.running:
            self.aps.shutdown(wait=False)

    async def rebuild(self) -> None:
        """Plans every pending reminder and scheduled broadcast from storage (start-up)."""
        for reminder in await self.store.events.reminders("pending"):
            self._plan_reminder(reminder)
        for broadcast in await self.store.broadcasts.all("scheduled"):
            if broadcast.due is not None:
                self.schedule_broadcast(broadcast.id, broadcast.due)

    def _plan_reminder(self, reminder: Reminder) -> None:
        self._plan(f"reminder:{reminder.id}", reminder.due, self.fire, reminder.id)

    def _plan(self, job_id: str, due: datetime, func: Callable[[int], Awaitable[object]], arg: int) -> None:
        """A timer at `due` on the product clock (which may be pinned for demos: the delay is what counts)."""
        run_at = REAL_TIME.now() + max(due - self.clock.now(), timedelta(0))
        self.aps.add_job(func, "date", run_date=run_at, args=[arg], id=job_id, replace_existing=True,
                         misfire_grace_time=None)

    # ---- firing ------------------------------------------------------------------------------------------
    def _settle(self, reminder: Reminder, event: Event | None) -> tuple[str, str, Broadcast | None] | None:
        now = self.clock.now()
        if now < reminder.due:
            return None
        if event is None:
            return "skipped", "活动不存在", None
        if reminder.kind == "before" and event.status == "cancelled":
            return "cancelled", "活动已取消", None
        if now >= event.start:
            return "skipped", f"活动已于 {when_text(event.start)} 开始，未再发送", None
        if reminder.kind == "before":
            heading = f"【活动提醒】活动将于 {span_text(reminder.offset)}后开始"
        else:
            heading = HEADINGS[reminder.kind]
        text = "\n".join(part for part in (heading, reminder.note, event_text(event)) if part)
        broadcast = Broadcast(f"event.{reminder.kind}", text, Audience("event", event.audience, event.id), "sending",
                              iso(now), "system", event=event.id, buttons=(("查看活动详情", EVENT(event.id)),))
        return "fired", "", broadcast

    async def fire(self, reminder_id: int) -> Reminder | None:
        """Settles one reminder and starts its broadcast; None when it was not pending (or not due yet)."""
        settled = await self.store.events.claim_reminder(reminder_id, self._settle)
        if settled is None:
            return None
        if settled.broadcast:
            self.delivery.start(settled.broadcast)
        else:
            log.info("reminder %s %s: %s", reminder_id, settled.status, settled.note)
        return settled

    async def fire_due(self) -> list[Reminder]:
        """Settles every pending reminder whose time has come (what the timers do one by one)."""
        fired = []
        for reminder in await self.store.events.reminders("pending"):
            if reminder.due <= self.clock.now() and (done := await self.fire(reminder.id)):
                fired.append(done)
        return fired

    async def fire_broadcast(self, bid: int) -> bool:
        broadcast = await self.store.broadcasts.get(bid)
        if broadcast is None or broadcast.due is None or self.clock.now() < broadcast.due:
            return False
        if await self.store.broadcasts.claim(bid, self.clock.now()):
            self.delivery.start(bid)
            return True
        return False

    # ---- changes staff make ------------------------------------------------------------------------------
    def _befores(self, start: datetime, now: datetime) -> list[Reminder]:
        return [Reminder("before", start - timedelta(seconds=s), s) for s in self.offsets
                if start - timedelta(seconds=s) > now]

    async def _plan_and_send_notice(self, reminder_ids: list[int]) -> Reminder | None:
        """The notice (first id) goes out now; the reminders after it get timers."""
        settled = await self.fire(reminder_ids[0])
        for reminder in await self.store.events.reminders("pending"):
            if reminder.id in reminder_ids:
                self._plan_reminder(reminder)
        return settled

    async def publish(self, events: list[Event], actor: str) -> list[int]:
        """Stores new events (all in one write) with their notice and reminders, and sends the notices."""
        now = self.clock.now()
        rows = [(replace(e, status="scheduled", created_by=actor, created=iso(now)),
                 [notice("published", now), *self._befores(e.start, now)]) for e in events]
        ids = await self.store.events.add(rows, Audit(actor, "event.publish", now))
        for reminder in await self.store.events.reminders("pending"):
            if reminder.event in ids:
                if reminder.kind == "published":
                    await self.fire(reminder.id)
                else:
                    self._plan_reminder(reminder)
        return ids

    async def edit(self, event: Event, edited: Event, actor: str) -> str:
        """Stores `edited` (the stored `event` with what staff changed); notifies its audience of what changed.
        Returns the change summary ('' when nothing changed)."""
        now = self.clock.now()
        summary = changes(event, edited)
        if not summary:
            return ""
        moved = edited.start != event.start
        new = [notice("changed", now, "变更内容：" + summary)]
        if moved:
            new += self._befores(edited.start, now)
        ids = await self.store.events.update(replace(edited, updated=iso(now)), new,
                                            Audit(actor, "event.edit", now, {"changes": summary}),
                                            retire_pending="replaced" if moved else None)
        await self._plan_and_send_notice(ids)
        return summary

    async def cancel(self, event: Event, actor: str) -> None:
        now = self.clock.now()
        ids = await self.store.events.update(replace(event, status="cancelled", updated=iso(now)),
                                            [notice("cancelled", now)], Audit(actor, "event.cancel", now),
                                            retire_pending="cancelled")
        await self._plan_and_send_notice(ids)

    def schedule_broadcast(self, bid: int, due: datetime) -> None:
        self._plan(f"broadcast:{bid}", due, self.fire_broadcast, bid)
