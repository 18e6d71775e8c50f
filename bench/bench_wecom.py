"""WeCom callback throughput and latency on loopback: the product beside a bare aiohttp + wechatpy server.

Two servers take turns, each in a process of its own on 127.0.0.1 (this process plays WeCom, with
wechatpy-encrypted text callbacks prepared beforehand, over keep-alive HTTP):

  bare:     bench/bare_wecom.py: wechatpy checks and decrypts the callback, parses it, and its text is echoed
            back in wechatpy's encrypted passive reply;
  product:  `python main.py` with the WeCom channel and BOT_PACING=off. Each callback goes the whole way:
            size-capped read → signature and timestamp check → AES decrypt → safe XML parse → MsgId dedup (on
            disk before the answer leaves) → flood control → router (understanding, FAQ ranking, storage) →
            encrypted passive reply.

The variants alternate (bare, product, bare, product … for `--rounds`), so a change in the machine's load hits
both alike. A round: a warm-up (every user writes once: the product registers them), a sample reply decrypted
and checked, a burst (a backlog sent with 32 callbacks in flight: the most the server sustains), then callbacks
offered at `--rate` (open loop; latency from send to full response). Every reply must be a passive answer. One
question in five is out of scope.

    .venv/bin/python bench/bench_wecom.py [--users 1000] [--burst 2000] [--rate 100] [--seconds 5] [--rounds 2]
                                          [--profile FILE]

`--profile FILE` runs the product under cProfile and writes the last product round's profile (pstats format,
start-up included) to FILE.

Bar: the product answers a burst at ≥ 0.4× the bare server's callbacks/s.
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
from bench.benchutil import QUESTIONS, compare_to_bare, pct, question  # noqa: E402

CORP, TOKEN = "wwbenchcorp0001", "benchToken"
VARIANTS = ("bare", "product")
BAR = 0.4
INBOUND_QUEUE = 1_000_000      # a backlog is answered, not shed


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
                                              question(offset + i, len(self.users)), str(next(self.ids))),
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


def serve(variant: str, port: int, data: str, aes_key: str, profile: Path | None) -> subprocess.Popen:
    if variant == "bare":
        command, env = [str(ROOT / "bench" / "bare_wecom.py"), str(port), TOKEN, aes_key, CORP], dict(os.environ)
    else:
        command = [*(("-m", "cProfile", "-o", str(profile)) if profile else ()), str(ROOT / "main.py")]
        env = {**os.environ, "BOT_HTTP_HOST": "127.0.0.1", "BOT_HTTP_PORT": str(port), "BOT_PACING": "off",
               "BOT_INBOUND_QUEUE": str(INBOUND_QUEUE),
               **wecom_env(data, corp_id=CORP, token=TOKEN, aes_key=aes_key,
                           api_base_url="http://127.0.0.1:9")}        # passive replies only: never called
    return subprocess.Popen([sys.executable, *command], env=env, stdin=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


async def round_of(variant: str, args) -> dict:
    aes_key = new_aes_key()
    with tempfile.TemporaryDirectory() as data:
        port = free_port()
        server = serve(variant, port, data, aes_key, args.profile)
        try:
            await wait_healthy(f"http://127.0.0.1:{port}/healthz", server.poll)
            proc = psutil.Process(server.pid)
            side = CallbackSender(TOKEN, aes_key, CORP)
            client = Client(side, f"http://127.0.0.1:{port}/wecom/callback", args.users)
            try:
                await client.closed_loop(client.prepare(args.users), 16)     # every user known to storage
                params, body = client.prepare(1)[0]                 # QUESTIONS[0]: where is the town?
                async with client.session.post(client.url, params=params, data=body) as resp:
                    sample = side.open_reply(await resp.text())
                expected = QUESTIONS[0] if variant == "bare" else "大关路"
                if expected not in sample["Content"]:
                    raise SystemExit(f"{variant}: unexpected answer: {sample['Content'][:80]!r}")

                burst = client.prepare(args.burst)
                cpu0 = proc.cpu_times()
                burst_rate = await client.closed_loop(burst, 32)
                cpu1 = proc.cpu_times()

                steady = client.prepare(int(args.rate * args.seconds))
                latencies, offered = await client.open_loop(steady, args.rate)
            finally:
                await client.session.close()
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
    return {"burst": burst_rate, "cpu": (cpu1.user + cpu1.system - cpu0.user - cpu0.system) / args.burst * 1000,
            "offered": offered, "latency": [x * 1000 for x in latencies], "passive": client.passive}


def summary(variant: str, r: dict, args) -> str:
    lat = r["latency"]
    return (f"{variant:>7}: burst {args.burst} callbacks at {r['burst']:.0f}/s (32 in flight), server CPU "
            f"{r['cpu']:.2f} ms each; steady {len(lat)} offered at {args.rate:.0f}/s (achieved {r['offered']:.0f}/s), "
            f"latency p50 {pct(lat, 50):.1f} ms, p99 {pct(lat, 99):.1f} ms; {r['passive']} answered passively")


async def run(args) -> int:
    results: dict[str, list[dict]] = {v: [] for v in VARIANTS}
    for n in range(args.rounds):
        for variant in VARIANTS:
            r = await round_of(variant, args)
            results[variant].append(r)
            print(f"round {n + 1} {summary(variant, r, args)}", flush=True)
    return compare_to_bare(results, args.rounds, "callbacks", "server", BAR)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--burst", type=int, default=2000)
    parser.add_argument("--rate", type=float, default=100)
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--profile", type=Path, help="write a cProfile of the product's last round here")
    return asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    sys.exit(main())
