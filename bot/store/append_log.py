"""An append-only file of JSON lines: each append is one line, written and fsynced before it counts.

Appending costs the size of the new line, not of everything stored before it. A crash can only tear the last
line (its append had not returned, so nothing it held was acknowledged): reading drops it and cuts the file
back, so the next append starts on a clean line. A torn line anywhere else means the file was damaged some
other way, and it is refused like an unreadable data file.
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from bot.storage import StorageError, fsync_dir


class AppendLog:
    def __init__(self, path: Path):
        self.path = path

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
        new = not self.path.exists()
        try:
            with open(self.path, "ab") as f:
                f.write(line)
                f.flush()
                os.fsync(f.fileno())
            if new:
                fsync_dir(self.path.parent)
        except OSError as exc:
            raise StorageError(f"写入日志文件 {self.path} 失败：{exc.strerror or exc}") from exc

    def remove(self) -> None:
        self.path.unlink(missing_ok=True)
