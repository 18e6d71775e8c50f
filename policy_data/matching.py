"""Matches an enterprise's self-description ("我们是外资保险公司，准备设科技保险专营机构", or a stored
profile) against every measure: who benefits, thresholds against the figures it gives, and which
measures its plans name.

A measure is priced only on a figure given by the name of its own base (the cue beside it), in RMB, and
only when the description states the conditions that words decide (新设, 向社会募集…); otherwise it "may
fit if…". Several items of one measure ("两家…每家实收资本10亿") are priced one by one and added up.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from faq.gazetteer import scan
from policy_data.engine import Outcome, evaluate, settled
from policy_data.extract import (Reading, compatible, figure_blocks, figure_gap, cue_index, beneficiary_types, facts_for,
                                 normalise, read)
from policy_data.items import items
from policy_data.loader import PolicyBook
from policy_data.render import below_tiers, check_line
from policy_data.schema import Condition, Measure

# A condition requiring a new institution ("经国家金融管理部门批准新设立") that names no words of its own
# (ask_unless) is stated by the words of policy_words.yaml's list `newly`.
NEW_CONDITION = "新设"


@dataclass(frozen=True)
class Fit:
    outcome: Outcome
    planned: bool                 # the description names this measure (its keywords)
    items: list[Outcome] = field(default_factory=list)     # several items, each priced with its own caps
    unstated: list[Condition] = field(default_factory=list)  # conditions the description leaves open: "may fit if"
    foreign: list[str] = field(default_factory=list)   # inputs given in another currency: asked for in RMB

    @property
    def given(self) -> bool:
        """The description gives the figure the measure's amount is computed on."""
        return self.outcome.status == "ok" and any(k in self.outcome.facts for k in self.outcome.measure.rule_inputs())

    @property
    def priced(self) -> bool:
        return self.given and not self.unstated and not self.foreign

    @property
    def total(self) -> Decimal | None:
        if not self.priced:
            return None
        return sum((o.amount for o in self.items if o.status == "ok"), Decimal(0)) if self.items else self.outcome.amount


@dataclass(frozen=True)
class Misfit:
    measure: Measure
    reason: str
    outcome: Outcome | None = None       # the figures that failed (None: the measure is for other types)
    denied: list[Condition] = field(default_factory=list)   # conditions the description's own words rule out
    said: list[str] = field(default_factory=list)           # those words, as clauses of the description


@dataclass(frozen=True)
class Suitability:
    """What a description of an enterprise reads as (its kinds), the measures it fits and those it does not."""
    types: list[str]
    fits: list[Fit]
    misfits: list[Misfit]
    currency: str | None = None          # the other currency a figure is given in ("美元")


def _deciding(book: PolicyBook, condition: Condition) -> tuple[str, ...]:
    if condition.ask_unless:
        return tuple(condition.ask_unless)
    return tuple(book.words["newly"]) if NEW_CONDITION in condition.text else ()


def _said(word: str, text: str) -> bool:
    return bool(re.search(rf"\b{re.escape(word)}\b", text)) if word.isascii() else normalise(word) in text


def _stated(book: PolicyBook, condition: Condition, text: str) -> bool:
    words = _deciding(book, condition)
    return not words or any(_said(w, text) for w in words)      # without words: left to confirm, as the reply says


def _denying(book: PolicyBook, condition: Condition, clauses: list[str]) -> list[str]:
    """The clauses ruling the condition out ("不是新设的"): each of its alternatives ("新设立，或者首次实现…")
    needs a denial of its own, in a clause naming one of its deciding words."""
    denials = [c for c in clauses if any(_said(w, normalise(c)) for w in _deciding(book, condition))]
    return list(dict.fromkeys(denials)) if len(denials) >= condition.text.count("或") + 1 else []


