"""Tickets: requests for a person, their history, and the staff notices sent about them."""
from __future__ import annotations

import copy
from typing import Any, Iterable

from bot.store.broadcasts import Broadcasts
from bot.store.database import Database


class TicketStore:
    def __init__(self, db: Database, broadcasts: Broadcasts):
        self.db, self.broadcasts = db, broadcasts

    async def open(self, ticket: dict) -> int:
        async with self.db.write() as t:
            return t["tickets"].insert(copy.deepcopy(ticket))

    async def get(self, ticket_id: int) -> dict | None:
        return await self.db.get("tickets", ticket_id)

    async def all(self, status: str | None = None) -> list[dict]:
        return await self.db.all("tickets", status)

    async def update(self, ticket_id: int, entries: Iterable[dict] = (), notice: int | None = None,
                     **fields: Any) -> dict | None:
        """Appends `entries` to the ticket's history and `notice` (a broadcast id) to its notices, and sets
        `fields`, in one write; returns the ticket as it is now, or None when there is no such ticket."""
        async with self.db.write() as t:
            doc = t["tickets"].get(doc_id=ticket_id)
            if doc is None:
                return None
            changes = {**fields, "history": [*doc["history"], *copy.deepcopy(list(entries))]}
            if notice is not None:
                changes["notices"] = [*doc["notices"], notice]
            t["tickets"].update(changes, doc_ids=[ticket_id])
            return {**copy.deepcopy(dict(t["tickets"].get(doc_id=ticket_id))), "id": ticket_id}

    async def of_message(self, platform: str, chat_id: str, ref: str) -> dict | None:
        """The ticket whose staff notice became message `ref` in that chat (as the delivery recorded it)."""
        for ticket in reversed(await self.all()):          # the newest first: where replies usually go
            for bid in ticket["notices"]:
                if any(r.platform == platform and r.chat_id == chat_id and ref in r.ref.split(",")
                       for r in await self.broadcasts.records(bid)):
                    return ticket
        return None
