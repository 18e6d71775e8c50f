"""Scoring the blind and sealed sets (tests/data/blind, tests/data/sealed), written from the source
documents alone by authors who never saw the knowledge or the matcher.

A case is judged on the reply a user would see, never on entry ids the authors could not know:
- answer / policy: an answer (not a fallback or a question back) holding every expected token;
- out_of_scope: an honest "the documents don't say" (intent fallback); an answer instead is a wrong answer;
- clarify: anything but a stated fact (the bot asks);
- amount: the amount the reply concludes with equals the hand computation; ask / not_eligible: no amount.
A stated amount that differs from the expected one (or any amount where none is due) is a wrong amount.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import yaml

from tests.devset import final_amount

ROOT = Path(__file__).resolve().parent.parent
BLIND, SEALED = ROOT / "tests" / "data" / "blind", ROOT / "tests" / "data" / "sealed"
NOT_ANSWERS = ("fallback", "clarify")


def load(path: Path) -> dict | None:
    return yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else None


def _numbered(folder: Path, stem: str, kind: str) -> list[tuple[int, Path]]:
    """`{stem}_{kind}.yaml` as number 1, then `{stem}_{kind}N.yaml` in number order."""
    found = [(1, folder / f"{stem}_{kind}.yaml")]
    found += sorted((int(p.stem.removeprefix(f"{stem}_{kind}")), p) for p in folder.glob(f"{stem}_{kind}[0-9]*.yaml"))
    return found


def sets(stem: str):
    """(name, data, readable) for each blind and sealed set of `stem` (faq, policy, en); the sealed ones are read
    for aggregates only (readable False). A missing first set is reported; numbered ones are optional."""
    for folder, kind, readable in ((BLIND, "blind", True), (SEALED, "sealed", False)):
        for number, path in _numbered(folder, stem, kind):
            name = kind if number == 1 else f"{kind} {number}"
            name += "" if readable else " (aggregate only)"
            data = load(path)
            if data is None:
                if number == 1:
                    print(f"{name:<26} (no set at {path.relative_to(ROOT)})")
                continue
            yield name, data, readable


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).lower()


def holds(text: str, expect: list[str]) -> bool:
    flat = _flat(text)
    return all(any(_flat(alt) in flat for alt in str(token).split("|")) for token in expect)


@dataclass
class Tally:
    counts: Counter = field(default_factory=Counter)     # (kind, verdict) → n
    misses: list[tuple] = field(default_factory=list)

    def add(self, kind: str, verdict: str, case: dict, reply) -> None:
        self.counts[(kind, verdict)] += 1
        if verdict != "ok":
            self.misses.append((kind, verdict, case["q"], reply.intent, reply.text[:60].replace("\n", " ")))

    def rate(self, *kinds: str) -> tuple[int, int]:
        total = sum(n for (k, _), n in self.counts.items() if k in kinds)
        ok = sum(n for (k, v), n in self.counts.items() if k in kinds and v == "ok")
        return ok, total

    def wrong(self, verdict: str) -> int:
        return sum(n for (_, v), n in self.counts.items() if v == verdict)


def judge(case: dict, reply) -> str:
    """'ok', 'miss' (no answer where one was due), 'wrong' (a confident answer about something else) or
    'wrong-amount'."""
    kind = case["kind"]
    amount = final_amount(reply.text) if reply.intent == "calc" else None
    if kind in ("answer", "policy"):
        if reply.intent in NOT_ANSWERS:
            return "miss"
        return "ok" if holds(reply.text, case.get("expect", [])) else "wrong"
    if kind == "out_of_scope":
        return "ok" if reply.intent == "fallback" else "wrong"
    if kind == "clarify":
        return "ok" if reply.intent != "faq" else "wrong"
    if kind == "amount":
        if amount is None:
            return "miss"
        return "ok" if amount == Decimal(str(case["amount"])) else "wrong-amount"
    if kind in ("ask", "not_eligible"):
        return "wrong-amount" if amount is not None else "ok"
    raise ValueError(f"unknown kind {kind!r}")


async def run_cases(router, cases: list[dict], tally: Tally, user: str, latencies: list[float] | None = None) -> None:
    import time

    from bot.messages import Incoming
    for n, case in enumerate(cases):
        msg = Incoming("console", f"{user}{n}", f"{user}{n}", text=case["q"])
        start = time.perf_counter()
        reply = await router.handle(msg)
        if latencies is not None:
            latencies.append(time.perf_counter() - start)
        tally.add(case["kind"], judge(case, reply), case, reply)


async def run_conversations(router, conversations: list[dict], tally: Tally, user: str) -> None:
    """Each conversation is one user; the first turn is scored as 'opening', the rest as 'follow-up'."""
    from bot.messages import Incoming
    for n, conv in enumerate(conversations):
        for t, turn in enumerate(conv["turns"]):
            reply = await router.handle(Incoming("console", f"{user}c{n}", f"{user}c{n}", text=turn["q"]))
            tally.add("opening" if t == 0 else "follow-up", judge(turn, reply), turn, reply)
