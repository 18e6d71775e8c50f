"""Outbound pacing: sliding-window send limits per recipient that queue (wait) instead of dropping.

E.g. WeCom allows an app 30 messages a minute and 1000 an hour to one member, a group robot 20 a minute.
Sends to one key go one at a time, in arrival order (asyncio.Lock is FIFO), and each is counted when
it completes, so the platform (which counts on arrival) never sees more than the limit. `now` and `sleep`
are injectable so tests cover minute- and hour-long windows without waiting.
"""
from __future__ import annotations

import asyncio
import time
from collections import deque
from contextlib import asynccontextmanager
from typing import Any, Awaitable, Callable


class Pacer:
    def __init__(self, limits: tuple[tuple[int, float], ...], *,
                 now: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep, max_keys: int = 10_000):
        self._limits = limits                       # (count, seconds) pairs
        self._span = max(seconds for _, seconds in limits)
        self._now, self._sleep, self._max_keys = now, sleep, max_keys
        self._sent: dict[str, deque[float]] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    def wait_for(self, key: str) -> float:
        """Seconds until `key` may send again (0 when it may send now)."""
        sent = self._sent.get(key)
        if not sent:
            return 0.0
        now = self._now()
        while sent and sent[0] <= now - self._span:
            sent.popleft()
        wait = 0.0
        for count, seconds in self._limits:
            if len(sent) >= count:
                wait = max(wait, sent[-count] + seconds - now)
        return wait

    @asynccontextmanager
    async def slot(self, key: str):
        """`async with pacer.slot(key): send` — enters when one more send to `key` is within every limit."""
        lock = self._locks.setdefault(key, asyncio.Lock())
        async with lock:
            while (wait := self.wait_for(key)) > 0:
                await self._sleep(wait)
            try:
                yield
            finally:
                self._sent.setdefault(key, deque()).append(self._now())
        if len(self._sent) > self._max_keys:
            self._forget_idle()

    def _forget_idle(self) -> None:
        horizon = self._now() - self._span
        for key in [k for k, sent in self._sent.items() if not sent or sent[-1] <= horizon]:
            lock = self._locks.get(key)
            if lock is None or not lock.locked():
                self._sent.pop(key, None)
                self._locks.pop(key, None)
