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
import math
from array import array
from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate, chain, islice
from pathlib import Path
from types import ModuleType

from rapidfuzz import fuzz, process

from faq import nlp, vocabulary
from faq.derived import cached
from faq.schema import FaqEntry

THRESHOLD = 0.45
ANSWER_WEIGHT = 0.5        # how much answer-text coverage counts against phrasing coverage
COVERAGE_WEIGHT = 0.5      # coverage vs. phrasing similarity
KEYWORD_BONUS, KEYWORD_CAP = 0.07, 0.2
NUMBER_BONUS, NUMBER_MALUS = 0.15, 0.1
UNKNOWN_PLACE_MALUS = 0.3
UNKNOWN_DF = 0.5          # document frequency assumed for a feature the data never uses
SIMILAR_LIMIT, SIMILAR_CUTOFF = 40, 30     # phrasings whose similarity counts, and the least that counts
SCALE = 2000              # from this many entries on, only the entries sharing the rarest features are scored
CANDIDATES = 200          # how many, at scale
GATHERED = 5000           # how many phrasing postings are read to find them, at most
SIMILAR_CANDIDATES = 120  # of those, the likeliest whose phrasings are compared, at scale
RANKED = 1024             # questions whose ranking is remembered
DEPTH = 10                # below SCALE, a ranking this deep serves every shorter one asked of the same question


Sums = dict[int, float] | list[float]      # by entry: a defaultdict, or a list holding every entry


@dataclass(frozen=True)
class Match:
    entry: FaqEntry
    score: float


@dataclass(frozen=True)
class Postings:
    """Feature id → the entries holding that feature, all in one array: a dict of tens of thousands of small
    arrays takes far longer to read back from the cache, and more memory."""
    start: array        # feature id → where its entries begin in `entries` (and, one further, end)
    entries: array

    @classmethod
    def of(cls, lists: dict[str, list[int]], ids: dict[str, int]) -> Postings:
        start, entries = array("I", [0]), array("I")
        for feature in ids:                  # in id order
            entries.extend(lists.get(feature, ()))
            start.append(len(entries))
        return cls(start, entries)

    def __getitem__(self, k: int) -> array:
        return self.entries[self.start[k]:self.start[k + 1]]

    def count(self, k: int) -> int:
        return self.start[k + 1] - self.start[k]

    def holds(self, k: int, i: int) -> bool:
        """Whether entry `i` is among feature `k`'s (kept in ascending order)."""
        at = bisect_left(self.entries, i, self.start[k], self.start[k + 1])
        return at < self.start[k + 1] and self.entries[at] == i


def _tokenised(entries: list[FaqEntry], text: ModuleType) -> dict:
    """Everything the matcher derives from the entries' text (with jieba for Chinese), as postings: feature → the
    entries whose phrasings and keywords ("asked") or whose answer too ("told") hold it; and each phrasing's
    sorted words, one a line, in one string (entry i's lines from phrased_at[i]). The slow part of a start-up,
    so it is cached."""
    asked_by: dict[str, list[int]] = {}
    told_by: dict[str, list[int]] = {}
    keywords: dict[str, list[int]] = {}
    numbers: dict[str, array] = {}
    for i, e in enumerate(entries):
        asked = set().union(*(text.features(t) for t in [*e.questions, *e.keywords]))
        for f in asked:
            asked_by.setdefault(f, []).append(i)
        for f in asked | text.features(e.answer):
            told_by.setdefault(f, []).append(i)
        for k in e.keywords:
            if folded := text.fold_phrase(k):
                keywords.setdefault(folded, []).append(i)
        for number in text.numbers(" ".join([e.answer, *e.questions])):
            numbers.setdefault(number, array("I")).append(i)
    ids = {f: k for k, f in enumerate(told_by)}          # every feature asked is told too
    blocks = ["".join(" ".join(sorted(text.words(q))) + "\n" for q in e.questions) for e in entries]
    return {"ids": ids, "asked": Postings.of(asked_by, ids), "told": Postings.of(told_by, ids),
            "keywords": keywords, "numbers": numbers,
            "phrasings": "".join(blocks), "phrased_at": array("I", accumulate(map(len, blocks), initial=0)),
            "first": array("I", accumulate((len(e.questions) for e in entries), initial=0))}


