"""What the WeCom channels must remember across restarts: 微信客服 sync cursors, the message ids already
claimed (so a callback retried or replayed, or a kf message pulled twice, is answered once) and the 微信客服
customers a person has taken over (so the bot stays silent for them after a restart too).

Kept apart from bot/store because these writes come with every callback. A claim must be on disk before
its answer leaves, yet rewriting every id per callback would be too slow, so there are two files under
BOT_DATA_DIR: a snapshot (`wecom_state.json`, rewritten atomically) and its journal (`wecom_state.<n>.log`),
to which each write appends one JSON line and fsyncs it. Changes made while a write is under way share the
next one (group commit); journal appends go in the store's GroupCommit jobs (one worker-thread hop shared with
the logs' appends), folds in a worker thread of their own. A line cut short by a crash is not valid JSON
and is skipped: nothing was answered on its strength. Once the journal holds more entries than there are
live ids it is folded into a new snapshot, which names the next journal; the old one is then deleted.

Ids are bounded by time (each expires after its TTL) and by count (beyond `max_ids` the oldest go first).
"""
from __future__ import annotations

import asyncio
import heapq
import json
import logging
import os
import re
import time
from collections import OrderedDict
from pathlib import Path
from typing import Callable

from bot.storage import atomic_write
from bot.store.append_log import Appender
from bot.store.group_commit import GroupCommit

log = logging.getLogger(__name__)

MAX_IDS = 50_000
COMPACT_AFTER = 1_000     # journal entries allowed before folding, however few ids are live


