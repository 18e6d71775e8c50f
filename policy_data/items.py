"""Totals over several items of one measure: "3个项目分别融资2亿、6亿、15亿", "2024年6张，2025年2张",
"3家科技支行都被认定". Each item is computed on its own, with its own caps (per project, per institution,
per year), and the amounts are added; anything less clear is left to the quick-check to ask about.
"""
from __future__ import annotations

import re
from decimal import Decimal

from policy_data.amounts import Figure
from policy_data.extract import BRACKETED, Reading, normalise
from policy_data.schema import Measure

TOTAL = re.compile(r"一共|合计|总共|共计|加起来|都|分别|各")
EACH = re.compile(r"各|每家|每个")           # "三个项目各引入12亿", "两家金融总部，每家实收资本10亿"
YEAR_MARK = re.compile(r"20\d\d年|(?<![\d.])[12]\d年|第[一二三四五1-5]年|今年|去年|前年")
MAX_ITEMS = 20
CLAUSE_END = re.compile(r"[,，.。;；!！?？、]")


def items(measure: Measure, reading: Reading, common: dict[str, Decimal]) -> list[dict[str, Decimal]] | None:
    """The figures of each item (with `common`, the figures every item shares), or None when the question
    is not plainly about several items."""
    text = reading.text
    keys = measure.rule_inputs()
    how_many = [int(f.value) for f in reading.figures if f.kind == "count" and f.unit in ("家", "个") and f.value
                and 2 <= f.value <= MAX_ITEMS and f.value == int(f.value)]
    counts = _not_restated(reading, [f for f in reading.figures if f.kind == "count" or _bare_count(measure, reading, f)])
    if not keys and measure.rule.type == "fixed" and counts and all(counts_its_items(measure, reading, f) for f in counts):
        total = sum(f.value for f in counts)          # "2家科技支行…另外1家科创保险专营机构": one sum per item
        return [dict(common) for _ in range(int(total))] if 2 <= total <= MAX_ITEMS and total == int(total) else None
    if measure.growth or not (TOTAL.search(text) or EACH.search(text)):
        return None
    years = len(set(YEAR_MARK.findall(text)))
    if years >= 2 and any(c.years_unclear for c in measure.caps):
        return None            # "去年募资10亿，今年又募资5亿": whether the 单家 cap is once or each time is not said
    if len(keys) == 1:
        kind = measure.input(keys[0]).kind
        values = [f.value for f in reading.figures if f.kind == kind and f.value is not None and f.value > 0]
        if len(values) > 1 and re.search(r"各\s*[\d一二两三四五六七八九十]", text):
            return None        # "10亿用于两个项目，各5亿": a total beside the items leaves it open
        listed = kind == "money" and ("分别" in text or "各" in text or how_many == [len(values)])
        if 2 <= len(values) <= MAX_ITEMS and (years >= 2 or listed) and TOTAL.search(text):
            return [common | {keys[0]: v} for v in values]
        if kind == "money" and len(values) == 1 and len(how_many) == 1 and EACH.search(text):
            return [common | {keys[0]: values[0]} for _ in range(how_many[0])]     # "三个项目各引入12亿"
        return None
    if not keys and measure.rule.type == "fixed" and (own := _each_own_threshold(measure, reading, how_many)):
        key, values = own       # "两家金融科技子公司，实收资本分别3000万和1亿": each item meets its threshold or not
        return [common | {key: v} for v in values]
    if not keys and measure.rule.type == "fixed" and len(how_many) == 1 and len(counts) == 1:
        return [dict(common) for _ in range(how_many[0])]
    return None


def _each_own_threshold(measure: Measure, reading: Reading, how_many: list[int]) -> tuple[str, list[Decimal]] | None:
    """A fixed sum paid above one money threshold, and one figure of that kind per item, listed or as many as the
    items counted."""
    keys = {c.input for c in measure.conditions if c.input and measure.input(c.input).kind == "money"}
    values = [f.value for f in reading.figures if f.kind == "money" and f.value is not None and f.value > 0]
    if len(keys) != 1 or not 2 <= len(values) <= MAX_ITEMS:
        return None
    listed = "分别" in reading.text or how_many == [len(values)]
    return (keys.pop(), values) if listed else None


ITEM_NOUNS = ("项目", "机构")


def _not_restated(reading: Reading, counts: list[Figure]) -> list[Figure]:
    """"两家…（两个机构）" says two once: a count in brackets with the value of a count outside them is left out."""
    inside = [(m.start(), m.end()) for m in BRACKETED.finditer(reading.text)]

    def bracketed(f: Figure) -> bool:
        return any(s <= f.start and f.end <= e for s, e in inside)
    outside = {f.value for f in counts if not bracketed(f)}
    return [f for f in counts if not (bracketed(f) and f.value in outside)]


def _bare_count(measure: Measure, reading: Reading, fig: Figure) -> bool:
    """"3 科创银行 专营机构", as an English question reads ("3 sci-tech bank specialised institutions"): a whole
    number right before the measure's own words counts them."""
    if fig.kind != "number" or fig.value is None or fig.value != int(fig.value) or not 2 <= fig.value <= MAX_ITEMS:
        return False
    after = reading.text[fig.end:].lstrip()
    return any(after.startswith(normalise(k)) for k in measure.keywords)


def counts_its_items(measure: Measure, reading: Reading, count: Figure) -> bool:
    """The count counts what the measure pays for, one sum each: the measure is for each project or institution
    (its beneficiary is one), and the count's noun, in its clause, is that ("3个共同富裕项目") or one of the
    measure's own words ("3家科技支行"). A sum for whoever holds the items (REITs' 权益人) is not counted."""
    if count.value is None or count.unit not in ("家", "个") and not _bare_count(measure, reading, count):
        return False
    return _names_its_items(measure, reading.text, count.start, count.end)


def item_noun(measure: Measure) -> str | None:
    """The noun of what the measure pays one sum for ("机构", "项目"), when it pays per item."""
    return next((w for w in ITEM_NOUNS if measure.beneficiary.endswith(w)), None)


def item_unit(noun: str) -> str:
    return "家" if noun == "机构" else "个"


def _names_its_items(measure: Measure, text: str, start: int, end: int) -> bool:
    """The count at start:end has for its noun, in its clause, what the measure pays for ("3个共同富裕项目") or one
    of the measure's own words ("3家科技支行", "科创专营机构1家")."""
    holder = item_noun(measure)
    if holder is None:
        return False
    noun = CLAUSE_END.split(text[end:], maxsplit=1)[0][:12]
    before = CLAUSE_END.split(text[:start])[-1]          # "科创专营机构1家+…": the noun said first
    return holder in noun or any(normalise(k) in noun for k in measure.keywords) \
        or before.endswith(holder) or any(before.endswith(normalise(k)) for k in measure.keywords)


def unknown_count(measure: Measure, reading: Reading, vague: re.Pattern) -> str | None:
    """"科创专营机构几家通过认定了": the words of a count not given ("几家") of the items a fixed sum is paid for,
    each, when no count of them is given; the total depends on it."""
    if measure.rule_inputs() or measure.rule.type != "fixed" or any(
            f.kind == "count" and f.value is not None and counts_its_items(measure, reading, f) for f in reading.figures):
        return None
    return next((m.group(0) for m in vague.finditer(reading.text)
                 if _names_its_items(measure, reading.text, m.start(), m.end())), None)
