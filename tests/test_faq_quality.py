"""The evaluation sets are sound (accuracy figures are printed by bench/bench_faq.py, not asserted here)."""
from __future__ import annotations

from tests.devset import load_devset


def test_devset_is_big_enough():
    in_scope, out_of_scope = load_devset()
    assert len(in_scope) >= 200 and len(out_of_scope) >= 30


def test_evaluation_questions_are_not_stored_phrasings(kb):
    stored = {q for e in kb.knowledge.faq for q in e.questions}
    for pattern in ("devset_*.yaml", "heldout.yaml"):
        in_scope, _ = load_devset(pattern)
        assert in_scope and not [q for q, _ in in_scope if q in stored]


def test_evaluation_ids_exist(kb):
    ids = {e.id for e in kb.knowledge.faq}
    for pattern in ("devset_*.yaml", "heldout.yaml"):
        assert {i for _, i in load_devset(pattern)[0]} <= ids


async def test_number_bearing_question_picks_the_entry_holding_the_number(kb):
    best = kb.faq.best("2022年底小镇有多少家金融机构")
    assert "356" in best.entry.answer
