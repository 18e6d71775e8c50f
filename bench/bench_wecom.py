"""WeCom callback endpoint throughput and latency on loopback.

The product runs as in production (`python main.py`, its own process, the one HTTP server on 127.0.0.1
with the WeCom channel configured); this process plays WeCom with
wechatpy-encrypted text callbacks (prepared beforehand) over keep-alive HTTP. Each callback goes the whole
way: size-capped read → signature and timestamp check → AES decrypt → safe XML parse → MsgId dedup →
flood control → router (FAQ matching, storage) → encrypted passive reply. Every reply is checked to be a
passive answer; a sample is decrypted with wechatpy.

  burst:  a backlog sent with 32 callbacks in flight: the most the endpoint sustains;
  steady: callbacks offered at a fixed rate (open loop); latency from send to full response.

    .venv/bin/python bench/bench_wecom.py [--users 2000] [--burst 4000] [--rate 500] [--seconds 10]

Bar (issue 5): ≥ 500 callbacks/s, p99 < 20 ms on loopback.
"""
from __future__ import annotations

import argparse
import asyncio
import itertools
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

from tests.fakes.product import free_port, wait_healthy, wecom_env  # noqa: E402
from tests.fakes.wecom_callbacks import CallbackSender, new_aes_key  # noqa: E402
from bench.benchutil import pct  # noqa: E402

QUESTIONS = ("运河财富小镇在哪里？", "小镇金融联盟有哪些分会？", "管委会怎么联系？", "小镇面积多大",
             "/start", "/faq", "入驻需要什么条件", "有哪些楼宇", "你好")
CORP, TOKEN = "wwbenchcorp0001", "benchToken"


class Client:
    def __init__(self, side: CallbackSender, url: str, users: int):
        self.side, self.url = side, url
        self.users = [f"bench{i:05d}" for i in range(users)]
        self.ids = itertools.count(1)
        self.session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=64))
        self.passive = 0

    def prepare(self, n: int, offset: int = 0) -> list[tuple[dict, bytes]]:
        stamp = str(int(time.time()))
        return [self.side.seal(self.side.text(self.users[(offset + i) % len(self.users)],
                                              QUESTIONS[(offset + i) % len(QUESTIONS)], str(next(self.ids))),
                               stamp) for i in range(n)]

    async def post(self, params: dict, body: bytes) -> float:
        start = time.perf_counter()
        async with self.session.post(self.url, params=params, data=body) as resp:
            text = await resp.text()
        elapsed = time.perf_counter() - start
        if resp.status != 200 or not text:
            raise SystemExit(f"callback not answered passively: HTTP {resp.status} {text[:80]!r}")
        self.passive += 1
        return elapsed

    async def closed_loop(self, calls: list, in_flight: int) -> float:
        queue = iter(calls)

        async def worker():
            for params, body in queue:
                await self.post(params, body)
        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(in_flight)))
        return len(calls) / (time.perf_counter() - start)

    async def open_loop(self, calls: list, rate: float) -> tuple[list[float], float]:
        loop = asyncio.get_running_loop()
        t0, tasks = loop.time(), []
        for i, (params, body) in enumerate(calls):
            if (delay := t0 + i / rate - loop.time()) > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.ensure_future(self.post(params, body)))
        latencies = await asyncio.gather(*tasks)
        return list(latencies), len(calls) / (loop.time() - t0)


async def run(args) -> int:
    aes_key = new_aes_key()
    with tempfile.TemporaryDirectory() as data:
        port = free_port()
        env = {**os.environ, "BOT_HTTP_HOST": "127.0.0.1", "BOT_HTTP_PORT": str(port),
               **wecom_env(data, corp_id=CORP, token=TOKEN, aes_key=aes_key,
                           api_base_url="http://127.0.0.1:9")}        # passive replies only: never called
        server = subprocess.Popen([sys.executable, str(ROOT / "main.py")], env=env, stdin=subprocess.DEVNULL)
        try:
            await wait_healthy(f"http://127.0.0.1:{port}/healthz", server.poll)
            proc = psutil.Process(server.pid)
            side = CallbackSender(TOKEN, aes_key, CORP)
            client = Client(side, f"http://127.0.0.1:{port}/wecom/callback", args.users)
            try:
                warm = client.prepare(args.users)
                await client.closed_loop(warm, 16)            # every user known to storage
                params, body = client.prepare(1)[0]                # QUESTIONS[0]: where is the town?
                async with client.session.post(client.url, params=params, data=body) as resp:
                    sample = side.open_reply(await resp.text())
                if "大关路" not in sample["Content"]:
                    raise SystemExit(f"unexpected answer: {sample['Content'][:80]!r}")

                burst = client.prepare(args.burst)
                cpu0 = proc.cpu_times()
                burst_rate = await client.closed_loop(burst, 32)
                cpu1 = proc.cpu_times()

                steady = client.prepare(int(args.rate * args.seconds))
                latencies, offered = await client.open_loop(steady, args.rate)
                rss = proc.memory_info().rss
            finally:
                await client.session.close()
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)

    lat = [x * 1000 for x in latencies]
    busy = (cpu1.user + cpu1.system - cpu0.user - cpu0.system) / args.burst * 1000
    p50, p99 = pct(lat, 50), pct(lat, 99)
    print(f"{client.passive} callbacks, every one answered passively (encrypted reply verified with wechatpy)")
    print(f"burst: {args.burst} callbacks at {burst_rate:.0f}/s (32 in flight); server CPU {busy:.2f} ms each")
    print(f"steady: {len(steady)} callbacks offered at {args.rate:.0f}/s (achieved {offered:.0f}/s); "
          f"latency p50 {p50:.1f} ms, p99 {p99:.1f} ms, max {max(lat):.1f} ms; server RSS {rss / 2**20:.0f} MB")
    ok = burst_rate >= 500 and offered >= 0.95 * args.rate and p99 < 20
    print("bar (≥ 500 callbacks/s, p99 < 20 ms):", "met" if ok else "NOT met")
    return 0 if ok else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=2000)
    parser.add_argument("--burst", type=int, default=4000)
    parser.add_argument("--rate", type=float, default=500)
    parser.add_argument("--seconds", type=float, default=10)
    return asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    sys.exit(main())
