"""Buttons for text-only surfaces (console, WeCom app): numbered choices the user answers with a number."""
from __future__ import annotations

from bot.inputs import number
from bot.messages import Button, Reply


class Choices:
    """Remembers each user's last numbered buttons, so "2" presses the second one."""

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


def numbered(reply: Reply) -> str:
    """Reply text with its buttons as a numbered list and its sources as a footer."""
    parts = [reply.text]
    if reply.buttons:
        parts.append("\n".join(f"{i}. {b.label}" for i, b in enumerate(reply.buttons, 1))
                     + ("\n(Reply with a number to choose.)" if reply.lang == "en" else "\n（回复序号即可选择）"))
    if reply.sources:
        parts.append(reply.sources_line())
    return "\n\n".join(parts)
