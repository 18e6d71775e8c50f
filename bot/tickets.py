"""Tickets: a user's request for a person, kept in storage (so it survives restarts) until it is closed.

Staff hear of a ticket, and of everything the user adds, through the delivery service as a small broadcast
to the handoff targets; staff answers reach the user the same way. So every message to or from a ticket
has a delivery record: paced, retried, resumed after a restart, never sent again once recorded as sent.
Each user's open ticket is indexed in memory, so ordinary messages do not read storage to find out.
"""
from __future__ import annotations

import asyncio

from bot.clock import Clock
from bot.alliance.delivery import Delivery
from bot.messages import Incoming
from bot.store import Audience, Broadcast, Profile, Store, Ticket, TicketEntry
from bot.store.database import iso

ENDED = "（结束人工服务）"   # the history line of a ticket's end
KIND = "ticket"          # broadcasts of this kind carry ticket messages, not announcements


def left_unanswered(ticket: Ticket) -> bool:
    """Ended by its user with no word from the staff yet."""
    return ticket.closed_by == ticket.user and not any(e.role == "staff" for e in ticket.history)


class Tickets:
    def __init__(self, store: Store, delivery: Delivery, clock: Clock, targets: tuple[str, ...]):
        self.store, self.delivery, self.clock, self.targets = store, delivery, clock, targets
        self._open: dict[str, int] | None = None          # user key → open ticket id
        self._loading = asyncio.Lock()

    async def _index(self) -> dict[str, int]:
        if self._open is not None:        # loaded once, then kept up to date in memory
            return self._open
        async with self._loading:
            if self._open is None:
                self._open = {t.user: t.id for t in await self.store.tickets.all("open")}
        return self._open

    def entry(self, who: str, role: str, text: str) -> TicketEntry:
        """One line of a ticket's history, now; role is "user", "staff" or "bot"."""
        return TicketEntry(iso(self.clock.now()), role, who, text)

    async def open_of(self, user_key: str) -> Ticket | None:
        ticket_id = (await self._index()).get(user_key)
        return await self.store.tickets.get(ticket_id) if ticket_id else None

    async def get(self, ticket_id: int) -> Ticket | None:
        return await self.store.tickets.get(ticket_id)

    async def waiting(self) -> list[Ticket]:
        """Open tickets, and those their user ended before anyone on the staff answered: a message left for
        staff is theirs to answer even after the user has stopped writing."""
        return sorted([*await self.store.tickets.all("open"),
                       *(t for t in await self.store.tickets.all("closed") if left_unanswered(t))], key=lambda t: t.id)

    async def by_message(self, platform: str, chat_id: str, ref: str) -> Ticket | None:
        return await self.store.tickets.of_message(platform, chat_id, ref)

    async def open(self, msg: Incoming, history: list[TicketEntry], profile: Profile | None) -> Ticket:
        index = await self._index()
        ticket = await self.store.tickets.open(Ticket(msg.user_key, msg.platform, msg.display_name,
                                                      iso(self.clock.now()), profile=profile, history=tuple(history)))
        index[msg.user_key] = ticket.id
        return ticket

    async def add(self, ticket_id: int, entry: TicketEntry) -> Ticket | None:
        return await self.store.tickets.update(ticket_id, [entry])

    async def close(self, ticket_id: int, by: str) -> Ticket | None:
        """Closes an open ticket (by staff, or by its user), or clears one its user left unanswered (by staff); None
        when there is no such ticket with that number."""
        ticket = await self.store.tickets.get(ticket_id)
        if ticket is None or ticket.status != "open" and (by == ticket.user or not left_unanswered(ticket)):
            return None
        (await self._index()).pop(ticket.user, None)
        ended = self.entry(by, "user" if by == ticket.user else "staff", ENDED)
        return await self.store.tickets.update(ticket_id, [ended], closed=ended.at, closed_by=by)

    async def notify_staff(self, ticket: Ticket, text: str) -> None:
        await self._send(ticket, text, list(self.targets))

    async def tell_user(self, ticket: Ticket, text: str) -> None:
        await self._send(ticket, text, [ticket.user])

    async def _send(self, ticket: Ticket, text: str, keys: list[str]) -> None:
        if not keys:
            return
        bid = await self.store.broadcasts.create(Broadcast(
            KIND, text, Audience("direct", keys=tuple(keys)), "sending", iso(self.clock.now()), ticket=ticket.id))
        await self.store.tickets.update(ticket.id, notice=bid)
        self.delivery.start(bid)