class WeComState:
    def __init__(self, path: Path, *, now: Callable[[], float] = time.time, max_ids: int = MAX_IDS,
                 commits: GroupCommit | None = None):
        self.path, self._now, self.max_ids = path, now, max_ids
        self._commits = commits or GroupCommit()
        self._cursors: dict[str, str] = {}
        self._ids: OrderedDict[str, float] = OrderedDict()     # id → expiry (epoch seconds), oldest first
        self._expiries: list[tuple[float, str]] = []           # heap; entries whose id moved on are stale
        self._unsaved: dict[str, float] = {}
        self._people: dict[str, int] = {}          # kf chat → service_state 2 (pool) or 3 (a person serves)
        self._cursors_unsaved = False              # cursors or people changed since the last write
        self._generation = 0                                   # names the journal the snapshot continues in
        self._journaled = 0                                    # entries in that journal
        self._next: asyncio.Future | None = None               # done when the next write is on disk
        self._writer: asyncio.Task | None = None
        self._warned = False
        self._load()
        self._appender = Appender(self.journal)                # the writer's, in its thread

    @property
    def journal(self) -> Path:
        return self.path.with_name(f"{self.path.stem}.{self._generation}.log")

    # ---- loading -----------------------------------------------------------------------------------------

    def _load(self) -> None:
        if self.path.exists():
            try:
                data = json.loads(self.path.read_text("utf-8"))
                self._generation = int(data.get("journal", 0))
                self._apply(data)
            except (ValueError, TypeError, AttributeError, OSError) as exc:
                bad = self.path.with_suffix(".bad")
                os.replace(self.path, bad)
                log.error("unreadable %s (%s); kept it as %s and started from its latest journal", self.path, exc,
                          bad.name)
                self._cursors, self._people, self._ids, self._expiries = {}, {}, OrderedDict(), []
                self._generation = max(self._journals(), default=0)
        for generation in self._journals():
            if generation != self._generation:      # folded into the snapshot before a crash
                self.path.with_name(f"{self.path.stem}.{generation}.log").unlink()
        if self.journal.exists():
            data = self.journal.read_bytes()
            if not data.endswith(b"\n"):            # a torn last line: cut it, or the next line would join it
                os.truncate(self.journal, data.rfind(b"\n") + 1)
            lines = data.splitlines()
            skipped = 0
            for line in lines:
                try:
                    self._apply(json.loads(line))
                except (ValueError, TypeError, AttributeError):
                    skipped += 1
            if skipped:
                log.warning("%s: skipped %d unreadable line(s), cut short by a crash", self.journal.name, skipped)
            self._journaled = len(lines)
        self._evict(self._now())

    def _journals(self) -> list[int]:
        """The generations of the journals beside the snapshot."""
        name = re.compile(re.escape(self.path.stem) + r"\.([0-9]+)\.log")
        return [int(m[1]) for p in self.path.parent.glob(f"{self.path.stem}.*.log") if (m := name.fullmatch(p.name))]

    def _apply(self, entry: dict) -> None:
        cursors = {str(k): str(v) for k, v in entry.get("kf_cursors", {}).items()}
        ids = [(str(k), float(v)) for k, v in entry.get("ids", {}).items()]
        self._cursors.update(cursors)
        if "kf_people" in entry:                    # written whole whenever it changes
            self._people = {str(k): int(v) for k, v in entry["kf_people"].items()}
        for msg_id, expiry in ids:
            self._put(msg_id, expiry)

    # ---- ids and cursors ---------------------------------------------------------------------------------

    def cursor(self, open_kfid: str) -> str:
        return self._cursors.get(open_kfid, "")

    def set_cursor(self, open_kfid: str, cursor: str) -> None:
        self._cursors[open_kfid] = cursor
        self._cursors_unsaved = True

    def with_people(self, chat: str) -> int | None:
        """The service_state (2 or 3) of a 微信客服 chat handed to people, or None while the bot serves it."""
        return self._people.get(chat)

    def hand_to_people(self, chat: str, service_state: int) -> None:
        self._people[chat] = service_state
        self._cursors_unsaved = True

    def back_to_bot(self, chat: str) -> None:
        if self._people.pop(chat, None) is not None:
            self._cursors_unsaved = True

    def __len__(self) -> int:
        """Ids held; expired ones are let go as claims come in."""
        return len(self._ids)

    def seen(self, msg_id: str) -> bool:
        expiry = self._ids.get(msg_id)
        return expiry is not None and expiry > self._now()

    async def claim(self, msg_id: str, ttl: float) -> bool:
        """True the first time `msg_id` is seen, once that is on disk; False for a repeat. Either way the id
        is kept `ttl` seconds from now (a repeat's extension is saved with the next write). Raises OSError
        when the claim could not be saved; the id is then forgotten, so a retry is answered."""
        repeat = self.seen(msg_id)
        now = self._now()
        self._put(msg_id, now + ttl)
        self._unsaved[msg_id] = now + ttl
        self._evict(now)
        if repeat:
            return False
        try:
            await self.save()
        except OSError:
            self._ids.pop(msg_id, None)
            self._unsaved.pop(msg_id, None)
            raise
        return True

    def _put(self, msg_id: str, expiry: float) -> None:
        self._ids[msg_id] = expiry
        self._ids.move_to_end(msg_id)
        heapq.heappush(self._expiries, (expiry, msg_id))

    def _evict(self, now: float) -> None:
        ids, heap = self._ids, self._expiries
        while heap and (heap[0][0] <= now or ids.get(heap[0][1]) != heap[0][0]):
            expiry, msg_id = heapq.heappop(heap)
            if ids.get(msg_id) == expiry:
                del ids[msg_id]
        while len(ids) > self.max_ids:
            _, expiry = ids.popitem(last=False)
            if expiry > now and not self._warned:
                self._warned = True
                log.warning("more than %d message ids within their dedupe time: the oldest are forgotten early",
                            self.max_ids)
        if len(heap) > 2 * len(ids) + 64:
            self._expiries = [(expiry, msg_id) for msg_id, expiry in ids.items()]
            heapq.heapify(self._expiries)

    # ---- writing -----------------------------------------------------------------------------------------

    async def save(self) -> None:
        """Returns once every change made so far is on disk."""
        if self._next is None:
            self._next = asyncio.get_running_loop().create_future()
            if self._writer is None or self._writer.done():
                self._writer = asyncio.create_task(self._write_pending())
        await asyncio.shield(self._next)

    async def _write_pending(self) -> None:
        while (done := self._next) is not None:
            self._next = None
            try:
                await self._write()
            except OSError as exc:
                log.error("saving %s failed: %s", self.path, exc)
                done.set_exception(exc)
            else:
                done.set_result(None)

    async def _write(self) -> None:
        batch, self._unsaved = self._unsaved, {}
        cursors, self._cursors_unsaved = self._cursors_unsaved, False
        try:
            if self._journaled + len(batch) > max(len(self._ids), COMPACT_AFTER):
                await self._fold()
            elif batch or cursors:
                tables = {"kf_cursors": self._cursors, "kf_people": self._people} if cursors else {}
                line = json.dumps({"ids": batch, **tables}, ensure_ascii=False).encode() + b"\n"
                await self._commits.run(lambda: self._append(line))
                self._journaled += len(batch) + cursors
        except OSError:
            self._unsaved = {**batch, **self._unsaved}
            self._cursors_unsaved |= cursors
            raise

    async def _fold(self) -> None:
        """A new snapshot holding every live id, continued in an empty journal; the old journal goes."""
        now, old = self._now(), self.journal
        snapshot = {"kf_cursors": dict(self._cursors), "kf_people": dict(self._people), "journal": self._generation + 1,
                    "ids": {k: v for k, v in self._ids.items() if v > now}}
        await asyncio.to_thread(self._replace, snapshot, old)
        self._generation, self._journaled = self._generation + 1, 0

    def _replace(self, snapshot: dict, old: Path) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(self.path, json.dumps(snapshot, ensure_ascii=False).encode())
        self._appender.close()
        self._appender = Appender(self.path.with_name(f"{self.path.stem}.{snapshot['journal']}.log"))
        old.unlink(missing_ok=True)

    def _append(self, line: bytes) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._appender.append(line)
