"""A per-user value that lapses a while after it was last set or touched, on the injectable clock.

Kept in memory on purpose (open dialogs, the last topic): losing one on a restart only means asking again,
and it keeps the message path free of disk writes.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Generic, TypeVar

from bot.clock import Clock

V = TypeVar("V")


class Expiring(Generic[V]):
    def __init__(self, clock: Clock, ttl: timedelta):
        self._clock, self._ttl = clock, ttl
        self._held: dict[str, tuple[V, datetime]] = {}

    def get(self, user_key: str) -> V | None:
        held = self._held.get(user_key)
        if held is None:
            return None
        if held[1] <= self._clock.now():
            del self._held[user_key]
            return None
        return held[0]

    def put(self, user_key: str, value: V) -> V:
        self._held[user_key] = (value, self._clock.now() + self._ttl)
        return value

    def touch(self, user_key: str) -> None:
        if (value := self.get(user_key)) is not None:
            self.put(user_key, value)

    def pop(self, user_key: str) -> V | None:
        value = self.get(user_key)
        self._held.pop(user_key, None)
        return value
