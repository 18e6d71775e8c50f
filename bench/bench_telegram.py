"""Telegram pipeline throughput and latency through the fake Bot API on loopback.

The whole path: getUpdates long poll → python-telegram-bot → flood control → router (FAQ matching, storage)
→ render → sendMessage, with the outbound rate limiter off. Like the real Telegram, the fake Bot API (and the
load it generates) runs in a process of its own; latency is measured there, from the moment an update becomes
available to getUpdates to the moment its reply's sendMessage arrives.

    .venv/bin/python bench/bench_telegram.py [--users 1000] [--burst 3000] [--rate 300] [--seconds 5]

Bar (issue 4): ≥ 300 updates/s and p99 < 50 ms on loopback.
"""
from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import multiprocessing
import sys
import tempfile
import time
from collections import defaultdict, deque
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.benchutil import pct  # noqa: E402
from tests.fakes import FakeBotApi  # noqa: E402

QUESTIONS = ("运河财富小镇在哪里？", "小镇金融联盟有哪些分会？", "管委会怎么联系？", "小镇面积多大",
             "/start", "/faq", "入驻需要什么条件", "有哪些楼宇", "你好")
USER_BASE = 10_000_000


class Tracker:
    """Pairs each reply with the oldest unanswered update of its chat (replies are ordered per chat)."""

    def __init__(self, api: FakeBotApi):
        self.api = api
        self.pending: dict[int, deque[int]] = defaultdict(deque)
        self.seen = 0
        self.latencies: list[float] = []

    def push(self, user: int, text: str) -> None:
        self.pending[user].append(self.api.push_message(text, user_id=user))

    async def wait_replies(self, total: int, timeout: float = 120) -> None:
        await self.api.wait_for(lambda: len(self.api.sent) >= total, timeout=timeout)
        for msg in self.api.sent[self.seen:]:
            update_id = self.pending[msg["chat"]["id"]].popleft()
            self.latencies.append(msg["at"] - self.api.pushed_at[update_id])
        self.seen = len(self.api.sent)


async def drive(conn, args) -> None:
    """The Telegram side: the fake Bot API plus the load: warm-up, a burst, then a steady stream."""
    async with FakeBotApi() as api:
        conn.send((api.base_url, api.token))
        await asyncio.get_running_loop().run_in_executor(None, conn.recv)      # the bot is polling
        track = Tracker(api)
        users = [USER_BASE + i for i in range(args.users)]
        for i, user in enumerate(users):                  # warm-up: every user known to storage
            track.push(user, QUESTIONS[i % len(QUESTIONS)])
        await track.wait_replies(len(users))

        start = time.monotonic()                           # burst: how fast a backlog drains
        for i in range(args.burst):
            track.push(users[i % len(users)], QUESTIONS[i % len(QUESTIONS)])
        await track.wait_replies(len(users) + args.burst)
        burst_rate = args.burst / (time.monotonic() - start)
        track.latencies.clear()

        count = int(args.rate * args.seconds)              # steady stream at the target rate
        loop = asyncio.get_running_loop()
        t0, started = loop.time(), time.monotonic()
        for i in range(count):
            if (delay := t0 + i / args.rate - loop.time()) > 0:
                await asyncio.sleep(delay)
            track.push(users[(i * 7) % len(users)], QUESTIONS[i % len(QUESTIONS)])
        await track.wait_replies(len(users) + args.burst + count)
        steady_rate = count / (api.sent[-1]["at"] - started)
        conn.send((burst_rate, count, steady_rate, [x * 1000 for x in track.latencies]))
        await asyncio.get_running_loop().run_in_executor(None, conn.recv)      # the bot has stopped


def telegram_side(conn, args) -> None:
    asyncio.run(drive(conn, args))


async def serve_bot(conn, data: str) -> tuple:
    """The product side: the Telegram channel as `python main.py` runs it, pacing off."""
    from bot.app import build_services
    from bot.channels.telegram import TelegramChannel
    from bot.config import load_settings
    from bot.router import Router

    base_url, token = conn.recv()
    settings = load_settings({"TELEGRAM_BOT_TOKEN": token, "TELEGRAM_API_BASE_URL": base_url,
                              "BOT_DATA_DIR": data}, env_file=None)
    channel = TelegramChannel(settings, Router(build_services(settings)), paced=False, poll_timeout=5)
    await channel.start()
    await asyncio.wait_for(channel.ready.wait(), 10)
    gc.freeze()                                            # as bot.app.serve does after start-up
    conn.send("ready")
    try:
        return await asyncio.get_running_loop().run_in_executor(None, conn.recv)
    finally:
        await channel.stop()
        conn.send("stopped")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--burst", type=int, default=3000)
    parser.add_argument("--rate", type=float, default=300)
    parser.add_argument("--seconds", type=float, default=5)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    ours, theirs = multiprocessing.Pipe()
    telegram = multiprocessing.get_context("spawn").Process(target=telegram_side, args=(theirs, args), daemon=True)
    telegram.start()
    with tempfile.TemporaryDirectory() as data:
        burst_rate, count, steady_rate, lat = asyncio.run(serve_bot(ours, data))
    telegram.join(10)
    p50, p99 = pct(lat, 50), pct(lat, 99)
    print(f"burst: {args.burst} updates drained at {burst_rate:.0f} updates/s")
    print(f"steady: {count} updates offered at {args.rate:.0f}/s, handled at {steady_rate:.0f}/s; "
          f"latency p50 {p50:.1f} ms, p99 {p99:.1f} ms, max {max(lat):.1f} ms")
    ok = burst_rate >= 300 and steady_rate >= 0.95 * args.rate and p99 < 50
    print("bar (≥ 300 updates/s, p99 < 50 ms):", "met" if ok else "NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
