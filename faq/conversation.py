"""A short-lived memory per user of what was last talked about, so "那核心区呢" or "2022年呢" resolves
against it. Kept in memory: a lost topic after a restart only means the user names the place again."""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from bot.clock import Clock
from bot.expiring import Expiring

TOPIC_TTL = timedelta(minutes=10)


@dataclass(frozen=True)
class Topic:
    entities: tuple[str, ...]
    aspects: tuple[str, ...]
    entry_id: str | None
    needs: tuple[re.Pattern, ...] = ()       # what its answer had to hold ("多少家": a count of 家)
    subject: str = ""                        # what it asked when no aspect says it ("金融业增加值多少"), no year
    years: tuple[int, ...] = ()              # the years it asked of ("2015年…多少": so is "占GDP多少")
    others: tuple[str, ...] = ()             # names it used of things that are no entity ("商务区联盟")
    named: tuple[str, ...] = ()              # the places it named itself, when several ("泰嘉园和乐富智汇园")
    which: tuple[str, ...] = ()              # the places the bot asked the user to choose between
    thing: str = ""                          # what it asked the aspect of, without names or years ("累计上市公司目标")


class Conversations(Expiring[Topic]):
    def __init__(self, clock: Clock, ttl: timedelta = TOPIC_TTL):
        super().__init__(clock, ttl)

    def remember(self, user_key: str, entities: Iterable[str], aspects: Iterable[str], entry_id: str | None,
                 needs: Iterable[re.Pattern] = (), subject: str = "", years: Iterable[int] = (),
                 others: Iterable[str] = (), named: Iterable[str] = (), which: Iterable[str] = (),
                 thing: str = "") -> None:
        if entities := tuple(entities):
            self.put(user_key, Topic(entities, tuple(aspects), entry_id, tuple(needs), subject, tuple(years), tuple(others),
                                     tuple(named), tuple(which), thing))
