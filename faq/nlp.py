"""Chinese-aware text normalisation and tokenisation shared by every matcher.

Pipeline: NFKC (full-width → half-width) → lower-case → punctuation to spaces → jieba words with the
domain dictionary → synonyms folded to one canonical word → stop words dropped. Char bigrams are added
as features so typos and segmentation differences still overlap.
"""
from __future__ import annotations

import hashlib
import importlib
import logging
import re
import sys
import unicodedata
from collections import Counter
from functools import lru_cache
from pathlib import Path
from types import ModuleType

from faq.derived import cached
from faq.frequencies import Packed, WordFrequencies, pack
from faq.schema import read_yaml
from faq.script import simplified
from faq.vocabulary import vocabulary

HERE = Path(__file__).resolve().parent


def _import_jieba() -> ModuleType:
    """jieba opens its own data files through pkg_resources when that imports (slow to import and large, for nothing
    else) and by path when it does not: it is kept from importing for jieba's import only."""
    blocked = "pkg_resources" not in sys.modules
    if blocked:
        sys.modules["pkg_resources"] = None        # makes `import pkg_resources` raise ImportError
    try:
        return importlib.import_module("jieba")
    finally:
        if blocked:
            del sys.modules["pkg_resources"]


jieba = _import_jieba()
jieba.setLogLevel(logging.WARNING)

_PUNCT = re.compile(r"[^\w\u4e00-\u9fff.%]+", re.UNICODE)
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_SHORT_YEAR = re.compile(r"(?<![\d.])([012]\d)年")
WORD_FREQ = 20000          # jieba frequency of a domain word: high enough to be kept whole
STOP = frozenset(vocabulary().stop.zh)


class Synonyms:
    """Maps every variant to its canonical word; longest variants are replaced first."""

    def __init__(self, groups: dict[str, list[str]]):
        self.canonical = {v: canon for canon, variants in groups.items() for v in [canon, *variants]}
        variants = sorted((v for v in self.canonical if len(v) > 1), key=len, reverse=True)
        self._pattern = re.compile("|".join(map(re.escape, variants))) if variants else None

    def fold(self, text: str) -> str:
        return self._pattern.sub(lambda m: self.canonical[m.group(0)], text) if self._pattern else text


@lru_cache(maxsize=1)
def synonyms() -> Synonyms:
    return Synonyms(read_yaml(HERE / "synonyms.yaml")["synonyms"])


_taught: dict[str, Counter[str]] = {}     # source → the words it taught jieba, and how often


def add_words(words, source: str) -> None:
    """Teach jieba the domain vocabulary (place names, policy terms, entry keywords). A word given n times is added
    once and counts n times in jieba's total frequency, exactly as n calls to jieba.add_word would leave it. A
    source teaching again (a reload) replaces what it taught before, so the total does not grow with reloads."""
    counts: Counter[str] = Counter()
    for raw, n in Counter(iter(words)).items():
        word = normalise(raw)
        if len(word) > 1 and " " not in word:
            counts[word] += n
    for word, n in counts.items():
        jieba.add_word(word, freq=WORD_FREQ)
        jieba.dt.total += WORD_FREQ * (n - 1)
    jieba.dt.total -= WORD_FREQ * sum(_taught.get(source, Counter()).values())
    _taught[source] = counts
    _words.cache_clear()


def _load_dictionary() -> None:
    """What jieba.initialize() loads (its dictionary's words and total frequency), from the cache as compact arrays."""
    tokenizer = jieba.dt
    if tokenizer.initialized:
        return
    source = Path(jieba.__file__).with_name("dict.txt")
    stat = source.stat()
    layout = hashlib.sha256((HERE / "frequencies.py").read_bytes()).hexdigest()[:12]
    key = f"{jieba.__version__}-{stat.st_size}-{int(stat.st_mtime)}-{layout}"
    packed, total = cached("jieba-dictionary", key, lambda: _packed(tokenizer.gen_pfdict(tokenizer.get_dict_file())))
    with tokenizer.lock:
        tokenizer.FREQ, tokenizer.total, tokenizer.initialized = WordFrequencies(packed), total, True


def _packed(loaded: tuple[dict[str, int], int]) -> tuple[Packed, int]:
    freq, total = loaded
    return pack(freq), total


def load_user_dictionary() -> None:
    _load_dictionary()
    add_words((line.split()[0] for line in (HERE / "userdict.txt").read_text(encoding="utf-8").splitlines()
               if line.strip() and not line.startswith("#")), "userdict")
    add_words(synonyms().canonical, "synonyms")
    place_names()


@lru_cache(maxsize=1)
def place_names() -> frozenset[str]:
    """Words jieba's own dictionary tags as place names (ns): ~18k cities, districts and areas.
    Read from the dictionary file (cached) instead of loading jieba.posseg, which holds a second dictionary in memory."""
    source = Path(jieba.__file__).with_name("dict.txt")
    stat = source.stat()
    return cached("place-names", f"{jieba.__version__}-{stat.st_size}-{int(stat.st_mtime)}", lambda: _scan_places(source))


def _scan_places(source: Path) -> frozenset[str]:
    places = set()
    with open(source, encoding="utf-8") as dictionary:
        for line in dictionary:
            word, _, tag = line.rstrip("\n").rpartition(" ")
            if tag == "ns":
                places.add(word.split(" ")[0])
    return frozenset(places)


@lru_cache(maxsize=4096)
def normalise(text: str) -> str:
    """NFKC + lower-case, punctuation to spaces, "19年" → "2019年", digits split from the words around them."""
    text = simplified(unicodedata.normalize("NFKC", text).lower())
    text = _SHORT_YEAR.sub(r"20\1年", text)
    text = _NUMBER.sub(r" \g<0> ", text)
    return " ".join(_PUNCT.sub(" ", text).split())


@lru_cache(maxsize=1024)
def fold_phrase(text: str) -> str:
    """What keywords are compared with: normalised, synonyms folded."""
    return synonyms().fold(normalise(text))


def numbers(text: str) -> set[str]:
    return set(_NUMBER.findall(normalise(text)))


def words(text: str) -> list[str]:
    return list(_words(text))


@lru_cache(maxsize=1024)
def _words(text: str) -> tuple[str, ...]:
    """A message is segmented once, however many readers ask (cleared when jieba learns words)."""
    return tuple(w for w in jieba.lcut(fold_phrase(text)) if w.strip() and w not in STOP)


def features(text: str) -> set[str]:
    """Words plus char bigrams of the folded text (bigrams carry a '#' so they never equal a word)."""
    return features_of(words(text))


def features_of(ws: list[str]) -> set[str]:
    chars = "".join(ws)
    return set(ws) | {"#" + chars[i:i + 2] for i in range(len(chars) - 1)}
