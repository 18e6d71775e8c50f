"""Words for outcomes and measures, the way a careful policy officer would put them: the arithmetic, the cap
that bit, the threshold that failed, "最高可获" where the document says "不超过", the article cited, and
the document's validity against today.
"""
from __future__ import annotations

from calendar import monthrange
from datetime import date
from decimal import Decimal

from bot.messages import Reply
from policy_data.amounts import fmt_count, fmt_money, fmt_money_en, fmt_rate
from policy_data.engine import Check, Outcome, ceiling
from policy_data.schema import Condition, FixedRule, Input, ItemRule, Measure, PolicyDoc, RateRule, TieredRule

EXAMPLES = {"money": "例如 10亿、8000万元", "count": "例如 2", "rate": "例如 8%", "rank": "例如 第3名"}
EXAMPLES_EN = {"money": "e.g. RMB 1 billion, 80 million", "count": "e.g. 2", "rate": "e.g. 8%", "rank": "e.g. 3rd"}


def reply(intent: str, text: str, *, confidence: float = 1.0, buttons=None, sources=None) -> Reply:
    return Reply(text, intent=intent, confidence=confidence, buttons=buttons or [], sources=sources or [])


def money(value: Decimal, lang: str = "zh") -> str:
    return fmt_money_en(value) if lang == "en" else fmt_money(value)


def fmt_value(inp: Input, value: Decimal, lang: str = "zh", unit: str = "") -> str:
    if inp.kind == "money":
        return money(value, lang)
    if inp.kind == "rate":
        return fmt_rate(value)
    if inp.kind == "rank":
        return f"No. {fmt_count(value)}" if lang == "en" else f"第{fmt_count(value)}名"
    return f"{fmt_count(value)} {unit}".strip() if lang == "en" else fmt_count(value, inp.unit)


def label(measure: Measure, key: str, lang: str = "zh") -> str:
    return measure.en.inputs[key].label if lang == "en" else measure.input(key).label


def _unit(measure: Measure, key: str, lang: str) -> str:
    return measure.en.inputs[key].unit if lang == "en" else measure.input(key).unit


def condition_text(measure: Measure, condition: Condition, lang: str = "zh") -> str:
    return measure.en.conditions[measure.conditions.index(condition)] if lang == "en" else condition.text


def _cap_label(measure: Measure, cap, lang: str) -> str:
    return measure.en.caps[measure.caps.index(cap)] if lang == "en" else cap.label


def title(measure: Measure, lang: str = "zh") -> str:
    return measure.en.title if lang == "en" else measure.title


def article(measure: Measure, lang: str = "zh") -> str:
    return f"Art. {measure.article}" if lang == "en" else f"第{measure.article}条"


def heading(measure: Measure, lang: str = "zh") -> str:
    if lang == "en":
        return f"[{article(measure, lang)} · {measure.en.title}]"
    return f"【{article(measure)} · {measure.title}】"


def gets(measure: Measure, lang: str = "zh") -> str:
    if lang == "en":
        return "up to" if measure.up_to else "can get"
    return "最高可获" if measure.up_to else "可获"


def _bound(measure: Measure, c: Condition, lang: str = "zh") -> str:
    inp, unit = measure.input(c.input), _unit(measure, c.input, lang)
    incl = " (inclusive)" if lang == "en" else "（含）"
    if c.at_least is not None:
        return f"{fmt_value(inp, c.at_least, lang, unit)}{incl}"
    if c.more_than is not None:
        return fmt_value(inp, c.more_than, lang, unit)
    if inp.kind == "rank":
        return f"the top {fmt_count(c.at_most)}" if lang == "en" else f"前{fmt_count(c.at_most)}名"
    return f"{fmt_value(inp, c.at_most, lang, unit)}{incl}"


