"""The cost of the store's reads on the message path and of resolving an audience, with 10,000 users.

    .venv/bin/python bench/bench_records.py [--users 10000] [--calls 20000]

Prints, in microseconds per call: `users.register` for someone writing again with nothing changed (every message
pays it), `users.language` (every message), `users.get` (the subscription screen), and, in milliseconds, the
resolution of a 10,000-user audience and a read of every broadcast.
"""
from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path
from typing import Awaitable, Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.messages import Incoming  # noqa: E402
from bot.store import Store  # noqa: E402
from tests.conftest import TODAY  # noqa: E402
from tests.records import announcement  # noqa: E402


async def per_call(calls: int, call: Callable[[int], Awaitable[object] | object], rounds: int = 5) -> float:
    """Seconds per call, the best of `rounds` (the machine is shared: the least disturbed round)."""
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        for i in range(calls):
            result = call(i)
            if asyncio.iscoroutine(result):
                await result
        best = min(best, (time.perf_counter() - started) / calls)
    return best


async def main(args) -> None:
    with tempfile.TemporaryDirectory() as folder:
        store = Store(folder)
        writers = [Incoming("telegram", str(i), str(i), display_name=f"企业{i}") for i in range(args.users)]
        await asyncio.gather(*(store.users.register(m, TODAY, "zh") for m in writers))
        for i in range(50):
            await store.broadcasts.create(announcement(TODAY, status="scheduled"))
        n = args.users
        seen = await per_call(args.calls, lambda i: store.users.register(writers[i % n], TODAY, "zh"))
        language = await per_call(args.calls, lambda i: store.users.language(writers[i % n].user_key))
        get = await per_call(args.calls // 10, lambda i: store.users.get(writers[i % n].user_key))
        resolve = await per_call(20, lambda i: store.broadcasts.recipients(announcement(TODAY).audience))
        every = await per_call(200, lambda i: store.broadcasts.all())
        print(f"users.register, nothing changed    {seen * 1e6:8.1f} µs")
        print(f"users.language                     {language * 1e6:8.1f} µs")
        print(f"users.get                          {get * 1e6:8.1f} µs")
        print(f"recipients of 'all' ({n} users)  {resolve * 1e3:8.1f} ms")
        print(f"broadcasts.all (50 broadcasts)     {every * 1e3:8.2f} ms")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--calls", type=int, default=20_000)
    asyncio.run(main(parser.parse_args()))
