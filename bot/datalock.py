"""One writer per data folder: the process that opens the store holds an exclusive flock on
BOT_DATA_DIR/.lock for its whole life. The kernel drops the lock when the process ends in any way,
kill -9 included, so a lock is never stale; the file itself only says who holds it."""
from __future__ import annotations

import fcntl
import json
import os
from pathlib import Path

LOCK_FILE = ".lock"


class DataDirBusy(RuntimeError):
    """Another live process holds the folder; `pid` and `role` say which (from the lock file)."""

    def __init__(self, folder: Path, pid: int | None, role: str):
        self.folder, self.pid, self.role = folder, pid, role
        who = f"pid {pid}" if pid else "another process"
        super().__init__(f"数据目录 {folder} 正被另一个进程（{who}，{role or '未知'}）使用，为避免两个进程同时写入，"
                         f"本进程不启动。 / The data folder {folder} is in use by {who} ({role or 'unknown'}); "
                         "refusing to start a second writer.")


class DataDirLock:
    def __init__(self, folder: Path):
        self.folder = folder
        self.path = folder / LOCK_FILE
        self._fd: int | None = None

    def acquire(self, role: str) -> None:
        """Takes the lock or raises DataDirBusy at once (never waits)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            holder = self.holder()
            raise DataDirBusy(self.folder, holder.get("pid"), holder.get("role", "")) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps({"pid": os.getpid(), "role": role}).encode(), 0)
        self._fd = fd

    def holder(self) -> dict:
        try:
            data = json.loads(self.path.read_text("utf-8") or "{}")
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)             # closing the descriptor releases the flock
            self._fd = None
