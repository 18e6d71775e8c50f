"""What handlers may use: knowledge, clock, dialogs, settings, storage, delivery, reminders and tickets.

Handlers receive this container instead of importing globals, so tests build one with a fixed clock
and a temporary data folder.
"""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Awaitable, Callable

from bot.analytics import Analytics
from bot.channels.base import Outbox
from bot.clock import Clock
from bot.config import Settings
from bot.alliance.delivery import Delivery
from bot.dialogs import Dialogs
from bot.history import RecentHistory
from bot.messages import Incoming
from bot.metrics import Metrics
from bot.store import Store
from bot.tickets import Tickets
from faq import english, nlp
from faq.conversation import Conversations
from faq.derived import CACHE_DIR
from faq.gazetteer import Gazetteer
from faq.knowledge import Knowledge, load_cached
from faq.matcher import FaqMatcher
from faq.reading import Reader
from policy_data.loader import PolicyBook, load_policy_book
from scheduler.reminders import Reminders

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Snapshot:
    """Everything built from one loading of the data files."""
    knowledge: Knowledge
    faq: FaqMatcher
    policy: PolicyBook
    gazetteer: Gazetteer
    readers: dict[str, Reader]


class KnowledgeBase:
    """The current knowledge snapshot and the matchers built from it. A reload builds a new snapshot (in a worker
    thread when called from the event loop: `await asyncio.to_thread(kb.reload)`) and swaps it in with one
    assignment, so a message is read and answered from one snapshot or the other, never a mix."""

    def __init__(self, loader=load_cached, policy_loader=load_policy_book, cache_dir: Path | None = CACHE_DIR):
        self._loader, self._policy_loader, self._cache_dir = loader, policy_loader, cache_dir
        self._reloading = threading.Lock()        # one reload at a time (a /reload beside a console save)
        nlp.load_user_dictionary()
        self.reload()

    def reload(self) -> str:
        with self._reloading:
            knowledge = self._loader()          # raises KnowledgeError, leaving the old snapshot in place
            policy = self._policy_loader(knowledge.documents)     # policy_data/data/policy_*.yaml, same rule
            matcher = FaqMatcher(knowledge.faq, cache_dir=self._cache_dir)
            matcher_en = FaqMatcher([e.in_english() for e in knowledge.faq], english, cache_dir=self._cache_dir)
            gazetteer = Gazetteer(knowledge.lexicon, (k for e in knowledge.faq for k in e.keywords))
            self._now = Snapshot(knowledge, matcher, policy, gazetteer,
                                 {"zh": Reader(gazetteer, matcher), "en": Reader(gazetteer, matcher_en, "en")})
        summary = (f"{len(knowledge.faq)} 条问答、{len(knowledge.contacts)} 个联系机构、"
                   f"{len(policy.measures)} 项政策措施")
        log.info("knowledge loaded: %s", summary)
        return summary

    @property
    def knowledge(self) -> Knowledge:
        return self._now.knowledge

    @property
    def faq(self) -> FaqMatcher:
        return self._now.faq

    @property
    def policy(self) -> PolicyBook:
        return self._now.policy

    @property
    def gazetteer(self) -> Gazetteer:
        return self._now.gazetteer

    @property
    def reader(self) -> Reader:
        return self._now.readers["zh"]

    def reader_for(self, lang: str) -> Reader:
        readers = self._now.readers
        return readers.get(lang, readers["zh"])

    def period_note(self, entry, today: date, lang: str = "zh") -> str:
        """Every answer from a plan states the plan's period, and says so when it has ended."""
        doc = self.knowledge.documents[entry.source.doc]
        if doc.period is None:
            return ""
        start, end = doc.period
        if lang == "en":
            span = f"{start.year}–{end.year}" if start.year != end.year else f"{start.year}"
            ended = f", which ended on {end.isoformat()}; the above is what that document says" if end < today else ""
            return f"\n({doc.en.short}: {doc.en.period_name} {span}{ended}.)"
        span = f"{start.year}—{end.year}年" if start.year != end.year else f"{start.year}年"
        if end < today:
            return f"\n（{doc.short}的{doc.period_name}为{span}，已于{end.isoformat()}结束；以上为该文件的内容。）"
        return f"\n（{doc.short}的{doc.period_name}为{span}。）"


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

    def policy_date(self) -> date:
        """The date policy validity is checked against: BOT_TODAY when set (demos), else the clock's."""
        return self.settings.today or self.clock.today()
