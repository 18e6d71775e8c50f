"""Matches an enterprise's self-description ("我们是外资保险公司，准备设科技保险专营机构", or a stored
profile) against every measure: who benefits, thresholds against the figures it gives, and which
measures its plans name.
"""
from __future__ import annotations

from dataclasses import dataclass

from policy_data.engine import Outcome, evaluate
from policy_data.extract import beneficiary_types, facts_for, normalise, read
from policy_data.loader import PolicyBook
from policy_data.render import below_tiers, check_line
from policy_data.schema import Measure


@dataclass(frozen=True)
class Fit:
    outcome: Outcome
    planned: bool                 # the description names this measure (its keywords)


@dataclass(frozen=True)
class Misfit:
    measure: Measure
    reason: str
    outcome: Outcome | None = None       # the figures that failed (None: the measure is for other types)


@dataclass(frozen=True)
class Suitability:
    """What a description of an enterprise reads as (its kinds), the measures it fits and those it does not."""
    types: list[str]
    fits: list[Fit]
    misfits: list[Misfit]


def match(book: PolicyBook, description: str) -> Suitability:
    types = beneficiary_types(description, book)
    reading = read(description, book)
    reach = set().union(*(book.ancestors(t) for t in types)) if types else set()
    fits, misfits = [], []
    for measure in book.measures:
        if not reach & set(measure.beneficiaries):
            who = "、".join(book.types[b].label for b in measure.beneficiaries)
            misfits.append(Misfit(measure, f"面向{who}"))
            continue
        if any(normalise(w) in reading.text for w in measure.not_when):      # "分行" is no headquarters
            misfits.append(Misfit(measure, f"面向{measure.beneficiary}"))
            continue
        facts = facts_for(book, measure, reading)
        named = {k: v for k, v in facts.values.items() if k not in facts.assumed}   # only figures given by name
        outcome = evaluate(measure, named, ask_thresholds=False)
        if outcome.failed or outcome.below_tiers:
            reason = check_line(measure, outcome.failed[0]) if outcome.failed else below_tiers(outcome)
            misfits.append(Misfit(measure, reason, outcome))
        else:
            fits.append(Fit(outcome, measure.id in reading.scores))
    # A measure for the asker's own kind comes before one for all financial institutions (or any company).
    own = {t for t in types if not book.types[t].generic} or set(types)
    fits.sort(key=lambda f: (not f.planned, not own & set(f.outcome.measure.beneficiaries), f.outcome.measure.article))
    return Suitability(types, fits, misfits)
