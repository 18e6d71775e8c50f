"""Reply → Telegram messages: HTML with every user/data character escaped, buttons as an inline keyboard,
sources as a short italic footer, and text longer than Telegram allows split at paragraph boundaries.

The keyboard is the Bot API's own JSON (`reply_markup`), not python-telegram-bot's objects: building those and
turning them back into JSON cost more CPU than the rest of a reply's rendering."""
from __future__ import annotations

import html
import logging
from dataclasses import dataclass

from bot.messages import Button, Reply

log = logging.getLogger(__name__)

MAX_TEXT = 4096            # Telegram's limit, counted in UTF-16 code units after entity parsing
MAX_CALLBACK_DATA = 64     # bytes
SHORT_LABEL = 6            # labels up to this many characters sit two to a row (thumb-sized on a phone)


@dataclass(frozen=True)
class Chunk:
    html: str
    keyboard: dict | None = None         # {"inline_keyboard": rows of {"text", "callback_data"}}


def units(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units: an emoji counts twice)."""
    return len(text.encode("utf-16-le")) // 2


def _cut(text: str, limit: int) -> tuple[str, str]:
    """Splits off a head within `limit`: at the last paragraph break in its latter two thirds if there
    is one, else at a line break, sentence end or space, else exactly at the limit."""
    size = end = 0
    for end, ch in enumerate(text):
        size += 2 if ord(ch) > 0xFFFF else 1
        if size > limit:
            break
    else:
        return text, ""
    head = text[:max(end, 1)]
    for sep in ("\n\n", "\n", "。", "；", " "):
        at = head.rfind(sep)
        if at > len(head) // 3:
            return text[:at + len(sep)].rstrip(), text[at + len(sep):].lstrip("\n")
    return head, text[len(head):]


def split(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Plain text → pieces of at most `limit` units each, cut at paragraph boundaries where possible."""
    pieces = []
    while text:
        head, text = _cut(text, limit)
        if head:
            pieces.append(head)
    return pieces or [""]


def keyboard(buttons: list[Button]) -> dict | None:
    """One button per row, or two per row when every label is short. A payload over 64 bytes cannot
    be sent to Telegram: that button is dropped and logged (the route crawl test fails on it)."""
    usable = []
    for b in buttons:
        if len(b.payload.encode()) > MAX_CALLBACK_DATA:
            log.error("button %r dropped: payload is %d bytes, Telegram allows %d", b.label,
                      len(b.payload.encode()), MAX_CALLBACK_DATA)
        else:
            usable.append({"text": b.label, "callback_data": b.payload})
    if not usable:
        return None
    per_row = 2 if all(len(b["text"]) <= SHORT_LABEL for b in usable) else 1
    return {"inline_keyboard": [usable[i:i + per_row] for i in range(0, len(usable), per_row)]}


def render(reply: Reply) -> list[Chunk]:
    """The messages to send, in order; the footer and the keyboard ride on the last one."""
    pieces = split(reply.text.strip() or "…")
    markup = [html.escape(p, quote=False) for p in pieces]
    note = reply.sources_line()
    if note and units(f"{pieces[-1]}\n\n{note}") <= MAX_TEXT:
        markup[-1] += f"\n\n<i>{html.escape(note, quote=False)}</i>"
    elif note:
        markup += [f"<i>{html.escape(p, quote=False)}</i>" for p in split(note)]
    last = len(markup) - 1
    return [Chunk(m, keyboard(reply.buttons) if i == last else None) for i, m in enumerate(markup)]
