"""Staff actions: what was done, by whom, when. A change takes its Audit along so both land in one write."""
from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.store.database import Database, iso


@dataclass(frozen=True)
class Audit:
    actor: str
    action: str
    when: datetime
    detail: dict[str, Any] = field(default_factory=dict)

    def row(self, **more: Any) -> dict:
        return {"at": iso(self.when), "actor": self.actor, "action": self.action, "detail": {**self.detail, **more}}


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

    async def all(self) -> list[dict]:
        async with self.db.read():
            return [copy.deepcopy(d) for d in self.db.raw("audit").values()]