def check_line(measure: Measure, check: Check, lang: str = "zh") -> str:
    c = check.condition
    inp = measure.input(c.input)
    bound = _bound(measure, c, lang)
    if lang == "en":
        seen = f"{label(measure, c.input, lang)} {fmt_value(inp, check.value, lang, _unit(measure, c.input, lang))}"
        if c.at_least is not None:
            said = f"{'reaches' if check.passed else 'does not reach'} the threshold of {bound}"
        elif c.more_than is not None:
            said = f"{'exceeds' if check.passed else 'does not exceed'} {bound}"
        else:
            said = f"{'is' if check.passed else 'is not'} within {bound}"
        return f"{seen}: {said} — {'meets the condition' if check.passed else 'does not qualify'}"
    seen = f"{inp.label}{fmt_value(inp, check.value)}"
    if c.at_least is not None:
        said = f"达到{bound}门槛" if check.passed else f"未达到{bound}门槛"
    elif c.more_than is not None:
        said = f"超过{bound}" if check.passed else f"未超过{bound}"
    else:
        said = f"在{bound}以内" if check.passed else f"不在{bound}以内"
    return f"{seen}，{said}，{'符合' if check.passed else '不符合'}"


def below_tiers(outcome: Outcome, lang: str = "zh") -> str:
    m = outcome.measure
    inp = m.input(m.rule.input)
    lowest = m.rule.tiers[0].at_least
    if lang == "en":
        unit = _unit(m, inp.key, lang)
        return (f"{label(m, inp.key, lang)} {fmt_value(inp, outcome.facts[inp.key], lang, unit)}: below the lowest "
                f"tier of {fmt_value(inp, lowest, lang, unit)} (inclusive) — does not qualify")
    return f"{inp.label}{fmt_value(inp, outcome.facts[inp.key])}，未达到{fmt_value(inp, lowest)}（含）门槛，不符合"


def _caps_part(outcome: Outcome, lang: str = "zh") -> str:
    m = outcome.measure
    if lang == "en":
        if outcome.cap:
            return f", above the {_cap_label(m, outcome.cap, lang)} of {fmt_money_en(outcome.cap.amount, False)}"
        return "".join(f", within the {_cap_label(m, c, lang)} of {fmt_money_en(c.amount, False)}" for c in outcome.caps_kept)
    if outcome.cap:
        return f"，超过{outcome.cap.label}{fmt_money(outcome.cap.amount)}"
    return "".join(f"，未超过{c.label}{fmt_money(c.amount)}" for c in outcome.caps_kept)


def _growth_line(outcome: Outcome) -> str:
    """"融资总额由10亿元增至12亿元，同比增长20%；超过5%的部分：12亿元 − 10亿元 × 105% = 1.5亿元"."""
    g, facts = outcome.measure.growth, outcome.facts
    if g is None or g.last not in facts or g.excess not in facts:
        return ""
    last, this = facts[g.last], facts[g.this]
    return (f"融资总额由{fmt_money(last)}增至{fmt_money(this)}，同比增长{fmt_rate(facts[g.rate])}；"
            f"超过{fmt_rate(g.over)}的部分：{fmt_money(this)} − {fmt_money(last)} × {fmt_rate(1 + g.over)} = "
            f"{fmt_money(facts[g.excess])}\n")


