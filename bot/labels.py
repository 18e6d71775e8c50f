"""Buttons as a phone shows them: at most MAX_BUTTONS under a reply (a longer list is paged, "更多" last but the
standing ones), each label short enough for one line and never cut inside a word."""
from __future__ import annotations

import re

from bot.messages import Button

MAX_BUTTONS = 8            # the choices a phone screen shows under a reply without scrolling
WIDTH = {"zh": 20, "en": 40}
BRACKETED = re.compile(r"\s*[（(][^（()）]*[)）]\s*$")     # "（省地方金融监管局）": the short form after the name
TRAILING = "的和与及或、"       # a word a cut label does not end on
BREAK = re.compile(r"[\s·、，,；;：:/（(“]")


def short_label(text: str, lang: str = "zh") -> str:
    """The label in at most WIDTH[lang] characters: the bracketed short forms at its end dropped first, else cut
    after the last whole word (a space, "·", a comma; a jieba word in Chinese) that fits, with "…"."""
    width = WIDTH[lang]
    while len(text) > width and BRACKETED.search(text):
        text = BRACKETED.sub("", text)
    if len(text) <= width:
        return text
    head = text[:width - 1]
    breaks = [m.start() for m in BREAK.finditer(head) if m.start() > 0]
    if breaks and (lang == "en" or breaks[-1] >= width // 2):
        return head[:breaks[-1]].rstrip() + "…"
    if lang == "en":
        return head + "…"
    from faq.nlp import jieba        # the domain dictionary is loaded with the knowledge
    kept = ""
    for word in jieba.cut(text):
        if len(kept) + len(word) > width - 1:
            break
        kept += word
    return (kept.rstrip(TRAILING) or head) + "…"


def paged(buttons: list[Button], page: int, more: Button, standing: list[Button] = ()) -> list[Button]:
    """One page of `buttons` that fits with the `standing` ones (转人工) and, while more follow, the `more`
    button, whose payload leads to the page after this one."""
    room = MAX_BUTTONS - len(standing)
    if len(buttons) <= room and page == 0:
        return [*buttons, *standing]
    size = room - 1
    shown = buttons[page * size:(page + 1) * size]
    return [*shown, *([more] if (page + 1) * size < len(buttons) else []), *standing]
