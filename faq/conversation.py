"""A short-lived memory per user of what was last talked about, so "那核心区呢" or "2022年呢" resolves
against it. Kept in memory: a lost topic after a restart only means the user names the place again."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.clock import Clock

TOPIC_TTL = timedelta(minutes=10)


@dataclass(frozen=True)
class Topic:
    entities: tuple[str, ...]
    aspects: tuple[str, ...]
    entry_id: str | None
    expires: datetime


class Conversations:
    def __init__(self, clock: Clock, ttl: timedelta = TOPIC_TTL):
        self._clock, self._ttl = clock, ttl
        self._topics: dict[str, Topic] = {}

    def topic(self, user_key: str) -> Topic | None:
        topic = self._topics.get(user_key)
        if topic and topic.expires <= self._clock.now():
            del self._topics[user_key]
            return None
        return topic

    def remember(self, user_key: str, entities, aspects, entry_id: str | None) -> None:
        if entities:
            self._topics[user_key] = Topic(tuple(entities), tuple(aspects), entry_id, self._clock.now() + self._ttl)

    def forget(self, user_key: str) -> None:
        self._topics.pop(user_key, None)