def _arithmetic_en(outcome: Outcome) -> str:
    """The English computation; the Chinese figure is written beside the result only (a phone screen)."""
    m, rule, facts, lang = outcome.measure, outcome.measure.rule, outcome.facts, "en"

    def value(inp: Input, v: Decimal, unit: str) -> str:
        return fmt_money_en(v, False) if inp.kind == "money" else fmt_value(inp, v, lang, unit)

    if isinstance(rule, RateRule):
        line = (f"By {label(m, rule.base, lang)}: {fmt_money_en(facts[rule.base], False)} × {fmt_rate(rule.rate)} = "
                f"{fmt_money_en(outcome.gross, False)}")
    elif isinstance(rule, TieredRule):
        inp, unit = m.input(rule.input), _unit(m, rule.input, lang)
        line = (f"{label(m, rule.input, lang)} {value(inp, facts[rule.input], unit)}: reaches the "
                f"{value(inp, outcome.tier.at_least, unit)} (inclusive) tier")
        higher = [t for t in rule.tiers if t.at_least > outcome.tier.at_least]
        if higher:
            line += (f" (the {value(inp, higher[0].at_least, unit)} (inclusive) tier gives "
                     f"{fmt_money_en(higher[0].amount, False)})")
    elif isinstance(rule, ItemRule):
        items = [(i.input, facts[i.input], i.amount) for i in rule.items if i.input in facts]
        line = " + ".join(f"{fmt_count(n)} × {label(m, key, lang)} × {fmt_money_en(each, False)}" for key, n, each in items) \
            + f" = {fmt_money_en(outcome.gross, False)}"
    else:
        line = m.en.money
    return line + _caps_part(outcome, lang) + f" → {gets(m, lang)} {money(outcome.amount, lang)} ({article(m, lang)})"


def _arithmetic(outcome: Outcome, lang: str = "zh") -> str:
    if lang == "en":
        return _arithmetic_en(outcome)
    m, rule, facts = outcome.measure, outcome.measure.rule, outcome.facts
    if isinstance(rule, RateRule):
        line = f"按{m.input(rule.base).label}计算：{fmt_money(facts[rule.base])} × {fmt_rate(rule.rate)} = " \
               f"{fmt_money(outcome.gross)}"
    elif isinstance(rule, TieredRule):
        inp = m.input(rule.input)
        line = f"{inp.label}{fmt_value(inp, facts[rule.input])}，达到{fmt_value(inp, outcome.tier.at_least)}（含）档"
        higher = [t for t in rule.tiers if t.at_least > outcome.tier.at_least]
        if higher:
            line += f"（达到{fmt_value(inp, higher[0].at_least)}（含）档为{fmt_money(higher[0].amount)}）"
    elif isinstance(rule, ItemRule):
        items = [(m.input(i.input), facts[i.input], i.amount) for i in rule.items if i.input in facts]
        if len(items) == 1:
            inp, n, each = items[0]
            line = (f"{fmt_count(n, inp.unit)}{inp.label} → {fmt_count(n)} × {fmt_money(each)} = "
                    f"{fmt_money(outcome.gross)}")
        else:
            line = " + ".join(f"{fmt_count(n, inp.unit)}{inp.label} × {fmt_money(each)}" for inp, n, each in items) \
                   + f" = {fmt_money(outcome.gross)}"
    else:
        line = m.money
    return _growth_line(outcome) + line + _caps_part(outcome) + f" → {gets(m)} {fmt_money(outcome.amount)}（{article(m)}）"


def outcome_lines(outcome: Outcome, lang: str = "zh") -> list[str]:
    """The computation of one measure; for "missing" outcomes only what is known so far."""
    m = outcome.measure
    lines = [heading(m, lang)]
    lines += [check_line(m, c, lang) for c in outcome.checks]
    if lang == "en":
        return lines + _outcome_en(outcome)
    if outcome.failed:
        lines.append(f"→ 按{article(m)}，不符合条件，不能获得该项{m.money}。")
        return lines
    if outcome.below_tiers:
        lines.append(f"{below_tiers(outcome)}（{article(m)}）")
        return lines
    if outcome.status == "unquantified":
        lines.append(f"{m.rule.basis}（{article(m)}）。")
    elif outcome.status == "ok":
        lines.append(_arithmetic(outcome))
    if outcome.open_conditions:
        lines.append("还需符合：" + "；".join(c.text for c in outcome.open_conditions))
    return lines


def _item(outcome: Outcome, lang: str) -> str:
    if outcome.status == "ok":
        return _arithmetic(outcome, lang)
    return ("; " if lang == "en" else "；").join(outcome_lines(outcome, lang)[1:])