def _foreign(reading: Reading, currency: re.Pattern) -> dict[int, str]:
    """Figures written in another currency ("20亿美元", "港币5000万") → that currency."""
    found = {}
    for n, f in enumerate(reading.figures):
        if f.kind not in ("money", "number"):
            continue
        before = reading.text[max(0, f.start - 6):f.start].rstrip()
        if m := currency.match(reading.text[f.end:].lstrip()):
            found[n] = m.group(0)
        elif ends := [m for m in currency.finditer(before) if m.end() == len(before)]:
            found[n] = ends[-1].group(0)
    return found


def _owners(book: PolicyBook, reading: Reading) -> dict[int, str]:
    """Each figure's nearest cue word among every measure's ("募集资金20亿补充实收资本": 募集资金, not the 实收资本
    inside 补充实收资本)."""
    text, found = reading.text, reading.figures
    hits = scan(text, cue_index(book)["cues"], figure_blocks(text, found))
    owners = {}
    for n, fig in enumerate(found):
        near = [((gap[0], gap[1] != ("after" if inp.kind == "count" else "before"), start - end), text[start:end])
                for start, end, inp in hits if (gap := figure_gap(text, fig, start, end)) and compatible(fig, inp, by_cue=True)]
        if near:
            owners[n] = min(near)[1]
    return owners


def _values(book: PolicyBook, measure: Measure, reading: Reading, owners: dict[int, str], foreign: dict[int, str]):
    """The figures given by name for the measure (beside a cue of its own), the ends of those known only loosely,
    and the inputs whose figure is in another currency (left out)."""
    facts = facts_for(book, measure, reading)
    named, ends, abroad = {}, {}, []
    for key, value in facts.values.items():
        cues = {normalise(c) for c in measure.input(key).cues}
        own = [(n, f) for n, f in enumerate(reading.figures) if owners.get(n) in cues and f.value is not None]
        if key in facts.assumed or not any(f.value == value or f.loose for _, f in own):
            continue                     # a figure without a cue, or another base's
        if any(n in foreign for n, _ in own) and measure.input(key).kind == "money":
            abroad.append(key)
            continue
        low = min(f.low if f.loose else f.value for _, f in own)
        high = max(f.high if f.loose else f.value for _, f in own)
        named[key] = value
        if low != high:
            ends[key] = (low, high)
    return named, ends, abroad


def _outcome(measure: Measure, values: dict, ends: dict) -> Outcome | None:
    if not ends:
        return evaluate(measure, values, ask_thresholds=False)
    return settled(measure, values, ends, ask_thresholds=False)


def _items(measure: Measure, reading: Reading, values: dict) -> list[Outcome]:
    keys = measure.rule_inputs()
    common = {k: v for k, v in values.items() if k not in keys}
    listed = items(measure, reading, common) if any(k in values for k in keys) else None
    return [evaluate(measure, v, ask_thresholds=False) for v in listed or []]


