"""TinyDB storage that never leaves a half-written file and never overwrites a file it could not read.

TinyDB reads and writes the whole document on every operation. This storage keeps the document in memory
(TinyDB's `read`/`write` only touch that copy) and writes the file only when `flush()` is called, atomically:
temp file in the same folder → flush → fsync → `os.replace` → fsync the folder. The caller (bot/store/database.py)
decides when to flush, which is what makes group commit possible; a flush is `prepare()` (the bytes to write, taken
while nothing changes the document) then `commit()` (the writing and fsyncs, while changes for the next one go on). Backups rotate as `backups/<name>.1 … .N`
at start and every `backup_every` seconds, when the content changed.
"""
from __future__ import annotations

import json
import logging
import os
import shutil
import time
from collections.abc import Callable, MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Table

log = logging.getLogger(__name__)


class StorageError(RuntimeError):
    """The data file cannot be used; the message says which file, why, and what to do."""


def fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def ensure_dir(folder: Path) -> None:
    """A folder for data files; a new one's entry is made durable too, or a power cut could lose it whole."""
    if not folder.is_dir():
        folder.mkdir()
        fsync_dir(folder.parent)


def remove_stale_temp(folder: Path) -> None:
    """Temp files of writes a crash interrupted (`.<name>.tmp`, `.<name>.<pid>.tmp`). Only the process
    holding the data-folder lock calls this, so no live write is among them."""
    for stale in folder.glob(".*.tmp"):
        stale.unlink(missing_ok=True)


def atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    fsync_dir(path.parent)


def _same_content(a: Path, b: Path) -> bool:
    return a.stat().st_size == b.stat().st_size and a.read_bytes() == b.read_bytes()


@dataclass(frozen=True)
class Pending:
    """One flush's bytes: the staged files (None: remove it), then the document."""
    files: list[tuple[Path, bytes | None]]
    document: bytes


class AtomicJSONStorage(Storage):
    def __init__(self, path: str | Path, backups: int = 5, backup_every: float = 6 * 3600):
        self.path = Path(path)
        self.backup_dir = self.path.parent / "backups"
        self.backups, self.backup_every = backups, backup_every
        self.dirty = False
        self._staged: list[tuple[Path, Callable[[], bytes] | None]] = []
        self.flushes = 0                    # file rewrites so far (benchmarks, tests)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        for folder in (self.path.parent, self.path.parent / "archive", self.path.parent / "deliveries",
                       self.backup_dir):
            remove_stale_temp(folder)
        self._data: dict[str, dict[str, Any]] = self._load()
        self._last_backup = time.monotonic()
        if self.path.exists():
            self._rotate_backups()

    def _refuse(self, reason: str) -> StorageError:
        return StorageError(
            f"数据文件 {self.path} 无法使用（{reason}）。为避免覆盖数据，程序拒绝启动，文件保持原样。"
            f"请检查或修复该文件，或从 {self.backup_dir} 中选一个备份复制为 {self.path.name} 后再启动。")

    def _load(self) -> dict:
        if not self.path.exists():
            return {}
        try:
            raw = self.path.read_bytes()
        except OSError as exc:
            raise self._refuse(f"读取失败：{exc.strerror or exc}") from exc
        try:
            data = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise self._refuse(f"不是有效的 JSON：{exc}") from exc
        if not isinstance(data, dict) or not all(isinstance(t, dict) for t in data.values()):
            raise self._refuse("内容结构不是 TinyDB 的表格式")
        return data

    def _rotate_backups(self) -> None:
        """Copies the current file to backups/<name>.1, shifting older ones up to .N (oldest dropped) —
        only when it differs from the newest backup, so restarts without changes keep older backups."""
        if self.backups <= 0:
            return
        self.backup_dir.mkdir(exist_ok=True)
        name = self.path.name
        newest = self.backup_dir / f"{name}.1"
        self._last_backup = time.monotonic()
        if newest.exists() and _same_content(newest, self.path):
            return
        for i in range(self.backups - 1, 0, -1):
            older = self.backup_dir / f"{name}.{i}"
            if older.exists():
                os.replace(older, self.backup_dir / f"{name}.{i + 1}")
        tmp = self.backup_dir / f".{name}.tmp"
        shutil.copyfile(self.path, tmp)
        os.replace(tmp, newest)

    # TinyDB's interface: both act on the in-memory document only.
    def read(self) -> dict[str, dict[str, Any]]:
        return self._data

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        self._data = data
        self.dirty = True

    def stage(self, path: Path, content: Callable[[], bytes] | None) -> None:
        """A file of the next flush, written (atomically) or removed (None) before the document, so the
        document never names a file that is not there yet."""
        self._staged.append((path, content))
        self.dirty = True

    def prepare(self) -> Pending | None:
        """The next flush's bytes, taken now (None when nothing changed); changes after this go to the flush after.
        The caller holds the store's lock, so nothing changes the document meanwhile."""
        if not self.dirty:
            return None
        files = [(path, None if content is None else content()) for path, content in self._staged]
        document = json.dumps(self._data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        self._staged.clear()
        self.dirty = False
        return Pending(files, document)

    def commit(self, pending: Pending) -> None:
        """Writes staged files, then the document, atomically (blocking: run it in a thread, one at a time). When
        that fails, it is staged again, before anything staged since, for the next flush."""
        try:
            for path, content in pending.files:
                if content is None:
                    path.unlink(missing_ok=True)
                else:
                    ensure_dir(path.parent)
                    atomic_write(path, content)
            atomic_write(self.path, pending.document)
        except OSError as exc:
            self._staged[:0] = [(path, None if content is None else (lambda c=content: c))
                                for path, content in pending.files]
            self.dirty = True
            raise StorageError(f"写入数据文件 {self.path} 失败：{exc.strerror or exc}（数据仍在内存中，将重试）") from exc
        self.flushes += 1
        if time.monotonic() - self._last_backup >= self.backup_every:
            self._rotate_backups()

    def flush(self) -> None:
        """prepare() and commit() at once (blocking)."""
        if (pending := self.prepare()) is not None:
            self.commit(pending)

    def close(self) -> None:
        self.flush()


class _IntKeys(MutableMapping):
    """The stored table (str ids → documents) seen with int ids, without copying it."""

    def __init__(self, raw: dict):
        self.raw = raw

    def __getitem__(self, doc_id: int):
        return self.raw[str(doc_id)]

    def __setitem__(self, doc_id: int, doc) -> None:
        self.raw[str(doc_id)] = doc

    def __delitem__(self, doc_id: int) -> None:
        del self.raw[str(doc_id)]

    def __iter__(self):
        return (int(k) for k in self.raw)

    def __len__(self) -> int:
        return len(self.raw)

    def __contains__(self, doc_id) -> bool:
        return str(doc_id) in self.raw


class InPlaceTable(Table):
    """TinyDB's Table rebuilds the whole table dict twice on every write (O(n) per insert or update);
    this one lets the update run on the stored dict directly, so a one-document write costs O(1)."""

    def _update_table(self, updater) -> None:
        tables = self._storage.read()
        updater(_IntKeys(tables.setdefault(self.name, {})))
        self._storage.write(tables)
        self.clear_cache()


class InPlaceTinyDB(TinyDB):
    table_class = InPlaceTable
