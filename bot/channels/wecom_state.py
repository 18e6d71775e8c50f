"""What the WeCom channels must remember across restarts: 微信客服 sync cursors, recently processed
message ids (so a callback retried by WeCom, or a kf message pulled twice, is answered once) and the
微信客服 customers a person has taken over (so the bot stays silent for them after a restart too).

One small JSON file under BOT_DATA_DIR, rewritten atomically (bot/storage.atomic_write). It is kept apart
from bot/store.py on purpose: these writes come with every callback and are batched (`flush_soon`),
and ids expire after a TTL, so the file stays small.
"""
from __future__ import annotations

import asyncio
import json
import logging
import os
import time
from pathlib import Path
from typing import Callable

from bot.storage import atomic_write

log = logging.getLogger(__name__)

MAX_IDS = 20_000          # beyond this the oldest go first (at 500 callbacks/s that still covers 40 s)
FLUSH_DELAY = 1.0         # seconds `flush_soon` waits, per 2,000 ids held (see flush_soon)


class WeComState:
    def __init__(self, path: Path, *, now: Callable[[], float] = time.time, flush_delay: float = FLUSH_DELAY):
        self.path, self._now, self._flush_delay = path, now, flush_delay
        self._cursors: dict[str, str] = {}
        self._people: dict[str, int] = {}          # kf chat → service_state 2 (pool) or 3 (a person serves)
        self._ids: dict[str, float] = {}            # id → expiry (epoch seconds), in insertion order
        self._lock = asyncio.Lock()
        self._pending: asyncio.TimerHandle | None = None
        self._writing: asyncio.Future | None = None     # the batched write under way, if any
        self._load()

    def _load(self) -> None:
        if not self.path.exists():
            return
        try:
            data = json.loads(self.path.read_text("utf-8"))
            self._cursors = {str(k): str(v) for k, v in data.get("kf_cursors", {}).items()}
            self._people = {str(k): int(v) for k, v in data.get("kf_people", {}).items()}
            now = self._now()
            self._ids = {str(k): float(v) for k, v in data.get("ids", {}).items() if float(v) > now}
        except (ValueError, TypeError, AttributeError, OSError) as exc:
            bad = self.path.with_suffix(".bad")
            os.replace(self.path, bad)
            log.error("unreadable %s (%s); kept it as %s and started afresh", self.path, exc, bad.name)

    def cursor(self, open_kfid: str) -> str:
        return self._cursors.get(open_kfid, "")

    def set_cursor(self, open_kfid: str, cursor: str) -> None:
        self._cursors[open_kfid] = cursor

    def with_people(self, chat: str) -> int | None:
        """The service_state (2 or 3) of a 微信客服 chat handed to people, or None while the bot serves it."""
        return self._people.get(chat)

    def hand_to_people(self, chat: str, service_state: int) -> None:
        self._people[chat] = service_state

    def back_to_bot(self, chat: str) -> None:
        self._people.pop(chat, None)

    def seen(self, msg_id: str) -> bool:
        expiry = self._ids.get(msg_id)
        return expiry is not None and expiry > self._now()

    def mark(self, msg_id: str, ttl: float) -> None:
        now = self._now()
        self._ids.pop(msg_id, None)
        self._ids[msg_id] = now + ttl
        while self._ids and (len(self._ids) > MAX_IDS or self._ids[oldest := next(iter(self._ids))] <= now):
            del self._ids[oldest]                # the oldest, when over the cap or expired

    def claim(self, msg_id: str, ttl: float) -> bool:
        """True the first time `msg_id` is seen (and remembers it, saved shortly); False for a repeat."""
        if self.seen(msg_id):
            return False
        self.mark(msg_id, ttl)
        self.flush_soon()
        return True

    def flush_soon(self) -> None:
        """Schedules a write. Each write serialises every id on the event loop (several ms for 10,000), so
        the delay grows with their number: under a flood of callbacks writing stays a small share of the loop."""
        if self._pending is None:
            delay = self._flush_delay * max(1.0, len(self._ids) / 2000)
            self._pending = asyncio.get_running_loop().call_later(delay, self._flush_later)

    def _flush_later(self) -> None:
        self._pending = None
        self._writing = asyncio.ensure_future(self.flush())
        self._writing.add_done_callback(self._report)

    def _report(self, task: asyncio.Future) -> None:
        if not task.cancelled() and task.exception():
            log.error("saving %s failed: %s", self.path, task.exception())

    async def flush(self) -> None:
        """Writes the state now (file write and fsync in a worker thread, so the event loop keeps serving)."""
        if self._pending is not None:
            self._pending.cancel()
            self._pending = None
        data = json.dumps({"kf_cursors": self._cursors, "kf_people": self._people, "ids": self._ids},
                          ensure_ascii=False).encode()
        async with self._lock:
            await asyncio.to_thread(self._write, data)

    def _write(self, data: bytes) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(self.path, data)
