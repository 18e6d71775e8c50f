"""Cleans whatever a user sends before it reaches the router: never raises, whatever the bytes.

The text is kept as typed (announcements, event texts and profiles are stored and sent verbatim); only
matching and parsing look at the folded copy, `fold(text)` (NFKC: full-width forms, ①, ㎡ …).
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from faq.script import simplified

MAX_CHARS = 500
HEAD = 200                 # of a longer message, its start (who asks) and its end (what is asked) are read
TOO_LONG_NOTE = f"（您的消息较长，我只读取了开头和结尾共 {MAX_CHARS} 个字。）"
TOO_LONG_NOTE_EN = f"(Your message is long; I read only its first and last {MAX_CHARS} characters in all.)"
# Noise around a question that is no part of it: terminal colour codes, markup tags (and a script's body),
# a pasted link (its text kept), bare URLs; and spaces typed between single characters ("小 镇 在 哪").
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|(?<=\s)\[[0-9;]*m")     # also as clean() left it: "[31m"
SCRIPT = re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[\x20-\x3b=\x3f-\x7e]{0,200})?\/?>")
LINK = re.compile(r"\[([^\[\]]{0,200})\]\((?:https?://|www\.)[^\s)]*\)")
URL = re.compile(r"(?:https?://|www\.)[^\s<>\u3000-\u303f\uff00-\uffef]+")
SPACED = re.compile(r"(?:[\u4e00-\u9fff] ){2,}[\u4e00-\u9fff](?![\u4e00-\u9fff])")
_NOISE = re.compile(r"[\s\W_]+")
MAX_TYPED = 4000           # what is passed on to a person (Telegram's message limit, with room to spare)


def _text(raw: str | bytes | None) -> str:
    if raw is None:
        return ""
    return raw.decode("utf-8", errors="replace") if isinstance(raw, bytes) else raw


def _printable(text: str) -> str:
    if text.isprintable():        # holds no control or format character (every one of them is unprintable)
        return text
    return "".join(ch if ch in "\n\t" or unicodedata.category(ch)[0] != "C" else " " for ch in text)


def clean(text: str | bytes | None) -> tuple[str, bool]:
    """Returns (clean text, was_cut): control and format characters become spaces; a message longer than
    MAX_CHARS keeps its start and its end."""
    text = _printable(_text(text)).replace("\ufffd", " ").strip()
    if len(text) > MAX_CHARS:
        return f"{text[:HEAD]}\n{text[HEAD - MAX_CHARS:]}", True
    return text, False


@lru_cache(maxsize=4096)          # every message is read; the same texts come again
def without_noise(text: str) -> str:
    """What the reading sees of a message: the noise around a question removed (a dialog or a broadcast still
    gets the text with its links)."""
    if "[" in text:
        text = ANSI.sub("", text)
    if "<" in text:
        text = TAG.sub("", SCRIPT.sub("", text))
    if "://" in text or "www." in text:
        text = URL.sub(" ", LINK.sub(r"\1", text))
    if " " in text:
        text = SPACED.sub(lambda m: m.group(0).replace(" ", ""), text)
    return text


def as_typed(text: str | bytes | None) -> str:
    """The text as written, only control characters removed (no folding): what people pass to each other."""
    return _printable(_text(text)).strip()[:MAX_TYPED]


def arguments(typed: str) -> str:
    """What follows a command word, as typed: after any space, the full-width one a Chinese keyboard types too."""
    parts = typed.split(maxsplit=1)
    return parts[1] if len(parts) > 1 else ""


MAX_DIGITS = 18          # a page, an event or a ticket number; longer digit runs are no number of ours


def number(text: str) -> int | None:
    """The whole number `text` spells in ASCII digits once NFKC has folded full-width ones (２ → 2), else None.
    str.isdigit is no test: it also takes ² (which int() refuses) and other scripts' digits."""
    text = unicodedata.normalize("NFKC", text).strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) <= MAX_DIGITS else None


@lru_cache(maxsize=4096)          # every message's matching copy; the same texts come again
def fold(text: str) -> str:
    """The copy used for matching and parsing only: NFKC folds full-width and compatibility forms, and
    traditional characters read as simplified."""
    return simplified(unicodedata.normalize("NFKC", text))


def letters_only(text: str) -> str:
    """Lower-cased, with every space, punctuation mark and symbol removed: how one-word commands are compared."""
    return _NOISE.sub("", text.lower())


def has_meaning(text: str) -> bool:
    """True when the text holds at least one letter, digit or CJK character (not only emoji/symbols)."""
    return any(unicodedata.category(ch)[0] in "LN" for ch in text)
