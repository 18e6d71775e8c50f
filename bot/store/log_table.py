"""A table that only grows, kept in an append-only log of its own instead of store.json.

Each line is a batch of entries, every entry a dict with an "id": a new id adds a row, a known one updates it.
Writers that arrive while an append is running share the next one (group commit), and that append goes in
the store's next GroupCommit job with the other logs' writes. Rows are in memory; a write returns once its
line is on disk, and only then do readers see it.
"""
from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path
from typing import Any, Iterable

from bot.clock import SHANGHAI
from bot.store.append_log import AppendLog
from bot.store.database import iso, settled
from bot.store.group_commit import GroupCommit


class LogTable:
    def __init__(self, path: Path, commits: GroupCommit):
        self.log, self._commits = AppendLog(path), commits
        self.rows: dict[int, dict[str, Any]] = {}
        for batch in self.log.read():
            self._apply(batch)
        self._next = max(self.rows, default=0) + 1
        self._buffer: list[dict[str, Any]] = []
        self._added = self._written = 0
        self._appending = asyncio.Lock()

    def _apply(self, batch: list[dict[str, Any]]) -> None:
        for entry in batch:
            self.rows.setdefault(entry["id"], {}).update(entry)

    async def _commit(self, entries: list[dict[str, Any]]) -> None:
        self._buffer.extend(entries)
        self._added += 1
        mine = self._added
        async with self._appending:
            if self._written >= mine:
                return
            target, batch = self._added, self._buffer
            self._buffer = []
            writing = asyncio.ensure_future(self._commits.run(lambda: self.log.append(batch)))
            try:
                await asyncio.shield(writing)
            finally:
                await settled(writing)         # even when cancelled, the line is on disk or not at all
                if writing.exception() is None:
                    self._apply(batch)
                    self._written = target
                else:
                    self._buffer[:0] = batch   # kept for the next append

    async def insert(self, rows: Iterable[dict[str, Any]]) -> list[int]:
        entries = []
        for row in rows:
            entries.append({**row, "id": self._next})
            self._next += 1
        await self._commit(entries)
        return [e["id"] for e in entries]

    async def update(self, ids: Iterable[int], fields: dict[str, Any]) -> None:
        await self._commit([{**fields, "id": i} for i in ids if i in self.rows])

    async def between(self, start: datetime, end: datetime) -> list[dict[str, Any]]:
        """Copies of the rows with "at" in [start, end), with their ids, oldest first."""
        low, high = iso(start.astimezone(SHANGHAI)), iso(end.astimezone(SHANGHAI))   # stored times are +08:00
        return [dict(row) for row in self.rows.values() if low <= row["at"] < high]

    def adopt(self, rows: dict[str, dict[str, Any]]) -> None:
        """Rows of a table kept elsewhere before (keyed by id), taken in once, when this log is still empty;
        the caller drops the old copy after this returns (blocking, at start)."""
        if self.rows or not rows:
            return
        batch = [{**row, "id": int(key)} for key, row in rows.items()]
        self.log.append(batch)
        self._apply(batch)
        self._next = max(self.rows) + 1
