"""Broadcast fan-out through the delivery service, the real Telegram outbox (python-telegram-bot) and the
fake Bot API on loopback, with delivery records group-committed to a real TinyDB file.

    .venv/bin/python bench/bench_broadcast.py [--recipients 10000] [--paced 600]

The fake Bot API runs in a child process (as Telegram would be elsewhere), so the memory figure is the
product's alone. In the paced run it enforces Telegram's limit itself: a 31st sendMessage within one
second is answered 429 with retry_after, as Telegram does.

1. pacing off: 10,000 recipients — messages/s and peak resident memory, and the same count sent by a bare
   16-worker loop through the same outbox with no records before and after each broadcast, as a ratio. Bars: ≥ 1,000 msg/s, ≥ 0.7× the bare
   loop, RSS < 200 MB.
2. pacing on (30 messages/s): `--paced` recipients — achieved rate (bar: within 5 % of 30/s) and 429s (bar: 0).
3. kill -9 mid-broadcast, pacing off: `--kills` times a process sending to `--recipients` is killed at a random
   point; the figure is how many recipients the platform had received whose "sent" was not yet committed, i.e.
   who get the message twice once a restart resumes the broadcast. Bar: at most `Delivery.window`.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import logging
import random
import signal
import statistics
import sys
import tempfile
import time
from collections import deque
from pathlib import Path

import aiohttp
import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.channels.telegram.channel import TelegramChannel  # noqa: E402
from bot.clock import Clock  # noqa: E402
from bot.config import load_settings  # noqa: E402
from bot.alliance.delivery import Delivery, reply_of  # noqa: E402
from bot.dialogs import Dialogs  # noqa: E402
from bot.messages import Incoming  # noqa: E402
from bot.router import Router  # noqa: E402
from bot.services import Services  # noqa: E402
from bot.store import Store  # noqa: E402
from tests.fakes.telegram_server import FakeBotApi, Refused  # noqa: E402
from tests.records import announcement, on_disk  # noqa: E402

TEXT = "【管委会公告】12 月 1 日 14:00 在小镇会客厅举办年度项目路演，欢迎各成员单位报名参加。"


class LimitedBotApi(FakeBotApi):
    """The fake Bot API, refusing (429) sends beyond `limit` in any one second when a limit is set."""

    def __init__(self, limit: int):
        super().__init__()
        self.limit, self.recent, self.refused = limit, deque(), 0

    async def _api_sendMessage(self, params: dict) -> dict:
        now = time.monotonic()
        while self.recent and self.recent[0] <= now - 1.0:
            self.recent.popleft()
        if self.limit and len(self.recent) >= self.limit:
            self.refused += 1
            raise Refused(429, "Too Many Requests: retry after 1", {"retry_after": 1})
        self.recent.append(now)
        return await super()._api_sendMessage(params)

    async def _api_benchStats(self, params: dict) -> dict:
        return {"at": [m["at"] for m in self.sent], "refused": self.refused}

    async def _api_benchCount(self, params: dict) -> int:
        return len(self.sent)

    async def _api_benchChats(self, params: dict) -> list[int]:
        return [m["chat"]["id"] for m in self.sent]

    async def _notify(self) -> None:
        """Nobody waits on this server's changes: skip the per-request wake-up."""


async def serve_fake(limit: int) -> None:
    async with LimitedBotApi(limit) as api:
        print(json.dumps({"base_url": api.base_url, "token": api.token}), flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)     # until the parent closes it


class FakeProcess:
    def __init__(self, limit: int):
        self.limit = limit

    async def __aenter__(self) -> "FakeProcess":
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable, __file__, "--serve-fake", str(self.limit), stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE)
        info = json.loads(await self.proc.stdout.readline())
        self.base_url, self.token = info["base_url"], info["token"]
        return self

    async def stats(self, method: str = "benchStats"):
        async with aiohttp.ClientSession() as http:
            async with http.get(f"{self.base_url}{self.token}/{method}") as resp:
                return (await resp.json())["result"]

    async def __aexit__(self, *exc) -> None:
        self.proc.stdin.close()
        await self.proc.wait()


class NoKnowledge:
    """Broadcasting needs no FAQ; skipping jieba keeps the memory figure about delivery."""


