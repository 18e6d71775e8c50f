"""Buttons for text-only surfaces (console, WeCom app): numbered choices the user answers with a number, and
the labels of buttons typed back as words ("补贴速算", "2. 常见问题", "Quick check")."""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

from bot.inputs import fold, number
from bot.messages import Button, Reply

_NUMBERING = re.compile(r"^\s*[(（\[【]?\d{1,2}[)）\]】.．、:：]?\s*")   # "2. ", "（2）", "2、" before a label


def _letters(text: str) -> str:
    return "".join(ch for ch in text if unicodedata.category(ch)[0] in "LN")


@lru_cache(maxsize=4096)          # every message is compared with the labels of the user's last buttons
def label_key(text: str) -> str:
    """A label as matching sees it: folded, lower case, letters and digits only."""
    return _letters(fold(text).lower())


def keyed(buttons: Iterable[Button]) -> dict[str, tuple[int, Button]]:
    """Each label key → the first button (and its place) with that label."""
    found: dict[str, tuple[int, Button]] = {}
    for place, button in enumerate(buttons):
        found.setdefault(label_key(button.label), (place, button))
    return found


@lru_cache(maxsize=1024)          # most users were last shown one of a few sets of buttons (the menu, an answer's)
def _keyed_set(buttons: tuple[Button, ...]) -> dict[str, tuple[int, Button]]:
    return keyed(buttons)


@lru_cache(maxsize=4096)          # each message is looked up among the user's buttons and the standing ones
def _typed_keys(text: str) -> tuple[str, ...]:
    folded = fold(text).lower()
    return tuple({_letters(folded), _letters(_NUMBERING.sub("", folded, count=1))} - {""})


def pressed(labels: dict[str, tuple[int, Button]], text: str) -> Button | None:
    """The first button (of `keyed` buttons) whose label `text` spells, with or without its number,
    punctuation and spaces."""
    hits = [labels[key] for key in _typed_keys(text) if key in labels]
    return min(hits, key=lambda hit: hit[0])[1] if hits else None


PART_MAX = 8      # longer text is a sentence of its own, not a word picked from a label


def _without_fillers(key: str, fillers: Iterable[str]) -> str:
    """`key` without the filler words at either end, keeping two characters at least."""
    trimmed = True
    while trimmed:
        trimmed = False
        for word in fillers:
            if len(key) > len(word) + 1 and key.startswith(word):
                key, trimmed = key[len(word):], True
            elif len(key) > len(word) + 1 and key.endswith(word):
                key, trimmed = key[:-len(word)], True
    return key


def part_of(buttons: list[Button], text: str, fillers: Iterable[str]) -> Button | None:
    """The one button whose label holds `text` ("个人" of "第16条 新设个人征信公司补助"), once the words around it
    that are no part of an option (`fillers`: "国家级" → "国家") are dropped; None when no label or several do.
    Latin letters match whole words of three letters at least ("personal"), digits alone never."""
    key = _without_fillers(label_key(text), fillers)
    if not 2 <= len(key) <= PART_MAX or key.isdigit() or (key.isascii() and len(key) < 3):
        return None
    if key.isascii():
        hits = [b for b in buttons if re.search(rf"\b{re.escape(key)}\b", fold(b.label).lower())]
    else:
        hits = [b for b in buttons if key in label_key(b.label)]
    return hits[0] if len(hits) == 1 else None


class Choices:
    """Remembers each user's last buttons, so "2" presses the second one and its label typed presses it too."""

    def __init__(self, limit: int = 10_000):
        self._last: dict[str, list[Button]] = {}
        self._limit = limit

    def remember(self, user_key: str, buttons: list[Button]) -> None:
        if len(self._last) >= self._limit and user_key not in self._last:
            self._last.pop(next(iter(self._last)))
        self._last[user_key] = list(buttons)

    def resolve(self, user_key: str, text: str) -> str | None:
        """The payload of the button numbered `text`, if it is one of the user's current choices."""
        buttons = self._last.get(user_key, [])
        choice = number(text)
        return buttons[choice - 1].payload if choice is not None and 1 <= choice <= len(buttons) else None

    def by_label(self, user_key: str, text: str) -> Button | None:
        return pressed(_keyed_set(tuple(self._last.get(user_key, ()))), text)

    def by_number_or_part(self, user_key: str, text: str, fillers: Iterable[str]) -> Button | None:
        """The button numbered `text`, or the one whose label alone holds it (see part_of)."""
        buttons = self._last.get(user_key, [])
        choice = number(text)
        if choice is not None:
            return buttons[choice - 1] if 1 <= choice <= len(buttons) else None
        return part_of(buttons, text, fillers)


def numbered(reply: Reply) -> str:
    """Reply text with its buttons as a numbered list and its sources as a footer."""
    parts = [reply.text]
    if reply.buttons:
        parts.append("\n".join(f"{i}. {b.label}" for i, b in enumerate(reply.buttons, 1))
                     + ("\n(Reply with a number to choose.)" if reply.lang == "en" else "\n（回复序号即可选择）"))
    if reply.sources:
        parts.append(reply.sources_line())
    return "\n\n".join(parts)
