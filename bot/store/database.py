"""The one TinyDB document (store.json) the store's parts share, and its transactions.

All access is serialised by one asyncio lock. A write returns only once it is on disk; writes that arrive
while a flush is running share the next flush (group commit), so many small writers cost few file rewrites.
A flush encodes the document holding the lock, then writes and fsyncs it without: reads and the next flush's
writes go on meanwhile. Both run in a thread, one flush at a time.
"""
from __future__ import annotations

import asyncio
import logging
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path
from typing import AsyncIterator, Callable, TypeVar

from tinydb.table import Table

from bot.storage import AtomicJSONStorage, InPlaceTinyDB

log = logging.getLogger(__name__)

R = TypeVar("R")
TABLES = ("users", "events", "reminders", "broadcasts", "audit", "tickets")


def iso(when: datetime) -> str:
    return when.isoformat(timespec="seconds")


async def settled(future: asyncio.Future) -> None:
    while not future.done():
        try:
            await asyncio.shield(future)
        except asyncio.CancelledError:
            pass
        except Exception:
            return


class Database:
    def __init__(self, path: Path, backups: int = 5):
        self.path = path
        self._db = InPlaceTinyDB(path, storage=AtomicJSONStorage, backups=backups)
        self.storage: AtomicJSONStorage = self._db.storage
        self.tables: dict[str, Table] = {name: self._db.table(name, cache_size=0) for name in TABLES}
        self._lock = asyncio.Lock()           # guards every read and write of the document
        self._flush_lock = asyncio.Lock()     # orders flushes, so one flush can cover many writers
        self._changes = self._flushed = 0
        self._soon: set[asyncio.Task] = set()   # flushes nobody waits for (write_soon)

    @asynccontextmanager
    async def read(self) -> AsyncIterator[dict[str, Table]]:
        async with self._lock:
            yield self.tables

    @asynccontextmanager
    async def write(self) -> AsyncIterator[dict[str, Table]]:
        """Mutate under the lock; on exit wait until the change is durable (possibly via someone's flush)."""
        async with self._lock:
            yield self.tables
            self._changes += 1
            mine = self._changes
        await self._sync(mine)

    @asynccontextmanager
    async def write_soon(self) -> AsyncIterator[dict[str, Table]]:
        """Mutate under the lock; the flush starts at once but nobody waits for it. For changes no one was
        promised (who wrote to the bot, from which chat): a crash before that flush forgets them until the user
        writes again. A failed flush leaves the change in memory for the next one."""
        async with self._lock:
            yield self.tables
            self._changes += 1
            mine = self._changes
        task = asyncio.ensure_future(self._sync(mine))
        self._soon.add(task)
        task.add_done_callback(self._flushed_soon)

    def _flushed_soon(self, task: asyncio.Task) -> None:
        self._soon.discard(task)
        if not task.cancelled() and (error := task.exception()) is not None:
            log.error("could not save a change nobody waited for; kept for the next write: %s", error)

    async def settle(self) -> None:
        """Waits for the flushes nobody waited for (a graceful stop)."""
        await asyncio.gather(*self._soon, return_exceptions=True)

    async def _sync(self, change: int) -> None:
        async with self._flush_lock:
            if self._flushed >= change:
                return
            flushing = asyncio.ensure_future(self._flush())
            try:
                await asyncio.shield(flushing)
            finally:
                await settled(flushing)     # even when cancelled, hold the flush lock until the file is written

    async def _flush(self) -> None:
        """Never cancelled halfway (_sync shields it): what prepare() took is always committed or staged again."""
        async with self._lock:
            target = self._changes
            pending = await asyncio.to_thread(self.storage.prepare)
        if pending is not None:
            await asyncio.to_thread(self.storage.commit, pending)
        self._flushed = target

    async def one(self, table: str, record: Callable[[dict, int], R], row_id: int) -> R | None:
        """Row `row_id` of `table` as a record (`record(row, id)`), or None when there is none."""
        async with self.read():
            row = self.raw(table).get(str(row_id))
            return record(row, row_id) if row else None

    async def every(self, table: str, record: Callable[[dict, int], R], status: str | None = None) -> list[R]:
        """The rows of `table` as records, oldest first; those with that status."""
        async with self.read():
            return [record(row, int(key)) for key, row in self.raw(table).items()
                    if status is None or row["status"] == status]

    def raw(self, table: str) -> dict[str, dict]:
        """The stored rows of a table by id, without building a Document each (callers hold the lock)."""
        return self.storage.read().get(table, {})

    def close(self) -> None:
        """Flushes anything not yet on disk (there is nothing after a completed write) and closes the file."""
        self._db.close()
