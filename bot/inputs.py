"""Cleans whatever a user sends before it reaches the router: never raises, whatever the bytes."""
from __future__ import annotations

import unicodedata

MAX_CHARS = 500
TOO_LONG_NOTE = f"（您的消息较长，我只读取了前 {MAX_CHARS} 个字。）"
TOO_LONG_NOTE_EN = f"(Your message is long; I read only its first {MAX_CHARS} characters.)"


def clean(text: str | bytes | None) -> tuple[str, bool]:
    """Returns (clean text, was_cut). Control and format characters go; NFKC folds full-width forms."""
    if text is None:
        return "", False
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    text = unicodedata.normalize("NFKC", text)
    text = "".join(ch if ch in "\n\t" or unicodedata.category(ch)[0] != "C" else " " for ch in text)
    text = text.replace("\ufffd", " ").strip()
    if len(text) > MAX_CHARS:
        return text[:MAX_CHARS], True
    return text, False


def has_meaning(text: str) -> bool:
    """True when the text holds at least one letter, digit or CJK character (not only emoji/symbols)."""
    return any(unicodedata.category(ch)[0] in "LN" for ch in text)
