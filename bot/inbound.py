"""A bounded inbound queue for one channel: what arrives while `limit` messages are still being answered
is shed — the sender gets BUSY at once (at most once per `notice_every`), instead of an answer that would
come minutes late. One log line per shedding episode; figures in bot/metrics.py."""
from __future__ import annotations

import logging
from datetime import datetime, timedelta

from bot.clock import Clock
from bot.metrics import Metrics

log = logging.getLogger(__name__)
BUSY = "当前消息较多，这条消息未能处理，请稍后再发一次。"


class InboundQueue:
    def __init__(self, channel: str, limit: int, clock: Clock, metrics: Metrics, *,
                 notice_every: timedelta = timedelta(seconds=30), max_users: int = 10_000):
        self.channel, self.limit, self._clock, self._metrics = channel, limit, clock, metrics
        self._notice_every, self._max_users = notice_every, max_users
        self.depth = 0
        self.shedding = False
        self._told: dict[str, datetime] = {}        # user → when they last got BUSY
        metrics.watch_queue(channel, limit, lambda: self.depth)

    def enter(self) -> bool:
        """True: the message is queued (call leave() once answered). False: shed it."""
        if self.depth < self.limit:
            self.depth += 1
            return True
        if not self.shedding:
            self.shedding = True
            self._metrics.shedding.labels(self.channel).inc()
            log.warning("%s: inbound queue full (%d messages waiting); new messages get a busy reply until "
                        "it drains", self.channel, self.depth)
        return False

    def leave(self) -> None:
        self.depth -= 1
        if self.shedding and self.depth <= self.limit // 2:
            self.shedding = False

    def notice_due(self, user_key: str) -> bool:
        """Whether a shed message from `user_key` gets BUSY: once per `notice_every` per user."""
        now = self._clock.now()
        last = self._told.get(user_key)
        if last is not None and now - last < self._notice_every:
            return False
        if len(self._told) >= self._max_users:
            self._told = {k: t for k, t in self._told.items() if now - t < self._notice_every}
        self._told[user_key] = now
        return True
