"""One channel-neutral delivery service for event notices, reminders and staff broadcasts.

A broadcast is stored with one delivery record per recipient ("pending") before anything is sent. Each
platform has its own queue and workers, so a paced or slow platform holds up no other; they send through
`svc.outboxes[platform]` (the Outbox contract: it paces and retries briefly itself) and collect
outcomes in memory; a committer appends them to the broadcast's log in batches — every `batch` outcomes or
`interval` seconds — so one fsync covers many outcomes (group commit). At most `window` sends may be under
way or done but not yet committed: a worker waits for a slot before sending, and a slot comes free when the
outcome is written. `batch` is half the window, so sending goes on while a batch is being written.

Crash semantics (at-least-once): on restart every broadcast still "sending" resumes with its records that are
not yet recorded as sent. A recipient whose "sent" was committed is never sent again; one whose send had been
confirmed by the platform but not yet committed (at most `window` of them) is sent again. We prefer a rare
duplicate to a skipped enterprise.
"""
from __future__ import annotations

import asyncio
import logging
import re
from collections import defaultdict
from dataclasses import replace
from typing import Iterable

from bot.outbox import NotShown, Outbox, RecipientGone, SendError
from bot.clock import Clock
from bot.messages import Button, Reply
from bot.metrics import Metrics
from bot.store import Store
from bot.store.broadcasts import Broadcasts
from bot.store.deliveries import DeliveryRecord, Outcome
from faq.language import LANGS

log = logging.getLogger(__name__)
TERMINAL_PLATFORMS = {"console"}     # reachable only while their terminal is open: skipped, not failed, otherwise


EN_PART = re.compile(r"^[ \t]*-{3,}[ \t]*en[ \t]*-{3,}[ \t]*$", re.MULTILINE | re.IGNORECASE)
CHINESE_ONLY = "(This notice is only available in Chinese; send /contacts to reach the Town Management Committee.)"


def in_language(text: str, lang: str) -> str:
    """Staff may write a notice in both languages, the English after a line "---en---"; each recipient gets
    their part as typed. Without an English part, English users get the Chinese under a one-line note."""
    zh, *en = EN_PART.split(text, maxsplit=1)
    if lang != "en":
        return zh.rstrip("\n")
    return en[0].strip("\n") if en else f"{CHINESE_ONLY}\n{zh.rstrip()}"


def reply_of(text: str, buttons: Iterable[tuple[str, str]] = (), *, event: bool = False, lang: str = "zh") -> Reply:
    """What a recipient is sent: a broadcast's text in their language, with its buttons."""
    return Reply(in_language(text, lang), intent="events" if event else "staff", confidence=1.0,
                 buttons=[Button(label, payload) for label, payload in buttons], lang=lang)


class _Committer:
    """Buffers delivery outcomes and writes them in batches, off the send path."""

    def __init__(self, broadcasts: Broadcasts, bid: int, clock: Clock, batch: int, interval: float, window: int):
        self.broadcasts, self.bid, self.clock, self.batch, self.interval = broadcasts, bid, clock, batch, interval
        self.slots = asyncio.Semaphore(window)          # taken before a send, given back once its outcome is written
        self.results: list[tuple[int, Outcome]] = []
        self.gone: dict[str, str] = {}
        self._full = asyncio.Event()
        self._closing = False

    def add(self, did: int, outcome: Outcome, gone: tuple[str, str] | None = None) -> None:
        self.results.append((did, outcome))
        if gone:
            self.gone[gone[0]] = gone[1]
        if len(self.results) >= self.batch:
            self._full.set()

    async def flush(self) -> None:
        """Writes what is buffered; entries leave the buffer only once written (a cancelled write keeps them)."""
        n, gone = len(self.results), dict(self.gone)
        if not n:
            return
        at = self.clock.now().isoformat(timespec="seconds")
        await self.broadcasts.record(self.bid, [(did, replace(o, at=at)) for did, o in self.results[:n]], gone)
        del self.results[:n]
        for key in gone:
            self.gone.pop(key, None)
        for _ in range(n):
            self.slots.release()

    async def run(self) -> None:
        """Until close(): a write whenever a batch is full or `interval` has passed; then a last one."""
        while not self._closing:
            try:
                await asyncio.wait_for(self._full.wait(), self.interval)
            except asyncio.TimeoutError:
                pass
            await self.flush()
            if len(self.results) < self.batch:       # outcomes that arrived during the write wait for the next
                self._full.clear()
        await self.flush()

    def close(self) -> None:
        self._closing = True
        self._full.set()


