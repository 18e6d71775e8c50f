"""The contract every channel's outbound side meets, so delivery (replies, notices, broadcasts) is one service."""
from __future__ import annotations

from typing import Protocol

from bot.messages import Reply


class SendError(Exception):
    """A send failed. `retry_after` (seconds) is set when the platform asked us to wait; `permanent` when
    retrying cannot help (bad request)."""

    def __init__(self, reason: str, *, permanent: bool = False, retry_after: float | None = None):
        super().__init__(reason)
        self.reason, self.permanent, self.retry_after = reason, permanent, retry_after


class RecipientGone(SendError):
    """The recipient blocked the bot, left, or no longer exists: mark inactive and skip next time."""

    def __init__(self, reason: str):
        super().__init__(reason, permanent=True)


class NotShown(SendError):
    """This process cannot show it to that recipient (a console user whose terminal is not open here):
    recorded as skipped, not as a failure."""

    def __init__(self, reason: str):
        super().__init__(reason, permanent=True)


class Outbox(Protocol):
    platform: str          # matches Incoming.platform, e.g. "telegram", "wecom", "wecom_kf", "wecom_robot"

    async def send(self, chat_id: str, reply: Reply) -> str | None:
        """Deliver one reply (split/rendered as the platform needs), paced by the platform's limits.
        Raises RecipientGone or SendError; retries of transient errors happen inside, bounded. Returns the
        sent messages' ids ("12,13") where the platform gives them, so a reply quoting one can be traced."""
