"""English figures: per kind the accuracy, the share of replies to English questions that are in English,
and p99 latency through the router — on the blind English set (misses shown with -v) and, in aggregate
only, on the sealed one.

    .venv/bin/python bench/bench_en.py [-v]
"""
from __future__ import annotations

import asyncio
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.benchutil import pct  # noqa: E402

KINDS = ("answer", "policy", "out_of_scope", "amount", "ask", "not_eligible")
BARS = "bars: FAQ (answer, policy) ≥ 95%, quick-check (amount, ask, not_eligible) ≥ 95% with 0 wrong amounts, " \
       "out-of-scope honest ≥ 90%, replies in English 100%"


def in_english(text: str) -> bool:
    """A reply is English when its Latin letters outnumber its CJK characters (names stay in Chinese)."""
    return len(re.findall(r"[A-Za-z]", text)) > len(re.findall(r"[\u3400-\u9fff]", text))


async def run(router, cases: list[dict], tag: str):
    from bench import blindsets
    from bot.messages import Incoming
    tally, english, latencies = blindsets.Tally(), Counter(), []
    for n, case in enumerate(cases):
        msg = Incoming("telegram", f"{tag}{n}", f"{tag}{n}", text=case["q"], language_code="en")
        start = time.perf_counter()
        reply = await router.handle(msg)
        latencies.append(time.perf_counter() - start)
        tally.add(case["kind"], blindsets.judge(case, reply), case, reply)
        english[case["kind"], in_english(reply.text)] += 1
    return tally, english, latencies


def report(name: str, tally, english: Counter, latencies: list[float], verbose: bool) -> None:
    print(f"{name}  ({len(latencies)} questions, p99 {pct(latencies, 99) * 1000:.1f} ms)")
    for kind in KINDS:
        ok, n = tally.rate(kind)
        if n:
            en = english[kind, True]
            print(f"  {kind:<13} {ok / n:6.1%} ({ok}/{n})   in English {en / n:6.1%}")
    for label, kinds in (("FAQ", ("answer", "policy")), ("quick-check", ("amount", "ask", "not_eligible"))):
        ok, n = tally.rate(*kinds)
        print(f"  {label:<13} {ok / max(n, 1):6.1%} ({ok}/{n})")
    total = sum(english.values())
    print(f"  wrong amounts {tally.wrong('wrong-amount')}   wrong answers {tally.wrong('wrong')}   "
          f"replies in English {sum(v for (k, e), v in english.items() if e) / max(total, 1):.1%}")
    if verbose:
        for miss in tally.misses:
            print("   ", *miss)


async def main() -> None:
    from bench import blindsets
    from bot.app import build_services
    from bot.config import load_settings
    from bot.router import Router
    router = Router(build_services(load_settings({"BOT_DATA_DIR": tempfile.mkdtemp()}, env_file=None)))
    print(BARS)
    for name, data, readable in blindsets.sets("en"):
        report(name, *await run(router, data["cases"], name[:2]), readable and "-v" in sys.argv)


if __name__ == "__main__":
    asyncio.run(main())