async def sender(base_url: str, token: str, data: str, paced: bool) -> tuple[Services, TelegramChannel]:
    settings = load_settings({"TELEGRAM_BOT_TOKEN": token, "TELEGRAM_API_BASE_URL": base_url,
                              "BOT_DATA_DIR": data}, env_file=None)
    clock = Clock()
    svc = Services(settings=settings, clock=clock, kb=NoKnowledge(), dialogs=Dialogs(clock),
                   store=Store(settings.data_dir))
    channel = TelegramChannel(settings, Router(svc), paced=paced)
    await channel.app.initialize()
    return svc, channel


async def seed(store: Store, recipients: int, first: int = 10_000_000) -> int:
    await asyncio.gather(*(store.users.register(Incoming("telegram", str(first + i), str(first + i)))
                           for i in range(recipients)))
    return await store.broadcasts.create(announcement(Clock().now(), TEXT))


async def fan_out(api: FakeProcess, data: str, recipients: int, paced: bool) -> dict:
    svc, channel = await sender(api.base_url, api.token, data, paced)
    bid = await seed(svc.store, recipients)
    process, peak = psutil.Process(), 0

    async def sample() -> None:
        nonlocal peak
        while True:
            peak = max(peak, process.memory_info().rss)
            await asyncio.sleep(0.05)

    sampler = asyncio.create_task(sample())
    flushes = svc.store.db.storage.flushes
    started = time.perf_counter()
    svc.delivery.start(bid)
    await svc.delivery.wait()
    elapsed = time.perf_counter() - started
    sampler.cancel()
    counts = (await svc.store.broadcasts.counts([bid]))[bid]
    await channel.app.shutdown()
    stats = await api.stats()
    at = sorted(stats["at"])
    return {"sent": counts["sent"], "failed": counts["failed"], "elapsed": elapsed, "rate": counts["sent"] / elapsed,
            "api_rate": (len(at) - 1) / (at[-1] - at[0]), "rss": peak / 2**20, "refused": stats["refused"],
            "flushes": svc.store.db.storage.flushes - flushes}


class NullOutbox:
    """Accepts every send after one turn of the loop: what delivery and storage cost without any HTTP."""
    platform = "telegram"

    async def send(self, chat_id: str, reply) -> None:
        await asyncio.sleep(0)


async def delivery_only(recipients: int) -> float:
    with tempfile.TemporaryDirectory() as data:
        store, clock = Store(data), Clock()
        await asyncio.gather(*(store.users.register(Incoming("telegram", str(i), str(i))) for i in range(recipients)))
        bid = await store.broadcasts.create(announcement(clock.now(), TEXT))
        delivery = Delivery(store, {"telegram": NullOutbox()}, clock)
        started = time.perf_counter()
        delivery.start(bid)
        await delivery.wait()
        return recipients / (time.perf_counter() - started)


async def bare_loop(api: FakeProcess, recipients: int, workers: int = 16) -> float:
    """The ceiling: `workers` tasks sending through the same Telegram outbox, with no delivery records at all."""
    with tempfile.TemporaryDirectory() as data:
        svc, channel = await sender(api.base_url, api.token, data, paced=False)
        outbox, reply = svc.outboxes["telegram"], reply_of(TEXT)
        chats = iter(range(20_000_000, 20_000_000 + recipients))

        async def worker() -> None:
            for chat in chats:
                await outbox.send(str(chat), reply)

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(workers)))
        elapsed = time.perf_counter() - started
        await channel.app.shutdown()
        return recipients / elapsed


async def resume_in_child(base_url: str, token: str, data: str) -> None:
    """The killed process: resumes the stored broadcast, unpaced, until killed."""
    svc, _ = await sender(base_url, token, data, paced=False)
    await svc.delivery.resume()
    await svc.delivery.wait()


def committed_sent(data: str) -> set[int]:
    return {int(d.chat_id) for d in on_disk(Path(data), 1) if d.status == "sent"}


