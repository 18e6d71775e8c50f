"""What a question names and asks, from data: the entities of faq/entities.yaml and the aspects of
faq/aspects.yaml, found longest-first in the folded text.

Pinyin-input typos ("云河财富小震") are repaired against the domain vocabulary: a run of characters whose
toneless pinyin equals a known word's, and which shares at least half its characters, becomes that word. A
two-character name of a body ("小镇", "联盟") is repaired only where the dictionary finds no word of the text
("小真在哪里", not "深化改革" for 申花), and a place's ("我市") never: "我是" is no typo.
"""
from __future__ import annotations

import hashlib
import importlib.util
import json
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate
from pathlib import Path
from typing import Iterable, TypeVar

from faq import english, nlp
from faq.derived import CACHE_DIR, cached
from faq.schema import Aspect, Entity, KnowledgeError, read_yaml
from faq.script import simplified

HERE = Path(__file__).resolve().parent
T = TypeVar("T")
SCANNED = 4096                      # texts whose scans are remembered
NUMERALS = frozenset("〇零一二两三四五六七八九十百千万亿")     # the characters of a Chinese figure
MIN_REPAIR = 3                      # shorter words are too ambiguous to repair by sound, but for short names
PLACE_ENDINGS = ("市", "省")         # an entity so named is a place (and so is a district of one)
# What may stand between a place's name and a body ending within one longer name: not a word that joins
# two ("的", "有", "和"…), asks ("哪", "几"…) or tells a kind ("上市"), so "杭州有几家银行" and "杭州上市银行"
# stay about Hangzhou.
NAME_GAP = r"(?:(?![的有和与及在是哪几多少什么里等或跟同各全内外本上市])[\u4e00-\u9fff]){0,6}?"


@lru_cache(maxsize=SCANNED)
def fold(text: str) -> str:
    """NFKC, lower-case, simplified characters: the view used for finding names and policy words (never shown
    to anyone)."""
    return simplified(unicodedata.normalize("NFKC", text).lower())


