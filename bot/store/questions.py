"""The questions enterprises asked: those the bot could not answer (unanswered.log, for staff to turn into FAQ
entries) and every question's outcome (analytics.log, for the dashboard)."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Iterable

from bot.messages import Incoming
from bot.store.database import iso
from bot.store.log_table import LogTable
from bot.store.records import Asked, Question


class Unanswered:
    def __init__(self, table: LogTable):
        self.table = table

    async def log(self, msg: Incoming, when: datetime) -> None:
        await self.table.insert([{"at": iso(when), "user": msg.user_key, "text": msg.text}])

    async def between(self, start: datetime, end: datetime) -> list[Question]:
        """Questions logged in [start, end), oldest first."""
        return [Question.of(row) for row in await self.table.between(start, end)]

    async def since(self, since: datetime) -> list[Question]:
        return [Question.of(row) for row in self.table.rows.values() if datetime.fromisoformat(row["at"]) >= since]

    async def resolve(self, ids: Iterable[int], how: str) -> None:
        """Marks questions as dealt with (e.g. "faq:<entry id>"), so lists of open questions leave them out."""
        await self.table.update(ids, {"resolved": how})


class Outcomes:
    def __init__(self, table: LogTable):
        self.table = table

    async def insert(self, rows: list[dict[str, Any]]) -> None:
        """Rows of `Asked`'s fields without their id (given here)."""
        await self.table.insert(rows)

    async def between(self, start: datetime, end: datetime) -> list[Asked]:
        return [Asked.of(row) for row in await self.table.between(start, end)]