def _cache_key(entries: list[FaqEntry], text: ModuleType, content: str | None = None) -> str:
    """Changes with any entry's text (or with `content`, the key of the files they were read from, so a start does
    not hash every answer again), the synonyms, the stop words, the domain dictionary, jieba's version or the
    tokenisers' code."""
    digest = hashlib.sha256()
    if content is not None:
        digest.update(f"files {content} {len(entries)}".encode())
    else:
        for e in entries:
            digest.update("\x1f".join([*e.questions, "\x1e", *e.keywords, "\x1e", e.answer, "\x1d"]).encode())
    for path in (nlp.HERE / "synonyms.yaml", nlp.HERE / "userdict.txt", Path(nlp.__file__), Path(text.__file__),
                 Path(__file__), nlp.HERE / "script.py", vocabulary.PATH):
        digest.update(path.read_bytes())
    digest.update(nlp.jieba.__version__.encode())
    return digest.hexdigest()[:24]


class FaqMatcher:
    """`text` is the language's tokeniser: faq.nlp (Chinese) or faq.english.

    Only the entries sharing a feature with the question are scored; the rest score alike and are ranked by
    position. Up to SCALE entries every sharing entry is scored; beyond, only CANDIDATES entries found through the
    phrasings of the question's rarest features are scored, and the phrasing similarity is computed over the
    likeliest of them only."""

    def __init__(self, entries: list[FaqEntry], text: ModuleType = nlp, cache_dir: Path | None = None,
                 content: str | None = None):
        self.entries, self.text = entries, text
        text.add_words((k for e in entries for k in e.keywords), f"keywords-{text.__name__}")
        self.cache_key, self.cache_dir = _cache_key(entries, text, content), cache_dir     # for what is derived from it
        index = cached(f"faq-index-{text.__name__.rpartition('.')[2]}", self.cache_key,
                       lambda: _tokenised(entries, text), cache_dir)
        self._ids, self._asked, self._told = index["ids"], index["asked"], index["told"]
        self._keywords, self._numbers = index["keywords"], index["numbers"]
        self._phrased, self._phrased_at, self._first = index["phrasings"], index["phrased_at"], index["first"]
        self._keyword_lengths = sorted({len(k) for k in self._keywords})
        self._n = max(len(entries), 1)
        self._unknown_idf = math.log((self._n + 1) / UNKNOWN_DF)
        self._at_scale = len(entries) >= SCALE
        self._bitmaps: dict[int, bytearray] = {}
        self._ranked = lru_cache(maxsize=RANKED)(self._rank)
        if not self._at_scale:         # every phrasing is compared: as a list, once
            self._phrasings = self._phrased.split("\n")[:-1]
            self._owner = array("I", (i for i in range(len(entries)) for _ in range(self._first[i + 1] - self._first[i])))

    def says(self, i: int, feature: str) -> bool:
        """Whether entry `i`'s phrasings, keywords or answer hold `feature`."""
        k = self._ids.get(feature)
        return k is not None and self._told.holds(k, i)

    def known(self, word: str) -> bool:
        """A word the data uses, or one whose every char bigram the data uses ("大关" from "大关路")."""
        return word in self._ids or all("#" + word[i:i + 2] in self._ids for i in range(len(word) - 1))

    def unknown_places(self, words: list[str]) -> list[str]:
        """Places the data never mentions (another city, another district): the sign of another topic."""
        return [w for w in words if len(w) > 1 and w in self.text.place_names() and not self.known(w)]

    def _idf(self, feature: str) -> float:
        k = self._ids.get(feature)
        asked = self._asked.count(k) if k is not None else 0
        return math.log((self._n + 1) / (asked + 0.5)) if asked else self._unknown_idf

    def rank(self, question: str, limit: int = 3) -> list[Match]:
        """The `limit` best entries; a question asked again (as FAQ questions are) is not ranked again. Below SCALE
        the best `limit` are the first of any deeper ranking (the entries sharing nothing with the question score
        alike and rank by position), so the parts of one message asking a shorter ranking reuse the reading's."""
        if limit <= DEPTH and not self._at_scale:
            return list(self._ranked(question, DEPTH)[:limit])
        return list(self._ranked(question, limit))

    def _rank(self, question: str, limit: int) -> tuple[Match, ...]:
        words = self.text.words(question)
        feats = self.text.features_of(words)
        if not feats or not self.entries:
            return ()
        weights = {f: self._idf(f) for f in sorted(feats)}     # sorted: the same ranking whatever the hash seed
        total = sum(weights.values())
        asked_sum, told_sum, candidates = self._coverage(weights)
        similar = self._similar(" ".join(sorted(words)), candidates)
        hits = self._keyword_hits(self.text.fold_phrase(question))
        asked_numbers = self.text.numbers(question)
        numbered = {i for number in asked_numbers for i in self._numbers.get(number, ())}
        penalty = UNKNOWN_PLACE_MALUS if self.unknown_places(words) else 0.0

        asked_of, told_of, similar_of = asked_sum.__getitem__, told_sum.__getitem__, similar.get
        asked_w, told_w, similar_w = 1 - ANSWER_WEIGHT, ANSWER_WEIGHT, 1 - COVERAGE_WEIGHT
        # what every entry's score would work out alike is worked out once: the bonuses of the few entries that earn one
        bonus_of = {i: min(KEYWORD_CAP, KEYWORD_BONUS * n) for i, n in hits.items()}.get
        number_of, unnumbered = dict.fromkeys(numbered, NUMBER_BONUS).get, -NUMBER_MALUS if asked_numbers else 0.0
        touched = set(candidates).union(similar) if self._at_scale else set(candidates).union(similar, hits, numbered)
        untouched = (i for i in reversed(range(len(self.entries))) if i not in touched)
        scored = [(COVERAGE_WEIGHT * ((asked_w * asked_of(i) + told_w * told_of(i)) / total)
                   + similar_w * similar_of(i, 0.0) - penalty + bonus_of(i, 0.0) + number_of(i, unnumbered), i)
                  for i in chain(touched, islice(untouched, limit))]
        scored.sort(reverse=True)
        return tuple(Match(self.entries[i], max(0.0, min(1.0, s))) for s, i in scored[:limit])

    def _coverage(self, weights: dict[str, float]) -> tuple[Sums, Sums, list[int]]:
        """The weight of the question's features each entry's phrasings hold, and its answer too (by entry, 0 for
        any other); and the entries to score."""
        if self._at_scale:
            return self._candidates(weights)
        ids, asked_by, told_by = self._ids, self._asked, self._told
        known = sorted((f for f in weights if f in ids), key=lambda f: (told_by.count(ids[f]), f))
        # every entry sharing a feature is scored: its sums kept in a list, quicker than a dict
        asked_sum, told_sum = [0.0] * len(self.entries), [0.0] * len(self.entries)
        for f in known:
            w, k = weights[f], ids[f]
            for i in asked_by[k]:
                asked_sum[i] += w
            for i in told_by[k]:
                told_sum[i] += w
        return asked_sum, told_sum, [i for i, told in enumerate(told_sum) if told]      # every weight is > 0

    def _candidates(self, weights: dict[str, float]) -> tuple[Sums, Sums, list[int]]:
        """At scale: the CANDIDATES entries whose phrasings hold most of the question's weight, counted over its
        rarest features until GATHERED postings are read (the first touched first among equals), topped up from
        the answers' postings when the phrasings hold too few; their sums completed over every feature and the
        heaviest first. Gathering by phrasings, not answers: an answer mentions many things, a phrasing what the
        entry is about."""
        ids, asked_by, told_by = self._ids, self._asked, self._told
        known = sorted((f for f in weights if f in ids), key=lambda f: (asked_by.count(ids[f]), f))
        gathered: dict[int, float] = defaultdict(float)
        read = counted = 0
        for counted, f in enumerate(known):
            read += asked_by.count(ids[f])
            if read > GATHERED and gathered:
                break
            w = weights[f]
            for i in asked_by[ids[f]]:
                gathered[i] += w
        else:
            counted = len(known)
        candidates = sorted(gathered, key=gathered.__getitem__, reverse=True)[:CANDIDATES]
        chosen = set(candidates)
        for f in sorted(known, key=lambda f: told_by.count(ids[f])):
            if len(candidates) >= CANDIDATES:
                break
            more = [i for i in told_by[ids[f]] if i not in chosen]
            candidates += more[:CANDIDATES - len(candidates)]
            chosen.update(more)
        asked_sum: dict[int, float] = defaultdict(float, {i: gathered.get(i, 0.0) for i in candidates})
        told_sum: dict[int, float] = defaultdict(float, dict.fromkeys(candidates, 0.0))
        for j, f in enumerate(known):
            w, k = weights[f], ids[f]
            if told_by.count(k) > len(candidates):
                bitmap = self._bitmap(k)
                for i in candidates:
                    if bitmap[i]:
                        told_sum[i] += w
                        if bitmap[i] == 2 and j >= counted:
                            asked_sum[i] += w
                continue
            if j >= counted:
                for i in asked_by[k]:
                    if i in asked_sum:
                        asked_sum[i] += w
            for i in told_by[k]:
                if i in told_sum:
                    told_sum[i] += w
        candidates.sort(key=lambda i: asked_sum[i] + told_sum[i], reverse=True)
        return asked_sum, told_sum, candidates

    def _bitmap(self, k: int) -> bytearray:
        """Per entry: 2 when its phrasings hold feature `k`, 1 when only its answer does (for common features)."""
        bitmap = self._bitmaps.get(k)
        if bitmap is None:
            bitmap = bytearray(len(self.entries))
            for i in self._told[k]:
                bitmap[i] = 1
            for i in self._asked[k]:
                bitmap[i] = 2
            self._bitmaps[k] = bitmap
        return bitmap

    def _similar(self, sorted_words: str, candidates: list[int]) -> dict[int, float]:
        """Entry → token-sort similarity of its closest phrasing, for the SIMILAR_LIMIT closest phrasings (at scale,
        among the phrasings of the likeliest candidates only)."""
        if self._at_scale:
            owner, choices, at = [], [], self._phrased_at
            for i in candidates[:SIMILAR_CANDIDATES]:
                lines = self._phrased[at[i]:at[i + 1] - 1].split("\n")
                owner += [i] * len(lines)
                choices += lines
        else:
            owner, choices = self._owner, self._phrasings
        similar: dict[int, float] = {}
        for _, score, idx in process.extract(sorted_words, choices, scorer=fuzz.ratio, limit=SIMILAR_LIMIT,
                                             score_cutoff=SIMILAR_CUTOFF):
            i = owner[idx]
            similar[i] = max(similar.get(i, 0.0), score / 100)
        return similar

    def _keyword_hits(self, folded: str) -> dict[int, int]:
        """Entry → how many of its keywords the folded question contains."""
        found = {folded[s:s + n] for n in self._keyword_lengths for s in range(len(folded) - n + 1)}
        hits: dict[int, int] = defaultdict(int)
        for keyword in found & self._keywords.keys():
            for i in self._keywords[keyword]:
                hits[i] += 1
        return hits

    def best(self, question: str) -> Match | None:
        ranked = self.rank(question, limit=1)
        return ranked[0] if ranked else None
