"""Telegram pipeline throughput and latency through the fake Bot API on loopback.

The whole path: getUpdates long poll → python-telegram-bot → flood control → router (FAQ matching,
storage) → render → sendMessage, with the outbound rate limiter off. Latency is measured from the moment
an update becomes available to getUpdates to the moment its reply's sendMessage reaches the fake server.

    .venv/bin/python bench/bench_telegram.py [--users 1000] [--burst 3000] [--rate 300] [--seconds 5]

Bar (issue 4): ≥ 300 updates/s and p99 < 50 ms on loopback.
"""
from __future__ import annotations

import argparse
import asyncio
import logging
import statistics
import sys
import tempfile
import time
from collections import defaultdict, deque
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.app import build_services  # noqa: E402
from bot.channels.telegram import TelegramChannel  # noqa: E402
from bot.config import load_settings  # noqa: E402
from bot.router import Router  # noqa: E402
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

    def collect(self) -> int:
        for msg in self.api.sent[self.seen:]:
            update_id = self.pending[msg["chat"]["id"]].popleft()
            self.latencies.append(msg["at"] - self.api.pushed_at[update_id])
        self.seen = len(self.api.sent)
        return self.seen

    async def wait_replies(self, total: int, timeout: float = 120) -> None:
        await self.api.wait_for(lambda: len(self.api.sent) >= total, timeout=timeout)
        self.collect()


def pct(values: list[float], p: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1] if len(values) > 1 else values[0]


async def run(args) -> int:
    logging.basicConfig(level=logging.WARNING)
    with tempfile.TemporaryDirectory() as data:
        async with FakeBotApi() as api:
            settings = load_settings({"TELEGRAM_BOT_TOKEN": api.token, "TELEGRAM_API_BASE_URL": api.base_url,
                                      "BOT_DATA_DIR": data}, env_file=None)
            channel = TelegramChannel(settings, Router(build_services(settings)), paced=False, poll_timeout=5)
            await channel.start()
            await asyncio.wait_for(channel.ready.wait(), 10)
            track = Tracker(api)
            users = [USER_BASE + i for i in range(args.users)]

            for i, user in enumerate(users):                      # warm-up: every user known to storage
                track.push(user, QUESTIONS[i % len(QUESTIONS)])
            await track.wait_replies(len(users))
            track.latencies.clear()

            start = time.monotonic()                               # burst: how fast a backlog drains
            for i in range(args.burst):
                track.push(users[i % len(users)], QUESTIONS[i % len(QUESTIONS)])
            await track.wait_replies(len(users) + args.burst)
            burst_rate = args.burst / (time.monotonic() - start)
            track.latencies.clear()

            count = int(args.rate * args.seconds)                  # steady stream at the target rate
            loop = asyncio.get_running_loop()
            t0, steady_start = loop.time(), time.monotonic()
            for i in range(count):
                if (delay := t0 + i / args.rate - loop.time()) > 0:
                    await asyncio.sleep(delay)
                track.push(users[(i * 7) % len(users)], QUESTIONS[i % len(QUESTIONS)])
            await track.wait_replies(len(users) + args.burst + count)
            steady = count / (api.sent[-1]["at"] - steady_start)
            await channel.stop()

    lat = [x * 1000 for x in track.latencies]
    p50, p99 = pct(lat, 50), pct(lat, 99)
    print(f"burst: {args.burst} updates drained at {burst_rate:.0f} updates/s")
    print(f"steady: {count} updates offered at {args.rate}/s, handled at {steady:.0f}/s; "
          f"latency p50 {p50:.1f} ms, p99 {p99:.1f} ms, max {max(lat):.1f} ms")
    ok = burst_rate >= 300 and steady >= 0.95 * args.rate and p99 < 50
    print("bar (≥ 300 updates/s, p99 < 50 ms):", "met" if ok else "NOT met")
    return 0 if ok else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--burst", type=int, default=3000)
    parser.add_argument("--rate", type=float, default=300)
    parser.add_argument("--seconds", type=float, default=5)
    return asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    sys.exit(main())
