"""Which language a message is written in, and which one to answer in.

A message is English when it has at least two Latin words, none of the Chinese function characters that
only a Chinese sentence has (names such as 运河财富小镇 or 杭政办〔2023〕2号 have none), and not fewer Latin
letters than half its CJK characters: "Where is 运河财富小镇?" is English, "运河财富小镇intro" and "我们是PE
fund，想问小镇在哪" are Chinese. A known name is no Chinese sentence even when a character of it is a function
character elsewhere (the 能 of 康桥新能源产业园): the router passes the gazetteer's `without_names`. A message with no
Latin word but CJK text is Chinese, unless it is only known names ("泰嘉园", in answer to "which one do you mean?");
one English word apart from Chinese names ("北城·智汇园 2019 revenue?") decides nothing; four English words or more
with a short Chinese quote ("what's the core phrase? 要素集聚") are English; digits, figures ("10亿"),
commands and a single Latin word ("QFLP", "hi") decide nothing (but a word beside an acronym with no Chinese at all,
"AUM 12bn", is English); a Chinese first clause before an English question ("我是外资银行的 Kevin, which
track …?") leaves the message English; and the user's stored language (or, for a new user, the
platform's language hint) applies. Latin letters that hold no word the English data or its stop words know
("asdf qwer") are no English either: `unreadable` tells them, and they decide nothing.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import Literal

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")
LATIN_WORD = re.compile(r"[A-Za-z]+")
CJK = re.compile(r"[\u3400-\u9fff]")
FIGURE_CHARS = re.compile(r"[万亿元]")             # "10亿" in an English chat is a figure, not Chinese
CHINESE_GRAMMAR = re.compile(r"[的是吗呢么哪啥几怎我你您们了想请问吧嘛谁呀啊还要能可有]|多少")
# the asker's own Chinese words, which a quoted phrase has not
SPEAKER = re.compile(r"[我你您想请问吗呢吧嘛]")
DIGIT = re.compile(r"\d")
ACRONYM = re.compile(r"^[A-Z0-9]+$")          # PPP, CFA, QFLP: written in Chinese sentences too
# "北城·智汇园 2019 revenue?": one English word written apart from Chinese names (not "运河财富小镇intro")
CLAUSE_END = re.compile(r"[,，;；:：]")
APART_WORD = re.compile(r"(?:^|[\s,.;:!?()])[A-Za-z]{3,}(?=$|[\s,.;:!?()])")


def unreadable(text: str, known: Callable[[str], bool]) -> bool:
    """Latin words only, none of them a word `known` (the English data's) knows, and no figure: "asdf qwer"."""
    words = LATIN_WORD.findall(text)
    return bool(words) and not CJK.search(text) and not DIGIT.search(text) and not any(map(known, words))


@lru_cache(maxsize=4096)          # every message is asked; the same texts come again
def detect(text: str, without_names: Callable[[str], str] | None = None,
           known: Callable[[str], bool] | None = None) -> Lang | None:
    """The language of one message, or None when it does not tell; `without_names` blanks the known names, and
    a text without one word `known` knows tells nothing."""
    if text.lstrip().startswith("/") or (known is not None and unreadable(text, known)):
        return None
    words = [w for w in LATIN_WORD.findall(text) if not ACRONYM.match(w)]
    cjk = len(CJK.findall(text))
    unnamed = without_names(text) if without_names else text
    grammar = CHINESE_GRAMMAR.search(unnamed)
    if len(words) >= 2 and not grammar and 2 * sum(map(len, words)) >= cjk:
        return "en"
    if len(words) >= 4 and sum(map(len, words)) >= 4 * cjk and not SPEAKER.search(unnamed):
        return "en"                   # "what's the core phrase? 要素集聚…": a short Chinese quote in an English question
    if not cjk and words and len(LATIN_WORD.findall(text)) >= 2:      # "AUM 12bn", "Greenland CBD": no Chinese at all
        return "en"
    if len(words) == 1 and not grammar and APART_WORD.search(text) and 2 * len(words[0]) >= len(CJK.findall(unnamed)):
        return None
    if without_names is not None and not words and not CJK.search(without_names(text)):
        return None                   # "泰嘉园" alone, naming the place asked about: a name in any language
    if len(CJK.findall(FIGURE_CHARS.sub("", text))):
        rest = CLAUSE_END.split(text, maxsplit=1)[1:]
        if rest and len(LATIN_WORD.findall(rest[0])) >= 3 and detect(rest[0], without_names, known) == "en":
            return "en"
        return "zh"
    return None


def from_hint(language_code: str | None) -> Lang | None:
    """A platform's language setting ("en-GB", "zh-hans") as a hint for a user we know nothing about."""
    code = (language_code or "").lower()
    return "en" if code.startswith("en") else "zh" if code.startswith("zh") else None


def choose(text: str, stored: str | None, hint: str | None,
           without_names: Callable[[str], str] | None = None, known: Callable[[str], bool] | None = None) -> Lang:
    """The message's own language first, then the one the user last wrote or chose, then the hint."""
    return detect(text, without_names, known) or (stored if stored in LANGS else None) or from_hint(hint) or "zh"
