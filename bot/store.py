"""The repository: every read and write of persistent data goes through Store, so handlers never see TinyDB
and a server database could replace it behind the same methods.

All access is serialised by one asyncio lock. A write returns only once it is on disk; writes that arrive
while a flush is running share the next flush (group commit), so many small writers cost few file rewrites.
Documents handed out are copies: mutating them never changes storage.
"""
from __future__ import annotations

import asyncio
import copy
import json
import logging
from collections import Counter
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Iterable

from bot.clock import SHANGHAI
from bot.messages import Incoming
from bot.storage import AtomicJSONStorage, InPlaceTinyDB, StorageError, atomic_write

__all__ = ["Audit", "Store", "StorageError"]
log = logging.getLogger(__name__)

TABLES = ("users", "events", "reminders", "broadcasts", "deliveries", "audit", "unanswered", "tickets", "analytics")
DEFAULT_SUBSCRIPTIONS = ("news",)     # staff announcements to everyone; event notices ("events") are opt-in


async def _settled(future: asyncio.Future) -> None:
    while not future.done():
        try:
            await asyncio.shield(future)
        except asyncio.CancelledError:
            pass
        except Exception:
            return


def _iso(when: datetime) -> str:
    return when.isoformat(timespec="seconds")


@dataclass(frozen=True)
class Audit:
    """A staff action for the `audit` table; a change takes it along so both land in the same write."""
    actor: str
    action: str
    when: datetime
    detail: dict[str, Any] = field(default_factory=dict)

    def row(self, **more: Any) -> dict:
        return {"at": _iso(self.when), "actor": self.actor, "action": self.action,
                "detail": {**self.detail, **more}}


