"""The question sets in tests/data/ (FAQ dev sets, the held-out set, the quick-check dev set) and how a
quick-check reply is judged: shared by tests and the benches (benches import this, never the other way)."""
from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import yaml

from policy_data.amounts import figures, parse_quantity
from policy_data.render import heading

DATA = Path(__file__).resolve().parent / "data"
CALC_DEVSET = DATA / "calc_devset.yaml"


def load_devset(pattern: str = "devset_*.yaml") -> tuple[list[tuple[str, str]], list[str]]:
    """(in-scope (question, expected entry id) pairs, out-of-scope questions). The dev sets guided tuning;
    `load_devset("heldout.yaml")` is a set written separately, for an estimate on unseen wording."""
    in_scope: list[tuple[str, str]] = []
    out_of_scope: list[str] = []
    for path in sorted(DATA.glob(pattern)):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        in_scope += [(item["q"], item["id"]) for item in data.get("in_scope", [])]
        out_of_scope += list(data.get("out_of_scope", []))
    return in_scope, out_of_scope


def load_calc_devset() -> list[dict]:
    return yaml.safe_load(CALC_DEVSET.read_text(encoding="utf-8"))["questions"]


def final_amount(text: str) -> Decimal | None:
    """The amount the reply concludes with: the highest of several (就高不重复), else the last "可获 X" (in English
    "up to RMB … (X)", the Chinese amount in brackets)."""
    said = (re.findall(r"按最高一项计：(\S+?元)|highest one applies: RMB [^(]*\((\S+?元)\)", text)
            or re.findall(r"可获 (\S+?元)|(?:up to|can get) RMB [^(]*\((\S+?元)\) \(Art", text))
    said = ["".join(s) if isinstance(s, tuple) else s for s in said]
    if not said:
        return None
    found = figures(said[-1])
    return found[0].value if found else None


def calc_exact(item: dict, reply, book) -> bool:
    """True when the reply gives exactly the expected outcome for the quick-check dev-set item; an amount the
    article does not state is a "don't know" (intent fallback) that still says what the article does."""
    result = item.get("result", "amount")
    if reply.intent != ("fallback" if result == "unquantified" else "calc"):
        return False
    text = reply.text
    if "measure" in item and heading(book.measure(item["measure"])) not in text:
        return False
    if result == "ask":
        return "可获 " not in text and any(w in text for w in ("请告诉我", "请点选", "请补充"))
    if result == "fail":
        return "不符合" in text and "可获" not in text
    if result == "unquantified":
        return "文件未规定具体金额" in text and "可获" not in text
    return final_amount(text) == parse_quantity(item["amount"])
