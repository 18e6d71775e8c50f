"""What handlers may use: knowledge, clock, dialogs, settings, storage, delivery, reminders and tickets.

Handlers receive this container instead of importing globals, so tests build one with a fixed clock
and a temporary data folder.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date
from typing import Awaitable, Callable

from bot.alliance.delivery import Delivery
from bot.analytics import Analytics
from bot.clock import Clock
from bot.config import Settings
from bot.dialogs import Dialogs
from bot.history import RecentHistory
from bot.messages import Incoming
from bot.metrics import Metrics
from bot.outbox import Outbox
from bot.store import Store
from bot.tickets import Tickets
from faq.conversation import Conversations
from faq.knowledge_base import KnowledgeBase
from scheduler.reminders import Reminders

log = logging.getLogger(__name__)


@dataclass
class Services:
    """Built whole: delivery, reminders, tickets and analytics over `store` and `outboxes` (a dict the channels
    fill in later)."""
    settings: Settings
    clock: Clock
    kb: KnowledgeBase
    dialogs: Dialogs
    store: Store
    outboxes: dict[str, Outbox] = field(default_factory=dict)   # platform → its channel's outbound side
    history: RecentHistory = field(default_factory=RecentHistory)   # each user's last exchanges
    # platform → hands a conversation to people on the platform itself (微信客服), given whether it is office
    # hours: "servicer", "pool", "pool_fallback" (no servicer could take it), or None (failed: use a ticket)
    live_handoff: dict[str, Callable[[Incoming, bool], Awaitable[str | None]]] = field(default_factory=dict)
    metrics: Metrics = field(default_factory=Metrics)    # GET /metrics; a registry of its own
    commands: list[tuple[str, str, str, bool]] = field(default_factory=list)   # /help: (name, 中文, English, staff only)
    conversations: Conversations = field(init=False)
    delivery: Delivery = field(init=False)        # notices and broadcasts through the outboxes
    scheduler: Reminders = field(init=False)      # event reminders and scheduled broadcasts
    tickets: Tickets = field(init=False)          # requests for a person, answered by staff
    analytics: Analytics = field(init=False)      # each question's outcome, for the console (a log of its own)

    def __post_init__(self) -> None:
        self.conversations = Conversations(self.clock)
        self.delivery = Delivery(self.store, self.outboxes, self.clock, metrics=self.metrics)
        self.scheduler = Reminders(self.store, self.delivery, self.clock, self.settings.event_reminders)
        self.tickets = Tickets(self.store, self.delivery, self.clock, self.settings.handoff_targets)
        self.analytics = Analytics(self.store.analytics, self.clock)

    def person_reachable(self, platform: str) -> bool:
        """Someone can receive a request for a person from this platform: staff to tell (BOT_HANDOFF_TO or
        BOT_STAFF), or the platform hands the chat to people itself (微信客服)."""
        return bool(self.tickets.targets) or platform in self.live_handoff

    def policy_date(self) -> date:
        """The date policy validity is checked against: BOT_TODAY when set (demos), else the clock's."""
        return self.settings.today or self.clock.today()
