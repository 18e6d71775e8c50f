"""Console page times with a busy history: 10,000 unanswered questions (3,000 distinct wordings over 30 days,
each also in the analytics with 10,000 answered questions beside them) and 1,000 events stored.

    .venv/bin/python bench/bench_console.py [--unanswered 10000] [--events 1000] [--samples 30]

Runs the console on an aiohttp server on 127.0.0.1, signs in with a one-time link, and times GET requests
server-side (a middleware around the console: handler, data and template) and end to end over loopback.
Prints p50/p99/max per page, and the machine's load average (figures grow with it); the first request of the
unanswered list ranks the shown questions against the FAQ (cached after that).
"""
from __future__ import annotations

import argparse
import asyncio
import gc
import os
import random
import re
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from aiohttp import ClientSession, CookieJar, web  # noqa: E402

from bench.benchutil import pct  # noqa: E402
from bot.app import start_http  # noqa: E402
from bot.clock import SHANGHAI, FixedClock  # noqa: E402
from bot.config import load_settings  # noqa: E402
from bot.dialogs import Dialogs  # noqa: E402
from bot.services import Services  # noqa: E402
from bot.store import Audit, Event, Store  # noqa: E402
from bot.web.console import mount  # noqa: E402
from bot.sign_in_links import SignInLinks, sign_in_url  # noqa: E402
from faq.knowledge_base import KnowledgeBase  # noqa: E402

NOW = FixedClock(__import__("datetime").datetime(2026, 11, 22, 10, 0, tzinfo=SHANGHAI))
STAFF = "telegram:1"
TOPICS = ("停车", "食堂", "租金", "健身房", "地铁", "会议室", "快递", "空调", "物业费", "人才公寓")


def history(n: int, distinct: int, rnd: random.Random) -> list[tuple[str, str, str]]:
    """(time, platform, text) of n questions the bot could not answer."""
    words = [f"小镇{rnd.choice(TOPICS)}问题{i}怎么办" for i in range(distinct)]
    rows = []
    for _ in range(n):
        at = NOW.now() - timedelta(minutes=rnd.randrange(30 * 24 * 60))
        rows.append((at.isoformat(timespec="seconds"), rnd.choice(("telegram", "wecom", "wecom_kf")), rnd.choice(words)))
    return rows


async def seed(svc: Services, args, rnd: random.Random) -> None:
    asked = history(args.unanswered, args.unanswered * 3 // 10, rnd)
    await svc.store.unanswered.table.insert(     # one append instead of 10,000 (the bot logs them one by one)
        {"at": at, "user": f"{p}:{i}", "text": text} for i, (at, p, text) in enumerate(asked))
    answered = [(at, p, "运河财富小镇在哪里") for at, p, _ in history(args.unanswered, 1, rnd)]
    await svc.store.analytics.insert(
        [{"at": at, "platform": p, "user": f"{p}:{i}", "text": text, "intent": intent, "outcome": outcome}
         for rows, intent, outcome in ((asked, "fallback", "fallback"), (answered, "faq", "answered"))
         for i, (at, p, text) in enumerate(rows)])
    start = NOW.now() - timedelta(days=200)
    await svc.store.events.add([(Event(f"路演{i}", start + timedelta(hours=7 * i), "小镇会客厅", "项目路演",
                                       created_by=STAFF), [])
                                 for i in range(args.events)], Audit(STAFF, "event.publish", NOW.now()))


SERVER_MS: list[float] = []


@web.middleware
async def server_side(request: web.Request, handler):
    started = time.perf_counter()
    try:
        return await handler(request)
    finally:
        SERVER_MS.append((time.perf_counter() - started) * 1000)


async def timed(http: ClientSession, url: str, samples: int) -> tuple[list[float], list[float]]:
    """(server-side ms, end-to-end ms) of `samples` GETs."""
    took, SERVER_MS[:] = [], []
    for _ in range(samples):
        started = time.perf_counter()
        async with http.get(url) as response:
            await response.read()
            assert response.status == 200, (url, response.status)
        took.append((time.perf_counter() - started) * 1000)
    return list(SERVER_MS), took


def line(label: str, ms: list[float]) -> str:
    return f"{label:<48} p50 {pct(ms, 50):6.1f} ms  p99 {pct(ms, 99):6.1f} ms  max {max(ms):6.1f} ms"


async def main(args) -> None:
    rnd = random.Random(14)
    with tempfile.TemporaryDirectory() as folder:
        settings = load_settings({"BOT_DATA_DIR": folder, "BOT_STAFF": STAFF, "BOT_HTTP_PORT": str(args.port)},
                                 env_file=None)
        svc = Services(settings=settings, clock=NOW, kb=KnowledgeBase(), dialogs=Dialogs(NOW),
                       store=Store(settings.data_dir))
        await seed(svc, args, rnd)
        gc.freeze()                     # as serve() does after start-up: jieba's dictionary leaves the cyclic GC
        http = web.Application(middlewares=[server_side])
        mount(http, svc, lambda: frozenset({STAFF}))
        runner = await start_http(http, "127.0.0.1", args.port)
        try:
            async with ClientSession(cookie_jar=CookieJar(unsafe=True)) as client:     # unsafe: an IP address
                link = sign_in_url(settings.console_url, SignInLinks(settings.data_dir, NOW).issue(STAFF))
                async with client.post(link, allow_redirects=False) as response:
                    assert response.status == 303
                base = f"{settings.console_url}/console"
                print(f"{args.unanswered} unanswered questions, {args.events} events, "
                      f"{2 * args.unanswered} analytics rows; {args.samples} requests per page; "
                      f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
                first, _ = await timed(client, f"{base}/unanswered", 1)
                print(f"{'unanswered, first request (ranks 10 questions)':<48} {first[0]:6.1f} ms server-side")
                for label, path in (("dashboard (14 days)", "/"), ("dashboard (30 days)", "/?from=2026-10-24"),
                                    ("unanswered (30 days, page 1)", "/unanswered"),
                                    ("unanswered (page 50, ranked once)", "/unanswered?page=50"),
                                    ("events (upcoming)", "/events"), ("events (all, page 5)", "/events?show=all&page=5")):
                    server, total = await timed(client, base + path, args.samples)
                    print(line(f"{label} server-side", server))
                    print(line(f"{label} end to end", total))
                async with client.get(f"{base}/unanswered") as response:
                    shown = len(re.findall(r'class="card question"', await response.text()))
                print(f"(unanswered page shows {shown} questions, each with its 3 nearest FAQ entries)")
        finally:
            await runner.cleanup()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--unanswered", type=int, default=10_000)
    parser.add_argument("--events", type=int, default=1_000)
    parser.add_argument("--samples", type=int, default=30)
    parser.add_argument("--port", type=int, default=18_514)
    asyncio.run(main(parser.parse_args()))
