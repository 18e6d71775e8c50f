"""Records the tests and benches build again and again."""
from __future__ import annotations

from datetime import datetime

from bot.store.database import iso
from bot.store.records import Audience, Broadcast


def announcement(now: datetime, text: str = "通知", audience: Audience = Audience(), *, status: str = "sending",
                 due: datetime | None = None) -> Broadcast:
    """A staff announcement created at `now`: sending at once, or scheduled (for `due`, a day after by default)."""
    if status == "scheduled" and due is None:
        due = now.replace(year=now.year + 1)
    return Broadcast("announcement", text, audience, status, iso(now), "telegram:staff", due=due)
