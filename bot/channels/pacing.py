"""Outbound pacing that queues (waits) instead of dropping.

Pacer: sliding-window send limits per recipient, bursts allowed. E.g. WeCom allows an app 30 messages a
minute and 1000 an hour to one member, a group robot 20 a minute. Sends to one key go one at a time, in
arrival order (asyncio.Lock is FIFO), and each is counted when it completes, so the platform (which counts
on arrival) never sees more than the limit.

Spacer: one shared rate, sends evenly spaced (Telegram's ~30 messages a second overall).

`now` and `sleep` are injectable so tests cover long windows without waiting. Without a pacer (BOT_PACING=off,
for load tests only) `turn_of` waits for nothing.
"""
from __future__ import annotations

import asyncio
import time
from collections import deque
from contextlib import AbstractAsyncContextManager, asynccontextmanager, nullcontext
from typing import Any, Awaitable, Callable, Protocol


class Paced(Protocol):
    def slot(self, key: Any) -> AbstractAsyncContextManager: ...


def turn_of(pacer: Paced | None, key: Any) -> AbstractAsyncContextManager:
    """`async with turn_of(pacer, key): send` — the pacer's slot, or at once when pacing is off."""
    return pacer.slot(key) if pacer is not None else nullcontext()


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


class Spacer:
    """At most `count` sends per `seconds`, evenly spaced: one every (seconds + jitter) / count (GCRA by
    virtual scheduling), and — whatever the delays — never `count` + 1 arrivals at the platform within `seconds`.

    A platform that counts arrivals in a sliding window refuses bursts at the window's edges: the sends of
    two bursts reach it with slightly different delays and `count` + 1 land within `seconds`. Evenly spaced, any
    `count` + 1 consecutive sends span `seconds` + `jitter`, so delays may vary by up to `jitter` first.
    Each caller books its own time before it waits, so callers go in arrival order and a late wake-up does
    not push back the sends booked after it: under load the rate still holds. (A cancelled caller's time is
    not given back: at worst a little slower, never faster.)

    On a loaded machine delays vary by more than any jitter allowed for (an event loop stalled for a tenth of a
    second, on either side, lets the sends queued behind it arrive together), so `slot()` also holds a send until
    `seconds` after the send `count` before it completed: that one arrived before it completed, so the two
    arrivals are more than `seconds` apart."""

    def __init__(self, count: int, seconds: float, *, jitter: float = 0.0,
                 now: Callable[[], float] = time.monotonic, sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep):
        self.interval, self._seconds = (seconds + jitter) / count, seconds
        self._now, self._sleep = now, sleep
        self._next = 0.0                           # the earliest time the next booking may take
        self._completed: deque[asyncio.Future[float]] = deque(maxlen=count)   # the last `count` sends' end times

    def backlog(self) -> float:
        """Seconds a send booked now would wait."""
        return max(0.0, self._next - self._now())

    async def turn(self) -> None:
        """Returns at this caller's booked time (at once when the rate leaves room)."""
        now = self._now()
        at = max(self._next, now)
        self._next = at + self.interval
        if at > now:
            await self._sleep(at - now)

    @asynccontextmanager
    async def slot(self):
        """`async with spacer.slot(): send` — at this send's booked time, and once `seconds` have passed since the
        send `count` before it completed."""
        completed = asyncio.get_running_loop().create_future()
        earlier = self._completed[0] if len(self._completed) == self._completed.maxlen else None
        self._completed.append(completed)
        try:
            await self.turn()
            if earlier is not None and (wait := await asyncio.shield(earlier) + self._seconds - self._now()) > 0:
                await self._sleep(wait)
            yield
        finally:
            completed.set_result(self._now())
