"""Telegram's outbound side: renders a Reply, paces sends within Telegram's limits, honours 429
retry_after, retries network errors with backoff, and maps failures onto the Outbox contract."""
from __future__ import annotations

import asyncio
import logging
import warnings
from contextlib import asynccontextmanager
from datetime import timedelta

from telegram import Bot
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.warnings import PTBUserWarning

from bot.outbox import RecipientGone, SendError
from bot.channels.pacing import Pacer, Spacer, turn_of
from bot.channels.telegram.render import Chunk, render
from bot.messages import Reply

log = logging.getLogger(__name__)
# The sends call sendMessage through do_api_request for the raw result, on purpose; PTB warns about that.
warnings.filterwarnings("ignore", message=r"Please use 'Bot\.sendMessage'", category=PTBUserWarning)

# 400s that mean the chat is gone for good, like the 403s (blocked, kicked, deactivated).
GONE_BAD_REQUESTS = ("chat not found", "user not found", "peer_id_invalid")


def chat_ref(chat_id: str | int) -> int | str:
    """Telegram wants numeric ids as numbers; "@channelname" stays a string."""
    text = str(chat_id)
    return int(text) if text.lstrip("-").isdigit() else text


def is_group(chat: int | str) -> bool:
    return isinstance(chat, str) or chat < 0


def retry_after_seconds(exc: RetryAfter) -> float:
    """Either type python-telegram-bot gives: seconds, or a timedelta once PTB_TIMEDELTA is set (main.py)."""
    value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class TelegramPacing:
    """Telegram's published limits: ~30 messages/s overall, 1/s per private chat, 20/min per group (the
    last two as (count, seconds) windows). Sends wait for their turn instead of being dropped.

    The overall rate is spaced evenly, never in bursts: Telegram (like the fake Bot API in tests/fakes)
    refuses a 31st message arriving within one second, and a burst of 30 at each
    window edge trips that as soon as request delays vary. `jitter` is how much those delays may vary: 30 ms
    keeps sends 34.3 ms apart, 29.1 messages/s (3 % under the limit); when they vary more (a loaded machine),
    the 31st send waits for a second after the 1st completed (bot/channels/pacing.py Spacer.slot)."""

    def __init__(self, overall=(30, 1.0), private=((1, 1.0),), group=((20, 60.0),), jitter: float = 0.03):
        self._overall = Spacer(*overall, jitter=jitter)
        self._private, self._group = Pacer(private), Pacer(group)

    def backlog(self) -> float:
        """Seconds a message sent now would wait for the overall rate."""
        return self._overall.backlog()

    @asynccontextmanager
    async def slot(self, chat: int | str):
        """One chat sends one message at a time; the overall rate times the send's start (only the send 30 after it
        waits for its end), so other chats' sends are not held up while this one is in flight."""
        async with (self._group if is_group(chat) else self._private).slot(str(chat)), self._overall.slot():
            yield


class TelegramOutbox:
    platform = "telegram"

    def __init__(self, bot: Bot, pacer: TelegramPacing | None = None, *, max_retries: int = 3, backoff: float = 0.5,
                 max_wait: float = 60.0, in_flight: int = 16):
        """`pacer=None` switches pacing off (benchmarks). A 429 asking to wait longer than `max_wait`
        seconds is not waited out here: SendError(retry_after=…) lets the caller reschedule. At most
        `in_flight` requests (the HTTP client's connections) are handed to it at once: the others wait
        here, for as long as it takes, not for a pooled connection, which would time out and fail them."""
        self.bot, self.pacer = bot, pacer
        self._in_flight = asyncio.Semaphore(in_flight)
        self.max_retries, self.backoff, self.max_wait = max_retries, backoff, max_wait
        self._resume_at = 0.0       # loop time before which nothing is sent (after a 429)

    def backlog(self) -> float:
        """Seconds a message sent now would wait for its turn (0 unpaced)."""
        return self.pacer.backlog() if self.pacer else 0.0

    async def send(self, chat_id: str, reply: Reply) -> str:
        """Returns the sent messages' ids, comma-separated."""
        chat = chat_ref(chat_id)
        return ",".join([str(await self._deliver(chat, chunk)) for chunk in render(reply)])

    async def _deliver(self, chat: int | str, chunk: Chunk) -> int:
        loop = asyncio.get_running_loop()
        for attempt in range(self.max_retries + 1):
            if (pause := self._resume_at - loop.time()) > 0:
                await asyncio.sleep(pause)
            try:
                async with turn_of(self.pacer, chat), self._in_flight:
                    # the raw result: building a Message from it would cost more CPU than the rest of the send
                    sent = await self.bot.do_api_request("sendMessage", api_kwargs={
                        "chat_id": chat, "text": chunk.html, "parse_mode": ParseMode.HTML,
                        **({"reply_markup": chunk.keyboard} if chunk.keyboard else {})})
                return sent["message_id"]
            except RetryAfter as exc:
                wait = retry_after_seconds(exc)
                if attempt == self.max_retries or wait > self.max_wait:
                    raise SendError("Telegram flood control", retry_after=wait) from exc
                log.warning("Telegram asked to wait %.1f s (429); pausing sends", wait)
                self._resume_at = max(self._resume_at, loop.time() + wait)
            except Forbidden as exc:
                raise RecipientGone(exc.message) from exc
            except BadRequest as exc:
                if any(s in exc.message.lower() for s in GONE_BAD_REQUESTS):
                    raise RecipientGone(exc.message) from exc
                raise SendError(exc.message, permanent=True) from exc
            except NetworkError as exc:            # 5xx, timeouts, connection errors
                if attempt == self.max_retries:
                    raise SendError(f"network: {exc.message}") from exc
                delay = self.backoff * 2 ** attempt
                log.warning("Telegram send failed (%s); retry %d in %.2f s", exc.message, attempt + 1, delay)
                await asyncio.sleep(delay)
            except TelegramError as exc:           # invalid token, chat migrated, conflict …
                raise SendError(exc.message, permanent=True) from exc
