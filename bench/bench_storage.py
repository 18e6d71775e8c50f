"""Storage write latency with 10,000 users: every write is atomic (temp file → fsync → os.replace → fsync
the folder) and rewrites the whole TinyDB file, so its cost grows with the file.

    .venv/bin/python bench/bench_storage.py [--users 10000] [--samples 300]

Prints: file size; p50/p99 latency of single writes one after another (a profile save, a logged question);
the same with 200 concurrent writers (group commit: they share flushes); and with a 10,000-recipient
broadcast's delivery records also in the file.
"""
from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.messages import Incoming  # noqa: E402
from bot.store import Store  # noqa: E402
from bot.clock import Clock  # noqa: E402
from bench.benchutil import pct  # noqa: E402


def show(label: str, seconds: list[float]) -> None:
    ms = [s * 1000 for s in seconds]
    print(f"{label:<52} p50 {pct(ms, 50):7.1f} ms   p99 {pct(ms, 99):7.1f} ms   max {max(ms):7.1f} ms")


async def sequential(store: Store, samples: int, users: int) -> list[float]:
    now, took = Clock().now(), []
    for i in range(samples):
        key = f"telegram:{i * 7919 % users}"
        started = time.perf_counter()
        if i % 2:
            await store.save_profile(key, {"type": "bank", "capital_yi": str(i)})
        else:
            await store.log_unanswered(Incoming("telegram", str(i), str(i), text=f"问题{i}"), now)
        took.append(time.perf_counter() - started)
    return took


async def concurrent(store: Store, writers: int, rounds: int) -> tuple[list[float], float]:
    took: list[float] = []

    async def one(i: int) -> None:
        started = time.perf_counter()
        await store.save_profile(f"wecom:{i}", {"n": i})
        took.append(time.perf_counter() - started)

    started = time.perf_counter()
    for r in range(rounds):
        await asyncio.gather(*(one(r * writers + i) for i in range(writers)))
    return took, (writers * rounds) / (time.perf_counter() - started)


async def main(args) -> None:
    with tempfile.TemporaryDirectory() as folder:
        store = Store(folder)
        started = time.perf_counter()
        await asyncio.gather(*(store.seen(Incoming("telegram", str(i), str(i), display_name=f"企业{i}"))
                               for i in range(args.users)))
        print(f"registered {args.users} users concurrently in {time.perf_counter() - started:.1f} s "
              f"({store._storage.flushes} file writes: concurrent writers share flushes)")
        print(f"file size: {store.path.stat().st_size / 1e6:.1f} MB")
        show("single writes, one after another", await sequential(store, args.samples, args.users))
        took, rate = await concurrent(store, 200, 5)
        show(f"200 concurrent writers ({rate:,.0f} writes/s)", took)

        await store.create_broadcast({"kind": "announcement", "text": "x", "audience": {"kind": "all"},
                                      "status": "sending", "created": Clock().now().isoformat()})
        print(f"with a {args.users}-recipient broadcast's delivery records: {store.path.stat().st_size / 1e6:.1f} MB")
        show("single writes, one after another", await sequential(store, args.samples // 2, args.users))
        pending = await store.pending_deliveries(1)
        took = []
        for i in range(0, len(pending), 200):                     # what the delivery committer does
            started = time.perf_counter()
            await store.record_deliveries([(d["id"], {"status": "sent", "attempts": 1}) for d in pending[i:i + 200]])
            took.append(time.perf_counter() - started)
        show("a batch of 200 delivery outcomes (one write)", took)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--samples", type=int, default=300)
    asyncio.run(main(parser.parse_args()))
