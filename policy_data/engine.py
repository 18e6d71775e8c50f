"""Turns a measure and the figures known so far into an Outcome: thresholds checked, the rule applied
(fixed, rate × base, tiers, per item), caps applied. Pure Decimal arithmetic, no text parsing, no
knowledge of any particular measure.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from policy_data.schema import Cap, Condition, FixedRule, ItemRule, Measure, RateRule, TieredRule, Tier


@dataclass(frozen=True)
class Check:
    condition: Condition
    value: Decimal

    @property
    def passed(self) -> bool:
        c = self.condition
        if c.at_least is not None:
            return self.value >= c.at_least
        if c.more_than is not None:
            return self.value > c.more_than
        return self.value <= c.at_most


@dataclass(frozen=True)
class Outcome:
    measure: Measure
    facts: dict[str, Decimal]
    checks: list[Check] = field(default_factory=list)          # thresholds that had a figure
    open_conditions: list[Condition] = field(default_factory=list)   # still to confirm
    missing: list[str] = field(default_factory=list)           # rule inputs still needed
    gross: Decimal | None = None                               # before caps
    amount: Decimal | None = None                              # after caps
    cap: Cap | None = None                                     # the cap that bit
    caps_kept: list[Cap] = field(default_factory=list)         # caps not reached
    tier: Tier | None = None
    below_tiers: bool = False

    @property
    def failed(self) -> list[Check]:
        return [c for c in self.checks if not c.passed]

    @property
    def status(self) -> str:
        """"fail" (a threshold not met), "missing" (a figure needed), "unquantified", or "ok"."""
        if self.failed or self.below_tiers:
            return "fail"
        if self.missing:
            return "missing"
        return "unquantified" if self.measure.rule.type == "unquantified" else "ok"


def _apply_caps(gross: Decimal, caps: list[Cap]) -> tuple[Decimal, Cap | None, list[Cap]]:
    binding = min((c for c in caps if c.amount < gross), key=lambda c: c.amount, default=None)
    kept = [c for c in caps if c.amount >= gross]
    return (binding.amount if binding else gross), binding, kept


def derive(measure: Measure, facts: dict[str, Decimal]) -> dict[str, Decimal]:
    """The figures a measure's growth rule derives: the growth rate and the part above its line, from last
    year's figure and this year's (or the growth rate). Nothing is derived from a last-year figure ≤ 0."""
    g = measure.growth
    if g is None or g.last not in facts or facts[g.last] <= 0:
        return {}
    last = facts[g.last]
    if g.this in facts:
        this = facts[g.this]
        rate = (this - last) / last
    elif g.rate in facts:
        rate = facts[g.rate]
        this = last * (1 + rate)
    else:
        return {}
    return {g.this: this, g.rate: rate, g.excess: this - last * (1 + g.over)}


def evaluate(measure: Measure, facts: dict[str, Decimal], *, ask_thresholds: bool = True) -> Outcome:
    """With `ask_thresholds` (a question about the asker's own case) a threshold without its figure is asked
    for; without it (a question about the rule) the threshold stays a condition to confirm."""
    facts = {k: v for k, v in facts.items() if any(i.key == k for i in measure.inputs)}
    facts |= derive(measure, facts)
    checks, open_conditions = [], []
    for condition in measure.conditions:
        if condition.input and condition.input in facts:
            checks.append(Check(condition, facts[condition.input]))
        else:
            open_conditions.append(condition)
    if any(not c.passed for c in checks):
        return Outcome(measure, facts, checks, open_conditions)      # not eligible: no amount
    rule, result = measure.rule, {}
    if isinstance(rule, FixedRule):
        result = {"gross": rule.amount}
    elif isinstance(rule, RateRule):
        if rule.base in facts:
            result = {"gross": facts[rule.base] * rule.rate}
        else:
            result = {"missing": [rule.base]}
    elif isinstance(rule, TieredRule):
        if rule.input in facts:
            reached = [t for t in rule.tiers if facts[rule.input] >= t.at_least]
            result = {"tier": reached[-1], "gross": reached[-1].amount} if reached else {"below_tiers": True}
        else:
            result = {"missing": [rule.input]}
    elif isinstance(rule, ItemRule):
        counted = [i for i in rule.items if i.input in facts]
        if counted:
            result = {"gross": sum((facts[i.input] * i.amount for i in counted), Decimal(0))}
        else:
            result = {"missing": [i.input for i in rule.items]}
    if ask_thresholds and rule.type != "unquantified":     # a threshold without its figure decides: ask
        g = measure.growth        # a positive part above the growth line says the growth condition holds
        implied = {g.rate} if g and facts.get(g.excess, Decimal(0)) > 0 else set()
        unknown = [c.input for c in open_conditions
                   if c.input and c.input not in implied and c.input not in result.get("missing", [])]
        result["missing"] = [*result.get("missing", []), *dict.fromkeys(unknown)]
        if result["missing"]:
            result.pop("gross", None)
            result.pop("tier", None)
    outcome = Outcome(measure, facts, checks, open_conditions, **{k: v for k, v in result.items() if k != "gross"})
    if "gross" not in result:
        return outcome
    amount, cap, kept = _apply_caps(result["gross"], measure.caps)
    return Outcome(measure, facts, checks, open_conditions, gross=result["gross"], amount=amount, cap=cap,
                   caps_kept=kept, tier=result.get("tier"))


def settled(measure: Measure, facts: dict[str, Decimal], ends: dict[str, tuple[Decimal, Decimal]], *,
            ask_thresholds: bool = True) -> Outcome | None:
    """The outcome for figures known only within ends ("30到40亿", "约150亿") when every corner of them gives
    the same result (status and amount); None when the ends disagree, so that only an exact figure decides."""
    corners = [facts]
    for key, (low, high) in ends.items():
        corners = [c | {key: end} for c in corners for end in (low, high)]
    outcomes = [evaluate(measure, c, ask_thresholds=ask_thresholds) for c in corners]
    if len({(o.status, o.amount) for o in outcomes}) > 1:
        return None
    inside = all(low <= facts[key] <= high for key, (low, high) in ends.items())   # "将近200亿" is below 200亿
    return evaluate(measure, facts, ask_thresholds=ask_thresholds) if inside else outcomes[0]


def ceiling(measure: Measure) -> Decimal | None:
    """The most the measure can give whatever the figures, when the document bounds it; else None."""
    rule = measure.rule
    caps = [c.amount for c in measure.caps]
    if isinstance(rule, FixedRule):
        return min([rule.amount, *caps])
    if isinstance(rule, TieredRule):
        return min([rule.tiers[-1].amount, *caps])
    return min(caps) if caps else None
