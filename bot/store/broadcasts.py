"""Broadcasts (staff announcements, event notices, reminders, ticket notices) and their delivery records.

A broadcast row is in store.json; its delivery records are not (bot/store/deliveries.py), so neither a
large broadcast nor its outcomes make other writes slower. Who a broadcast reaches is decided by
bot/alliance/audience.py; the records are resolved from it when the broadcast starts sending.
"""
from __future__ import annotations

import asyncio
from collections import Counter, defaultdict
from datetime import datetime
from pathlib import Path
from typing import Iterable

from bot.alliance import audience as audiences
from bot.storage import atomic_write, ensure_dir
from bot.store.audit import AuditLog
from bot.store.database import Database, iso
from bot.store.deliveries import DeliveryRecord, LiveRecords, Outcome, encode, live_plan, read_archive
from bot.store.records import Audience, Audit, Broadcast
from bot.store.users import Address, Users

RESOLVED = ("sending", "done")        # statuses whose delivery records exist


class Broadcasts:
    def __init__(self, db: Database, users: Users, audit: AuditLog):
        self.db, self.users, self.audit = db, users, audit
        self.folder: Path = db.path.parent
        self._live: dict[int, LiveRecords] = {}
        self._told: dict[int, frozenset[str]] = {}      # archived event notices: who was sent them
        self._migrate_table()
        for key, doc in db.raw("broadcasts").items():
            if doc["status"] in RESOLVED and not doc.get("archived"):
                self._live[int(key)] = LiveRecords.load(self.folder, int(key))
        for plan in (self.folder / "deliveries").glob("broadcast-*.*"):     # left by a crash or an archiving
            if int(plan.name.split("-")[1].split(".")[0]) not in self._live:
                plan.unlink()

    def _migrate_table(self) -> None:
        """A data file from before delivery records left it: its records become plans (blocking, at start)."""
        document = self.db.storage.read()
        if "deliveries" not in document:
            return
        rows = document["deliveries"]
        by_broadcast: dict[int, list[DeliveryRecord]] = defaultdict(list)
        for row in rows.values():
            records = by_broadcast[row["broadcast"]]
            records.append(DeliveryRecord.of({**row, "id": len(records)}))
        for bid, records in by_broadcast.items():
            ensure_dir(self.folder / "deliveries")
            atomic_write(live_plan(self.folder, bid), encode(records))
        del document["deliveries"]
        self.db.storage.write(document)
        self.db.storage.flush()

    # ---- audiences ---------------------------------------------------------------------------------------
    async def prepare(self, audience: Audience) -> None:
        """Before a transaction that resolves an event audience: who was sent that event's archived notices
        (read from the archive here, so the transaction reads memory only)."""
        event = audiences.told_event(audience)
        if event is None:
            return
        async with self.db.read():
            wanted = [int(k) for k, b in self.db.raw("broadcasts").items()
                      if b.get("event") == event and b.get("archived") and int(k) not in self._told]
        for bid in wanted:
            records = await asyncio.to_thread(read_archive, self.folder, bid)
            self._told[bid] = frozenset(r.recipient for r in records if r.status == "sent")

    def _told_of(self, event: int) -> frozenset[str]:
        """Inside a transaction, after prepare: who has been sent a notice of `event`."""
        sent: set[str] = set()
        for key, b in self.db.raw("broadcasts").items():
            if b.get("event") != event:
                continue
            if (live := self._live.get(int(key))) is not None:
                sent.update(r.recipient for r in live.records if r.status == "sent")
            else:                               # archived (prepare read it), or never started
                sent |= self._told.get(int(key), frozenset())
        return frozenset(sent)

    def _resolve(self, audience: Audience) -> list[Address]:
        """Inside a transaction, after prepare."""
        keys = audiences.direct_keys(audience)
        if keys is not None:
            return [self.users.address(key) for key in keys]
        event = audiences.told_event(audience)
        told = self._told_of(event) if event is not None else frozenset()
        return self.users.active(lambda user: audiences.reaches(audience, user, told))

    async def recipients(self, audience: Audience) -> list[Address]:
        await self.prepare(audience)
        async with self.db.read():
            return self._resolve(audience)

    # ---- starting ----------------------------------------------------------------------------------------
    def _start(self, bid: int, recipients: list[Address]) -> None:
        live = LiveRecords(self.folder, bid, [
            DeliveryRecord(i, bid, r.key, r.platform, r.chat_id, r.lang) for i, r in enumerate(recipients)])
        for path, content in live.staged():
            self.db.storage.stage(path, content)
        self._live[bid] = live

    def insert(self, broadcast: Broadcast) -> int:
        """Inside a write, after prepare(broadcast.audience): a "sending" broadcast gets its delivery
        records now, a "scheduled" one when it is claimed."""
        recipients = self._resolve(broadcast.audience) if broadcast.status == "sending" else []
        bid = self.db.tables["broadcasts"].insert({**broadcast.row(), "total": len(recipients)})
        if broadcast.status == "sending":
            self._start(bid, recipients)
        return bid

    async def create(self, broadcast: Broadcast, audit: Audit | None = None) -> int:
        """Stores a broadcast (and, when it is "sending", its delivery records; a staff one with its audit
        record) in one write; returns its id."""
        await self.prepare(broadcast.audience)
        async with self.db.write():
            bid = self.insert(broadcast)
            if audit:
                self.audit.add(audit, broadcast=bid)
            return bid

    async def claim(self, bid: int, when: datetime) -> bool:
        """A scheduled broadcast whose time has come: "sending" with its delivery records, in one write.
        False when it is no longer scheduled (already claimed or cancelled)."""
        if (broadcast := await self.get(bid)) is None or broadcast.status != "scheduled":
            return False
        await self.prepare(broadcast.audience)
        async with self.db.write() as t:
            doc = t["broadcasts"].get(doc_id=bid)
            if doc is None or doc["status"] != "scheduled":
                return False
            recipients = self._resolve(broadcast.audience)
            t["broadcasts"].update({"status": "sending", "started": iso(when), "total": len(recipients)}, doc_ids=[bid])
            self._start(bid, recipients)
            return True

    async def cancel_scheduled(self, bid: int, audit: Audit) -> bool:
        """Cancels a scheduled broadcast that has not started, with its audit record in the same write;
        False when it is not (or no longer) scheduled."""
        async with self.db.write() as t:
            doc = t["broadcasts"].get(doc_id=bid)
            if doc is None or doc["status"] != "scheduled":
                return False
            t["broadcasts"].update({"status": "cancelled"}, doc_ids=[bid])
            self.audit.add(audit, broadcast=bid)
            return True

    # ---- the broadcasts ----------------------------------------------------------------------------------
    async def get(self, bid: int) -> Broadcast | None:
        return await self.db.one("broadcasts", Broadcast.of, bid)

    async def all(self, status: str | None = None) -> list[Broadcast]:
        """Oldest first; those with that status."""
        return await self.db.every("broadcasts", Broadcast.of, status)

    async def finish(self, bid: int, when: datetime) -> Counter:
        """Marks a broadcast whose records all have an outcome "done", with their counts; returns them."""
        counts = (await self.counts([bid]))[bid]
        async with self.db.write() as t:
            t["broadcasts"].update({"status": "done", "finished": iso(when), "sent": counts["sent"],
                                    "failed": counts["failed"], "skipped": counts["skipped"]}, doc_ids=[bid])
        return counts

    # ---- delivery records --------------------------------------------------------------------------------
    async def pending(self, bid: int) -> list[DeliveryRecord]:
        live = self._live.get(bid)
        return [r for r in live.records if r.status == "pending"] if live else []

    async def record(self, bid: int, outcomes: list[tuple[int, Outcome]], gone: dict[str, str] | None = None) -> None:
        """A batch of delivery outcomes [(record id, outcome)] appended to the broadcast's log, and recipients
        now gone {user key: reason} marked inactive; returns once both are on disk."""
        if outcomes:
            await self._live[bid].record(outcomes)
        if gone:
            await self.users.mark_gone(gone)

    async def records(self, bid: int) -> list[DeliveryRecord]:
        """A broadcast's delivery records, live or archived."""
        if (live := self._live.get(bid)) is not None:
            return list(live.records)
        if (broadcast := await self.get(bid)) is not None and broadcast.archived:
            return await asyncio.to_thread(read_archive, self.folder, bid)
        return []

    async def counts(self, bids: Iterable[int]) -> dict[int, Counter]:
        counts: dict[int, Counter] = {}
        async with self.db.read():
            for bid in set(bids):
                doc, live = self.db.raw("broadcasts").get(str(bid)), self._live.get(bid)
                counts[bid] = Counter(r.status for r in live.records) if live else Counter(
                    {k: doc[k] for k in ("sent", "failed", "skipped") if doc and doc.get("archived") and doc.get(k)})
        return counts

    async def by_platform(self, bid: int) -> tuple[dict[str, Counter], Counter]:
        """Per platform: how many records are sent / failed / pending; and the failure reasons."""
        by_platform: dict[str, Counter] = {}
        for r in await self.records(bid):
            by_platform.setdefault(r.platform, Counter())[r.status] += 1
        return by_platform, await self.failure_reasons(bid)

    async def failure_reasons(self, bid: int) -> Counter:
        return Counter(r.reason for r in await self.records(bid) if r.status == "failed")

    async def archive(self, bid: int) -> None:
        """Compacts a finished broadcast's records into archive/broadcast-<id>.json (written atomically first,
        then marked in store.json, then the live files removed)."""
        live = self._live.get(bid)
        if live is None or (broadcast := await self.get(bid)) is None or broadcast.status != "done":
            return
        await live.compact()
        async with self.db.write() as t:
            t["broadcasts"].update({"archived": True}, doc_ids=[bid])
            del self._live[bid]
            if broadcast.event:
                self._told[bid] = frozenset(r.recipient for r in live.records if r.status == "sent")
        await asyncio.to_thread(live.remove)

