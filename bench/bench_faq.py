"""FAQ matching figures: top-1 accuracy and out-of-scope fallback rate on the dev set (which guided tuning)
and on a separately written held-out set, per-question latency through the full router (p50/p99),
start-up time (data + jieba) and resident memory.

    .venv/bin/python bench/bench_faq.py
"""
from __future__ import annotations

import asyncio
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.benchutil import pct  # noqa: E402

STARTUP = """
import tempfile, time, psutil
t = time.perf_counter()
from bot.app import build_services
from bot.config import load_settings
from bot.router import Router
svc = build_services(load_settings({"BOT_DATA_DIR": tempfile.mkdtemp()}, env_file=None))
elapsed = time.perf_counter() - t
import asyncio
from bot.messages import Incoming
asyncio.run(Router(svc).handle(Incoming("console", "b", "b", text="小镇在哪里")))
print(elapsed, psutil.Process().memory_info().rss)
"""


async def evaluate(router, kb, in_scope, out_of_scope, latencies: list[float]):
    """(correct in-scope, fallen-back out-of-scope, misses, leaks) through the full router."""
    from bot.messages import Incoming
    from faq.matcher import THRESHOLD

    correct, fell_back, misses, leaks = 0, 0, [], []
    for question, expected in in_scope:
        t = time.perf_counter()
        reply = await router.handle(Incoming("console", "b", "b", text=question))
        latencies.append(time.perf_counter() - t)
        best = kb.faq.best(question)
        if reply.intent == "faq" and best and best.entry.id == expected and best.score >= THRESHOLD:
            correct += 1
        else:
            misses.append((question, expected, reply.intent, best.entry.id if best else None,
                           round(best.score, 2) if best else 0))
    for question in out_of_scope:
        t = time.perf_counter()
        reply = await router.handle(Incoming("console", "b", "b", text=question))
        latencies.append(time.perf_counter() - t)
        if reply.intent == "fallback":
            fell_back += 1
        else:
            leaks.append((question, reply.intent, reply.text[:30]))
    return correct, fell_back, misses, leaks


async def main() -> None:
    from bot.app import build_services
    from bot.config import load_settings
    from bot.router import Router
    from tests.devset import load_devset

    svc = build_services(load_settings({"BOT_DATA_DIR": "/tmp/bench_faq_data"}, env_file=None))
    svc.store = None                      # measure matching, not the unanswered-question log
    router = Router(svc)
    latencies: list[float] = []
    print(f"FAQ entries: {len(svc.kb.knowledge.faq)}")
    for name, pattern in (("dev set (guided tuning)", "devset_*.yaml"), ("held-out set", "heldout.yaml")):
        in_scope, out_of_scope = load_devset(pattern)
        correct, fell_back, misses, leaks = await evaluate(router, svc.kb, in_scope, out_of_scope, latencies)
        print(f"{name}: in-scope top-1 accuracy {correct / len(in_scope):.1%} ({correct}/{len(in_scope)}) "
              f"[bar ≥ 95%]; out-of-scope fallback {fell_back / len(out_of_scope):.1%} "
              f"({fell_back}/{len(out_of_scope)}) [bar ≥ 90%]")
        if "-v" in sys.argv:
            for miss in misses:
                print("  MISS", *miss)
            for leak in leaks:
                print("  LEAK", *leak)
    startup, rss = subprocess.run([sys.executable, "-c", STARTUP], cwd=ROOT, capture_output=True, text=True,
                                  check=True).stdout.split()
    print(f"latency per question ({len(latencies)}): p50 {pct(latencies, 50) * 1000:.2f} ms, "
          f"p99 {pct(latencies, 99) * 1000:.2f} ms, mean {statistics.mean(latencies) * 1000:.2f} ms  "
          f"[bar p99 < 5 ms]")
    print(f"start-up (data + jieba): {float(startup):.2f} s  [bar < 1.5 s]; resident memory: "
          f"{int(rss) / 2**20:.0f} MB  [bar < 150 MB]")


if __name__ == "__main__":
    asyncio.run(main())
