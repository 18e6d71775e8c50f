"""Grouping of the questions enterprises asked: the same question typed with other punctuation, spaces or
letter case counts once."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

NOT_WORD = re.compile(r"[\W_]+")


def question_key(text: str) -> str:
    return NOT_WORD.sub("", text.casefold()) or text


@dataclass
class Group:
    text: str                          # the latest wording
    count: int = 0
    last: str = ""
    ids: list[int] = field(default_factory=list)
    platforms: Counter = field(default_factory=Counter)


def grouped(rows: list[dict]) -> list[Group]:
    """Rows with "text", "at" (and "id", "platform" or "user") → groups, most asked first."""
    groups: dict[str, Group] = {}
    for row in rows:
        group = groups.get(key := question_key(row["text"]))
        if group is None:
            group = groups[key] = Group(row["text"])
        group.count += 1
        if row["at"] >= group.last:
            group.text, group.last = row["text"], row["at"]
        if "id" in row:
            group.ids.append(row["id"])
        group.platforms[row.get("platform") or row["user"].partition(":")[0]] += 1
    return sorted(groups.values(), key=lambda g: (g.count, g.last), reverse=True)
