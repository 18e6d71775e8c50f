"""Storage write latency with 10,000 users: a store.json write is atomic (temp file → fsync → os.replace → fsync
the folder) and rewrites the whole TinyDB file, so its cost grows with the file; delivery outcomes and logged
questions are appended to logs of their own instead.

    .venv/bin/python bench/bench_storage.py [--users 10000] [--samples 300]

Prints: file size; p50/p99 latency of single writes one after another (a profile save, a logged question);
the same with 200 concurrent writers (group commit: they share flushes); and with a 10,000-recipient
broadcast sending (its records beside store.json), and the batches of 200 delivery outcomes the committer writes.
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
from bot.store import Profile, Store  # noqa: E402
from bot.store.deliveries import Outcome, live_plan  # noqa: E402
from bot.clock import Clock  # noqa: E402
from bench.benchutil import pct  # noqa: E402
from tests.records import announcement  # noqa: E402


def show(label: str, seconds: list[float]) -> None:
    ms = [s * 1000 for s in seconds]
    print(f"{label:<52} p50 {pct(ms, 50):7.1f} ms   p99 {pct(ms, 99):7.1f} ms   max {max(ms):7.1f} ms")


async def sequential(store: Store, samples: int, users: int) -> dict[str, list[float]]:
    """Alternately a profile save (a store.json write) and a logged question (an append to its log)."""
    now, took = Clock().now(), {"profile": [], "question": []}
    for i in range(samples):
        key = f"telegram:{i * 7919 % users}"
        started = time.perf_counter()
        if i % 2:
            await store.users.save_profile(key, Profile(f"银行，实收资本{i}亿", ("银行",), {"实收资本": f"{i}亿"}))
        else:
            await store.unanswered.log(Incoming("telegram", str(i), str(i), text=f"问题{i}"), now)
        took["profile" if i % 2 else "question"].append(time.perf_counter() - started)
    return took


def show_sequential(took: dict[str, list[float]]) -> None:
    show("single writes, one after another (both kinds)", took["profile"] + took["question"])
    show("  of which profile saves (store.json)", took["profile"])
    show("  of which logged questions (unanswered.log)", took["question"])


async def concurrent(store: Store, writers: int, rounds: int) -> tuple[list[float], float]:
    took: list[float] = []

    async def one(i: int) -> None:
        started = time.perf_counter()
        await store.users.save_profile(f"wecom:{i}", Profile(f"第{i}家"))
        took.append(time.perf_counter() - started)

    started = time.perf_counter()
    for r in range(rounds):
        await asyncio.gather(*(one(r * writers + i) for i in range(writers)))
    return took, (writers * rounds) / (time.perf_counter() - started)


async def main(args) -> None:
    with tempfile.TemporaryDirectory() as folder:
        store = Store(folder)
        started = time.perf_counter()
        await asyncio.gather(*(store.users.register(Incoming("telegram", str(i), str(i), display_name=f"企业{i}"))
                               for i in range(args.users)))
        await store.db.settle()                   # registrations are written soon after, not awaited
        print(f"registered {args.users} users concurrently in {time.perf_counter() - started:.1f} s "
              f"({store.db.storage.flushes} file writes: concurrent writers share flushes)")
        print(f"file size: {store.path.stat().st_size / 1e6:.1f} MB")
        show_sequential(await sequential(store, args.samples, args.users))
        took, rate = await concurrent(store, 200, 5)
        show(f"200 concurrent writers ({rate:,.0f} writes/s)", took)

        bid = await store.broadcasts.create(announcement(Clock().now(), "x"))
        plan = live_plan(store.path.parent, bid)
        print(f"with a {args.users}-recipient broadcast sending: store.json {store.path.stat().st_size / 1e6:.1f} MB, "
              f"its delivery records {plan.stat().st_size / 1e6:.1f} MB beside it")
        show_sequential(await sequential(store, args.samples, args.users))
        pending = await store.broadcasts.pending(bid)
        took = []
        for i in range(0, len(pending), 200):                     # what the delivery committer does
            started = time.perf_counter()
            await store.broadcasts.record(bid, [(d.id, Outcome("sent", 1)) for d in pending[i:i + 200]])
            took.append(time.perf_counter() - started)
        show("a batch of 200 delivery outcomes (one write)", took)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--samples", type=int, default=300)
    asyncio.run(main(parser.parse_args()))
