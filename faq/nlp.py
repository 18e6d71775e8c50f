"""Chinese-aware text normalisation and tokenisation shared by every matcher.

Pipeline: NFKC (full-width → half-width) → lower-case → punctuation to spaces → jieba words with the
domain dictionary → synonyms folded to one canonical word → stop words dropped. Char bigrams are added
as features so typos and segmentation differences still overlap.
"""
from __future__ import annotations

import logging
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import jieba
import yaml

HERE = Path(__file__).resolve().parent
jieba.setLogLevel(logging.WARNING)

_PUNCT = re.compile(r"[^\w\u4e00-\u9fff.%]+", re.UNICODE)
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
STOP = frozenset("的 了 吗 呢 啊 呀 吧 嘛 哦 么 是 有 在 和 与 及 请问 请 你好 您好 一下 我 我们 你 你们 想 想要 "
                 "知道 问 问下 问问 能 可以 这个 那个 一个 哪些 什么 怎么 怎样 如何 多少 几 个 都 也 就 还 "
                 "吗 呗 啥 么 么样 到底 具体 告诉 说说 介绍 下 麻烦 谢谢 ? ?".split())


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
    return Synonyms(yaml.safe_load((HERE / "synonyms.yaml").read_text(encoding="utf-8"))["synonyms"])


def add_words(words) -> None:
    """Teach jieba the domain vocabulary (place names, policy terms, entry keywords)."""
    for word in words:
        word = normalise(word)
        if len(word) > 1 and " " not in word:
            jieba.add_word(word, freq=20000)


def load_user_dictionary() -> None:
    jieba.initialize()
    add_words(line.split()[0] for line in (HERE / "userdict.txt").read_text(encoding="utf-8").splitlines()
              if line.strip() and not line.startswith("#"))
    add_words(synonyms().canonical)


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower()
    return _PUNCT.sub(" ", text).strip()


def numbers(text: str) -> set[str]:
    return set(_NUMBER.findall(unicodedata.normalize("NFKC", text)))


def words(text: str) -> list[str]:
    folded = synonyms().fold(normalise(text))
    return [w for w in jieba.lcut(folded) if w.strip() and w not in STOP]


def features(text: str) -> set[str]:
    """Words plus char bigrams of the folded text (bigrams carry a '#' so they never equal a word)."""
    ws = words(text)
    chars = "".join(ws)
    return set(ws) | {"#" + chars[i:i + 2] for i in range(len(chars) - 1)}