class Store:
    def __init__(self, data_dir: str | Path, *, backups: int = 5, file_name: str = "store.json"):
        self.path = Path(data_dir) / file_name
        self._db = InPlaceTinyDB(self.path, storage=AtomicJSONStorage, backups=backups)
        self._storage: AtomicJSONStorage = self._db.storage
        self._t = {name: self._db.table(name, cache_size=0) for name in TABLES}
        self._lock = asyncio.Lock()           # guards every read and write of the document
        self._flush_lock = asyncio.Lock()     # orders flushes, so one flush can cover many writers
        self._changes = self._flushed = 0
        self._user_ids: dict[str, int] = {}
        self._seen: dict[str, tuple] = {}
        self._langs: dict[str, str | None] = {}       # user key → the language they write or chose
        for doc in self._t["users"].all():
            self._index_user(doc, doc.doc_id)

    # ---- transactions ------------------------------------------------------------------------------------
    @asynccontextmanager
    async def _read(self):
        async with self._lock:
            yield self._t

    @asynccontextmanager
    async def _write(self):
        """Mutate under the lock; on exit wait until the change is durable (possibly via someone's flush)."""
        async with self._lock:
            yield self._t
            self._changes += 1
            mine = self._changes
        await self._sync(mine)

    async def _sync(self, change: int) -> None:
        async with self._flush_lock:
            if self._flushed >= change:
                return
            async with self._lock:
                target = self._changes
                writing = asyncio.ensure_future(asyncio.to_thread(self._storage.flush))
                try:
                    await asyncio.shield(writing)
                finally:
                    await _settled(writing)     # even when cancelled, hold the lock until the file is written
                self._flushed = target

    def close(self) -> None:
        """Flushes anything not yet on disk (there is nothing after a completed write) and closes the file."""
        self._db.close()

    # ---- users / recipients ------------------------------------------------------------------------------
    def _index_user(self, doc: dict, doc_id: int) -> None:
        self._user_ids[doc["key"]] = doc_id
        self._seen[doc["key"]] = (doc["chat_id"], doc["name"], doc["active"])
        self._langs[doc["key"]] = doc.get("lang")

    def _user_doc(self, key: str) -> dict | None:
        doc_id = self._user_ids.get(key)
        return self._t["users"].get(doc_id=doc_id) if doc_id is not None else None

    def _upsert_user(self, key: str, fields: dict, defaults: dict | None = None) -> dict:
        users = self._t["users"]
        doc_id = self._user_ids.get(key)
        if doc_id is None:
            platform, _, user_id = key.partition(":")
            doc = {"key": key, "platform": platform, "user_id": user_id, "chat_id": user_id, "name": "",
                   "segments": [], "subscriptions": list(DEFAULT_SUBSCRIPTIONS), "profile": {}, "active": True,
                   "reason": "", "since": "", **(defaults or {}), **fields}
            doc_id = users.insert(doc)
        else:
            users.update(fields, doc_ids=[doc_id])
        doc = users.get(doc_id=doc_id)
        self._index_user(doc, doc_id)
        return doc

    async def seen(self, msg: Incoming, when: datetime | None = None, lang: str | None = None) -> None:
        """Registers the writer as a recipient, or refreshes their address/name/language; one write only when
        something changed (a new user, another chat, a new display name, a new language, or someone inactive
        writing again)."""
        chat_id = msg.user_id if msg.is_group else msg.chat_id      # notices go to the private chat
        name = msg.display_name or ""
        known = self._seen.get(msg.user_key)
        same_lang = lang is None or self._langs.get(msg.user_key) == lang
        if known is not None and known[0] == chat_id and (known[1] == name or not name) and known[2] and same_lang:
            return
        fields = {"chat_id": chat_id, "active": True, "reason": ""}
        if name:
            fields["name"] = name
        if lang is not None:
            fields["lang"] = lang
        defaults = {"platform": msg.platform, "user_id": msg.user_id, "since": _iso(when) if when else ""}
        try:
            async with self._write():
                self._upsert_user(msg.user_key, fields, defaults)
        except StorageError:       # answering the user matters more; the change stays in memory and is retried
            log.exception("could not save recipient %s", msg.user_key)

    async def ensure_recipient(self, platform: str, chat_id: str, name: str,
                               subscriptions: Iterable[str] = DEFAULT_SUBSCRIPTIONS) -> None:
        """A recipient that never writes to the bot (a WeCom group robot): created once, left as staff set it."""
        key = f"{platform}:{chat_id}"
        if key in self._user_ids:
            return
        async with self._write():
            self._upsert_user(key, {"chat_id": chat_id, "name": name, "subscriptions": list(subscriptions)})

    def language(self, user_key: str) -> str | None:
        return self._langs.get(user_key)

    async def set_language(self, user_key: str, lang: str) -> None:
        """Remembers the user's language; a write only when it changes."""
        if self._langs.get(user_key) == lang:
            return
        try:
            async with self._write():
                self._upsert_user(user_key, {"lang": lang})
        except StorageError:
            log.exception("could not save the language of %s", user_key)

    async def get_user(self, user_key: str) -> dict | None:
        async with self._read():
            doc = self._user_doc(user_key)
            return copy.deepcopy(dict(doc)) if doc else None

    async def get_profile(self, user_key: str) -> dict | None:
        async with self._read():
            doc = self._user_doc(user_key)
            return copy.deepcopy(doc["profile"]) if doc and doc.get("profile") else None

    async def save_profile(self, user_key: str, profile: dict) -> None:
        async with self._write():
            self._upsert_user(user_key, {"profile": copy.deepcopy(profile)})

    async def choose(self, user_key: str, field: str, value: str, on: bool) -> None:
        """Puts `value` in the user's `field` list ("segments" or "subscriptions") or takes it out; doing it
        twice changes nothing."""
        if field not in ("segments", "subscriptions"):
            raise ValueError(field)
        async with self._write():
            doc = self._user_doc(user_key)
            current = list(doc[field]) if doc else list(DEFAULT_SUBSCRIPTIONS if field == "subscriptions" else [])
            if doc and (value in current) == on:
                return
            self._upsert_user(user_key, {field: [v for v in current if v != value] + ([value] if on else [])})

    def _match(self, t, audience: dict) -> list[dict]:
        """Active recipients of an audience: {"kind": "all"} (everyone taking announcements), {"kind":
        "segment", "value": id} (members), {"kind": "platform", "value": p}, {"kind": "event", "value":
        segment or "all", "event": id} (event-notice subscribers of that audience, plus whoever was already
        sent a notice of that event, so edits and cancellations reach the same people), or {"kind": "direct",
        "value": ["platform:id", …]} (those accounts, whatever they subscribe to, known to the bot or not)."""
        kind, value = audience["kind"], audience.get("value")
        if kind == "direct":
            return [self._address(key) for key in value]
        if kind == "all":
            wanted = lambda d: "news" in d["subscriptions"]                                  # noqa: E731
        elif kind == "segment":
            wanted = lambda d: value in d["segments"]                                        # noqa: E731
        elif kind == "platform":
            wanted = lambda d: d["platform"] == value and "news" in d["subscriptions"]       # noqa: E731
        elif kind == "event":
            earlier = [b for b in t["broadcasts"].all() if b.get("event") == audience["event"]]
            told = {d["recipient"] for b in earlier for d in self._records(t, b.doc_id, b) if d["status"] == "sent"}
            wanted = lambda d: d["key"] in told or ("events" in d["subscriptions"]            # noqa: E731
                                                    and (value == "all" or value in d["segments"]))
        else:
            raise ValueError(f"unknown audience {audience!r}")
        return [{"key": d["key"], "platform": d["platform"], "chat_id": d["chat_id"], "lang": d.get("lang") or "zh"}
                for d in t["users"].all() if d["active"] and wanted(d)]

    def _address(self, key: str) -> dict:
        """Where `key` is reached: its stored chat, or the id after the platform for an account never seen."""
        doc = self._user_doc(key)
        platform, _, chat_id = key.partition(":")
        return {"key": key, "platform": platform, "chat_id": doc["chat_id"] if doc else chat_id,
                "lang": doc.get("lang", "zh") if doc else "zh"}

    async def recipients(self, audience: dict) -> list[dict]:
        async with self._read() as t:
            return self._match(t, audience)

    async def platforms(self) -> list[str]:
        async with self._read() as t:
            return sorted({d["platform"] for d in t["users"].all() if d["active"]})

    # ---- events and reminders ----------------------------------------------------------------------------
    async def add_events(self, events: list[tuple[dict, list[dict]]], audit: Audit) -> list[int]:
        """Stores events, each with its reminders and audit record, in one write (an import is all or
        nothing); returns ids."""
        async with self._write() as t:
            ids = []
            for event, reminders in events:
                ids.append(event_id := t["events"].insert(copy.deepcopy(event)))
                t["reminders"].insert_multiple({**r, "event": event_id} for r in reminders)
                t["audit"].insert(audit.row(event=event_id))
            return ids

    async def update_event(self, event_id: int, fields: dict, reminders: list[dict], audit: Audit,
                           retire_pending: str | None = None) -> list[int]:
        """Changes an event, adds `reminders` and the audit record, in one write; with `retire_pending` its
        reminders still pending first get that status (e.g. "replaced"). Returns the new reminders' ids."""
        async with self._write() as t:
            t["events"].update(copy.deepcopy(fields), doc_ids=[event_id])
            t["audit"].insert(audit.row(event=event_id))
            if retire_pending:
                stale = [r.doc_id for r in t["reminders"].all() if r["event"] == event_id and r["status"] == "pending"]
                t["reminders"].update({"status": retire_pending}, doc_ids=stale)
            return t["reminders"].insert_multiple({**r, "event": event_id} for r in reminders)

    async def get_event(self, event_id: int) -> dict | None:
        async with self._read() as t:
            doc = t["events"].get(doc_id=event_id)
            return {**copy.deepcopy(dict(doc)), "id": doc.doc_id} if doc else None

    async def events(self) -> list[dict]:
        async with self._read() as t:
            return [{**copy.deepcopy(dict(d)), "id": d.doc_id} for d in t["events"].all()]

    async def reminders(self, status: str = "pending") -> list[dict]:
        async with self._read() as t:
            return [{**dict(r), "id": r.doc_id} for r in t["reminders"].all() if r["status"] == status]

    async def claim_reminder(self, reminder_id: int, settle) -> dict | None:
        """Atomically settles a pending reminder: `settle(reminder, event)` returns (status, note, broadcast or
        None), or None to leave it pending. The broadcast and its delivery records are stored in the same write
        as the reminder's new status, so a reminder never fires twice. Returns the settled reminder, or None."""
        async with self._write() as t:
            reminder = t["reminders"].get(doc_id=reminder_id)
            if reminder is None or reminder["status"] != "pending":
                return None
            event = t["events"].get(doc_id=reminder["event"])
            outcome = settle({**dict(reminder), "id": reminder_id},
                             {**dict(event), "id": event.doc_id} if event else None)
            if outcome is None:                     # not due yet: leave it pending
                return None
            status, note, broadcast = outcome
            bid = self._insert_broadcast(t, broadcast) if broadcast else None
            t["reminders"].update({"status": status, "note": note, "broadcast": bid}, doc_ids=[reminder_id])
            return {**dict(reminder), "id": reminder_id, "status": status, "note": note, "broadcast": bid}

    # ---- broadcasts and deliveries -----------------------------------------------------------------------
    def _insert_broadcast(self, t, broadcast: dict) -> int:
        """A "sending" broadcast gets one pending delivery record per recipient of its audience, resolved now;
        a "scheduled" one gets them when it is claimed."""
        recipients = self._match(t, broadcast["audience"]) if broadcast["status"] == "sending" else []
        bid = t["broadcasts"].insert({**copy.deepcopy(broadcast), "total": len(recipients)})
        self._insert_deliveries(t, bid, recipients)
        return bid

    @staticmethod
    def _insert_deliveries(t, bid: int, recipients: list[dict]) -> None:
        t["deliveries"].insert_multiple(
            {"broadcast": bid, "recipient": r["key"], "platform": r["platform"], "chat_id": r["chat_id"],
             "lang": r["lang"], "status": "pending", "attempts": 0, "reason": ""} for r in recipients)

    async def create_broadcast(self, broadcast: dict, audit: Audit | None = None) -> int:
        """Stores a broadcast (and, when it is "sending", its delivery records; a staff one with its audit
        record) in one write."""
        async with self._write() as t:
            bid = self._insert_broadcast(t, broadcast)
            if audit:
                t["audit"].insert(audit.row(broadcast=bid))
            return bid

    async def claim_broadcast(self, bid: int, when: datetime) -> bool:
        """A scheduled broadcast whose time has come: "sending" with its delivery records, in one write.
        False when it is no longer scheduled (already claimed or cancelled)."""
        async with self._write() as t:
            doc = t["broadcasts"].get(doc_id=bid)
            if doc is None or doc["status"] != "scheduled":
                return False
            recipients = self._match(t, doc["audience"])
            t["broadcasts"].update({"status": "sending", "started": _iso(when), "total": len(recipients)},
                                   doc_ids=[bid])
            self._insert_deliveries(t, bid, recipients)
            return True

    async def get_broadcast(self, bid: int) -> dict | None:
        async with self._read() as t:
            doc = t["broadcasts"].get(doc_id=bid)
            return {**copy.deepcopy(dict(doc)), "id": bid} if doc else None

    async def broadcasts(self, status: str | None = None) -> list[dict]:
        async with self._read() as t:
            return [{**copy.deepcopy(dict(d)), "id": d.doc_id} for d in t["broadcasts"].all()
                    if status is None or d["status"] == status]

    async def set_broadcast(self, bid: int, **fields) -> None:
        async with self._write() as t:
            t["broadcasts"].update(fields, doc_ids=[bid])

    async def pending_deliveries(self, bid: int) -> list[dict]:
        async with self._read() as t:
            return [{**dict(d), "id": d.doc_id} for d in t["deliveries"].all()
                    if d["broadcast"] == bid and d["status"] == "pending"]

    async def record_deliveries(self, results: list[tuple[int, dict]], gone: dict[str, str] | None = None) -> None:
        """One write for a batch of delivery outcomes [(delivery id, fields)], and recipients now gone
        {user key: reason} marked inactive."""
        async with self._write() as t:
            groups: dict[tuple, list[int]] = {}
            for did, fields in results:
                groups.setdefault(tuple(sorted(fields.items())), []).append(did)
            for fields, ids in groups.items():
                t["deliveries"].update(dict(fields), doc_ids=ids)
            for key, reason in (gone or {}).items():
                if key in self._user_ids:
                    self._upsert_user(key, {"active": False, "reason": reason})

    async def delivery_counts(self, bids: Iterable[int]) -> dict[int, Counter]:
        wanted = set(bids)
        counts: dict[int, Counter] = {bid: Counter() for bid in wanted}
        async with self._read() as t:
            for bid in wanted:
                doc = t["broadcasts"].get(doc_id=bid)
                if doc is not None and doc.get("archived"):
                    counts[bid].update({k: doc[k] for k in ("sent", "failed", "skipped") if doc.get(k)})
            for d in t["deliveries"].all():
                if d["broadcast"] in wanted:
                    counts[d["broadcast"]][d["status"]] += 1
        return counts

    async def delivery_by_platform(self, bid: int) -> tuple[dict[str, Counter], Counter]:
        """Per platform: how many records are sent / failed / pending; and the failure reasons."""
        by_platform: dict[str, Counter] = {}
        reasons: Counter = Counter()
        async with self._read() as t:
            for d in self._records(t, bid):
                by_platform.setdefault(d["platform"], Counter())[d["status"]] += 1
                if d["status"] == "failed":
                    reasons[d["reason"]] += 1
        return by_platform, reasons

    async def failure_reasons(self, bid: int) -> Counter:
        async with self._read() as t:
            return Counter(d["reason"] for d in self._records(t, bid) if d["status"] == "failed")

    # ---- archive: finished broadcasts' delivery records leave the live file --------------------------------
    def _archive_path(self, bid: int) -> Path:
        return self.path.parent / "archive" / f"broadcast-{bid}.json"

    def _records(self, t, bid: int, broadcast: dict | None = None) -> list[dict]:
        """A broadcast's delivery records, live or archived."""
        broadcast = broadcast if broadcast is not None else t["broadcasts"].get(doc_id=bid)
        if broadcast is not None and broadcast.get("archived"):
            return json.loads(self._archive_path(bid).read_text("utf-8"))
        return [d for d in t["deliveries"].all() if d["broadcast"] == bid]

    async def archive(self, bid: int) -> None:
        """Moves a finished broadcast's delivery records to archive/broadcast-<id>.json (written atomically
        first, then removed from the live file), so the file every write rewrites stays small."""
        async with self._read() as t:
            doc = t["broadcasts"].get(doc_id=bid)
            if doc is None or doc["status"] != "done" or doc.get("archived"):
                return
            records = [d for d in t["deliveries"].all() if d["broadcast"] == bid]
            encoded = json.dumps(records, ensure_ascii=False).encode("utf-8")
            ids = [d.doc_id for d in records]
        path = self._archive_path(bid)
        path.parent.mkdir(exist_ok=True)
        await asyncio.to_thread(atomic_write, path, encoded)
        async with self._write() as t:
            t["deliveries"].remove(doc_ids=ids)
            t["broadcasts"].update({"archived": True}, doc_ids=[bid])

    async def cancel_scheduled(self, bid: int, audit: Audit) -> bool:
        """Cancels a scheduled broadcast that has not started, with its audit record in the same write;
        False when it is not (or no longer) scheduled."""
        async with self._write() as t:
            doc = t["broadcasts"].get(doc_id=bid)
            if doc is None or doc["status"] != "scheduled":
                return False
            t["broadcasts"].update({"status": "cancelled"}, doc_ids=[bid])
            t["audit"].insert(audit.row(broadcast=bid))
            return True

    # ---- tickets: requests for a person ------------------------------------------------------------------
    async def open_ticket(self, ticket: dict) -> int:
        async with self._write() as t:
            return t["tickets"].insert(copy.deepcopy(ticket))

    async def get_ticket(self, ticket_id: int) -> dict | None:
        async with self._read() as t:
            doc = t["tickets"].get(doc_id=ticket_id)
            return {**copy.deepcopy(dict(doc)), "id": ticket_id} if doc else None

    async def tickets(self, status: str | None = None) -> list[dict]:
        async with self._read() as t:
            return [{**copy.deepcopy(dict(d)), "id": d.doc_id} for d in t["tickets"].all()
                    if status is None or d["status"] == status]

    async def update_ticket(self, ticket_id: int, entries: Iterable[dict] = (), notice: int | None = None,
                            **fields: Any) -> dict | None:
        """Appends `entries` to the ticket's history and `notice` (a broadcast id) to its notices, and sets
        `fields`, in one write; returns the ticket as it is now, or None when there is no such ticket."""
        async with self._write() as t:
            doc = t["tickets"].get(doc_id=ticket_id)
            if doc is None:
                return None
            changes = {**fields, "history": [*doc["history"], *copy.deepcopy(list(entries))]}
            if notice is not None:
                changes["notices"] = [*doc["notices"], notice]
            t["tickets"].update(changes, doc_ids=[ticket_id])
            return {**copy.deepcopy(dict(t["tickets"].get(doc_id=ticket_id))), "id": ticket_id}

    async def ticket_of_message(self, platform: str, chat_id: str, ref: str) -> dict | None:
        """The ticket whose staff notice became message `ref` in that chat (as the delivery recorded it)."""
        async with self._read() as t:
            for doc in reversed(t["tickets"].all()):           # the newest first: where replies usually go
                for bid in doc["notices"]:
                    if any(d["platform"] == platform and d["chat_id"] == chat_id
                           and ref in d.get("ref", "").split(",") for d in self._records(t, bid)):
                        return {**copy.deepcopy(dict(doc)), "id": doc.doc_id}
        return None

    # ---- audit and unanswered questions ------------------------------------------------------------------
    async def audit(self, actor: str, action: str, when: datetime, **detail: Any) -> None:
        """An action that changes nothing else (a status view, a reload)."""
        async with self._write() as t:
            t["audit"].insert(Audit(actor, action, when, detail).row())

    async def audit_log(self) -> list[dict]:
        async with self._read() as t:
            return [copy.deepcopy(dict(d)) for d in t["audit"].all()]

    async def log_unanswered(self, msg: Incoming, when: datetime) -> None:
        async with self._write() as t:
            t["unanswered"].insert({"at": _iso(when), "user": msg.user_key, "text": msg.text})

    def _rows_between(self, table: str, start: datetime, end: datetime) -> list[dict]:
        """Copies of the rows of a log table with "at" in [start, end), with their ids. Reads the stored dict
        directly: TinyDB's all() builds a Document per row, which costs more than the scan."""
        low, high = _iso(start.astimezone(SHANGHAI)), _iso(end.astimezone(SHANGHAI))   # stored times are +08:00
        raw = self._storage.read().get(table, {})
        return [{**d, "id": int(k)} for k, d in raw.items() if low <= d["at"] < high]

    async def unanswered_between(self, start: datetime, end: datetime) -> list[dict]:
        """Rows logged in [start, end), with their ids, oldest first."""
        async with self._read():
            return self._rows_between("unanswered", start, end)

    async def resolve_unanswered(self, ids: Iterable[int], how: str) -> None:
        """Marks questions as dealt with (e.g. "faq:<entry id>"), so lists of open questions leave them out."""
        async with self._write() as t:
            t["unanswered"].update({"resolved": how}, doc_ids=list(ids))

    # ---- question analytics (kept in a file of their own: see bot/analytics.py) ----------------------------
    async def add_analytics(self, rows: list[dict]) -> None:
        async with self._write() as t:
            t["analytics"].insert_multiple(rows)

    async def analytics_between(self, start: datetime, end: datetime) -> list[dict]:
        async with self._read():
            return self._rows_between("analytics", start, end)

    async def unanswered_since(self, since: datetime) -> list[dict]:
        async with self._read() as t:
            return [dict(d) for d in t["unanswered"].all() if datetime.fromisoformat(d["at"]) >= since]
