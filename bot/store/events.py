"""Events staff publish, and the reminders planned for them."""
from __future__ import annotations

import copy
from typing import Callable

from bot.store.audit import Audit, AuditLog
from bot.store.broadcasts import Broadcasts
from bot.store.database import Database

# (reminder, event or None) → (status, note, broadcast or None), or None while it is not due
Settle = Callable[[dict, dict | None], tuple[str, str, dict | None] | None]


class Events:
    def __init__(self, db: Database, broadcasts: Broadcasts, audit: AuditLog):
        self.db, self.broadcasts, self.audit = db, broadcasts, audit

    async def add(self, events: list[tuple[dict, list[dict]]], audit: Audit) -> list[int]:
        """Stores events, each with its reminders and audit record, in one write (an import is all or
        nothing); returns ids."""
        async with self.db.write() as t:
            ids = []
            for event, reminders in events:
                ids.append(event_id := t["events"].insert(copy.deepcopy(event)))
                t["reminders"].insert_multiple({**r, "event": event_id} for r in reminders)
                self.audit.add(audit, event=event_id)
            return ids

    async def update(self, event_id: int, fields: dict, reminders: list[dict], audit: Audit,
                     retire_pending: str | None = None) -> list[int]:
        """Changes an event, adds `reminders` and the audit record, in one write; with `retire_pending` its
        reminders still pending first get that status (e.g. "replaced"). Returns the new reminders' ids."""
        async with self.db.write() as t:
            t["events"].update(copy.deepcopy(fields), doc_ids=[event_id])
            self.audit.add(audit, event=event_id)
            if retire_pending:
                stale = [int(k) for k, r in self.db.raw("reminders").items()
                         if r["event"] == event_id and r["status"] == "pending"]
                t["reminders"].update({"status": retire_pending}, doc_ids=stale)
            return t["reminders"].insert_multiple({**r, "event": event_id} for r in reminders)

    async def get(self, event_id: int) -> dict | None:
        return await self.db.get("events", event_id)

    async def all(self) -> list[dict]:
        return await self.db.all("events")

    async def reminders(self, status: str = "pending") -> list[dict]:
        return await self.db.all("reminders", status)

    def _reminder_and_event(self, reminder_id: int) -> tuple[dict | None, dict | None]:
        reminder = self.db.raw("reminders").get(str(reminder_id))
        event = self.db.raw("events").get(str(reminder["event"])) if reminder else None
        return (copy.deepcopy(reminder) if reminder else None,
                {**copy.deepcopy(event), "id": reminder["event"]} if event else None)

    async def claim_reminder(self, reminder_id: int, settle: Settle) -> dict | None:
        """Settles a pending reminder: `settle` is asked (outside the lock) what becomes of it; its broadcast
        and delivery records are stored in the same write as the reminder's new status, which is made only if
        neither changed meanwhile (else `settle` is asked again), so a reminder never fires twice. Returns the
        settled reminder, or None when it was not pending or is not due yet."""
        while True:
            async with self.db.read():
                reminder, event = self._reminder_and_event(reminder_id)
            if reminder is None or reminder["status"] != "pending":
                return None
            outcome = settle({**reminder, "id": reminder_id}, event)
            if outcome is None:
                return None
            status, note, broadcast = outcome
            if broadcast:
                await self.broadcasts.prepare(broadcast["audience"])
            async with self.db.write() as t:
                if self._reminder_and_event(reminder_id) != (reminder, event):
                    continue
                bid = self.broadcasts.insert(broadcast) if broadcast else None
                t["reminders"].update({"status": status, "note": note, "broadcast": bid}, doc_ids=[reminder_id])
                return {**reminder, "id": reminder_id, "status": status, "note": note, "broadcast": bid}