def items_lines(outcomes: list[Outcome], lang: str = "zh") -> list[str]:
    """Several items of one measure, each with its own caps, and their total."""
    m = outcomes[0].measure
    total = sum((o.amount for o in outcomes if o.status == "ok"), Decimal(0))
    if lang == "en":
        lines = [heading(m, lang), "Item by item (each with its own cap):"]
        lines += [f"Item {n}: " + _item(o, lang) for n, o in enumerate(outcomes, 1)]
        lines.append(f"Total: {gets(m, lang)} {money(total, lang)} ({article(m, lang)})")
    else:
        lines = [heading(m), "逐项计算（每项各自适用上限）："]
        lines += [f"第{n}项：" + _item(o, lang) for n, o in enumerate(outcomes, 1)]
        lines.append(f"合计：{gets(m)} {fmt_money(total)}（{article(m)}）")
    open_conditions = outcomes[0].open_conditions
    if open_conditions:
        lines.append(("Also required: " + "; ".join(condition_text(m, c, lang) for c in open_conditions))
                     if lang == "en" else "还需符合：" + "；".join(c.text for c in open_conditions))
    return lines


def _outcome_en(outcome: Outcome) -> list[str]:
    m, lang = outcome.measure, "en"
    if outcome.failed:
        return [f"→ Under {article(m, lang)} the conditions are not met, so this {m.en.money} does not apply."]
    if outcome.below_tiers:
        return [f"{below_tiers(outcome, lang)} ({article(m, lang)})"]
    lines = []
    if outcome.status == "unquantified":
        lines.append(f"{m.en.basis} ({article(m, lang)}).")
    elif outcome.status == "ok":
        lines.append(_arithmetic(outcome, lang))
    if outcome.open_conditions:
        lines.append("Also required: " + "; ".join(condition_text(m, c, lang) for c in outcome.open_conditions))
    return lines


def _rule_text_en(measure: Measure) -> str:
    rule, up, lang = measure.rule, gets(measure, "en"), "en"
    if isinstance(rule, FixedRule):
        text = f"{up} {money(rule.amount, lang)}"
    elif isinstance(rule, RateRule):
        text = f"{fmt_rate(rule.rate)} of the {label(measure, rule.base, lang)}"
    elif isinstance(rule, TieredRule):
        inp, unit = measure.input(rule.input), _unit(measure, rule.input, lang)
        text = f"in tiers by {label(measure, rule.input, lang)}: " + "; ".join(
            f"{fmt_value(inp, t.at_least, lang, unit)} (inclusive) or more: {up} {money(t.amount, lang)}"
            for t in rule.tiers)
    elif isinstance(rule, ItemRule):
        text = "per item: " + ", ".join(f"each {label(measure, i.input, lang)} {up} {money(i.amount, lang)}"
                                        for i in rule.items)
    else:
        return measure.en.basis
    return ", ".join([text, *(f"{_cap_label(measure, c, lang)} {money(c.amount, lang)}" for c in measure.caps)])


def rule_text(measure: Measure, lang: str = "zh") -> str:
    if lang == "en":
        return _rule_text_en(measure)
    return _rule_text_zh(measure)


def _rule_text_zh(measure: Measure) -> str:
    """The rule in one phrase, without figures: "按实收资本的2%", "每项国际标准最高100万元"…"""
    rule, up = measure.rule, gets(measure)
    if isinstance(rule, FixedRule):
        text = f"{up}{fmt_money(rule.amount)}"
    elif isinstance(rule, RateRule):
        text = f"按{measure.input(rule.base).label}的{fmt_rate(rule.rate)}计算"
    elif isinstance(rule, TieredRule):
        inp = measure.input(rule.input)
        text = "按" + inp.label + "分档：" + "；".join(
            f"{fmt_value(inp, t.at_least)}（含）以上{up}{fmt_money(t.amount)}" for t in rule.tiers)
    elif isinstance(rule, ItemRule):
        text = "按数量计：" + "、".join(f"每{measure.input(i.input).unit}{measure.input(i.input).label}{up}"
                                     f"{fmt_money(i.amount)}" for i in rule.items)
    else:
        return rule.basis
    return "，".join([text, *(f"{c.label}{fmt_money(c.amount)}" for c in measure.caps)])


