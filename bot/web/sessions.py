"""Console sessions (in memory: a restart signs everyone out), the rate limit on bad sign-in links, and the
staff list checked on every request."""
from __future__ import annotations

import os
import secrets
from collections import defaultdict, deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Callable

from dotenv import dotenv_values

from bot.clock import Clock

IDLE = timedelta(minutes=30)


FORMS_KEPT = 50            # one-time form tokens a session remembers


@dataclass
class Session:
    actor: str
    last_seen: datetime
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    forms: dict[str, str | None] = field(default_factory=dict)    # one-time token → where its submit led

    def form_token(self) -> str:
        """A token for one form that sends or publishes: its second submit (a double click, a resent POST) is
        led to what the first made instead of doing it again."""
        token = secrets.token_urlsafe(12)
        self.forms[token] = None
        while len(self.forms) > FORMS_KEPT:
            del self.forms[next(iter(self.forms))]
        return token


class Sessions:
    def __init__(self, clock: Clock, idle: timedelta = IDLE):
        self.clock, self.idle = clock, idle
        self._by_token: dict[str, Session] = {}

    def open(self, actor: str) -> tuple[str, Session]:
        now = self.clock.now()
        for stale in [t for t, s in self._by_token.items() if now - s.last_seen > self.idle]:   # abandoned ones
            del self._by_token[stale]
        token = secrets.token_urlsafe(32)
        session = self._by_token[token] = Session(actor, now)
        return token, session

    def get(self, token: str) -> Session | None:
        """The live session for a cookie, its idle timer restarted; an idle one is closed."""
        session = self._by_token.get(token)
        now = self.clock.now()
        if session is None:
            return None
        if now - session.last_seen > self.idle:
            del self._by_token[token]
            return None
        session.last_seen = now
        return session

    def close(self, token: str) -> None:
        self._by_token.pop(token, None)


class BadLinkLimit:
    """At most `limit` bad sign-in links per client address within `window`; beyond that, 429."""

    def __init__(self, clock: Clock, limit: int = 5, window: timedelta = timedelta(minutes=10)):
        self.clock, self.limit, self.window = clock, limit, window
        self._misses: dict[str, deque[datetime]] = defaultdict(deque)

    def _recent(self, client: str) -> deque[datetime]:
        misses = self._misses[client]
        while misses and self.clock.now() - misses[0] > self.window:
            misses.popleft()
        return misses

    def blocked(self, client: str) -> bool:
        if not self._recent(client):
            del self._misses[client]
            return False
        return len(self._misses[client]) >= self.limit

    def miss(self, client: str) -> None:
        self._recent(client).append(self.clock.now())


class EnvStaff:
    """BOT_STAFF as it is now: the environment variable when set, else the `.env` file (re-read when it
    changes), else the list the process started with. Removing an account takes effect on its next request."""

    def __init__(self, started_with: frozenset[str], env_file: Path):
        self.started_with, self.env_file = started_with, env_file
        self._seen: tuple[float, frozenset[str]] | None = None

    def __call__(self) -> frozenset[str]:
        if "BOT_STAFF" in os.environ:
            return self.started_with
        try:
            mtime = self.env_file.stat().st_mtime
        except OSError:
            return self.started_with
        if self._seen is None or self._seen[0] != mtime:
            raw = dotenv_values(self.env_file).get("BOT_STAFF") or ""
            self._seen = mtime, frozenset(v.strip() for v in raw.split(",") if v.strip())
        return self._seen[1]


StaffList = Callable[[], frozenset[str]]