async def kill_mid_broadcast(api: FakeProcess, recipients: int, trial: int) -> tuple[int, int]:
    """(recipients reached when killed, recipients reached but not committed as sent)."""
    first = 10_000_000 + trial * 1_000_000
    with tempfile.TemporaryDirectory() as data:
        store = Store(data)
        await seed(store, recipients, first)
        store.close()
        before = await api.stats("benchCount")
        child = await asyncio.create_subprocess_exec(sys.executable, __file__, "--resume-in", data, api.base_url,
                                                     api.token)
        at = before + random.randint(recipients // 10, recipients * 8 // 10)
        while await api.stats("benchCount") < at:
            await asyncio.sleep(0.005)
        child.send_signal(signal.SIGKILL)
        await child.wait()
        reached = {c for c in await api.stats("benchChats") if first <= c < first + recipients}
        return len(reached), len(reached - committed_sent(data))


async def main(args) -> int:
    logging.basicConfig(level=logging.WARNING)
    ok = True
    print(f"delivery + storage alone (no HTTP): {await delivery_only(args.recipients):,.0f} msg/s")
    async with FakeProcess(limit=0) as api:           # bare, broadcast, bare, …, bare: the machine's load drifts,
        bares = [await bare_loop(api, args.recipients)]   # so each broadcast is set against the runs beside it
        runs, ratios = [], []
        for _ in range(args.rounds):
            with tempfile.TemporaryDirectory() as data:
                runs.append(r := await fan_out(api, data, args.recipients, paced=False))
            bares.append(await bare_loop(api, args.recipients))
            ratios.append(r["rate"] / ((bares[-2] + bares[-1]) / 2))
    for r in runs:
        print(f"pacing off: {r['sent']:,} sent, {r['failed']} failed in {r['elapsed']:.1f} s = {r['rate']:,.0f} msg/s; "
              f"peak RSS {r['rss']:.0f} MB; {r['flushes']} store.json writes during the broadcast")
    ratio = statistics.median(ratios)
    print(f"bare 16-worker send loop, same outbox and API (no records): {', '.join(f'{b:,.0f}' for b in bares)} msg/s; "
          f"broadcast / bare beside it: {', '.join(f'{x:.2f}' for x in ratios)} (median {ratio:.2f}×)")
    ok &= all(r["rate"] >= 1000 and r["rss"] < 200 and r["sent"] == args.recipients for r in runs) and ratio >= 0.7
    if args.paced:
        async with FakeProcess(limit=30) as api:
            with tempfile.TemporaryDirectory() as data:
                r = await fan_out(api, data, args.paced, paced=True)
        off = abs(r["api_rate"] - 30) / 30 * 100
        print(f"pacing 30/s: {r['sent']:,} sent in {r['elapsed']:.1f} s; rate at the API {r['api_rate']:.2f} msg/s "
              f"({off:.1f} % from 30); 429s: {r['refused']}")
        ok &= off <= 5 and r["refused"] == 0 and r["sent"] == args.paced
    if args.kills:
        async with FakeProcess(limit=0) as api:
            trials = [await kill_mid_broadcast(api, args.recipients, i) for i in range(args.kills)]
        window = Delivery(None, {}, Clock()).window
        print(f"kill -9 mid-broadcast ({args.kills}×, pacing off): reached when killed "
              f"{', '.join(str(r) for r, _ in trials)}; sent twice after a restart "
              f"{', '.join(str(d) for _, d in trials)} (max {max(d for _, d in trials)}, bound {window})")
        ok &= max(d for _, d in trials) <= window
    print("bars (≥ 1,000 msg/s, ≥ 0.7× the bare loop and RSS < 200 MB unpaced; paced within 5 % of 30/s with no 429s; "
          "duplicates per kill within the bound):", "met" if ok else "NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--recipients", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=2, help="unpaced broadcasts, each between two bare loops")
    parser.add_argument("--paced", type=int, default=600, help="recipients of the paced run (0 skips it)")
    parser.add_argument("--kills", type=int, default=5, help="kill -9 trials (0 skips them)")
    parser.add_argument("--serve-fake", type=int, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--resume-in", nargs=3, default=None, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.serve_fake is not None:
        asyncio.run(serve_fake(arguments.serve_fake))
    elif arguments.resume_in:
        asyncio.run(resume_in_child(arguments.resume_in[1], arguments.resume_in[2], arguments.resume_in[0]))
    else:
        sys.exit(asyncio.run(main(arguments)))
