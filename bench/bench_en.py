"""English figures: per kind the accuracy, the share of replies to English questions that are in English,
and p99 latency through the router — on the blind English set (misses shown with -v) and, in aggregate
only, on the sealed one. An answer holds an expected token when its English text or the Chinese text of the same
FAQ entry or policy measure (whose figures the load checks are the same) has it.

    .venv/bin/python bench/bench_en.py [-v]
"""
from __future__ import annotations

import asyncio
import re
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.benchutil import pct  # noqa: E402

KINDS = ("answer", "policy", "out_of_scope", "amount", "ask", "not_eligible")
BARS = "bars: FAQ (answer, policy) ≥ 95%, quick-check (amount, ask, not_eligible) ≥ 95% with 0 wrong amounts, " \
       "out-of-scope honest ≥ 90%, replies in English 100%"


SHAPES = (("The documents only cover", "another place"), ("The documents say something about", "aspect not stated"),
          ("The documents don't say anything about", "nothing on the name"), ("Sorry, the documents", "nothing close"),
          ("(The documents have no figure", "year not on record"), ("You gave an amount in a foreign", "foreign currency"),
          ("You mention", "ruled out"), ("You ask for a total", "total of several"), ("The date you mention", "expired"))
CALC_SHAPES = (("Tap the measure", "asks which measure"), ("(Type “cancel” to leave the quick-check.)", "asks a figure"),
               ("(Tap “Yes” if it does", "asks a condition"))


def shape(reply) -> str:
    """What kind of reply a miss got, for the aggregate breakdown (the sealed set's replies are never shown)."""
    text = reply.text.split("\n\n")[-1] if reply.text.startswith("Sorry, that is twice") else reply.text
    tag = next((tag for start, tag in SHAPES if text.startswith(start)), None)
    tag = tag or next((tag for part, tag in CALC_SHAPES if part in text), None) if reply.intent == "calc" else tag
    return reply.intent + (f" · {tag}" if tag else "")


def in_english(text: str) -> bool:
    """A reply is English when its Latin letters outnumber its CJK characters (names stay in Chinese)."""
    return len(re.findall(r"[A-Za-z]", text)) > len(re.findall(r"[\u3400-\u9fff]", text))


FIGURE = re.compile(r"\d+(?:\.\d+)?")


def _states_figure(text: str, token) -> bool:
    """A token's figure ("30家" → 30) is in the English reply itself, not only in the Chinese beside it."""
    alternatives = str(token).split("|")
    return not any(FIGURE.search(a) for a in alternatives) or any(
        FIGURE.search(a) and all(n in text.replace(",", "") for n in FIGURE.findall(a)) for a in alternatives)


def chinese_of(faq: list, measures: list) -> Callable[[str], str]:
    """The Chinese text of the FAQ entries and policy measures whose English a reply gives: a set's expected token
    may be written in Chinese only (第二批, 30家, 境内控股公司) where the English says "second batch", "30", "domestic
    holding company"; only the Chinese of an English text the reply states (an answer by its opening, a measure's
    text, beneficiary or each condition in full) counts."""
    pairs = [(e.en.answer[:60], e.answer) for e in faq if e.en and e.en.answer]
    for m in measures if all(m.en for m in measures) else []:
        pairs += [(m.en.text, m.text), (m.en.beneficiary, m.beneficiary),
                  *zip(m.en.conditions, (c.text for c in m.conditions))]
    return lambda text: " ".join(zh for en, zh in pairs if en and en in text)


def judged(case: dict, reply, chinese: Callable[[str], str]) -> str:
    from bench import blindsets
    verdict = blindsets.judge(case, reply)
    expect = case.get("expect", [])
    if verdict == "wrong" and case["kind"] in ("answer", "policy") and all(_states_figure(reply.text, t) for t in expect) \
            and blindsets.holds(reply.text + chinese(reply.text), expect):
        return "ok"
    return verdict


async def run(router, cases: list[dict], tag: str):
    from bench import blindsets
    from bot.messages import Incoming
    tally, english, latencies, causes = blindsets.Tally(), Counter(), [], Counter()
    chinese = chinese_of(router.svc.kb.knowledge.faq, router.svc.kb.policy.measures)
    for n, case in enumerate(cases):
        msg = Incoming("telegram", f"{tag}{n}", f"{tag}{n}", text=case["q"], language_code="en")
        start = time.perf_counter()
        reply = await router.handle(msg)
        latencies.append(time.perf_counter() - start)
        verdict = judged(case, reply, chinese)
        tally.add(case["kind"], verdict, case, reply)
        english[case["kind"], in_english(reply.text)] += 1
        if verdict != "ok":
            causes[case["kind"], verdict, shape(reply)] += 1
    return tally, english, latencies, causes


def report(name: str, tally, english: Counter, latencies: list[float], causes: Counter, verbose: bool) -> None:
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
    print("  misses by the reply they got:")
    for (kind, verdict, got), n in sorted(causes.items()):
        print(f"    {n:3}  {kind} {verdict}: {got}")
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
        report(name, *await run(router, data["cases"], name.replace(" ", "")[:7] + ":"), readable and "-v" in sys.argv)


if __name__ == "__main__":
    asyncio.run(main())