def estimate(measure: Measure, lang: str = "zh", brief: bool = False) -> str:
    """What the measure can give at most, for lists: "最高5000万元（按实收资本的2%计算）"; `brief`, the ceiling
    alone (English lists, whose rules run long; the measure's button gives the rule)."""
    top = ceiling(measure)
    if measure.rule.type == "unquantified":
        return measure.en.basis if lang == "en" else measure.rule.basis
    if top is None or isinstance(measure.rule, FixedRule):
        return rule_text(measure, lang)
    if lang == "en":
        return f"up to {money(top, lang)}" + ("" if brief else f" ({rule_text(measure, lang)})")
    return f"最高{fmt_money(top)}（{rule_text(measure)}）"


def ceiling_lines(measure: Measure, lang: str = "zh") -> list[str]:
    """"补助最高多少" asked of a rate or tiered rule without its figure: the most the article gives, said as a
    ceiling, with the figure at which it is reached."""
    top, rule = ceiling(measure), measure.rule
    if isinstance(rule, RateRule):
        key, reached = rule.base, top / rule.rate
    else:
        key, reached = rule.input, next(t.at_least for t in rule.tiers if t.amount >= top)
    inp = measure.input(key)
    at = fmt_value(inp, reached, lang, _unit(measure, key, lang))
    if lang == "en":
        how = (f"reached at a {label(measure, key, lang)} of {at}; below it, {rule_text(measure, lang)}"
               if isinstance(rule, RateRule) else f"the tier of {at} (inclusive) or more")
        return [heading(measure, lang), f"Rule: {rule_text(measure, lang)}.",
                f"→ {gets(measure, lang)} {money(top, lang)} ({article(measure, lang)}; {how}). Tell me the "
                f"{label(measure, key, lang)} and I will compute your amount."]
    how = (f"{inp.label}达到{at}时达到上限，低于此按{inp.label}的{fmt_rate(rule.rate)}计算" if isinstance(rule, RateRule)
           else f"{inp.label}{at}（含）以上档")
    return [heading(measure), f"规则：{rule_text(measure)}。",
            f"→ {gets(measure)} {fmt_money(top)}（{article(measure)}；{how}）。告诉我{inp.label}，我可以测算具体金额。"]


def conditions(measure: Measure, lang: str = "zh") -> list[str]:
    """The measure's conditions as one line ("条件：…"), or none."""
    if lang == "en":
        said = measure.en.conditions if measure.en else []
        return ["Conditions: " + "; ".join(said)] if said else []
    return ["条件：" + "；".join(c.text for c in measure.conditions)] if measure.conditions else []


def detail(measure: Measure, lang: str = "zh") -> str:
    if lang == "en":
        en = measure.en
        lines = [heading(measure, lang), f"The document says (English rendering): “{en.text}”",
                 f"Who benefits: {en.beneficiary}", f"Support: {en.money}; {rule_text(measure, lang)}"]
    else:
        lines = [heading(measure), f"原文：“{measure.text}”", f"支持对象：{measure.beneficiary}",
                 f"支持方式：{measure.money}；{rule_text(measure)}"]
    return "\n".join(lines + conditions(measure, lang))


MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
             "November", "December")          # not %B, which follows the process's locale


