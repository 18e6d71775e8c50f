"""The stored phrasings closest to a question by rapidfuzz similarity, comparing only the phrasings that could be
among the closest.

fuzz.ratio is 200·LCS / (len(a) + len(b)). A phrasing that shares no character with the question but spaces has a
longest common subsequence of spaces only, at most the fewer spaces of the two, so its ratio has a ceiling that
its length and spaces tell. When the phrasings sharing a character give `limit` results whose last one is above
the ceiling of every other phrasing, the others cannot be among the closest and are never compared: the result is
the one a comparison with every phrasing gives, in the same order. Chinese phrasings share few characters with a
question; English ones share most letters, and are all compared.
"""
from __future__ import annotations

from collections.abc import Sequence
from itertools import compress

from rapidfuzz import fuzz, process

MARGIN = 1e-9        # rapidfuzz's score of a ceiling case may round a hair above the exact ratio
WIDE = 0.6           # a character held by this share of the phrasings makes the subset not worth gathering


class Phrasings:
    """`lines[j]` is a phrasing's sorted words joined by spaces; `owner[j]` the entry it belongs to. Unless
    `indexed`, every phrasing is compared (for a few phrasings gathered for one question)."""

    def __init__(self, lines: list[str], owner: Sequence[int], indexed: bool = True):
        self.lines, self.owner = lines, owner
        holding: dict[str, bytearray] = {}     # character → a byte per phrasing, 1 where it holds the character
        shortest: dict[int, int] = {}          # spaces → the shortest phrasing with that many
        for j, line in enumerate(lines if indexed else ()):
            for ch in set(line.replace(" ", "")):
                holding.setdefault(ch, bytearray(len(lines)))[j] = 1
            spaces = line.count(" ")
            shortest[spaces] = min(shortest.get(spaces, len(line)), len(line))
        wide = WIDE * len(lines)
        # as integers, so the phrasings holding any of a question's characters are one `|` of them
        self._holding = {ch: int.from_bytes(held, "little") for ch, held in holding.items() if sum(held) <= wide}
        self._wide = frozenset(ch for ch in holding if ch not in self._holding)
        self._shortest = sorted(shortest.items())
        self._indexed = indexed

    def closest(self, question: str, limit: int, cutoff: float) -> dict[int, float]:
        """Entry → the similarity (0–1) of its closest phrasing among the `limit` closest with a ratio ≥ `cutoff`
        (ties go to the phrasing stored first)."""
        found = self._among_sharing(question, limit, cutoff)
        if found is None:
            found = process.extract(question, self.lines, scorer=fuzz.ratio, limit=limit, score_cutoff=cutoff)
        similar: dict[int, float] = {}
        for _, score, j in found:
            i = self.owner[j]
            similar[i] = max(similar.get(i, 0.0), score / 100)
        return similar

    def _among_sharing(self, question: str, limit: int, cutoff: float) -> list[tuple[str, float, int]] | None:
        """The closest among the phrasings sharing a character with the question, when no other can be as close;
        None when that cannot be told (or the subset would be most of the phrasings)."""
        chars = set(question.replace(" ", ""))
        if not self._indexed or chars & self._wide:
            return None
        held = 0
        for ch in chars:
            held |= self._holding.get(ch, 0)
        flags = held.to_bytes(len(self.lines), "little")
        sharing = list(compress(range(len(self.lines)), flags))
        found = process.extract(question, list(compress(self.lines, flags)), scorer=fuzz.ratio, limit=limit,
                                score_cutoff=cutoff)
        least = found[-1][1] if len(found) == limit else cutoff
        if self._ceiling(question) + MARGIN >= least:
            return None
        return [(line, score, sharing[k]) for line, score, k in found]

    def _ceiling(self, question: str) -> float:
        """The highest ratio a phrasing sharing nothing but spaces with the question can have."""
        spaces, length = question.count(" "), len(question)
        return max((200 * min(spaces, n) / (length + shortest) for n, shortest in self._shortest
                    if length + shortest), default=0.0)
