"""Helpers shared by the benchmark scripts (each script is run directly: `python bench/bench_x.py`)."""
from __future__ import annotations

import statistics


def pct(values: list[float], p: int) -> float:
    """The p-th percentile (inclusive method, so p100 is the maximum)."""
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


# The question mix of the channel benches: one question in five is out of scope.
IN_SCOPE = ("运河财富小镇在哪里？", "小镇金融联盟有哪些分会？", "管委会怎么联系？", "小镇面积多大", "/start", "/faq",
            "有哪些楼宇", "你好")
OUT_OF_SCOPE = ("上海的房价多少", "怎么办理护照")
QUESTIONS = IN_SCOPE[:4] + OUT_OF_SCOPE[:1] + IN_SCOPE[4:] + OUT_OF_SCOPE[1:]


def compare_to_bare(results: dict[str, list[dict]], rounds: int, unit: str, bare: str, bar: float) -> int:
    """Prints the medians of the alternating bare/product rounds and their ratio against `bar`; the exit code."""
    variants = ("bare", "product")
    rate = {v: statistics.median(r["burst"] for r in results[v]) for v in variants}
    cpu = {v: statistics.median(r["cpu"] for r in results[v]) for v in variants}
    p99 = {v: statistics.median(pct(r["latency"], 99) for r in results[v]) for v in variants}
    ratio = rate["product"] / rate["bare"]
    print(f"median over {rounds} rounds: bare {rate['bare']:.0f} {unit}/s ({cpu['bare']:.2f} ms CPU each, "
          f"p99 {p99['bare']:.1f} ms), product {rate['product']:.0f} {unit}/s ({cpu['product']:.2f} ms CPU each, "
          f"p99 {p99['product']:.1f} ms); product/bare {ratio:.2f}×")
    print(f"bar (product ≥ {bar}× the bare {bare}'s {unit}/s):", "met" if ratio >= bar else "NOT met")
    return 0 if ratio >= bar else 1


def question(i: int, users: int) -> str:
    """The i-th message's text when `users` users take turns: each user's messages go through the whole mix."""
    return QUESTIONS[(i + i // users) % len(QUESTIONS)]


def answer_path(kb, lang: str, text: str):
    """The FAQ answer path of one message from a new user, without the router's storage writes: the reading,
    the ranking, the choice, and for a message of several questions the answer to each part."""
    from dataclasses import replace
    from types import SimpleNamespace

    from bot.messages import Incoming
    from handlers import faq

    svc = SimpleNamespace(kb=kb)
    reading = kb.reader_for(lang).read(text)
    best = faq.choose(svc, reading, reading.ranked())
    if len(reading.questions) > 1:
        faq._parts(svc, replace(Incoming("console", "u", "u", text=text, lang=lang), reading=reading))
    return best
