"""Records the tests and benches build again and again."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

from bot.store.database import iso
from bot.store.deliveries import DeliveryRecord, LiveRecords, archive_path, read_archive
from bot.store.records import Audience, Broadcast


def announcement(now: datetime, text: str = "通知", audience: Audience = Audience(), *, status: str = "sending",
                 due: datetime | None = None) -> Broadcast:
    """A staff announcement created at `now`: sending at once, or scheduled (for `due`, a day after by default)."""
    if status == "scheduled" and due is None:
        due = now.replace(year=now.year + 1)
    return Broadcast("announcement", text, audience, status, iso(now), "telegram:staff", due=due)


def on_disk(folder: Path, bid: int) -> list[DeliveryRecord]:
    """What the files hold for broadcast `bid`: its archive, or its plan with the outcomes logged so far (a data
    folder read after a crash)."""
    if archive_path(folder, bid).exists():
        return read_archive(folder, bid)
    return LiveRecords.load(folder, bid).records
