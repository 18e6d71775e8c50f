"""Loads the FAQ question sets in tests/data/ (dev sets and the held-out set), shared by tests and the bench."""
from __future__ import annotations

from pathlib import Path

import yaml

DATA = Path(__file__).resolve().parent / "data"


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
