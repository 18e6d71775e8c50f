"""The stored phrasings (each one line of sorted words) and the closest of them to a question by rapidfuzz's
ratio: the same list comparing with every phrasing gives, found by comparing with few of them.

fuzz.ratio is 200·LCS / (len(a) + len(b)), and a common subsequence holds no more characters than the two strings
share, so a phrasing reaches a ratio of L only if it shares at least ⌈L·len(q) / (200 − L)⌉ of the question's
characters, and then it holds one of the question's rarest characters (prefix filtering). L is first taken from
the phrasings holding the very rarest: the least score among their closest is a floor for the closest of all.
"""
from __future__ import annotations

import math
from array import array
from collections import Counter
from dataclasses import dataclass

from rapidfuzz import fuzz, process

SEED = 160          # phrasings compared first, to learn the least ratio worth looking for
SLACK = 1e-3        # rapidfuzz rounds the cutoff it is given: one just below a score can leave that score out


def char_postings(lines: list[str]) -> dict[str, array]:
    """Character → the lines holding it, in line order."""
    holding: dict[str, array] = {}
    for n, line in enumerate(lines):
        for ch in set(line):
            holding.setdefault(ch, array("I")).append(n)
    return holding


@dataclass(frozen=True)
class Phrasings:
    lines: list[str]
    holding: dict[str, array]       # char_postings(lines)

    def closest(self, query: str, limit: int, cutoff: float, every: bool = False) -> list[tuple[float, int]]:
        """(score, line) of the `limit` lines closest to `query` with a score of at least `cutoff`, best first and,
        at equal scores, in line order, as process.extract over every line returns them; `every`: compare with
        every line."""
        if every or not query:
            return self._compared(query, range(len(self.lines)), limit, cutoff)
        rarest = sorted((len(self.holding.get(ch, ())), ch) for ch, n in Counter(query).items() for _ in range(n))
        seed: set[int] = set()
        for _, ch in rarest:
            seed.update(self.holding.get(ch, ()))
            if len(seed) >= SEED:
                break
        found = self._compared(query, sorted(seed), limit, cutoff)
        floor = found[-1][0] - SLACK if len(found) == limit else cutoff
        shared = math.ceil(floor * len(query) / (200 - floor) - SLACK)
        prefix = {ch for _, ch in rarest[:max(len(query) - shared + 1, 1)]}
        lines = set().union(*(self.holding.get(ch, ()) for ch in prefix))
        return self._compared(query, sorted(lines), limit, max(cutoff, floor))

    def _compared(self, query: str, lines, limit: int, cutoff: float) -> list[tuple[float, int]]:
        text = self.lines
        found = process.extract(query, [text[n] for n in lines], scorer=fuzz.ratio, limit=limit, score_cutoff=cutoff)
        return [(score, lines[idx]) for _, score, idx in found]
