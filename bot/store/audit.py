"""The audit log of staff actions, in store.json beside what they changed."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.store.database import Database
from bot.store.records import Audit


class AuditLog:
    def __init__(self, db: Database):
        self.db = db

    def add(self, audit: Audit, **more: Any) -> None:
        """Inside a write: the record of the change it makes."""
        self.db.tables["audit"].insert(audit.row(**more))

    async def record(self, actor: str, action: str, when: datetime, **detail: Any) -> None:
        """An action that changes nothing else (a status view, a reload)."""
        async with self.db.write():
            self.add(Audit(actor, action, when, detail))

    async def all(self) -> list[Audit]:
        """Oldest first."""
        async with self.db.read():
            return [Audit.of(row) for row in self.db.raw("audit").values()]
