"""Each question's outcome (answered / fallback / handed to a person), for the console's dashboard.

`record` only appends to a buffer, so answering never waits for storage; the buffer is appended in batches
(every `batch` rows or `interval` seconds, whichever comes first) to analytics.log (store.analytics).
"""
from __future__ import annotations

import asyncio
import logging

from bot.clock import Clock
from bot.messages import Incoming, Reply
from bot.store import StorageError
from bot.store.questions import Outcomes

log = logging.getLogger(__name__)
NOT_QUESTIONS = {"help", "staff", "clarify"}     # greetings and stale buttons, staff tools, questions back
OUTCOMES = {"fallback": "fallback", "handoff": "handoff"}   # any other intent counts as answered


def outcome_of(reply: Reply) -> str:
    return OUTCOMES.get(reply.intent, "answered")


class Analytics:
    def __init__(self, table: Outcomes, clock: Clock, *, batch: int = 200, interval: float = 1.0):
        self.table, self.clock, self.batch, self.interval = table, clock, batch, interval
        self._rows: list[dict] = []
        self._timer: asyncio.TimerHandle | None = None
        self._writing: set[asyncio.Task] = set()

    def record(self, msg: Incoming, reply: Reply) -> None:
        """A question an enterprise typed (not a command, button, step of a dialog or staff)."""
        if msg.payload is not None or msg.is_staff or msg.text.startswith("/") or reply.intent in NOT_QUESTIONS:
            return
        self._rows.append({"at": self.clock.now().isoformat(timespec="seconds"), "platform": msg.platform,
                           "user": msg.user_key, "text": msg.text, "intent": reply.intent,
                           "outcome": outcome_of(reply)})
        loop = asyncio.get_running_loop()
        if len(self._rows) >= self.batch:
            self._spawn()
        elif self._timer is None:
            self._timer = loop.call_later(self.interval, self._spawn)

    def _spawn(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        task = asyncio.get_running_loop().create_task(self.flush())
        self._writing.add(task)
        task.add_done_callback(self._writing.discard)

    async def flush(self) -> None:
        rows, self._rows = self._rows, []
        if not rows:
            return
        try:
            await self.table.insert(rows)
        except StorageError:
            log.exception("could not save %d analytics rows; kept for the next write", len(rows))
            self._rows[:0] = rows

    async def close(self) -> None:
        """Writes what is buffered (a graceful stop)."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        await asyncio.gather(*self._writing, return_exceptions=True)
        await self.flush()