def _latin(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def _whole(text: str, start: int, end: int) -> bool:
    """A Latin word is found only whole: "tax" is not in "taxi", "rent" not in "parent"."""
    return not (_latin(text[start]) and start and _latin(text[start - 1])) and \
        not (_latin(text[end - 1]) and end < len(text) and _latin(text[end]))


def _is_cjk(text: str) -> bool:
    return all("\u4e00" <= ch <= "\u9fff" for ch in text)


CJK = (0x4E00, 0x9FFF)               # the block repaired by sound: what _is_cjk accepts


@lru_cache(maxsize=4)
def _sounds(cache_dir: Path | None = CACHE_DIR) -> tuple[str, ...]:
    """The toneless pinyin of every character of the CJK block ("运" → "yun"), in code point order, from the first
    reading in pypinyin's single-character dictionary (its data file only: importing pypinyin also loads its phrase
    dictionary). Cached: that file is 6 MB of JSON."""
    spec = importlib.util.find_spec("pypinyin")
    if spec is None or not spec.submodule_search_locations:
        raise KnowledgeError("缺少 pypinyin（requirements.txt 中已列出，请重新安装依赖）")
    path = Path(list(spec.submodule_search_locations)[0]) / "pinyin_dict.json"
    stat = path.stat()
    key = f"{stat.st_size}-{int(stat.st_mtime)}-{hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:12]}"
    return cached("sounds", key, lambda: _toneless(json.loads(path.read_text(encoding="utf-8"))), cache_dir)


def _toneless(readings: dict[str, str]) -> tuple[str, ...]:
    sounds = []
    for code in range(CJK[0], CJK[1] + 1):
        reading = readings.get(str(code))
        first = unicodedata.normalize("NFKD", reading.split(",")[0]) if reading else chr(code)
        sounds.append("".join(c for c in first if not unicodedata.combining(c)))
    return tuple(sounds)


class Terms(list):
    """A longest-first list of (word, tag) that also knows which of its words a text holds, so a scan looks only
    for those (a plain list works too, word by word)."""

    def __init__(self, pairs: Iterable[tuple[str, T]]):
        super().__init__(pairs)
        self._by_start: dict[str, list[int]] = {}
        for position, (word, _) in enumerate(self):
            self._by_start.setdefault(word[:2], []).append(position)
        self._seen: dict[str, tuple[tuple[str, T], ...]] = {}     # a message's text is looked through again and again

    def occurring(self, text: str) -> list[tuple[str, T]]:
        """The (word, tag) pairs whose word is in `text`, in list order."""
        found = self._seen.get(text)
        if found is None:
            if len(self._seen) >= SCANNED:
                self._seen.clear()
            found = self._seen[text] = self._occurring(text)
        return list(found)

    def _occurring(self, text: str) -> tuple[tuple[str, T], ...]:
        found: set[int] = set()
        get = self._by_start.get
        for start in range(len(text)):
            for key in (text[start], text[start:start + 2]):
                for position in get(key, ()):
                    if text.startswith(self[position][0], start):
                        found.add(position)
        return tuple(self[position] for position in sorted(found))


def scan(text: str, words: list[tuple[str, T]], blocked: bytearray | None = None) -> list[tuple[int, int, T]]:
    """Non-overlapping hits of `words` (sorted longest first) in `text`, outside the `blocked` characters
    → [(start, end, tag)] in text order."""
    claimed = bytearray(blocked) if blocked is not None else bytearray(len(text))
    found = []
    for word, tag in words.occurring(text) if isinstance(words, Terms) else words:
        start = text.find(word)
        while start != -1:
            end = start + len(word)
            if not any(claimed[start:end]) and _whole(text, start, end):
                claimed[start:end] = b"\x01" * len(word)
                found.append((start, end, tag))
            start = text.find(word, start + 1)
    return sorted(found, key=lambda hit: hit[0])


def _longest_first(pairs: Iterable[tuple[str, str]]) -> Terms:
    """Longest first; a word listed under several tags goes to the first in file order (deterministic, unlike a
    set's order, which changes with each process's string hashing)."""
    unique = dict.fromkeys((english.fold(w), tag) for w, tag in pairs if w.strip())
    return Terms(sorted(unique, key=lambda p: (-len(p[0]), p[0])))


class Repairer:
    """Repairs homophone typos against a vocabulary of CJK words of ≥ MIN_REPAIR characters, and of the `short`
    two-character names where the text has no dictionary word."""

    def __init__(self, vocabulary: Iterable[str], cache_dir: Path | None = CACHE_DIR, short: Iterable[str] = ()):
        self._sounds = _sounds(cache_dir)
        self._by_sound: dict[tuple[str, ...], list[str]] = {}
        for word in dict.fromkeys(map(fold, dict.fromkeys(vocabulary))):      # each word folded once
            if len(word) >= MIN_REPAIR and _is_cjk(word):
                self._by_sound.setdefault(tuple(map(self._sound, word)), []).append(word)
        self._short: dict[tuple[str, ...], str] = {}
        for word in map(fold, short):
            if len(word) == 2 and _is_cjk(word):
                self._short.setdefault(tuple(map(self._sound, word)), word)
        lengths: dict[str, set[int]] = {}
        for key in self._by_sound:
            lengths.setdefault(key[0], set()).add(len(key))
        self._lengths = {first: sorted(ns, reverse=True) for first, ns in lengths.items()}   # by first sound
        self._words = frozenset(w for words in self._by_sound.values() for w in words)
        self.repair = lru_cache(maxsize=SCANNED)(self._repair)     # a message's clauses are read again

    def _sound(self, ch: str) -> str:
        """Toneless pinyin of a CJK character's first reading; other characters stand for themselves."""
        return self._sounds[ord(ch) - CJK[0]] if "\u4e00" <= ch <= "\u9fff" else ch

    def _repair(self, text: str) -> str:
        sounds = [self._sound(ch) for ch in text]
        run = [0] * (len(text) + 1)          # how many CJK characters start at each position
        for i in range(len(text) - 1, -1, -1):
            run[i] = run[i + 1] + 1 if "\u4e00" <= text[i] <= "\u9fff" else 0
        out, i, bounds = [], 0, _Bounds(text)
        while i < len(text):
            for n in self._lengths.get(sounds[i], ()):
                window = text[i:i + n]
                if run[i] < n:
                    continue
                # a numeral is never repaired away: "实收资本十亿" is no "实收资本是" + 亿
                alike = [w for w in self._by_sound.get(tuple(sounds[i:i + n]), ())
                         if not any(a != b and b in NUMERALS for a, b in zip(w, window))]
                # a word written right is kept whole: "私募基金管理人" does not lend "募基金" to 母基金
                word = window if window in self._words else \
                    max(alike, key=lambda w: sum(a == b for a, b in zip(w, window)), default="")
                # nor is a word cut by a repair: "杭州实际" does not become 杭州市 + 际
                if word and 2 * sum(a == b for a, b in zip(word, window)) >= n \
                        and (word == window or bounds.between(i, i + n)):
                    out.append(word)
                    i += n
                    break
            else:
                if (short := self._short_name(text, sounds, i, bounds)) is not None:
                    out.append(short)
                    i += 2
                    continue
                out.append(text[i])
                i += 1
        return "".join(out)

    def _short_name(self, text: str, sounds: list[str], i: int, bounds: _Bounds) -> str | None:
        """The short name the two characters at `i` mistype, when the dictionary reads each as a word alone."""
        word = self._short.get(tuple(sounds[i:i + 2]))
        window = text[i:i + 2]
        if word is None or word == window or not any(a == b for a, b in zip(word, window)):
            return None
        return word if bounds.between(i, i + 1) and bounds.between(i + 1, i + 2) else None


class _Bounds:
    """Where the dictionary's words of a text begin and end (segmented only when a repair asks)."""

    def __init__(self, text: str):
        self._text, self._ends = text, None

    def between(self, start: int, end: int) -> bool:
        """Whether a repair of text[start:end] cuts no dictionary word of the text, other than the one its last
        character makes with a 的 after it ("运河小真的面积": 真的 is no word here)."""
        if self._ends is None:
            self._ends = {0, *accumulate(len(w) for w in nlp.jieba.cut(self._text, HMM=False))}
        return start in self._ends and (end in self._ends or self._text[end:end + 1] == "的" and end + 1 in self._ends)


@dataclass(frozen=True)
class Lexicon:
    entities: dict[str, Entity]
    aspects: dict[str, Aspect]
    not_names: tuple[str, ...] = ()
    body_endings: tuple[str, ...] = ()
    not_asked: tuple[str, ...] = ()         # phrases holding an aspect's word that ask no aspect ("范围内")
    default_subject: str = ""               # what a question naming nothing is about, when no talk came before

    @classmethod
    def load(cls, entities_path: Path = HERE / "entities.yaml", aspects_path: Path = HERE / "aspects.yaml") -> "Lexicon":
        entities = _models(entities_path, "entities", Entity)
        aspects = _models(aspects_path, "aspects", Aspect)
        for path, items, what in ((entities_path, entities, "实体"), (aspects_path, aspects, "方面")):
            if missing := [key for key, item in items.items() if not item.en]:
                raise KnowledgeError(f"{path}: {what}“{missing[0]}”缺少英文（en 字段）")
        for key, entity in entities.items():
            if entity.parent and entity.parent not in entities:
                raise KnowledgeError(f"{entities_path}: 实体“{key}”的 parent 字段指向不存在的实体“{entity.parent}”")
        data = read_yaml(entities_path)
        default = str(data.get("default_subject") or "")
        if default and default not in entities:
            raise KnowledgeError(f"{entities_path}: default_subject 指向不存在的实体“{default}”")
        return cls(entities, aspects, tuple(data.get("not_names") or ()), tuple(data.get("body_endings") or ()),
                   tuple(read_yaml(aspects_path).get("not_asked") or ()), default)

    @property
    def names(self) -> Terms:
        named = ((w, k) for k, e in self.entities.items() for w in [e.name, *e.aliases])
        return _longest_first([*named, *((w, "") for w in self.not_names)])

    def places(self) -> list[str]:
        return [k for k, e in self.entities.items() if e.name.endswith(PLACE_ENDINGS)
                or (e.name.endswith("区") and e.parent and self.entities[e.parent].name.endswith(PLACE_ENDINGS))]

    def ancestors(self, entity: str) -> list[str]:
        chain, seen = [], {entity}
        while (parent := self.entities[entity].parent) and parent not in seen:
            chain.append(parent)
            seen.add(parent)
            entity = parent
        return chain


def _models(path: Path, key: str, model):
    data = read_yaml(path)
    if not isinstance(data, dict) or not isinstance(data.get(key), dict):
        raise KnowledgeError(f"{path}: 文件顶层应为“{key}:”映射")
    out = {}
    for item_id, raw in data[key].items():
        try:
            out[str(item_id)] = model.model_validate(raw)
        except Exception as exc:  # pydantic.ValidationError; the message names the field
            raise KnowledgeError(f"{path}: 条目“{item_id}”: {exc}") from exc
    return out


class Gazetteer:
    """Finds entities and aspects in a question; ids come from the data files."""

    def __init__(self, lexicon: Lexicon, vocabulary: Iterable[str] = (), cache_dir: Path | None = CACHE_DIR):
        self.lexicon = lexicon
        self.names = lexicon.names
        self._asked = _longest_first([*((w, k) for k, a in lexicon.aspects.items() for w in a.asked),
                                      *((w, "") for w in lexicon.not_asked)])
        self._places = frozenset(lexicon.places())
        # the words that ask an aspect are repaired too: "啥时侯成立" asks the founding date
        asked = [w for a in lexicon.aspects.values() for w in a.asked]
        self.repairer = Repairer([w for w, tag in self.names if tag] + asked + list(vocabulary), cache_dir,
                                 [w for w, tag in self.names if tag and tag not in self._places])
        place_names = sorted({fold(w) for k in self._places for w in (lexicon.entities[k].name, *lexicon.entities[k].aliases)
                              if _is_cjk(w)}, key=len, reverse=True)
        self._bodies = re.compile(f"(?:{'|'.join(place_names)}){NAME_GAP}(?:{'|'.join(lexicon.body_endings)})(?!业|机构|网点)") \
            if place_names and lexicon.body_endings else None
        self._wholes = {key: frozenset(lexicon.ancestors(key)) for key in lexicon.entities}
        self._cities = frozenset(k for k in self._places if lexicon.entities[k].name.endswith("市"))
        # A message's text, its clauses and the entries' answers are scanned again and again: each text once.
        self._entities = lru_cache(maxsize=SCANNED)(self._entities_of)
        self._aspects = lru_cache(maxsize=SCANNED)(self._aspects_of)
        self._spans = lru_cache(maxsize=SCANNED)(self._bodies_of)
        self._covered = lru_cache(maxsize=SCANNED)(self._covered_by)     # per entry's entities, asked of often

    def is_place(self, entity: str) -> bool:
        """A city, province or district: a place a question names may qualify what it asks ("拱墅十佳文创产品评选")."""
        return entity in self._places

    def bodies(self, folded: str) -> list[tuple[int, int]]:
        return list(self._spans(folded))

    def _bodies_of(self, folded: str) -> tuple[tuple[int, int], ...]:
        """Spans of longer names that begin with a place's name and end as a body's does ("杭州银行", "绍兴国际金融
        活力城"): they name that body, not the place; a known entity's own name is not one."""
        spans = () if self._bodies is None else tuple(
            m.span() for m in self._bodies.finditer(folded)
            if not any(tag for _, _, tag in scan(m.group(0), self.names) if tag not in self._places))
        return spans + self._elsewhere_of_city(folded)

    def _elsewhere_of_city(self, folded: str) -> tuple[tuple[int, int], ...]:
        """"宁波财富小镇": a city's name right before the name of a body in another city names a body of that city,
        not the one known."""
        hits = scan(folded, self.names)
        return tuple((start, end) for (start, middle, city), (at, end, body) in zip(hits, hits[1:])
                     if middle == at and city in self._cities and body and body not in self._places
                     and any(c in self._cities and c != city for c in self._wholes[body]))

    def entities(self, folded: str) -> list[str]:
        """Entity ids named, in order, without the ones that only contain a more specific one named too."""
        return list(self._entities(folded))

    def _entities_of(self, folded: str) -> tuple[str, ...]:
        text = english.fold(folded)
        blocked = bytearray(len(text))
        for start, end in self._spans(text):
            blocked[start:end] = b"\x01" * (end - start)
        named = list(dict.fromkeys(tag for _, _, tag in scan(text, self.names, blocked) if tag))
        return tuple(e for e in named if not any(e in self._wholes[o] for o in named if o != e))

    def without_names(self, text: str) -> str:
        """The text with the Chinese names of known entities blanked ("康桥新能源产业园 east boundary?" → "  east
        boundary?"), for telling a Chinese sentence from an English one that names places in Chinese."""
        kept = list(text)
        for start, end, tag in scan(text, self.names):
            if tag and _is_cjk(text[start:end]):
                kept[start:end] = " " * (end - start)
        return "".join(kept)

    def sharing(self, word: str) -> list[str]:
        """The entities whose Chinese names hold `word` ("康桥": 康桥新能源产业园, 康桥健康产业园), when it is the
        name of none and two or more that are no part of one another hold it; else []."""
        if not _is_cjk(word) or any(w == word for w, _ in self.names):
            return []
        holding = [k for k, e in self.lexicon.entities.items()
                   if any(word in w for w in (e.name, *e.aliases) if _is_cjk(w))]
        holding = [k for k in holding if not any(o in self._wholes[k] for o in holding)]
        return holding if len(holding) >= 2 else []

    def kin(self, folded: str) -> list[str]:
        """The entities whose longer Chinese names hold a name said in `folded` that is another's ("申花" of 申花产业集聚区
        is held by 申花金融中介服务集聚区), neither being part of the other: the name may mean either."""
        said = [(w, tag) for w, tag in self.names.occurring(english.fold(folded)) if tag and _is_cjk(w)]
        return list(dict.fromkeys(k for w, tag in said for k, e in self.lexicon.entities.items()
                                  if k != tag and k not in self._wholes[tag] and tag not in self._wholes[k]
                                  and any(w in n and w != n for n in (e.name, *e.aliases) if _is_cjk(n))))

    def aspects(self, folded: str) -> list[str]:
        return list(self._aspects(folded))

    def unasked(self, folded: str) -> str:
        """The text without the words that ask an aspect ("面积多少" → " 多少")."""
        text = list(english.fold(folded))
        for start, end, tag in scan("".join(text), self._asked):
            if tag:
                text[start:end] = " " * (end - start)
        return "".join(text)

    def _aspects_of(self, folded: str) -> tuple[str, ...]:
        return tuple(dict.fromkeys(tag for _, _, tag in scan(english.fold(folded), self._asked) if tag))

    def covers(self, declared: Iterable[str], asked: str) -> bool:
        """An entry about `declared` entities answers a question naming `asked` (itself or a part of it)."""
        return asked in self._covered(tuple(declared))

    def _covered_by(self, declared: tuple[str, ...]) -> frozenset[str]:
        """The entities a question may name to be answered by an entry about `declared`: each, and its wholes."""
        return frozenset(declared).union(*(self._wholes[e] for e in declared))

    def name(self, entity: str, lang: str = "zh") -> str:
        item = self.lexicon.entities[entity]
        return item.en if lang == "en" else item.name

    def label(self, aspect: str, lang: str = "zh") -> str:
        item = self.lexicon.aspects[aspect]
        return item.en if lang == "en" else item.label
