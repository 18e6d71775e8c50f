"""Ranks FAQ entries for a question and says how sure it is.

Score of an entry = blend of
- coverage: the share of the question's information (IDF-weighted words and char bigrams) that the
  entry's phrasings and keywords contain — unknown words weigh most, so off-topic questions score low;
- similarity: rapidfuzz token-set ratio against the closest stored phrasing;
- keyword hits, and numbers: a question carrying a number prefers the entry that holds it.
"""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from faq import nlp
from faq.schema import FaqEntry

THRESHOLD = 0.5


@dataclass(frozen=True)
class Match:
    entry: FaqEntry
    score: float


class FaqMatcher:
    def __init__(self, entries: list[FaqEntry]):
        self.entries = entries
        nlp.add_words(k for e in entries for k in e.keywords)
        self._features = [set().union(*(nlp.features(t) for t in [*e.questions, *e.keywords])) for e in entries]
        self._keywords = [[nlp.synonyms().fold(nlp.normalise(k)) for k in e.keywords] for e in entries]
        self._numbers = [nlp.numbers(" ".join([e.answer, *e.questions])) for e in entries]
        self._phrasings = [" ".join(nlp.words(q)) for e in entries for q in e.questions]
        self._owner = [i for i, e in enumerate(entries) for _ in e.questions]
        df = Counter(f for feats in self._features for f in feats)
        n = max(len(entries), 1)
        self._idf = {f: math.log((n + 1) / (c + 0.5)) for f, c in df.items()}
        self._unknown_idf = math.log((n + 1) / 0.5)

    def rank(self, question: str, limit: int = 3) -> list[Match]:
        feats = nlp.features(question)
        if not feats or not self.entries:
            return []
        weights = {f: self._idf.get(f, self._unknown_idf) for f in feats}
        total = sum(weights.values())
        folded = nlp.synonyms().fold(nlp.normalise(question))
        query = " ".join(nlp.words(question))
        similar = [0.0] * len(self.entries)
        for _, score, idx in process.extract(query, self._phrasings, scorer=fuzz.token_set_ratio,
                                             limit=30, score_cutoff=30):
            owner = self._owner[idx]
            similar[owner] = max(similar[owner], score / 100)
        asked_numbers = nlp.numbers(question)
        scored = []
        for i, entry_feats in enumerate(self._features):
            coverage = sum(weights[f] for f in feats & entry_feats) / total
            score = 0.6 * coverage + 0.4 * similar[i]
            score += min(0.2, 0.07 * sum(1 for k in self._keywords[i] if k and k in folded))
            if asked_numbers:
                score += 0.15 if asked_numbers & self._numbers[i] else -0.1
            scored.append((score, i))
        scored.sort(reverse=True)
        return [Match(self.entries[i], max(0.0, min(1.0, s))) for s, i in scored[:limit]]

    def best(self, question: str) -> Match | None:
        ranked = self.rank(question, limit=1)
        return ranked[0] if ranked else None
