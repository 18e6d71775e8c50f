"""One worker-thread job for the durable appends of several files: the WeCom dedupe journal, unanswered.log,
analytics.log.

Handing a blocking write to a thread costs more than the write and its fsync on a fast disk, and under load a
callback's claim, another's unanswered question and a batch of analytics come within the same moment. The
writes queued while a job runs, or in the loop's turn before it starts, go together: one thread hop for all of
them, each fsynced in its own file, and each writer resumes once its own write is on disk (or with its own
error). Writers keep their own order: each awaits its write before it queues the next.
"""
from __future__ import annotations

import asyncio
from typing import Callable

Write = Callable[[], None]


def _run_all(writes: list[Write]) -> list[Exception | None]:
    errors: list[Exception | None] = []
    for write in writes:
        try:
            write()
        except Exception as exc:          # noqa: BLE001 - handed back to that write's caller
            errors.append(exc)
        else:
            errors.append(None)
    return errors


class GroupCommit:
    def __init__(self) -> None:
        self._queued: list[tuple[Write, asyncio.Future]] = []
        self._worker: asyncio.Task | None = None

    async def run(self, write: Write) -> None:
        """Runs `write` (blocking: an append and its fsync) in the next job; returns once it has run, or raises
        what it raised. Cancelling the caller does not stop the write."""
        done = asyncio.get_running_loop().create_future()
        self._queued.append((write, done))
        if self._worker is None or self._worker.done():
            self._worker = asyncio.create_task(self._work())
        await asyncio.shield(done)

    async def _work(self) -> None:
        while self._queued:
            await asyncio.sleep(0)          # one turn of the loop: writes of callbacks read in the same turn join
            batch, self._queued = self._queued, []
            try:
                errors = await asyncio.to_thread(_run_all, [write for write, _ in batch])
            except asyncio.CancelledError:
                for _, done in batch:       # the writes may still land; their callers are not left waiting
                    done.cancel()
                raise
            for (_, done), error in zip(batch, errors):
                if error is None:
                    done.set_result(None)
                else:
                    done.set_exception(error)

    async def settle(self) -> None:
        """Returns once every write queued so far has run (a graceful stop), also when a worker was cancelled
        before it took its batch."""
        while self._queued or (self._worker is not None and not self._worker.done()):
            if self._worker is None or self._worker.done():
                self._worker = asyncio.create_task(self._work())
            await asyncio.wait([self._worker])