def _validity_en(policy: PolicyDoc, today: date) -> str:
    lead, start = policy.en.lead_department, policy.effective_from.isoformat()
    end = policy.effective_to.isoformat() if policy.effective_to else "no end date"
    if policy.effective_to and today > policy.effective_to:
        return f"⚠️ {policy.number} expired on {end}: for reference only; current policy from the {lead}."
    if today < policy.effective_from:
        return f"⚠️ Note: {policy.number} takes effect on {start} and is not in force yet; please check with the {lead}."
    return (f"{policy.number} is in force (valid from {start} to {end}); the detailed rules drawn up under the lead "
            f"of the {lead} apply — please check with them before applying.")


def validity(policy: PolicyDoc, today: date, lang: str = "zh") -> str:
    if lang == "en":
        return _validity_en(policy, today)
    span = f"{policy.effective_from.isoformat()}至{policy.effective_to.isoformat() if policy.effective_to else '今'}"
    if policy.effective_to and today > policy.effective_to:
        return (f"⚠️ 注意：{policy.number}有效期为{span}，已于{policy.effective_to.isoformat()}到期（今天是"
                f"{today.isoformat()}），现已失效。以上按原文解释和测算，仅供参考；现行政策请向{policy.lead_department}确认。")
    if today < policy.effective_from:
        return (f"⚠️ 注意：{policy.number}自{policy.effective_from.isoformat()}起施行，目前尚未施行；"
                f"请向{policy.lead_department}确认。")
    return (f"{policy.number}现行有效（有效期{span}）；具体以{policy.lead_department}牵头制定的细则为准，"
            f"申报前请向其确认。")


def day_en(day: date, iso: bool = True) -> str:
    """"1 March 2023 (2023-03-01)": an English reader's date, with the document's own form beside it."""
    return f"{day.day} {MONTHS_EN[day.month - 1]} {day.year}" + (f" ({day.isoformat()})" if iso else "")


def status(policy: PolicyDoc, today: date, lang: str = "zh") -> str:
    """Whether the document is in force today, said first and plainly: "已失效" for an expired one."""
    if not (policy.effective_to and today > policy.effective_to):
        return validity(policy, today, lang)
    start, end = policy.effective_from.isoformat(), policy.effective_to.isoformat()
    if lang == "en":
        return (f"{policy.number} is no longer in force: it was valid from {day_en(policy.effective_from, False)} to "
                f"{day_en(policy.effective_to, False)} and expired on {end} (today is {today.isoformat()}). Please check "
                f"the current policy with the {policy.en.lead_department}.")
    return (f"{policy.number}已失效：有效期为{start}至{end}，已于{end}到期（今天是{today.isoformat()}）。"
            f"现行政策请向{policy.lead_department}确认。")


def different_things(outcomes: list[Outcome]) -> bool:
    """Several measures for different things done, each paid: only measures for the same thing (a `matters` word
    in common) may be one project's, of which the highest is stated."""
    matters = [m for o in outcomes for m in o.measure.matters]
    return len(outcomes) > 1 and len(matters) == len(set(matters))


def added_up(outcomes: list[Outcome], lang: str = "zh") -> str:
    total = sum((o.amount for o in outcomes), Decimal(0))
    where = (", " if lang == "en" else "、").join(dict.fromkeys(article(o.measure, lang) for o in outcomes))
    if lang == "en":
        return (f"These reward different things, each computed with its own cap. Total: "
                f"{gets(outcomes[0].measure, lang)} {money(total, lang)} ({where})")
    return f"以上各项奖补的是不同事项，分别计算（每项各自适用上限）：合计{gets(outcomes[0].measure)} {money(total)}（{where}）"


