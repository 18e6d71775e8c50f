"""The FAQ at today's size and at 10,000 entries, side by side: answer-path latency (p50/p99 over the dev, held-out
and blind questions) beside its CPU time (on a loaded machine wall time mostly measures the other processes),
start-up with a cold and a warm FAQ-index cache, and resident memory.

The 10,000-entry knowledge base is synthetic: the real entries plus mutated copies of them, each about another
entity of faq/entities.yaml (its name put in the phrasings and the answer), with the phrasings perturbed (a
character dropped or doubled, words swapped), other figures in the answer and some keywords replaced by the
entity's aliases. It is written as YAML files (with English overlays) and loaded as the bot loads its own, so
start-up includes reading and validating them. At 10,000 entries the matcher scores candidates only; the bench
also says how often its top answer and its top three are the ones full scoring gives.

    .venv/bin/python bench/bench_scale.py [size]
"""
from __future__ import annotations

import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.benchutil import answer_path, pct  # noqa: E402

SEED = 20261201
STARTUP = """
import sys, time
t = time.perf_counter()
import bot.app  # noqa: F401  (everything the bot imports)
from pathlib import Path
from faq.knowledge_base import KnowledgeBase
from faq.knowledge import load_cached
cache = Path(sys.argv[2])
kb = KnowledgeBase(lambda: load_cached(Path(sys.argv[1]), cache_dir=cache), cache_dir=cache)
elapsed = time.perf_counter() - t
kb.reader_for("zh").read("小镇在哪里").ranked()
import psutil
print(elapsed, psutil.Process().memory_info().rss)
"""


def _perturb(rng: random.Random, text: str) -> str:
    """A typo or a reordering, as users write."""
    if len(text) < 4:
        return text
    i = rng.randrange(1, len(text) - 1)
    kind = rng.randrange(3)
    if kind == 0:
        return text[:i] + text[i + 1:]
    if kind == 1:
        return text[:i] + text[i] + text[i:]
    return text[i:] + text[:i] if " " not in text else " ".join(reversed(text.split(" ", 1)))


def _refigurer(rng: random.Random):
    """Other figures for one entry, the same in its Chinese and English texts (as the load-time check wants);
    an English amount in billions beside its Chinese figure keeps only the Chinese figure."""
    from decimal import Decimal

    from faq.same_figures import IN_ENGLISH_UNITS, NUMBER

    chosen: dict[Decimal, str] = {}

    def other(m: re.Match) -> str:
        digits = len(m.group(0).split(".")[0])
        return chosen.setdefault(Decimal(m.group(0)).normalize(), str(rng.randrange(1, 10 ** digits)))

    def refigure(text: str) -> str:
        return NUMBER.sub(other, IN_ENGLISH_UNITS.sub(lambda m: f"RMB {m.group(3)}{m.group(4)}元", text.replace(",", "")))
    return refigure


def synthetic_faq(size: int, faq_dir: Path) -> None:
    """Writes the real FAQ files plus mutated copies up to `size` entries into `faq_dir` (and its en/)."""
    from faq.gazetteer import Lexicon
    from faq.knowledge import FAQ_DIR, load_knowledge
    from faq.same_figures import mismatch

    shutil.copytree(FAQ_DIR, faq_dir, dirs_exist_ok=True)
    real = load_knowledge().faq
    lexicon = Lexicon.load()
    entities = [(key, e) for key, e in lexicon.entities.items() if not mismatch(e.name, e.en)]
    rng = random.Random(SEED)
    zh, en = [], {}
    for k in range(max(0, size - len(real))):
        template = real[k % len(real)]
        key, entity = rng.choice(entities)
        old = lexicon.entities[template.entities[0]]
        name = entity.name

        def moved(text: str, old_name: str = old.name, new_name: str = name) -> str:
            return text.replace(old_name, new_name) if old_name in text else f"{new_name}{text}"

        questions = [_perturb(rng, moved(q)) if rng.random() < 0.5 else moved(q) for q in template.questions]
        keywords = [rng.choice(entity.aliases) if entity.aliases and rng.random() < 0.3 else w
                    for w in template.keywords]
        entry_id, refigure = f"syn-{k}", _refigurer(rng)
        zh.append({"id": entry_id, "category": template.category, "entities": [key], "aspects": list(template.aspects),
                   "questions": list(dict.fromkeys(questions)) if len(set(questions)) >= 2 else questions,
                   "keywords": keywords, "answer": moved(refigure(template.answer)),
                   "source": template.source.model_dump()})
        en[entry_id] = {"questions": [moved(q, old.en, entity.en) for q in template.en.questions],
                        "answer": moved(refigure(template.en.answer), old.en, entity.en).replace(old.name, name)}
    dump = {"allow_unicode": True, "sort_keys": False, "width": 1000}
    (faq_dir / "synthetic.yaml").write_text(yaml.safe_dump({"entries": zh}, **dump), encoding="utf-8")
    (faq_dir / "en" / "synthetic.yaml").write_text(yaml.safe_dump({"entries": en}, **dump), encoding="utf-8")


