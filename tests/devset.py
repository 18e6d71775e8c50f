"""Loads the held-out FAQ dev sets (tests/data/devset_*.yaml), shared by the quality test and the bench."""
from __future__ import annotations

from pathlib import Path

import yaml

DATA = Path(__file__).resolve().parent / "data"


def load_devset() -> tuple[list[tuple[str, str]], list[str]]:
    """(in-scope (question, expected entry id) pairs, out-of-scope questions)."""
    in_scope: list[tuple[str, str]] = []
    out_of_scope: list[str] = []
    for path in sorted(DATA.glob("devset_*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        in_scope += [(item["q"], item["id"]) for item in data.get("in_scope", [])]
        out_of_scope += list(data.get("out_of_scope", []))
    return in_scope, out_of_scope
