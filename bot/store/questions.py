"""Questions the bot could not answer, for staff to turn into FAQ entries; kept in unanswered.log."""
from __future__ import annotations

from datetime import datetime
from typing import Iterable

from bot.messages import Incoming
from bot.store.database import iso
from bot.store.log_table import LogTable


class Unanswered:
    def __init__(self, table: LogTable):
        self.table = table

    async def log(self, msg: Incoming, when: datetime) -> None:
        await self.table.insert([{"at": iso(when), "user": msg.user_key, "text": msg.text}])

    async def between(self, start: datetime, end: datetime) -> list[dict]:
        """Rows logged in [start, end), with their ids, oldest first."""
        return await self.table.between(start, end)

    async def since(self, since: datetime) -> list[dict]:
        return [dict(row) for row in self.table.rows.values() if datetime.fromisoformat(row["at"]) >= since]

    async def resolve(self, ids: Iterable[int], how: str) -> None:
        """Marks questions as dealt with (e.g. "faq:<entry id>"), so lists of open questions leave them out."""
        await self.table.update(ids, {"resolved": how})
