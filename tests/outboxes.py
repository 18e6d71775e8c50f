"""An in-process Outbox for unit tests: records what it sends and fails on demand, like a channel would."""
from __future__ import annotations

import asyncio
from collections import defaultdict

from bot.outbox import RecipientGone, SendError
from bot.messages import Reply


class MemoryOutbox:
    def __init__(self, platform: str = "console"):
        self.platform = platform
        self.sent: dict[str, list[Reply]] = defaultdict(list)
        self.faults: dict[str, list[Exception]] = defaultdict(list)   # chat → errors raised by the next sends
        self.gone: set[str] = set()
        self.delay = 0.0

    async def send(self, chat_id: str, reply: Reply) -> None:
        if self.delay:
            await asyncio.sleep(self.delay)
        if chat_id in self.gone:
            raise RecipientGone("Forbidden: bot was blocked by the user")
        if self.faults[chat_id]:
            raise self.faults[chat_id].pop(0)
        self.sent[chat_id].append(reply)

    def texts(self, chat_id: str) -> list[str]:
        return [r.text for r in self.sent[chat_id]]

    def fail(self, chat_id: str, *errors: Exception) -> None:
        self.faults[chat_id].extend(errors)


def transient(retry_after: float | None = None) -> SendError:
    return SendError("server error 502", retry_after=retry_after)
