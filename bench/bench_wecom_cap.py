"""WeCom callbacks past the message-id cap, for minutes, against the real server.

The product runs as in production (`python main.py`, its own process, WeCom channel on 127.0.0.1). Its data
folder starts with a full dedupe store: MAX_IDS 微信客服 ids, as a restart would find them, so every claim
from the first callback on is past the cap. This process plays WeCom: wechatpy-encrypted text callbacks, each
with a new MsgId, offered at a fixed rate (open loop) for `--seconds`; every `--retry-every`-th callback is
followed by a byte-identical copy of an earlier one, which must get the empty acknowledgement (answered once).

    .venv/bin/python bench/bench_wecom_cap.py [--seconds 120] [--rate 200] [--users 2000]

Bars: no 5xx, no answer to a retried callback, every other callback answered passively.
"""
from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import logging
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import aiohttp  # noqa: E402
import psutil  # noqa: E402

from bench.bench_wecom import CORP, TOKEN  # noqa: E402
from bench.benchutil import QUESTIONS, pct  # noqa: E402
from bot.channels.wecom.kf import DEDUP_TTL  # noqa: E402
from bot.channels.wecom.state import MAX_IDS, WeComState  # noqa: E402
from tests.fakes.product import free_port, wait_healthy, wecom_env  # noqa: E402
from tests.fakes.wecom_callbacks import CallbackSender, new_aes_key  # noqa: E402


def seed_full_store(data: Path) -> None:
    expiry = time.time() + DEDUP_TTL
    ids = {f"kf:seed{i}": expiry for i in range(MAX_IDS)}
    (data / "wecom_state.json").write_text(json.dumps({"kf_cursors": {}, "ids": ids}))


class Tally:
    def __init__(self):
        self.latencies: list[float] = []
        self.statuses: dict[int, int] = {}
        self.answered = self.retries_answered = self.unanswered = 0

    def add(self, status: int, answered: bool, retry: bool, latency: float) -> None:
        self.statuses[status] = self.statuses.get(status, 0) + 1
        if retry:
            self.retries_answered += answered
        else:
            self.latencies.append(latency)
            self.answered += answered
            self.unanswered += status == 200 and not answered

    @property
    def server_errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if status >= 500)


async def offer(session: aiohttp.ClientSession, url: str, calls: list[tuple[dict, bytes, bool]], rate: float,
                tally: Tally) -> float:
    async def post(params: dict, body: bytes, retry: bool) -> None:
        start = time.perf_counter()
        async with session.post(url, params=params, data=body) as resp:
            text = await resp.text()
        tally.add(resp.status, bool(text), retry, time.perf_counter() - start)

    loop = asyncio.get_running_loop()
    t0, tasks = loop.time(), []
    for i, call in enumerate(calls):
        if (delay := t0 + i / rate - loop.time()) > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.ensure_future(post(*call)))
    await asyncio.gather(*tasks)
    return len(calls) / (loop.time() - t0)


def prepare(side: CallbackSender, n: int, users: int, retry_every: int, stamp: str) -> list[tuple[dict, bytes, bool]]:
    ids, calls = itertools.count(1), []
    for i in range(n):
        inner = side.text(f"cap{i % users:05d}", QUESTIONS[i % len(QUESTIONS)], str(next(ids)))
        calls.append((*side.seal(inner, stamp), False))
        if i % retry_every == retry_every - 1:
            calls.append((*calls[-retry_every // 2][:2], True))
    return calls


async def sample_rss(proc: psutil.Process, samples: list[int]) -> None:
    while True:
        samples.append(proc.memory_info().rss)
        await asyncio.sleep(1.0)


async def run(args) -> int:
    aes_key = new_aes_key()
    side = CallbackSender(TOKEN, aes_key, CORP)
    n = int(args.rate * args.seconds)
    stamp = str(int(time.time() + args.seconds / 2))       # within ±5 min of the server's clock throughout
    calls = prepare(side, n, args.users, args.retry_every, stamp)
    with tempfile.TemporaryDirectory() as data:
        seed_full_store(Path(data))
        port = free_port()
        env = {**os.environ, "BOT_HTTP_HOST": "127.0.0.1", "BOT_HTTP_PORT": str(port),
               **wecom_env(data, corp_id=CORP, token=TOKEN, aes_key=aes_key, api_base_url="http://127.0.0.1:9")}
        server = subprocess.Popen([sys.executable, str(ROOT / "main.py")], env=env, stdin=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)
        try:
            await wait_healthy(f"http://127.0.0.1:{port}/healthz", server.poll)
            proc, rss = psutil.Process(server.pid), []
            rss_start = proc.memory_info().rss
            sampler = asyncio.ensure_future(sample_rss(proc, rss))
            tally = Tally()
            async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=64)) as session:
                offered = await offer(session, f"http://127.0.0.1:{port}/wecom/callback", calls, args.rate, tally)
            sampler.cancel()
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
        logging.getLogger("bot").setLevel(logging.ERROR)      # loading it again warns of the cap, as it should
        held = len(WeComState(Path(data) / "wecom_state.json"))

    lat = [x * 1000 for x in tally.latencies]
    retries = sum(1 for *_, retry in calls if retry)
    print(f"{n} callbacks with new MsgIds + {retries} retried ones over {args.seconds:.0f} s, against a store "
          f"that started full ({MAX_IDS} 微信客服 ids); {held} ids held at the end (cap {MAX_IDS})")
    print(f"offered {args.rate:.0f}/s, achieved {offered:.0f}/s; latency p50 {pct(lat, 50):.1f} ms, "
          f"p99 {pct(lat, 99):.1f} ms, max {max(lat):.1f} ms")
    print(f"answered passively {tally.answered}, acknowledged without answer {tally.unanswered}; retries answered "
          f"again {tally.retries_answered}; statuses {dict(sorted(tally.statuses.items()))}; 5xx {tally.server_errors}")
    print(f"server RSS {rss_start / 2**20:.0f} MB at start, peak {max(rss) / 2**20:.0f} MB, "
          f"end {rss[-1] / 2**20:.0f} MB")
    ok = tally.server_errors == 0 and tally.retries_answered == 0 and tally.answered == n and held <= MAX_IDS
    print("bars (no 5xx, retries answered once, every new callback answered):", "met" if ok else "NOT met")
    return 0 if ok else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=120, help="how long to send (at most 580)")
    parser.add_argument("--rate", type=float, default=200, help="new callbacks offered per second")
    parser.add_argument("--users", type=int, default=2000)
    parser.add_argument("--retry-every", type=int, default=50)
    args = parser.parse_args()
    if not 0 < args.seconds <= 580:
        parser.error("--seconds must be within (0, 580]: one signed timestamp serves the whole run")
    return asyncio.run(run(args))


if __name__ == "__main__":
    sys.exit(main())
