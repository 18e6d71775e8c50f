"""The repository: every read and write of persistent data goes through one of Store's parts, one per
aggregate, so handlers never see TinyDB and a server database could replace it behind the same methods.

users, events, broadcasts, tickets and audit share store.json (bot/store/database.py: one lock, atomic group
commits), so a change that spans them is one write. Delivery records, unanswered questions and analytics are
append-only logs beside it, so their volume never makes a store.json write slower. What the parts take and
hand out are the frozen records of bot/store/records.py, made from and written to rows there only.
"""
from __future__ import annotations

import json
from pathlib import Path

from bot.storage import StorageError
from bot.store.audit import AuditLog
from bot.store.broadcasts import Broadcasts
from bot.store.database import Database
from bot.store.events import Events
from bot.store.group_commit import GroupCommit
from bot.store.log_table import LogTable
from bot.store.questions import Outcomes, Unanswered
from bot.store.records import (Asked, Audience, Audit, Broadcast, Event, Profile, Question, Reminder, Ticket,
                               TicketEntry, User)
from bot.store.tickets import TicketStore
from bot.store.users import Users

__all__ = ["Asked", "Audience", "Audit", "Broadcast", "Event", "Profile", "Question", "Reminder", "Store", "StorageError",
           "Ticket", "TicketEntry", "User"]
OLD_ANALYTICS = "analytics.json"     # analytics were a TinyDB file of their own before analytics.log


class Store:
    def __init__(self, data_dir: str | Path, *, backups: int = 5):
        folder = Path(data_dir)
        self.db = Database(folder / "store.json", backups)
        self.users = Users(self.db)
        self.audit = AuditLog(self.db)
        self.broadcasts = Broadcasts(self.db, self.users, self.audit)
        self.events = Events(self.db, self.broadcasts, self.audit)
        self.tickets = TicketStore(self.db, self.broadcasts)
        self.commits = GroupCommit()         # the logs' appends, and the WeCom dedupe journal's, share thread hops
        self.unanswered = Unanswered(LogTable(folder / "unanswered.log", self.commits))
        self.analytics = Outcomes(LogTable(folder / "analytics.log", self.commits))
        self._adopt_old_logs(folder)

    def _adopt_old_logs(self, folder: Path) -> None:
        """Data from before the logs: the unanswered table of store.json, and analytics.json (blocking)."""
        document = self.db.storage.read()
        if "unanswered" in document or document.get("analytics") == {}:    # the latter always stayed empty
            self.unanswered.table.adopt(document.pop("unanswered", {}))
            document.pop("analytics", None)
            self.db.storage.write(document)
            self.db.storage.flush()
        old = folder / OLD_ANALYTICS
        if old.exists():
            self.analytics.table.adopt(json.loads(old.read_text("utf-8")).get("analytics", {}))
            old.unlink()

    @property
    def path(self) -> Path:
        return self.db.path

    def close(self) -> None:
        """Flushes anything not yet on disk (there is nothing after a completed write) and closes the file."""
        self.db.close()
