"""A short memory of each user's last exchanges, for the staff who take over a conversation.

In memory on purpose, like dialogs: a ticket copies what it needs when it is opened.
"""
from __future__ import annotations

from collections import OrderedDict, deque
from dataclasses import dataclass

from bot.messages import Incoming, Reply


@dataclass(frozen=True)
class Exchange:
    said: str          # what the user wrote, as typed ("（按钮 …）" for a pressed button)
    answer: str        # the bot's reply text
    intent: str
    payload: str | None = None      # the pressed button's payload
    confirms: str | None = None     # the measure whose condition the bot's reply asked to confirm


class RecentHistory:
    def __init__(self, size: int = 6, users: int = 10_000):
        self._size, self._users = size, users
        self._by_user: OrderedDict[str, deque[Exchange]] = OrderedDict()

    def add(self, msg: Incoming, reply: Reply) -> None:
        said = msg.typed or msg.text if msg.payload is None else f"（按钮 {msg.payload}）"
        ring = self._by_user.pop(msg.user_key, None) or deque(maxlen=self._size)
        ring.append(Exchange(said, reply.text, reply.intent, msg.payload, reply.confirms))
        self._by_user[msg.user_key] = ring
        while len(self._by_user) > self._users:
            self._by_user.popitem(last=False)          # the user heard from longest ago

    def recent(self, user_key: str) -> list[Exchange]:
        return list(self._by_user.get(user_key, ()))