class Delivery:
    # `concurrency` sends at once per platform: as many as the Telegram outbox has connections, so a paced
    # broadcast keeps Telegram's rate however long each round trip takes; more would only queue in the outbox.
    def __init__(self, store: Store, outboxes: dict[str, Outbox], clock: Clock, *, window: int = 200, interval: float = 0.3,
                 concurrency: int = 16, max_attempts: int = 4, backoff: float = 2.0, max_wait: float = 900.0,
                 metrics: Metrics | None = None):
        self.store, self.outboxes, self.clock = store, outboxes, clock
        self.metrics = metrics or Metrics()
        self.window, self.interval, self.concurrency = window, interval, concurrency
        self.max_attempts, self.backoff, self.max_wait = max_attempts, backoff, max_wait
        # Set in a process that is not the bot (console chat, `ask` alone): records for platforms it has no
        # channel for stay pending, and the bot sends them when it next starts.
        self.defer_missing = False
        self._tasks: dict[int, asyncio.Task] = {}

    def start(self, bid: int) -> asyncio.Task:
        """Sends broadcast `bid` in the background (once: a running broadcast is not started twice)."""
        task = self._tasks.get(bid)
        if task is None or task.done():
            task = self._tasks[bid] = asyncio.create_task(self._run(bid), name=f"broadcast-{bid}")
        return task

    async def resume(self) -> list[int]:
        """After a start-up: every broadcast that was sending when the process stopped goes on."""
        for broadcast in await self.store.broadcasts.all("done"):     # finished, but stopped before archiving
            await self.store.broadcasts.archive(broadcast.id)
        bids = [b.id for b in await self.store.broadcasts.all("sending")]
        for bid in bids:
            log.info("resuming broadcast %s", bid)
            self.start(bid)
        return bids

    async def wait(self) -> None:
        """Until every running broadcast has finished (tests, benchmarks)."""
        while running := [t for t in self._tasks.values() if not t.done()]:
            await asyncio.gather(*running)

    async def stop(self) -> None:
        """Stops sending; outcomes already known are committed, the rest resumes at the next start."""
        for task in self._tasks.values():
            task.cancel()
        await asyncio.gather(*self._tasks.values(), return_exceptions=True)

    async def _run(self, bid: int) -> None:
        broadcast = await self.store.broadcasts.get(bid)
        pending = await self.store.broadcasts.pending(bid)
        if self.defer_missing:
            reachable = [r for r in pending if r.platform in self.outboxes or r.platform in TERMINAL_PLATFORMS]
            deferred, pending = len(pending) - len(reachable), reachable
        else:
            deferred = 0
        replies = {lang: reply_of(broadcast.text, broadcast.buttons, event=bool(broadcast.event), lang=lang)
                   for lang in LANGS}
        committer = _Committer(self.store.broadcasts, bid, self.clock, max(1, self.window // 2), self.interval, self.window)
        committing = asyncio.create_task(committer.run())
        queues: dict[str, asyncio.Queue] = defaultdict(asyncio.Queue)     # one per platform: a slow or
        for record in pending:                                              # paced one holds up no other
            queues[record.platform].put_nowait((record, 1))
        outstanding = len(pending)
        done = asyncio.Event()
        retries: set[asyncio.TimerHandle] = set()
        loop = asyncio.get_running_loop()

        def settle(record: DeliveryRecord, outcome: Outcome, gone: tuple[str, str] | None = None) -> None:
            nonlocal outstanding
            self.metrics.deliveries.labels(record.platform, "gone" if gone else outcome.status).inc()
            committer.add(record.id, outcome, gone)
            outstanding -= 1
            if outstanding == 0:
                done.set()

        async def worker(queue: asyncio.Queue) -> None:
            while True:
                record, attempt = await queue.get()
                await committer.slots.acquire()
                outbox = self.outboxes.get(record.platform)
                if outbox is None:
                    local = record.platform in TERMINAL_PLATFORMS
                    settle(record, Outcome("skipped" if local else "failed", attempt,
                                           "控制台未打开" if local else f"没有配置 {record.platform} 渠道"))
                    continue
                try:
                    ref = await outbox.send(record.chat_id, replies[record.lang])
                except NotShown as exc:
                    settle(record, Outcome("skipped", attempt, exc.reason))
                except RecipientGone as exc:
                    settle(record, Outcome("failed", attempt, f"gone: {exc.reason}"), gone=(record.recipient, exc.reason))
                except Exception as exc:      # SendError, or anything an outbox let escape: never lose the record
                    reason = exc.reason if isinstance(exc, SendError) else f"{type(exc).__name__}: {exc}"
                    permanent = isinstance(exc, SendError) and exc.permanent
                    wait = exc.retry_after if isinstance(exc, SendError) and exc.retry_after else 0.0
                    if permanent or attempt >= self.max_attempts or wait > self.max_wait:
                        settle(record, Outcome("failed", attempt, reason[:200]))
                    else:
                        committer.slots.release()           # nothing to commit: the retry takes a slot again
                        delay = max(wait, self.backoff * 2 ** (attempt - 1))
                        self.metrics.deliveries.labels(record.platform, "retry").inc()
                        log.info("broadcast %s: retry %d in %.1f s (%s)", bid, attempt + 1, delay, reason[:80])
                        handle = loop.call_later(delay, queue.put_nowait, (record, attempt + 1))
                        retries.add(handle)
                else:       # `ref` names the sent message where the platform gives one (a reply can quote it)
                    settle(record, Outcome("sent", attempt, ref=ref or ""))

        workers = [asyncio.create_task(worker(queue)) for queue in queues.values()
                   for _ in range(min(self.concurrency, queue.qsize()))]
        try:
            if outstanding:
                await done.wait()
        finally:
            for task in workers:
                task.cancel()
            for handle in retries:
                handle.cancel()
            await asyncio.gather(*workers, return_exceptions=True)
            committer.close()                            # what is known is committed, even when cancelled
            await asyncio.shield(committing)
        if deferred:
            log.info("broadcast %s: %d recipients left for the bot (no channel for them here)", bid, deferred)
            return
        counts = await self.store.broadcasts.finish(bid, self.clock.now())
        log.info("broadcast %s done: %d sent, %d failed, %d skipped", bid, counts["sent"], counts["failed"],
                 counts["skipped"])
        await self.store.broadcasts.archive(bid)
