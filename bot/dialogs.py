"""Per-user multi-turn state (e.g. a quick-check waiting for a figure), with a timeout.

State is kept in memory on purpose: a half-finished question is cheap to ask again after a restart,
and keeping it out of storage keeps the message path free of disk writes.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.clock import Clock

DIALOG_TTL = timedelta(minutes=10)


@dataclass
class Dialog:
    flow: str                       # which handler continues it, e.g. "calc"
    expires: datetime
    data: dict = field(default_factory=dict)


class Dialogs:
    def __init__(self, clock: Clock, ttl: timedelta = DIALOG_TTL):
        self._clock, self._ttl = clock, ttl
        self._open: dict[str, Dialog] = {}

    def get(self, user_key: str) -> Dialog | None:
        dialog = self._open.get(user_key)
        if dialog and dialog.expires <= self._clock.now():
            del self._open[user_key]
            return None
        return dialog

    def start(self, user_key: str, flow: str, **data) -> Dialog:
        dialog = Dialog(flow, self._clock.now() + self._ttl, data)
        self._open[user_key] = dialog
        return dialog

    def touch(self, user_key: str) -> None:
        if dialog := self._open.get(user_key):
            dialog.expires = self._clock.now() + self._ttl

    def end(self, user_key: str) -> Dialog | None:
        return self._open.pop(user_key, None)
