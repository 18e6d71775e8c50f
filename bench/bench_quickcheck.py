"""Quick-check figures: exact-amount accuracy on the quick-check dev set (tests/data/calc_devset.yaml) and per-question latency through
the full router (p50/p99, a fresh user per question so no dialog carries over); per blind/sealed set the policy and quick-check
accuracy, wrong amounts and the p99 through the router. `-v` lists the misses of the readable sets.

    .venv/bin/python bench/bench_quickcheck.py
"""
from __future__ import annotations

import asyncio
import sys
import time
from datetime import datetime
from pathlib import Path


ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
ROUNDS = 20

from bench import blindsets  # noqa: E402
from bench.benchutil import pct  # noqa: E402
from tests.devset import calc_exact, load_calc_devset  # noqa: E402


async def main() -> None:
    from bot.clock import SHANGHAI, FixedClock
    from bot.config import load_settings
    from bot.messages import Incoming
    from bot.router import Router

    clock = FixedClock(datetime(2026, 11, 22, 10, tzinfo=SHANGHAI))
    import tempfile

    from bot.app import build_services
    svc = build_services(load_settings({"BOT_DATA_DIR": tempfile.mkdtemp()}, env_file=None), clock)
    router, book, items = Router(svc), svc.kb.policy, load_calc_devset()
    wrong, timings, n = [], [], 0
    for round_ in range(ROUNDS):
        for item in items:
            n += 1
            msg = Incoming("console", f"b{n}", f"b{n}", text=item["q"])
            start = time.perf_counter()
            reply = await router.handle(msg)
            timings.append((time.perf_counter() - start) * 1000)
            if round_ == 0 and not calc_exact(item, reply, book):
                wrong.append((item["q"], reply.text.splitlines()[:3]))
    correct = len(items) - len(wrong)
    print(f"quick-check dev set: {correct}/{len(items)} exact ({100 * correct / len(items):.1f}%)")
    print(f"latency through the router over {len(timings)} questions: p50 {pct(timings, 50):.2f} ms, "
          f"p99 {pct(timings, 99):.2f} ms, max {max(timings):.2f} ms")
    for question, lines in wrong:
        print(f"  WRONG: {question} → {' / '.join(lines)}")
    for name, data, readable in blindsets.sets("policy"):
        tally, latencies = blindsets.Tally(), []
        await blindsets.run_cases(router, data["cases"], tally, name.replace(" ", "")[:7] + ":", latencies)
        p99 = pct([t * 1000 for t in latencies], 99)
        pol, pol_n = tally.rate("policy")
        calc, calc_n = tally.rate("amount", "ask", "not_eligible")
        asked = sum(1 for c in data["cases"] if c["kind"] == "ask")
        policy = f"{pol / pol_n:6.1%} ({pol}/{pol_n})" if pol_n else "     – (0)"
        print(f"{name:<24} policy {policy}   quick-check {calc / calc_n:6.1%} ({calc}/{calc_n})   "
              f"wrong amounts {tally.wrong('wrong-amount')} [bar 0]   clarifying cases {asked}   p99 {p99:.1f} ms")
        if readable and "-v" in sys.argv:
            for miss in tally.misses:
                print("  ", *miss)


if __name__ == "__main__":
    asyncio.run(main())