def questions() -> list[tuple[str, str, str | None]]:
    """(language, question, the entry that answers it where the dev and held-out sets say so)."""
    from bench import blindsets
    from tests.devset import load_devset

    asked = []
    for pattern in ("devset_*.yaml", "heldout.yaml"):
        in_scope, out_of_scope = load_devset(pattern)
        asked += [("zh", q, expected) for q, expected in in_scope] + [("zh", q, None) for q in out_of_scope]
    for stem, lang in (("faq", "zh"), ("en", "en")):
        data = blindsets.load(blindsets.BLIND / f"{stem}_blind.yaml") or {"cases": []}
        asked += [(lang, case["q"], None) for case in data["cases"]]
    return asked


def top3(kb, lang: str, text: str) -> list[str]:
    return [m.entry.id for m in kb.reader_for(lang).read(text).ranked()[:3]]


def startup(faq_dir: Path, cache_dir: Path) -> tuple[float, int]:
    run = subprocess.run([sys.executable, "-c", STARTUP, str(faq_dir), str(cache_dir)], cwd=ROOT,
                         capture_output=True, text=True)
    if run.returncode:
        sys.exit(f"start-up failed: {run.stderr.strip().splitlines()[-1]}")
    elapsed, rss = run.stdout.split()
    return float(elapsed), int(rss)


def measure(faq_dir: Path) -> dict:
    """Latency in this process; start-up and memory in fresh ones (cold: an empty cache; warm: its second run)."""
    import faq.matcher
    from faq.knowledge_base import KnowledgeBase
    from faq.knowledge import load_cached

    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp)
        cold, _ = startup(faq_dir, cache)
        warm, rss = startup(faq_dir, cache)
        kb = KnowledgeBase(lambda: load_cached(faq_dir, cache_dir=cache), cache_dir=cache)
        asked = questions()
        answer_path(kb, "zh", "小镇在哪里")
        latencies, cpu, chosen = [], [], []
        for lang, text, _ in asked:
            start, started = time.perf_counter(), time.process_time()
            best, _ = answer_path(kb, lang, text)
            latencies.append(time.perf_counter() - start)
            cpu.append(time.process_time() - started)
            chosen.append(best.entry.id if best else None)
        agree = None
        if len(kb.knowledge.faq) >= faq.matcher.SCALE:
            scale, faq.matcher.SCALE = faq.matcher.SCALE, len(kb.knowledge.faq) + 1
            try:
                full = KnowledgeBase(lambda: load_cached(faq_dir, cache_dir=cache), cache_dir=cache)
            finally:
                faq.matcher.SCALE = scale
            agree = {"top": 0, "top3": 0, "better": 0, "worse": 0}
            for (lang, text, expected), ours in zip(asked, chosen):
                theirs, _ = answer_path(full, lang, text)
                theirs = theirs.entry.id if theirs else None
                agree["top"] += ours == theirs
                agree["top3"] += top3(kb, lang, text) == top3(full, lang, text)
                if expected and ours != theirs:          # where they differ, which one answers right
                    agree["better"] += ours == expected
                    agree["worse"] += theirs == expected
    return {"entries": len(kb.knowledge.faq), "p50": pct(latencies, 50), "p99": pct(latencies, 99),
            "cpu50": pct(cpu, 50), "cpu99": pct(cpu, 99), "cold": cold,
            "warm": warm, "rss": rss, "agree": agree, "asked": len(asked)}


def main() -> None:
    from faq.knowledge import FAQ_DIR

    size = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    rows = [measure(FAQ_DIR)]
    with tempfile.TemporaryDirectory() as tmp:
        synthetic_faq(size, Path(tmp))
        rows.append(measure(Path(tmp)))
    print("bars: FAQ p99 < 5 ms at both sizes; start-up (warm cache) < 1.5 s; RSS < 150 MB today, < 250 MB at 10,000")
    print(f"{'entries':>8} {'p50 ms':>8} {'p99 ms':>8} {'CPU p50':>8} {'CPU p99':>8} {'start-up cold s':>16} "
          f"{'warm s':>7} {'RSS MB':>7}  "
          f"as full scoring: top answer, top 3; where the top answer differs, right only here / only there")
    for r in rows:
        a, n = r["agree"], r["asked"]
        agree = f"{a['top']}/{n}, {a['top3']}/{n}; {a['better']} / {a['worse']}" if a else "(full scoring)"
        print(f"{r['entries']:>8} {r['p50'] * 1000:>8.2f} {r['p99'] * 1000:>8.2f} {r['cpu50'] * 1000:>8.2f} "
              f"{r['cpu99'] * 1000:>8.2f} {r['cold']:>16.2f} "
              f"{r['warm']:>7.2f} {r['rss'] / 2**20:>7.0f}  {agree}")


if __name__ == "__main__":
    main()
