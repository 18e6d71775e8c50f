"""Per-user flood control, shared by every channel: someone sending more than `limit` messages within
`window` gets one slow-down notice, then is ignored for `pause`; after that they start afresh."""
from __future__ import annotations

from collections import OrderedDict, deque
from datetime import datetime, timedelta
from enum import Enum

from bot.clock import Clock

NOTICE = "您发送消息过于频繁，请稍候一分钟再试。"


class Verdict(Enum):
    OK = "ok"          # handle the message
    WARN = "warn"      # over the limit just now: send NOTICE instead of an answer
    DROP = "drop"      # still paused: ignore silently


class FloodControl:
    def __init__(self, clock: Clock, limit: int = 20, window: timedelta = timedelta(minutes=1),
                 pause: timedelta = timedelta(seconds=30), max_users: int = 10_000):
        self._clock, self._limit, self._window, self._pause = clock, limit, window, pause
        self._max_users = max_users
        self._recent: OrderedDict[str, deque[datetime]] = OrderedDict()   # least recently active first
        self._paused_until: dict[str, datetime] = {}

    def check(self, user_key: str) -> Verdict:
        """Counts one message from `user_key` and says what to do with it."""
        now = self._clock.now()
        until = self._paused_until.get(user_key)
        if until is not None:
            if now < until:
                return Verdict.DROP
            del self._paused_until[user_key]
        times = self._recent.pop(user_key, None) or deque()
        self._recent[user_key] = times
        while times and times[0] <= now - self._window:
            times.popleft()
        times.append(now)
        if len(times) > self._limit:
            times.clear()
            self._paused_until[user_key] = now + self._pause
            return Verdict.WARN
        if len(self._recent) > self._max_users:
            quiet, _ = self._recent.popitem(last=False)
            self._paused_until.pop(quiet, None)
        return Verdict.OK
