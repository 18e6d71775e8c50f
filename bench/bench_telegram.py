"""Telegram throughput and latency through the fake Bot API on loopback: the product beside a bare bot.

Two bots take turns against the same fake Bot API, each on python-telegram-bot with the same aiohttp transport
(bot/channels/telegram/http.py), the same connection pools and concurrent updates:

  bare:     a PTB echo bot: every text message is answered with itself;
  product:  the Telegram channel as `python main.py` runs it, with BOT_PACING=off: flood control, the router
            (language, understanding, FAQ ranking, storage), rendering, the outbox.

Like the real Telegram, the fake Bot API (and the load it generates) runs in a process of its own; latency is
measured there, from the moment an update becomes available to getUpdates to the moment its reply's
sendMessage arrives. The variants alternate (bare, product, bare, product … for `--rounds`), each with a fresh
fake API and data folder, so a change in the machine's load hits both alike. A round: a warm-up (every user
writes once: the product registers them), a burst (a backlog drained as fast as the bot can: updates/s), then
a steady stream at `--rate` (latency). One question in five is out of scope (the product answers "don't know"
and logs the question for staff).

    .venv/bin/python bench/bench_telegram.py [--users 500] [--burst 2000] [--rate 100] [--seconds 5]
                                             [--rounds 2] [--profile FILE]

`--profile FILE` writes a cProfile of the product's rounds (pstats format) to FILE.
Bar: the product drains a burst at ≥ 0.5× the bare bot's updates/s.
"""
from __future__ import annotations

import argparse
import asyncio
import cProfile
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

from bench.benchutil import compare_to_bare, pct, question  # noqa: E402
from tests.fakes import FakeBotApi  # noqa: E402

USER_BASE = 10_000_000
VARIANTS = ("bare", "product")
BAR = 0.5
INBOUND_QUEUE = 1_000_000      # a backlog is drained, not shed: every update gets its answer


class Tracker:
    """Pairs each reply with the oldest unanswered update of its chat (replies are ordered per chat)."""

    def __init__(self, api: FakeBotApi):
        self.api = api
        self.pending: dict[int, deque[int]] = defaultdict(deque)
        self.seen = 0
        self.latencies: list[float] = []

    def push(self, user: int, text: str) -> None:
        self.pending[user].append(self.api.push_message(text, user_id=user))

    async def wait_replies(self, total: int, timeout: float) -> None:
        await self.api.wait_for(lambda: len(self.api.sent) >= total, timeout=timeout)
        for msg in self.api.sent[self.seen:]:
            update_id = self.pending[msg["chat"]["id"]].popleft()
            self.latencies.append(msg["at"] - self.api.pushed_at[update_id])
        self.seen = len(self.api.sent)


async def load(api: FakeBotApi, args) -> dict:
    """One round against a polling bot: warm-up, burst, steady stream."""
    track = Tracker(api)
    users = [USER_BASE + i for i in range(args.users)]
    for i, user in enumerate(users):
        track.push(user, question(i, len(users)))
    await track.wait_replies(len(users), timeout=120)

    start = time.monotonic()                           # burst: how fast a backlog drains
    for i in range(args.burst):
        track.push(users[i % len(users)], question(len(users) + i, len(users)))
    await track.wait_replies(len(users) + args.burst, timeout=300)
    burst_rate = args.burst / (time.monotonic() - start)
    track.latencies.clear()

    count = int(args.rate * args.seconds)              # steady stream at the target rate
    loop = asyncio.get_running_loop()
    t0, started = loop.time(), time.monotonic()
    for i in range(count):
        if (delay := t0 + i / args.rate - loop.time()) > 0:
            await asyncio.sleep(delay)
        track.push(users[(i * 7) % len(users)], question(i, len(users)))
    await track.wait_replies(len(users) + args.burst + count, timeout=300)
    return {"burst": burst_rate, "steady": count / (api.sent[-1]["at"] - started), "updates": len(api.sent),
            "latency": [x * 1000 for x in track.latencies]}


async def drive(conn, args) -> None:
    """The Telegram side: a fresh fake Bot API for every round, and the load."""
    loop = asyncio.get_running_loop()
    for _ in range(args.rounds * len(VARIANTS)):
        async with FakeBotApi() as api:
            conn.send((api.base_url, api.token))
            await loop.run_in_executor(None, conn.recv)            # the bot is polling
            conn.send(await load(api, args))
            await loop.run_in_executor(None, conn.recv)            # the bot has stopped


def telegram_side(conn, args) -> None:
    asyncio.run(drive(conn, args))