def no_double(policy: PolicyDoc, best: Outcome | None = None, lang: str = "zh") -> str:
    """The document's 就高不重复 rule is about other policies of the city; whether two of its own measures add up
    for one project it does not say, so only the highest one is stated as certain."""
    if lang == "en":
        text = f"The higher one applies, without duplication (就高不重复): {policy.en.no_double_rule}"
        if best is not None:
            text += (f" Whether several measures of this document add up for the same project, the document does not "
                     f"say; if only one applies, the highest one applies: {money(best.amount, lang)} "
                     f"({article(best.measure, lang)}). Please check with the {policy.en.lead_department}.")
        return text
    text = f"就高不重复：{policy.no_double_rule}"
    if best is not None:
        text += (f"同一项目符合本文件多项措施时能否叠加，文件未载明；若只能享受一项，按最高一项计："
                 f"{fmt_money(best.amount)}（{article(best.measure)}），能否叠加请向{policy.lead_department}确认。")
    return text


def ask_for(measure: Measure, key: str, lang: str = "zh") -> str:
    inp = measure.input(key)
    if lang == "en":
        what = f"the number of {label(measure, key, lang)}s" if inp.kind == "count" else f"the {label(measure, key, lang)}"
        return f"Please tell me {what} ({EXAMPLES_EN[inp.kind]}; in RMB for amounts)."
    what = f"{inp.label}的数量" if inp.kind == "count" else inp.label
    return f"请告诉我{what}（{EXAMPLES[inp.kind]}{inp.unit if inp.kind == 'count' else ''}）。"


def item_example(measure: Measure, lang: str = "zh") -> str | None:
    """One item told by the figure the measure is computed on ("例如“融资2亿”"); None when it takes no amount."""
    inp = next((i for i in measure.inputs if i.kind == "money"), None)
    if inp is None:
        return None
    return f"e.g. “{label(measure, inp.key, lang)} RMB 200 million”" if lang == "en" else f"例如“{inp.label}2亿”"


def citation(documents: dict, policy: PolicyDoc, measure: Measure, lang: str = "zh") -> str:
    if lang == "en":
        return f"{documents[policy.doc].en.short} · {article(measure, lang)}"
    return f"{documents[policy.doc].short}·{article(measure)}"


def year_status(policy: PolicyDoc, year: int, lang: str = "zh", month: int | None = None) -> str:
    """"2024年政策还有效吗", "2026年3月还能申请吗": whether the year (or month) asked lies in the validity, whatever
    today is."""
    start, end = policy.effective_from, policy.effective_to
    first, last = date(year, month or 1, 1), date(year, month or 12, monthrange(year, month or 12)[1])
    said = (f"{year}-{month:02d}" if lang == "en" else f"{year}年{month}月") if month else (str(year) if lang == "en" else f"{year}年")
    if last < start or (end is not None and first > end):
        return (f"{said}: not within its validity ({start.isoformat()} to {end.isoformat() if end else '(open)'})."
                if lang == "en" else f"{said}不在其有效期内（{start.isoformat()}至{end.isoformat() if end else '未规定'}）。")
    since, until = max(first, start), min(last, end) if end else last
    whole = since == first and until == last
    if lang == "en":
        return f"{said}: " + ("the whole year is within its validity." if whole and not month else
                              "within its validity." if whole else
                              f"within its validity from {since.isoformat()} to {until.isoformat()}.")
    return said + ("全年在其有效期内。" if whole and not month else "在其有效期内。" if whole else
                   f"{since.isoformat()}至{until.isoformat()}在其有效期内。")


def validity_notes(policies: list[PolicyDoc], today: date, lang: str = "zh") -> list[str]:
    """One validity line per distinct policy document involved in a reply."""
    return [validity(p, today, lang) for p in dict.fromkeys(policies)]


