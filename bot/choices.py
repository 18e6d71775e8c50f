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


def keyed(buttons: Iterable[Button]) -> list[tuple[str, Button]]:
    return [(label_key(b.label), b) for b in buttons]


def pressed(labels: Iterable[tuple[str, Button]], text: str) -> Button | None:
    """The button (of `keyed` buttons) whose label `text` spells, with or without its number, punctuation and
    spaces."""
    folded = fold(text).lower()
    typed = {_letters(folded), _letters(_NUMBERING.sub("", folded, count=1))} - {""}
    return next((b for key, b in labels if key in typed), None)


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
        return pressed(keyed(self._last.get(user_key, [])), text)


def numbered(reply: Reply) -> str:
    """Reply text with its buttons as a numbered list and its sources as a footer."""
    parts = [reply.text]
    if reply.buttons:
        parts.append("\n".join(f"{i}. {b.label}" for i, b in enumerate(reply.buttons, 1))
                     + ("\n(Reply with a number to choose.)" if reply.lang == "en" else "\n（回复序号即可选择）"))
    if reply.sources:
        parts.append(reply.sources_line())
    return "\n\n".join(parts)