class BareBot:
    """An echo bot on python-telegram-bot, with the product's transport, pools and update concurrency."""

    def __init__(self, base_url: str, token: str):
        from telegram.ext import Application, MessageHandler, filters

        from bot.channels.telegram.channel import POOL_SIZE, POOL_TIMEOUT
        from bot.channels.telegram.http import AiohttpRequest

        self.app = (Application.builder().token(token).base_url(base_url).concurrent_updates(256).job_queue(None)
                    .request(AiohttpRequest(POOL_SIZE, pool_timeout=POOL_TIMEOUT))
                    .get_updates_request(AiohttpRequest(1)).build())
        self.app.add_handler(MessageHandler(filters.TEXT, self.echo))

    @staticmethod
    async def echo(update, context) -> None:
        await update.message.reply_text(update.message.text)

    async def start(self) -> None:
        from bot.channels.telegram.channel import ALLOWED_UPDATES

        await self.app.initialize()
        await self.app.updater.start_polling(timeout=5, allowed_updates=ALLOWED_UPDATES)
        await self.app.start()

    async def stop(self) -> None:
        await self.app.updater.stop()
        await self.app.stop()
        await self.app.shutdown()


class ProductBot:
    """The Telegram channel over the product's services, as `python main.py` builds them."""

    def __init__(self, base_url: str, token: str, data: str):
        from bot.app import build_services
        from bot.channels.telegram.channel import TelegramChannel
        from bot.config import load_settings
        from bot.router import Router

        settings = load_settings({"TELEGRAM_BOT_TOKEN": token, "TELEGRAM_API_BASE_URL": base_url,
                                  "BOT_DATA_DIR": data, "BOT_PACING": "off",
                                  "BOT_INBOUND_QUEUE": str(INBOUND_QUEUE)}, env_file=None)
        self.svc = build_services(settings)
        self.channel = TelegramChannel(settings, Router(self.svc), poll_timeout=5)

    async def start(self) -> None:
        await self.channel.start()
        await asyncio.wait_for(self.channel.ready.wait(), 10)

    async def stop(self) -> None:
        await self.channel.stop()
        await self.svc.analytics.close()
        self.svc.store.close()


async def serve(conn, variant: str, profiler: cProfile.Profile | None) -> dict:
    """One round of `variant` on this side: start it, let the load run, stop it."""
    loop = asyncio.get_running_loop()
    base_url, token = await loop.run_in_executor(None, conn.recv)
    with tempfile.TemporaryDirectory() as data:
        bot = BareBot(base_url, token) if variant == "bare" else ProductBot(base_url, token, data)
        await bot.start()
        gc.freeze()                                        # as bot.app.serve does after start-up
        if profiler and variant == "product":
            profiler.enable()
        cpu = time.process_time()
        conn.send("ready")
        try:
            result = await loop.run_in_executor(None, conn.recv)
            return {**result, "cpu": (time.process_time() - cpu) * 1000 / result["updates"]}
        finally:
            if profiler:
                profiler.disable()
            await bot.stop()
            gc.unfreeze()
            conn.send("stopped")


def summary(variant: str, r: dict, args) -> str:
    lat = r["latency"]
    return (f"{variant:>7}: burst {args.burst} updates at {r['burst']:.0f}/s, bot CPU {r['cpu']:.2f} ms each; "
            f"steady {len(lat)} offered at "
            f"{args.rate:.0f}/s, handled at {r['steady']:.0f}/s, latency p50 {pct(lat, 50):.1f} ms, "
            f"p99 {pct(lat, 99):.1f} ms")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=500)
    parser.add_argument("--burst", type=int, default=2000)
    parser.add_argument("--rate", type=float, default=100)
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--profile", type=Path, help="write a cProfile of the product's rounds here")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)               # BOT_PACING=off warns, as it should
    ours, theirs = multiprocessing.Pipe()
    telegram = multiprocessing.get_context("spawn").Process(target=telegram_side, args=(theirs, args), daemon=True)
    telegram.start()
    theirs.close()                                         # so a failed load side ends the bench (EOFError)
    profiler = cProfile.Profile() if args.profile else None
    results: dict[str, list[dict]] = {v: [] for v in VARIANTS}
    for n in range(args.rounds):
        for variant in VARIANTS:
            r = asyncio.run(serve(ours, variant, profiler))
            results[variant].append(r)
            print(f"round {n + 1} {summary(variant, r, args)}", flush=True)
    telegram.join(10)
    if profiler:
        profiler.dump_stats(args.profile)
    return compare_to_bare(results, args.rounds, "updates", "bot", BAR)


if __name__ == "__main__":
    sys.exit(main())
