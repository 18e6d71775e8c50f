"""Events staff publish, and the reminders planned for them."""
from __future__ import annotations

from dataclasses import replace
from typing import Callable

from bot.store.audit import AuditLog
from bot.store.broadcasts import Broadcasts
from bot.store.database import Database
from bot.store.records import Audit, Broadcast, Event, Reminder

# (reminder, event or None) → (status, note, broadcast or None), or None while it is not due
Settle = Callable[[Reminder, Event | None], tuple[str, str, Broadcast | None] | None]


class Events:
    def __init__(self, db: Database, broadcasts: Broadcasts, audit: AuditLog):
        self.db, self.broadcasts, self.audit = db, broadcasts, audit

    async def add(self, events: list[tuple[Event, list[Reminder]]], audit: Audit) -> list[int]:
        """Stores events, each with its reminders and audit record, in one write (an import is all or
        nothing); returns ids."""
        async with self.db.write() as t:
            ids = []
            for event, reminders in events:
                ids.append(event_id := t["events"].insert(event.row()))
                t["reminders"].insert_multiple(replace(r, event=event_id).row() for r in reminders)
                self.audit.add(audit, event=event_id)
            return ids

    async def update(self, event: Event, reminders: list[Reminder], audit: Audit,
                     retire_pending: str | None = None) -> list[int]:
        """Stores the fields of `event` that changed, adds `reminders` and the audit record, in one write; with
        `retire_pending` its reminders still pending first get that status (e.g. "replaced"). Returns the new
        reminders' ids."""
        async with self.db.write() as t:
            stored = self.db.raw("events")[str(event.id)]
            t["events"].update({k: v for k, v in event.row().items() if stored.get(k) != v}, doc_ids=[event.id])
            self.audit.add(audit, event=event.id)
            if retire_pending:
                stale = [int(k) for k, r in self.db.raw("reminders").items()
                         if r["event"] == event.id and r["status"] == "pending"]
                t["reminders"].update({"status": retire_pending}, doc_ids=stale)
            return t["reminders"].insert_multiple(replace(r, event=event.id).row() for r in reminders)

    async def get(self, event_id: int) -> Event | None:
        return await self.db.one("events", Event.of, event_id)

    async def all(self) -> list[Event]:
        return await self.db.every("events", Event.of)

    async def reminders(self, status: str = "pending") -> list[Reminder]:
        return await self.db.every("reminders", Reminder.of, status)

    def _reminder_and_event(self, reminder_id: int) -> tuple[Reminder | None, Event | None]:
        row = self.db.raw("reminders").get(str(reminder_id))
        if row is None:
            return None, None
        event = self.db.raw("events").get(str(row["event"]))
        return Reminder.of(row, reminder_id), Event.of(event, row["event"]) if event else None

    async def claim_reminder(self, reminder_id: int, settle: Settle) -> Reminder | None:
        """Settles a pending reminder: `settle` is asked (outside the lock) what becomes of it; its broadcast
        and delivery records are stored in the same write as the reminder's new status, which is made only if
        neither changed meanwhile (else `settle` is asked again), so a reminder never fires twice. Returns the
        settled reminder, or None when it was not pending or is not due yet."""
        while True:
            async with self.db.read():
                reminder, event = self._reminder_and_event(reminder_id)
            if reminder is None or reminder.status != "pending":
                return None
            outcome = settle(reminder, event)
            if outcome is None:
                return None
            status, note, broadcast = outcome
            if broadcast:
                await self.broadcasts.prepare(broadcast.audience)
            async with self.db.write() as t:
                if self._reminder_and_event(reminder_id) != (reminder, event):
                    continue
                bid = self.broadcasts.insert(broadcast) if broadcast else None
                t["reminders"].update({"status": status, "note": note, "broadcast": bid}, doc_ids=[reminder_id])
                return replace(reminder, status=status, note=note, broadcast=bid, settled=True)
