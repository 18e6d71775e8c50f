"""Ranks FAQ entries for a question and says how sure it is.

Score of an entry = blend of
- coverage: the share of the question's information (IDF-weighted words and char bigrams) found in the
  entry's phrasings and keywords, and (half weight) in its answer — unknown words weigh most, so
  off-topic questions score low;
- similarity: rapidfuzz token-sort ratio against the closest stored phrasing;
- keyword hits; numbers: a question carrying a number prefers the entry that holds it;
minus a penalty when the question names a place the knowledge base has never heard of (another city,
another district): the sign of an out-of-scope question.
"""
from __future__ import annotations

import hashlib
import json
import math
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import jieba
from rapidfuzz import fuzz, process

from faq import nlp
from faq.derived import cached
from faq.schema import FaqEntry

THRESHOLD = 0.45
ANSWER_WEIGHT = 0.5        # how much answer-text coverage counts against phrasing coverage
COVERAGE_WEIGHT = 0.5      # coverage vs. phrasing similarity
KEYWORD_BONUS, KEYWORD_CAP = 0.07, 0.2
NUMBER_BONUS, NUMBER_MALUS = 0.15, 0.1
UNKNOWN_PLACE_MALUS = 0.3
UNKNOWN_DF = 0.5          # document frequency assumed for a feature the data never uses


@dataclass(frozen=True)
class Match:
    entry: FaqEntry
    score: float


def _tokenised(entries: list[FaqEntry], text: ModuleType) -> dict:
    """Everything the matcher derives from the entries' text (with jieba for Chinese): the slow part of a
    start-up."""
    asked = [set().union(*(text.features(t) for t in [*e.questions, *e.keywords])) for e in entries]
    return {"asked": asked,
            "told": [a | text.features(e.answer) for a, e in zip(asked, entries)],
            "keywords": [[text.fold_phrase(k) for k in e.keywords] for e in entries],
            "numbers": [text.numbers(" ".join([e.answer, *e.questions])) for e in entries],
            "phrasings": [" ".join(text.words(q)) for e in entries for q in e.questions]}


def _cache_key(entries: list[FaqEntry], text: ModuleType) -> str:
    """Changes with any entry, the synonyms, the domain dictionary, jieba's version or the tokenisers' code."""
    digest = hashlib.sha256(json.dumps([e.model_dump() for e in entries], ensure_ascii=False).encode())
    for path in (nlp.HERE / "synonyms.yaml", nlp.HERE / "userdict.txt", Path(nlp.__file__), Path(text.__file__),
                 Path(__file__), nlp.HERE / "script.py"):
        digest.update(path.read_bytes())
    digest.update(jieba.__version__.encode())
    return digest.hexdigest()[:24]


class FaqMatcher:
    """`text` is the language's tokeniser: faq.nlp (Chinese) or faq.english."""

    def __init__(self, entries: list[FaqEntry], text: ModuleType = nlp, cache_dir: Path | None = None):
        self.entries, self.text = entries, text
        text.add_words(k for e in entries for k in e.keywords)
        index = cached(f"faq-index-{text.__name__.rpartition('.')[2]}", _cache_key(entries, text),
                       lambda: _tokenised(entries, text), cache_dir)
        self._asked, self._told = index["asked"], index["told"]
        self._vocabulary = set().union(*self._told)
        self._keywords, self._numbers, self._phrasings = index["keywords"], index["numbers"], index["phrasings"]
        self._owner = [i for i, e in enumerate(entries) for _ in e.questions]
        df = Counter(f for feats in self._asked for f in feats)
        n = max(len(entries), 1)
        self._idf = {f: math.log((n + 1) / (c + 0.5)) for f, c in df.items()}
        self._unknown_idf = math.log((n + 1) / UNKNOWN_DF)

    def known(self, word: str) -> bool:
        """A word the data uses, or one whose every char bigram the data uses ("大关" from "大关路")."""
        return word in self._vocabulary or all("#" + word[i:i + 2] in self._vocabulary for i in range(len(word) - 1))

    def unknown_places(self, words: list[str]) -> list[str]:
        """Places the data never mentions (another city, another district): the sign of another topic."""
        return [w for w in words if len(w) > 1 and w in self.text.place_names() and not self.known(w)]

    def rank(self, question: str, limit: int = 3) -> list[Match]:
        words = self.text.words(question)
        feats = self.text.features_of(words)
        if not feats or not self.entries:
            return []
        weights = {f: self._idf.get(f, self._unknown_idf) for f in feats}
        total = sum(weights.values())
        folded = self.text.fold_phrase(question)
        similar = [0.0] * len(self.entries)
        for _, score, idx in process.extract(" ".join(words), self._phrasings, scorer=fuzz.token_sort_ratio,
                                             limit=40, score_cutoff=30):
            owner = self._owner[idx]
            similar[owner] = max(similar[owner], score / 100)
        asked_numbers = self.text.numbers(question)
        penalty = UNKNOWN_PLACE_MALUS if self.unknown_places(words) else 0.0
        scored = []
        for i, (asked, told) in enumerate(zip(self._asked, self._told)):
            coverage = ((1 - ANSWER_WEIGHT) * sum(weights[f] for f in feats & asked)
                        + ANSWER_WEIGHT * sum(weights[f] for f in feats & told)) / total
            score = COVERAGE_WEIGHT * coverage + (1 - COVERAGE_WEIGHT) * similar[i] - penalty
            score += min(KEYWORD_CAP, KEYWORD_BONUS * sum(1 for k in self._keywords[i] if k and k in folded))
            if asked_numbers:
                score += NUMBER_BONUS if asked_numbers & self._numbers[i] else -NUMBER_MALUS
            scored.append((score, i))
        scored.sort(reverse=True)
        return [Match(self.entries[i], max(0.0, min(1.0, s))) for s, i in scored[:limit]]

    def best(self, question: str) -> Match | None:
        ranked = self.rank(question, limit=1)
        return ranked[0] if ranked else None
