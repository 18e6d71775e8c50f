"""Group robots (群机器人 / 消息推送): push-only markdown into the WeCom groups the committee runs.

WECOM_ROBOT_KEYS lists webhook keys, each optionally named: `alliance:KEY,staff:KEY2` (a bare key is named
robot1, robot2, … by position). The Outbox's chat_id is that name, so the secret key never reaches
storage or logs. WeCom allows 20 messages a minute per robot: sends wait for a free slot.
"""
from __future__ import annotations

import asyncio
import time
from typing import Any, Awaitable, Callable

from bot.outbox import RecipientGone
from bot.channels.pacing import Pacer, turn_of
from bot.channels.wecom.api import ApiError, WeComApi
from bot.channels.wecom.render import robot_markdown
from bot.config import Settings
from bot.messages import Reply
from bot.services import Services

PLATFORM = "wecom_robot"
PER_ROBOT = ((20, 60.0),)
GONE = {93000}                 # invalid webhook key: the robot was removed from its group


def robot_keys(entries: tuple[str, ...]) -> dict[str, str]:
    """name → key from `name:KEY` or a bare `KEY` (named robotN); the full webhook URL works as KEY too."""
    named = {}
    for i, entry in enumerate(entries, 1):
        name, sep, key = entry.partition(":")
        if not sep or entry.startswith(("http://", "https://")):
            name, key = f"robot{i}", entry
        named[name.strip()] = key.strip().rsplit("key=", 1)[-1]
    return named


class RobotOutbox:
    platform = PLATFORM

    def __init__(self, api: WeComApi, keys: dict[str, str], *, paced: bool = True,
                 now: Callable[[], float] = time.monotonic, sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep):
        self._api, self._keys = api, keys
        self._pacer = Pacer(PER_ROBOT, now=now, sleep=sleep) if paced else None

    @property
    def chats(self) -> list[str]:
        """The robot names a broadcast can target."""
        return list(self._keys)

    async def send(self, chat_id: str, reply: Reply) -> None:
        key = self._keys.get(chat_id)
        if key is None:
            raise RecipientGone(f"no group robot named {chat_id[:40]!r} in WECOM_ROBOT_KEYS")
        for part in robot_markdown(reply):
            try:
                async with turn_of(self._pacer, chat_id):
                    await self._api.call("webhook/send", {"msgtype": "markdown", "markdown": {"content": part}},
                                         query={"key": key}, auth=False)
            except ApiError as exc:
                if exc.errcode in GONE:
                    raise RecipientGone(exc.reason) from None
                raise


class RobotChannel:
    """Registers the robots' Outbox and owns their HTTP client (robots need no app credentials)."""

    def __init__(self, settings: Settings, svc: Services, *, now: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep):
        self._api = WeComApi(settings.wecom_api_base_url, now=now, sleep=sleep)
        self.outbox = RobotOutbox(self._api, robot_keys(settings.wecom_robot_keys), paced=settings.pacing,
                                   now=now, sleep=sleep)
        svc.outboxes[PLATFORM] = self.outbox

    async def start(self) -> None:
        await self._api.start()

    async def stop(self) -> None:
        await self._api.close()
