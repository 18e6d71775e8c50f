"""Tickets: requests for a person, their history, and the staff notices sent about them."""
from __future__ import annotations

from typing import Iterable

from bot.store.broadcasts import Broadcasts
from bot.store.database import Database
from bot.store.records import Ticket, TicketEntry


class TicketStore:
    def __init__(self, db: Database, broadcasts: Broadcasts):
        self.db, self.broadcasts = db, broadcasts

    async def open(self, ticket: Ticket) -> Ticket:
        """Stores a new ticket; returns it with its id."""
        async with self.db.write() as t:
            return Ticket.of(ticket.row(), t["tickets"].insert(ticket.row()))

    async def get(self, ticket_id: int) -> Ticket | None:
        return await self.db.one("tickets", Ticket.of, ticket_id)

    async def all(self, status: str | None = None) -> list[Ticket]:
        """Oldest first; those with that status."""
        return await self.db.every("tickets", Ticket.of, status)

    async def update(self, ticket_id: int, entries: Iterable[TicketEntry] = (), notice: int | None = None, *,
                     closed: str = "", closed_by: str = "") -> Ticket | None:
        """Appends `entries` to the ticket's history and `notice` (a broadcast id) to its notices, and with
        `closed` (a time) closes it, in one write; returns the ticket as it is now, or None when there is none."""
        async with self.db.write() as t:
            row = t["tickets"].get(doc_id=ticket_id)
            if row is None:
                return None
            changes = {"status": "closed", "closed": closed, "closed_by": closed_by} if closed else {}
            changes["history"] = [*row["history"], *(e.row() for e in entries)]
            if notice is not None:
                changes["notices"] = [*row["notices"], notice]
            t["tickets"].update(changes, doc_ids=[ticket_id])
            return Ticket.of(t["tickets"].get(doc_id=ticket_id), ticket_id)

    async def of_message(self, platform: str, chat_id: str, ref: str) -> Ticket | None:
        """The ticket whose staff notice became message `ref` in that chat (as the delivery recorded it)."""
        for ticket in reversed(await self.all()):          # the newest first: where replies usually go
            for bid in ticket.notices:
                if any(r.platform == platform and r.chat_id == chat_id and ref in r.ref.split(",")
                       for r in await self.broadcasts.records(bid)):
                    return ticket
        return None
