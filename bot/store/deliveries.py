"""A broadcast's delivery records, kept out of store.json so a commit costs what it changes.

While a broadcast is sending, its recipients (fixed when it starts) are in deliveries/broadcast-<id>.json,
written in the same flush as the store.json change that starts it and before it, and each batch of outcomes
is one line appended to deliveries/broadcast-<id>.log. When it has finished, both are compacted into
archive/broadcast-<id>.json and removed.
"""
from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any, Callable, Literal

from bot.store.append_log import AppendLog
from bot.storage import StorageError, atomic_write, ensure_dir
from bot.store.database import settled

@dataclass(frozen=True, slots=True)
class DeliveryRecord:
    id: int                    # its place in the broadcast's list of recipients
    broadcast: int
    recipient: str             # user key
    platform: str
    chat_id: str
    lang: str = "zh"
    status: str = "pending"    # pending → sent / failed / skipped
    attempts: int = 0
    reason: str = ""
    at: str = ""
    ref: str = ""              # the sent message's id(s), where the platform gives one

    @classmethod
    def of(cls, row: dict[str, Any]) -> "DeliveryRecord":
        return cls(**{f.name: row[f.name] for f in fields(cls) if f.name in row})


@dataclass(frozen=True, slots=True)
class Outcome:
    """What became of one send; a record takes these fields over."""
    status: Literal["sent", "failed", "skipped"]
    attempts: int
    reason: str = ""           # why it failed or was skipped
    ref: str = ""              # the sent message's id(s)
    at: str = ""               # ISO time it was committed

    def row(self) -> dict[str, Any]:
        """Only what it says: a record keeps its own empty reason or ref."""
        return {k: v for k, v in (("status", self.status), ("attempts", self.attempts), ("reason", self.reason),
                                  ("ref", self.ref), ("at", self.at)) if v != ""}


def live_plan(folder: Path, bid: int) -> Path:
    return folder / "deliveries" / f"broadcast-{bid}.json"


def archive_path(folder: Path, bid: int) -> Path:
    return folder / "archive" / f"broadcast-{bid}.json"


NAMES = tuple(f.name for f in fields(DeliveryRecord))


def row(record: DeliveryRecord) -> dict[str, Any]:
    return {name: getattr(record, name) for name in NAMES}


def encode(records: list[DeliveryRecord]) -> bytes:
    return json.dumps([row(r) for r in records], ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def read_archive(folder: Path, bid: int) -> list[DeliveryRecord]:
    """A finished broadcast's records (blocking)."""
    rows = json.loads(archive_path(folder, bid).read_text("utf-8"))
    return [DeliveryRecord.of({"id": i, **row}) for i, row in enumerate(rows)]


class LiveRecords:
    """The records of one broadcast that has not been archived: in memory, and on disk as plan + log."""

    def __init__(self, folder: Path, bid: int, records: list[DeliveryRecord]):
        self.folder, self.bid, self.records = folder, bid, records
        self.log = AppendLog(live_plan(folder, bid).with_suffix(".log"))
        self._appending = asyncio.Lock()

    @classmethod
    def load(cls, folder: Path, bid: int) -> "LiveRecords":
        """The plan with every logged outcome applied (blocking)."""
        try:
            rows = json.loads(live_plan(folder, bid).read_text("utf-8"))
        except (OSError, ValueError) as exc:
            raise StorageError(f"广播 {bid} 的发送记录 {live_plan(folder, bid)} 无法读取（{exc}）。为避免重复或漏发，"
                               "程序拒绝启动，文件保持原样。") from exc
        live = cls(folder, bid, [DeliveryRecord.of({**row, "id": i}) for i, row in enumerate(rows)])
        for batch in live.log.read():
            live._apply(batch)
        return live

    def staged(self) -> list[tuple[Path, Callable[[], bytes] | None]]:
        """The files that start it, for the store's next flush (which encodes them in its thread, before any
        outcome can change a record): no log of an earlier life, then the plan."""
        return [(self.log.path, None), (live_plan(self.folder, self.bid), lambda: encode(self.records))]

    def _apply(self, batch: list[list]) -> None:
        for index, outcome in batch:
            self.records[index] = replace(self.records[index], **outcome)

    async def record(self, outcomes: list[tuple[int, Outcome]]) -> None:
        """Appends a batch of outcomes [(record id, outcome)]; returns once it is on disk."""
        batch = [[index, outcome.row()] for index, outcome in outcomes]
        async with self._appending:
            writing = asyncio.ensure_future(asyncio.to_thread(self.log.append, batch))
            try:
                await asyncio.shield(writing)
            finally:
                await settled(writing)
                if writing.exception() is None:
                    self._apply(batch)

    async def compact(self) -> None:
        """Writes the archive (atomically), the first half of archiving; the store then marks it archived."""
        path = archive_path(self.folder, self.bid)
        await asyncio.to_thread(self._write_archive, path)

    def _write_archive(self, path: Path) -> None:
        ensure_dir(path.parent)
        atomic_write(path, encode(self.records))

    def remove(self) -> None:
        """The live files, once the archive is what store.json points to (blocking)."""
        self.log.remove()
        live_plan(self.folder, self.bid).unlink(missing_ok=True)