def tier_upgrade(measure: Measure, policy: PolicyDoc, said: str, lang: str = "zh") -> str:
    """A higher tier after a grant at a lower one: what the article gives at each tier, and that it leaves
    open whether the higher tier is paid in full or only its difference — so no amount is stated."""
    rule = measure.rule
    lower, upper = rule.tiers[-2], rule.tiers[-1]
    inp = measure.input(rule.input)
    diff = upper.amount - lower.amount
    if lang == "en":
        unit = _unit(measure, rule.input, lang)
        return (f"{heading(measure, lang)}\nRule: {rule_text(measure, lang)}. Each tier is for an institution that "
                f"reaches it for the first time: first reaching {fmt_value(inp, upper.at_least, lang, unit)} "
                f"(inclusive) corresponds to the one-off subsidy of at most {money(upper.amount, lang)}.\nYou mention "
                f"“{said}”. The document does not say whether an institution already paid at the "
                f"{fmt_value(inp, lower.at_least, lang, unit)} tier then gets the higher tier in full or only the "
                f"difference ({money(upper.amount, lang)} − {money(lower.amount, lang)} = {money(diff, lang)}), so I "
                f"do not state an amount; the detailed rules of the {policy.en.lead_department if policy.en else policy.lead_department} decide.")
    return (f"{heading(measure)}\n规则：{rule_text(measure)}。各档对应“首次实现”相应规模：首次实现{fmt_value(inp, upper.at_least)}"
            f"（含）以上的，对应最高不超过{fmt_money(upper.amount)}的一次性补助。\n您提到“{said}”。原文没有规定已按"
            f"{fmt_value(inp, lower.at_least)}（含）档领取补助后，升到较高一档时是按高档全额给予，还是只补两档的差额"
            f"（{fmt_money(upper.amount)} − {fmt_money(lower.amount)} = {fmt_money(diff)}），所以我不给出确定的金额；"
            f"以{policy.lead_department}制定的细则为准。")


def once_or_yearly(measure: Measure, lang: str = "zh") -> str:
    """"每年都能拿吗": one-off when the document says 一次性, yearly when its sentence says 年度/每年, else not
    stated."""
    name = f"{article(measure, lang)} {title(measure, lang)}"
    yearly = next((c for c in measure.text.replace("，", "。").split("。") if "年度" in c or "每年" in c), None)
    if "一次性" in measure.money:
        return (f"{name}: a one-off grant under the original text (一次性); it provides no yearly payment" if lang == "en"
                else f"{name}：原文为{measure.money}，文件没有规定每年给予")
    if yearly:
        return (f"{name}: per year under the original text (“{yearly}”)" if lang == "en"
                else f"{name}：原文按年度给予（“{yearly}”）")
    return (f"{name}: the document does not say whether it is one-off or yearly" if lang == "en"
            else f"{name}：文件没有写明是一次性还是每年给予")


def rules_unstated(policy: PolicyDoc, lang: str = "zh") -> str:
    """Whether the detailed rules have been issued, what they say and when: the document only says who draws them up."""
    said = next(s for s in policy.lead_text.split("。") if "细则" in s)
    if lang == "en":
        return (f"{policy.number} says only that its detailed rules are to be drawn up by the "
                f"{policy.en.lead_department} (“{said}。”); whether they have been issued, what they say and when, "
                f"the documents don't say. Please ask the {policy.en.lead_department}.")
    return (f"{policy.number}只写明“{said}。”；细则是否已经出台、内容和发布日期，资料中都没有记载；"
            f"请向{policy.lead_department}咨询。")


def scope(policy: PolicyDoc, place: str | None, lang: str = "zh") -> str:
    """Where the document applies: it is the city's. `place`: another city asked about; None for a town or
    district of the city (the measures name none)."""
    if lang == "en":
        head = f"{policy.number} ({policy.en.title}) is Hangzhou's policy, issued by the {policy.en.issuer}."
        if place:
            return f"{head} It is not a policy of another city and has no measure for one."
        return f"{head} Its support measures are not limited to one town or district of Hangzhou; each applies on its own conditions."
    head = f"{policy.number}《{policy.title}》由{policy.issuer}印发，是杭州市的政策。"
    if place:
        return f"{head}它不是{place}的政策，文件没有适用于{place}的支持措施。"
    return f"{head}它的资金支持措施没有限定只适用于某个小镇或区，符合各条条件即可适用。"
