"""An append-only file of JSON lines: each append is one line, written and fsynced before it counts.

Appending costs the size of the new line, not of everything stored before it. A crash can only tear the last
line (its append had not returned, so nothing it held was acknowledged): reading drops it and cuts the file
back, so the next append starts on a clean line. A torn line anywhere else means the file was damaged some
other way, and it is refused like an unreadable data file.
"""
from __future__ import annotations

import json
import os
import weakref
from pathlib import Path
from typing import Any

from bot.storage import StorageError, fsync_dir


class Appender:
    """Appends to one file and fsyncs it through a descriptor kept open: opening and closing the file for each
    append costs more than the append. The folder is fsynced too when the first append creates the file; a
    failed append closes the descriptor, so the next one opens the file afresh (blocking: run it in a thread)."""

    def __init__(self, path: Path):
        self.path = path
        self._fd: int | None = None
        self._closer: weakref.finalize | None = None

    def append(self, data: bytes) -> None:
        try:
            created = self._fd is None and not self.path.exists()
            if self._fd is None:
                self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o666)
                self._closer = weakref.finalize(self, os.close, self._fd)
            view = memoryview(data)
            while view:
                view = view[os.write(self._fd, view):]
            os.fsync(self._fd)
            if created:
                fsync_dir(self.path.parent)
        except OSError:
            self.close()
            raise

    def close(self) -> None:
        if self._closer is not None:
            self._closer()
        self._fd = self._closer = None


class AppendLog:
    def __init__(self, path: Path):
        self.path = path
        self._file = Appender(path)

    def read(self) -> list[Any]:
        """Every complete line, oldest first (blocking)."""
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return []
        entries, good = [], 0                # `good`: the bytes of the complete, readable lines
        lines = raw.split(b"\n")
        for i, line in enumerate(lines):
            if i == len(lines) - 1:             # after the last newline: nothing, or a torn append
                break
            try:
                entries.append(json.loads(line.decode("utf-8")))
            except ValueError as exc:
                if i < len(lines) - 2 or lines[-1]:
                    raise StorageError(f"日志文件 {self.path} 第 {i + 1} 行损坏（{exc}），为避免丢失数据，"
                                       "程序拒绝启动，文件保持原样。") from exc
                break                           # the last line, ended but garbled: torn all the same
            good += len(line) + 1
        if good < len(raw):
            with open(self.path, "r+b") as f:   # cut the torn line off, so the next append starts cleanly
                f.truncate(good)
                os.fsync(f.fileno())
        return entries

    def append(self, entry: Any) -> None:
        """Adds one line; returns once it is on disk (blocking: run it in a thread)."""
        line = json.dumps(entry, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n"
        try:
            self._file.append(line)
        except OSError as exc:
            raise StorageError(f"写入日志文件 {self.path} 失败：{exc.strerror or exc}") from exc

    def remove(self) -> None:
        self._file.close()
        self.path.unlink(missing_ok=True)
