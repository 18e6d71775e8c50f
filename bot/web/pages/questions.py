"""Grouping of the questions enterprises asked: the same question typed with other punctuation, spaces or
letter case counts once. Counting runs over every row; only the groups shown are filled in (ids, channels)."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Sequence

from bot.store import Asked, Question

NOT_WORD = re.compile(r"[\W_]+")


@lru_cache(maxsize=50_000)
def question_key(text: str) -> str:
    return NOT_WORD.sub("", text.casefold()) or text


@dataclass
class Group:
    text: str                          # the latest wording
    count: int = 0
    last: str = ""
    ids: list[int] = field(default_factory=list)
    platforms: Counter = field(default_factory=Counter)


def grouped(rows: Sequence[Asked | Question], start: int = 0, stop: int | None = None) -> tuple[int, list[Group]]:
    """Questions → how many groups there are, and the groups [start:stop] of them, most asked first (the latest
    asked first among equals)."""
    keys = [question_key(r.text) for r in rows]
    counts = Counter(keys)
    last = {k: r.at for k, r in zip(keys, rows)}          # rows come oldest first
    order = sorted(counts, key=lambda k: (counts[k], last[k]), reverse=True)
    groups = {k: Group("", counts[k]) for k in order[start:stop]}
    for key, row in zip(keys, rows):
        group = groups.get(key)
        if group is None:
            continue
        if row.at >= group.last:
            group.text, group.last = row.text, row.at
        group.ids.append(row.id)
        group.platforms[row.platform] += 1
    return len(counts), list(groups.values())