def match(book: PolicyBook, description: str, typed: str = "") -> Suitability:
    """`typed`: the words as the user wrote them, when `description` is their translation (English, its other
    currencies marked 外币)."""
    types = beneficiary_types(description, book)
    reading = read(description, book)
    clauses = book.ruled_out_clauses(reading.text, False)
    written = book.ruled_out_clauses(typed, True) if typed and normalise(typed) != normalise(description) else []
    clauses += written                   # a translation drops the "not": then only the words as written state anything
    words = normalise(typed) if written else f"{normalise(typed)} {reading.text}"
    for clause in clauses:               # "不是新设的" does not state 新设
        words = words.replace(normalise(clause), " ")
    foreign, owners = _foreign(reading, book.foreign()), _owners(book, reading)
    reach = set().union(*(book.ancestors(t) for t in types)) if types else set()
    fits, misfits = [], []
    for measure in book.measures:
        if not reach & set(measure.beneficiaries):
            who = "、".join(book.types[b].label for b in measure.beneficiaries)
            misfits.append(Misfit(measure, f"面向{who}"))
            continue
        if any(book.says(reading.text, normalise(w)) for w in measure.not_when):      # "分行" is no headquarters
            misfits.append(Misfit(measure, f"面向{measure.beneficiary}"))
            continue
        named, ends, abroad = _values(book, measure, reading, owners, foreign)
        outcome = _outcome(measure, named, ends) or evaluate(measure, {}, ask_thresholds=False)
        if outcome.failed or outcome.below_tiers:
            reason = check_line(measure, outcome.failed[0]) if outcome.failed else below_tiers(outcome)
            misfits.append(Misfit(measure, reason, outcome))
            continue
        denied = [(c, said) for c in outcome.open_conditions if (said := _denying(book, c, clauses))]
        if denied:
            misfits.append(Misfit(measure, "；".join(c.text for c, _ in denied), denied=[c for c, _ in denied],
                                  said=list(dict.fromkeys(w for _, said in denied for w in said))))
            continue
        unstated = [c for c in outcome.open_conditions if not _stated(book, c, words)]
        listed = _items(measure, reading, named) if outcome.status == "ok" and not ends else []
        fits.append(Fit(outcome, measure.id in reading.scores, listed if len(listed) > 1 else [], unstated, abroad))
    # A measure for the asker's own kind comes before one for all financial institutions (or any company), and
    # among those for all, one whose wording names the kind ("银行、证券、保险等金融机构").
    own = {t for t in types if not book.types[t].generic} or set(types)
    named = [w for t in own for w in book.types[t].words]
    fits.sort(key=lambda f: (not (f.given or f.foreign), not f.planned, not own & set(f.outcome.measure.beneficiaries),
                             not any(w in f.outcome.measure.beneficiary for w in named), f.outcome.measure.article))
    return Suitability(types, fits, misfits, next(iter(foreign.values()), None))


def gives_own_figure(book: PolicyBook, description: str) -> bool:
    """"我们基金公司管理规模突破250亿": a figure named by a cue of a measure for the kind the description names."""
    types = beneficiary_types(description, book)
    reach = set().union(*(book.ancestors(t) for t in types)) if types else set()
    cues = {normalise(c) for m in book.measures if reach & set(m.beneficiaries) for i in m.inputs for c in i.cues}
    return any(owner in cues for owner in _owners(book, read(description, book)).values())


PART_BREAK = re.compile(r"另外|此外|另有|；|;")
# Clauses and "和" part a message too when each part is another institution's ("征信机构服务量250万次，旗下评级机构
# 评级1200笔"); a clause naming no measure is the question ("合计多少").
CLAUSE_BREAK = re.compile(r"另外|此外|另有|[；;，,。]|和")


def parts(book: PolicyBook, text: str) -> list[Outcome] | None:
    """"新设金融总部实收资本10亿，另外新设了金融科技子公司实收资本1亿": each part names one measure and gives its
    base figure by name (a fixed amount, none at all), and is priced on its own; None unless every part is. Parted
    by clauses instead, the measures must be for different institutions (two projects of one kind are not told
    apart from one project meeting two measures)."""
    outcomes = _priced_parts(book, text, [p for p in PART_BREAK.split(normalise(text)) if p.strip(" ，,。")])
    if outcomes is not None:
        return outcomes
    clauses = [p for p in CLAUSE_BREAK.split(normalise(text)) if read(p, book).candidates()]
    outcomes = _priced_parts(book, text, clauses)
    return outcomes if outcomes and len({tuple(o.measure.beneficiaries) for o in outcomes}) == len(outcomes) else None


def _priced_parts(book: PolicyBook, text: str, pieces: list[str]) -> list[Outcome] | None:
    if len(pieces) < 2:
        return None
    outcomes = []
    for piece in pieces:
        reading = read(piece, book)
        if len(reading.candidates()) != 1:
            return None
        measure = book.measure(reading.candidates()[0])
        named, ends, _ = _values(book, measure, reading, _owners(book, reading), {})
        outcome = evaluate(measure, named)
        fixed = not measure.rule_inputs() and not reading.figures       # "三家企业…上市": several, not one fixed sum
        if ends or not (named or fixed) or outcome.status != "ok" or any(
                not c.ask_unless and not _stated(book, c, normalise(text)) for c in outcome.open_conditions):
            return None
        outcomes.append(outcome)
    return outcomes if len({o.measure.id for o in outcomes}) == len(outcomes) else None
