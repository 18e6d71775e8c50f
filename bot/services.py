"""What handlers may use: knowledge, clock, dialogs, settings (and, from their issues, storage and delivery).

Handlers receive this container instead of importing globals, so tests build one with a fixed clock
and a temporary data folder.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from bot.channels.base import Outbox
from bot.clock import Clock
from bot.config import Settings
from bot.dialogs import Dialogs
from bot.metrics import Metrics
from faq import nlp
from faq.knowledge import load_knowledge
from faq.matcher import FaqMatcher
from policy_data.loader import load_policy_book

log = logging.getLogger(__name__)


class KnowledgeBase:
    """The current knowledge snapshot and the matchers built from it; reload swaps all at once."""

    def __init__(self, loader=load_knowledge, policy_loader=load_policy_book):
        self._loader, self._policy_loader = loader, policy_loader
        nlp.load_user_dictionary()
        self.reload()

    def reload(self) -> str:
        knowledge = self._loader()          # raises KnowledgeError, leaving the old snapshot in place
        policy = self._policy_loader(knowledge.documents)     # policy_data/data/policy_*.yaml, same rule
        matcher = FaqMatcher(knowledge.faq)
        self.knowledge, self.faq, self.policy = knowledge, matcher, policy
        summary = (f"{len(knowledge.faq)} 条问答、{len(knowledge.contacts)} 个联系机构、"
                   f"{len(policy.measures)} 项政策措施")
        log.info("knowledge loaded: %s", summary)
        return summary


@dataclass
class Services:
    settings: Settings
    clock: Clock
    kb: KnowledgeBase
    dialogs: Dialogs
    store: Any = None                 # persistent repository (events/subscriptions issue)
    outboxes: dict[str, Outbox] = field(default_factory=dict)   # platform → its channel's outbound side
    delivery: Any = None              # bot/delivery.Delivery: notices and broadcasts through the outboxes
    scheduler: Any = None             # scheduler.Reminders: event reminders and scheduled broadcasts
    metrics: Metrics = field(default_factory=Metrics)    # GET /metrics; a registry of its own

    def policy_date(self) -> date:
        """The date policy validity is checked against: BOT_TODAY when set (demos), else the clock's."""
        return self.settings.today or self.clock.today()
