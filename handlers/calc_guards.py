"""What stops the quick-check from computing: a foreign currency, a condition the user's words rule out, another
subject than the measures', a date outside the policy's validity, support already received, a total over several items.
"""
from __future__ import annotations

import re
from datetime import date

from bot.messages import Incoming, Reply
from bot.phrases import phrases
from bot.services import Services
from faq.schema import one_of
from handlers.calc_dialog import CalcAsking, calc_reply, originals, read_question, unstated_condition
from handlers.policy import original_button, parts_reply, policy_reply
from policy_data import render
from policy_data.amounts import figures
from policy_data.engine import evaluate
from policy_data.english import CURRENCY, MONTHS
from policy_data.extract import Reading, facts_for, normalise
from policy_data.loader import PolicyBook


DATED = re.compile(rf"\b(?:(?P<month>{'|'.join(MONTHS)})[a-z]*\.?\s+)?(?P<year>20\d\d)\b"
                   r"|(?P<cyear>20\d\d|(?<![\d.第有近满了超过])2\d(?=年(?:\d{1,2}月|[新成开设获批落注入挂上发取底初末])))年(?:(?P<cmonth>\d{1,2})月)?"
                   r"|(?P<ryear>今年|去年|前年|this year|last year)(?:(?P<rmonth>\d{1,2})月)?", re.IGNORECASE)


SEVERAL_ITEMS = re.compile(r"分别|[两二三四五]年|(?<![0-9.])([两二三四五六七八九十]|[2-9])\s*(家|个[^，,。；;、\d]{0,8}?项目|个重大)")


SEVERAL = re.compile(r"一共|合计|总共|共计|加起来|" + SEVERAL_ITEMS.pattern)


YEARS = re.compile(r"20\d\d年|[两二三四五]年|\b20\d\d\b")


ALREADY = re.compile(r"已经?(拿|领|获得?|得到|享受)(了|过)[^，,。；;]{0,4}\d+(\.\d+)?\s*[万亿元]?"
                     r"|(拿|领|获得?|得到|享受)(了|过)[^，,。；;\d]{0,4}\d+(\.\d+)?\s*[万亿]")


WHO_GETS = re.compile(r"给谁|谁(能|可以)?(拿|领|得|获得)|(奖励|补助|支持)对象|\bwho (gets|receives|is paid)\b"
                      r"|\bgoes to (whom|who)\b|\b(paid|given) to (whom|who)\b", re.IGNORECASE)


def _several(question: str, measure_ids: list[str], book: PolicyBook) -> bool:
    """A total over several institutions, projects or years for a measure that counts one at a time (a
    per-item measure counts items together, but its yearly cap applies year by year)."""
    if not SEVERAL.search(question):
        return False
    years = set(YEARS.findall(question))
    items_or_years = bool(SEVERAL_ITEMS.search(question)) or len(years) > 1
    return any(book.measure(i).rule.type not in ("per_item", "tiered") or (
        book.measure(i).rule.type == "tiered" and items_or_years)      # a total over the tiers of one figure
               or (any("年度" in c.label for c in book.measure(i).caps) and (len(years) > 1 or any(
                   y[0] in "两二三四五" for y in years)))
               for i in measure_ids)


PART_OF_IT = one_of(phrases().calc.part_of_it, re.IGNORECASE)


# The figure a foreign currency belongs to ("8000万港币", "USD 20 million"), dropped from the question kept open.
_FOREIGN_FIGURE = r"[\d.,]+\s*(?:个)?\s*(?:千万|百万|十万|万亿|万|亿|千|百|billion|million|bn|mn|m|k)?\s*(?:元|块)?\s*"


def _money_input(book: PolicyBook, measure_ids: list[str]) -> tuple[str, str] | None:
    """(measure id, key) of the money figure the one measure asked about is computed on, if there is one."""
    measure = book.measure(measure_ids[0]) if len(measure_ids) == 1 else None
    money = [k for k in measure.rule_inputs() if measure.input(k).kind == "money"] if measure else []
    return (measure.id, money[0]) if money else None


def _await_rmb(svc: Services, msg: Incoming, question: str, currency: re.Match, measure_ids: list[str]) -> None:
    """After asking for the RMB figure of one measure, the next message answers it: the question stays open
    without the foreign amount."""
    if asked := _money_input(svc.kb.policy, measure_ids):
        svc.dialogs.put(msg.user_key, CalcAsking(_without(question, currency)[0], *asked, {}))


def _await_currency(svc: Services, msg: Incoming, reading: Reading, measure_ids: list[str]) -> None:
    """After asking whether the one amount given is in RMB, a "yes"/"人民币" computes the question on it as RMB."""
    amounts = [f for f in reading.figures if f.kind == "money"]
    if (asked := _money_input(svc.kb.policy, measure_ids)) and len(amounts) == 1:
        f = amounts[0]
        svc.dialogs.put(msg.user_key, CalcAsking(reading.text[:f.start] + reading.text[f.end:], *asked, {}, stated=f.text))


def _without(question: str, currency: re.Match) -> tuple[str, bool]:
    """The question without the foreign amount, and whether a figure was found just before or after the currency
    ("5亿美元", "USD 2亿")."""
    start, end = currency.span()
    before = re.search(rf"{_FOREIGN_FIGURE}$", question[:start], re.IGNORECASE)
    after = re.match(rf"\s*{_FOREIGN_FIGURE}", question[end:], re.IGNORECASE)
    before = before if before and re.search(r"\d", before.group(0)) else None
    after = after if after and re.search(r"\d", after.group(0)) else None
    kept = question[:before.start() if before else start] + question[end + (after.end() if after else 0):]
    return kept, bool(before or after)


def _rmb_part(svc: Services, msg: Incoming, question: str, currency: re.Match, measure_ids: list[str],
              **guards) -> Reply | None:
    """"registered capital USD 100m, paid-in capital RMB 500m": the RMB figure, named by its cue, priced on its own
    under a rule that more only raises (a rate, tiers); the foreign amount left out and the total asked for in RMB.
    Not when the foreign amount may be part of the same figure ("实收资本8亿人民币加2亿美元", "另有2亿美元")."""
    book = svc.kb.policy
    if PART_OF_IT.search(question):
        return None
    measure = book.measure(measure_ids[0]) if len(measure_ids) == 1 else None
    kept, found = _without(question, currency)
    # The foreign figure must be found and left out, or it would be read as RMB.
    if measure is None or measure.rule.type not in ("rate", "tiered") or book.foreign(msg.english).search(kept) \
            or not found:
        return None
    reading = read_question(msg, kept, book)
    facts = facts_for(book, measure, reading)
    outcome = evaluate(measure, facts.values)
    if (facts.errors or facts.other or any(k not in facts.values or k in facts.assumed for k in measure.rule_inputs())
            or outcome.status != "ok" or unstated_condition(measure, f"{normalise(kept)} {reading.text}")
            or refusal(svc, msg, kept, reading, measure_ids, **guards) is not None):
        return None
    what = "、".join(render.label(measure, k) for k in measure.rule_inputs())
    return calc_reply("\n".join([*render.outcome_lines(outcome, msg.lang), msg.say(
        f"以上只按您给的人民币部分测算；“{currency.group(0)}”部分文件按人民币计算、没有规定汇率，未计入，计入后金额只会相同或更高。"
        f"请告诉我折合人民币的{what}合计，我再为您测算。",
        f"The above counts only the part you gave in RMB; the part in “{currency.group(0)}” is left out, as the document "
        "computes in RMB and sets no exchange rate (counting it can only keep or raise the amount). Please tell me the "
        f"total {what} in RMB.")]), confidence=0.7, buttons=[original_button(msg, measure.id)])


SUBSIDY_NAMED = re.compile(r"\s*元?\s*(的)?\s*(补贴|补助|奖励|奖)")
_RMB = re.compile(rf"{CURRENCY}|块钱", re.IGNORECASE)


def _unstated_currency(book: PolicyBook, msg: Incoming, reading: Reading, measure_ids: list[str]) -> bool:
    """An amount a measure is computed on, without its currency, from a firm that says it is from abroad ("paid-in
    1.5 billion, our parent is US-based"): it may not be RMB, so it is not read as RMB."""
    if _RMB.search(msg.typed) or not book.patterns["foreign_origin"].search(msg.typed):
        return False
    measures = [book.measure(i) for i in measure_ids]
    named = {f.value for f in reading.figures if SUBSIDY_NAMED.match(reading.text, f.end)}    # "the 100万 subsidy"
    return any(m.input(k).kind == "money" and v not in named
               for m in measures for k, v in facts_for(book, m, reading).values.items())


def _lower_article(text: str) -> str:
    """"The owner of …" inside a sentence: "the owner of …"."""
    return "t" + text[1:] if text.startswith("The ") else text


def ruled_out_reply(msg: Incoming, book: PolicyBook, said: str, measure_ids: list[str]) -> Reply:
    """The user's own words (`said`) rule out a condition of the measures: no amount, the conditions quoted."""
    lang = msg.lang
    buttons = originals(msg, book, measure_ids[:2])
    measures = [book.measure(i) for i in measure_ids[:2]]
    names = msg.say("、", "; ").join(f"{render.article(m, lang)} {render.title(m, lang)}" for m in measures)
    worded = msg.say("；", "; ").join(render.condition_text(m, c, lang) for m in measures for c in m.conditions
                                      if not c.input)
    return calc_reply(msg.say(f"您提到“{said}”，按原文这可能不满足{names}的条件，所以我不按它计算金额。"
                          + (f"原文条件：{worded}。" if worded else "") + "如理解有误，请补充说明。",
                          f"You mention “{said}”: under the original text this may not meet the conditions "
                          f"of {names}, so I do not compute an amount."
                          + (f" The original text requires: {worded}." if worded else "")
                          + " If I misread you, please tell me more."), confidence=0.5, buttons=buttons)


PART_OF_COUNT = re.compile(r"其中|里面|里有|当中|之中|中有")
ANOTHER = re.compile(r"另外|另有|还有|此外|再加上|以及|^\s*另|又")


def _counts_its_own(book: PolicyBook, measure, clause: str) -> bool:
    """The clause counts items named in it ("另有2项地方标准"), not part of a count said before ("其中1项还没发布",
    "1项还没发布")."""
    nouns = [*measure.keywords, *(c for i in measure.inputs for c in (i.label, *i.cues)), *book.words["shared_heads"]]
    return any(f.kind == "count" for f in figures(clause)) and not PART_OF_COUNT.search(clause) \
        and any(normalise(n) in normalise(clause) for n in nouns)


def _other_items(svc: Services, msg: Incoming, question: str, measure_ids: list[str], **guards) -> Reply | None:
    """"主导1项国家标准，另外参与了2项国际标准": items paid each on their own, some in a clause whose words rule
    them out: the others are priced, and the clause said to be left out. None unless the rest is a case of its own."""
    book = svc.kb.policy
    measure = book.measure(measure_ids[0]) if len(measure_ids) == 1 else None
    clauses = book.ruled_out_clauses(question, msg.english)
    if measure is None or measure.rule.type != "per_item" or not clauses or not all(
            _counts_its_own(book, measure, c) for c in clauses):
        return None
    kept = question
    for clause in clauses:
        kept = kept.replace(clause, "")
    reading = read_question(msg, kept, book)
    facts = facts_for(book, measure, reading)
    if not all(ANOTHER.search(c) or not set(facts_for(book, measure, read_question(msg, c, book)).values) & set(facts.values)
               for c in clauses):
        return None            # "2项国家标准，1项国家标准还没发布" may be one of the two: not told apart
    outcome = evaluate(measure, facts.values)
    if facts.errors or outcome.status != "ok" or not set(facts.values) & set(measure.rule_inputs()) \
            or refusal(svc, msg, kept, reading, measure_ids, **guards) is not None:
        return None
    left = msg.say("”“", "”, “").join(dict.fromkeys(clauses))
    return calc_reply("\n".join([*render.outcome_lines(outcome, msg.lang), msg.say(
        f"您提到的“{left}”按原文不满足{render.article(measure)}的条件，未计入；以上只按其余各项测算。",
        f"“{left}” does not meet the conditions of {render.article(measure, msg.lang)} under the original text and is "
        "left out; the above counts the other items only.")]), confidence=0.7, buttons=[original_button(msg, measure.id)])


def refusal(svc: Services, msg: Incoming, question: str, reading: Reading, measure_ids: list[str], *,
             several_ok: bool, other_policy: bool) -> Reply | None:
    """A wrong amount is the worst answer: no computing on a foreign currency, a zero figure, or words of the
    user's own that rule a condition out."""
    book, lang = svc.kb.policy, msg.lang
    svc.dialogs.pop(msg.user_key)
    buttons = originals(msg, book, measure_ids[:2])
    if m := book.foreign(msg.english).search(question):
        if partial := _rmb_part(svc, msg, question, m, measure_ids, several_ok=several_ok, other_policy=other_policy):
            return partial
        _await_rmb(svc, msg, question, m, measure_ids)
        word = (book.foreign(msg.english).search(msg.typed) or m).group(0)       # as typed, when the figure was reworded
        return calc_reply(msg.say(f"您给的是外币金额（“{word}”）。文件按人民币计算，也没有规定汇率，请告诉我折合人民币的金额"
                              "（例如“实收资本8亿元人民币”），我再为您测算。",
                              f"You gave an amount in a foreign currency (“{word}”). The document computes in RMB "
                              "and sets no exchange rate: please tell me the amount in RMB (e.g. “paid-in capital RMB "
                              "800 million”) and I will compute it."), confidence=0.5, buttons=buttons)
    policies, dates = [book.policy(book.measure(i)) for i in measure_ids], _dates(question, svc.policy_date())
    if late := _after_expiry(dates, policies):
        date, policy = late
        return calc_reply(msg.say(f"您提到的时间（{date}）晚于{policy.number}的有效期（至{policy.effective_to.isoformat()}），"
                              f"那时该文件已过有效期、不再适用，所以我不按它计算金额；现行政策请向{policy.lead_department}确认。",
                              f"The date you mention ({date}) is after {policy.number} expired on "
                              f"{policy.effective_to.isoformat()}, so under the original text it does not apply and I "
                              f"do not compute an amount; please check the current policy with the "
                              f"{policy.en.lead_department}."), confidence=0.5, buttons=buttons)
    if any(f.kind == "money" and f.value is not None and f.value <= 0 for f in reading.figures):
        return calc_reply(msg.say("金额为0时没有可测算的补贴。请告诉我实际的金额（例如“10亿”），我再为您测算。",
                              "With an amount of zero there is nothing to compute. Please tell me the actual amount "
                              "(e.g. “RMB 1 billion”)."), confidence=0.5, buttons=buttons)
    others = _other_items(svc, msg, question, measure_ids, several_ok=several_ok, other_policy=other_policy)
    if said := book.ruling_out(question, msg.english, [book.measure(i) for i in measure_ids]):
        return others or ruled_out_reply(msg, book, said, measure_ids)
    if others:                           # "主导2项行业标准，还有1项团体标准": a clause's own kind is ruled out
        return others
    if early := _before_effect(dates, policies):
        date, policy = early
        start = policy.effective_from.isoformat()
        return calc_reply(msg.say(f"您提到的时间（{date}）早于{policy.number}的施行日（{start}）。按原文，本意见自{start}起施行，"
                              "此前发生的设立、认定、上市、融资等事项不在其适用范围内，所以我不按它计算金额；如所述事项发生在"
                              "施行之后，请说明具体时间。",
                              f"The date you mention ({date}) is before {policy.number} took effect on {start}; under the "
                              "original text, what happened before then is not covered, so I do not compute an amount. "
                              "If the event itself came later, please tell me when."), confidence=0.5, buttons=buttons)
    if not other_policy and (m := ALREADY.search(question)):
        if tiered := next((book.measure(i) for i in measure_ids if book.measure(i).rule.type == "tiered"), None):
            return calc_reply(render.tier_upgrade(tiered, book.policy(tiered), m.group(0), lang), confidence=0.8,
                          buttons=buttons)
        return calc_reply(msg.say(f"您提到“{m.group(0)}”。文件没有规定同一事项已获补助后再次申请或升档时怎样计算，所以我不按它"
                              "计算金额；请点下方按钮对照原文，具体以细则和主管部门的解释为准。",
                              f"You mention “{m.group(0)}”. The document does not say how a second claim or a higher "
                              "tier is computed after a grant for the same matter, so I do not compute an amount; tap "
                              "below for the original text."), confidence=0.5, buttons=buttons)
    if not several_ok and _several(question, measure_ids, book):
        if priced := parts_reply(svc, msg):
            return priced
        names = msg.say("、", "; ").join(f"{render.article(book.measure(i), lang)} {render.title(book.measure(i), lang)}"
                                         for i in measure_ids[:2])
        example = next(filter(None, (render.item_example(book.measure(i), lang) for i in measure_ids[:2])),
                       msg.say("每次一个项目或一家机构", "one project or institution at a time"))
        whom = [msg.say(f"{render.article(m, lang)} {render.title(m, lang)}的支持对象：{m.beneficiary}。",
                        f"{render.article(m, lang)} {render.title(m, lang)} goes to: {m.en.beneficiary if m.en else m.beneficiary}.")
                for m in map(book.measure, measure_ids[:2])] if WHO_GETS.search(question) else []
        return calc_reply(msg.say(f"您问的是多家机构、多个项目或多年的合计。{names}按每家、每个项目分别计算，各有上限"
                              f"（每年上限按机构计）。为免算错，请逐项告诉我（{example}），我逐项测算。",
                              f"You ask for a total over several institutions, projects or years. {names} are computed "
                              "one institution or project at a time, each with its own cap. To avoid a wrong total, "
                              f"please give me one item at a time ({example}).") + "".join(f"\n{w}" for w in whom),
                      confidence=0.5, buttons=buttons)
    if _unstated_currency(book, msg, reading, measure_ids):
        _await_currency(svc, msg, reading, measure_ids)
        return calc_reply(msg.say("您说到贵机构来自境外，而金额没有写币种。文件按人民币计算，也没有规定汇率：请告诉我这笔金额是不是人民币"
                              "（例如“实收资本15亿元人民币”），我再为您测算。",
                              "You mention your firm is from abroad, and the amount has no currency. The document "
                              "computes in RMB and sets no exchange rate: please tell me whether the amount is in RMB "
                              "(e.g. “paid-in capital RMB 1.5 billion”) and I will compute it."),
                          confidence=0.5, buttons=buttons)
    return None


def other_subject(msg: Incoming, book: PolicyBook, ruled_out: dict[str, str]) -> Reply:
    """The measure the question names is for another kind of institution than the one the asker says; asked who it
    goes to ("REITs奖励给谁？给基金管理人吗"), that is the answer, nothing to compute."""
    lang = msg.lang
    if WHO_GETS.search(msg.text):
        return policy_reply("\n".join(msg.say(
            f"按原文，{render.article(m, lang)} {render.title(m, lang)}的支持对象是{m.beneficiary}（不是您提到的“{word}”）。",
            f"Under the original text, {render.article(m, lang)} {render.title(m, lang)} goes to "
            f"{_lower_article(m.en.beneficiary if m.en else m.beneficiary)} (not the “{word}” you mention).")
            for m, word in ((book.measure(i), w) for i, w in ruled_out.items())), confidence=0.8,
            buttons=originals(msg, book, list(ruled_out)[:2]))
    lines = [msg.say(f"您提到“{word}”：按原文，{render.article(m, lang)} {render.title(m, lang)}的支持对象是{m.beneficiary}，"
                     "所以我不按它计算金额。",
                     f"You mention “{word}”: under the original text, {render.article(m, lang)} "
                     f"{render.title(m, lang)} is for {m.en.beneficiary if m.en else m.beneficiary}, so I do not "
                     "compute an amount.")
             for m, word in ((book.measure(i), w) for i, w in ruled_out.items())]
    lines.append(msg.say("如理解有误，请补充说明；也可以说明贵单位情况，我帮您匹配适用的措施。",
                         "If I misread you, please tell me more; or describe your institution and I will match "
                         "the measures that fit."))
    return calc_reply("\n".join(lines), confidence=0.5,
                  buttons=originals(msg, book, list(ruled_out)[:2]))


RELATIVE_YEAR = {"今年": 0, "去年": -1, "前年": -2, "this year": 0, "last year": -1}


def _when(m: re.Match, today: date) -> tuple[int, int | None, str]:
    """(year, month or None, how to say it) of one DATED match; 今年/去年 count from today."""
    if m["ryear"]:
        year, month = today.year + RELATIVE_YEAR[m["ryear"].lower()], int(m["rmonth"]) if m["rmonth"] else None
        return year, month, f"{m.group(0)}（{year}年{f'{month}月' if month else ''}）"
    year = int(m["year"] or m["cyear"])
    year += 2000 if year < 100 else 0            # "23年2月开业": 2023
    month = MONTHS.index(m["month"].lower()[:3]) + 1 if m["month"] else int(m["cmonth"]) if m["cmonth"] else None
    return year, month, m.group(0)


def _dates(question: str, today: date) -> list[tuple[int, int | None, str]]:
    return [_when(m, today) for m in DATED.finditer(question)]


def _after_expiry(dates, policies) -> tuple[str, object] | None:
    """A month or year the question names ("2026年4月", "今年9月") that lies wholly after a policy's validity
    (an event then is not covered); a year alone counts only when the whole year is later."""
    for year, month, said in dates:
        for policy in policies:
            end = policy.effective_to
            if end and (year > end.year or (month and year == end.year and month > end.month)):
                return said, policy
    return None


def _before_effect(dates, policies) -> tuple[str, object] | None:
    """A month or year the question names that lies wholly before a policy took effect ("2022年成立")."""
    for year, month, said in dates:
        for policy in policies:
            start = policy.effective_from
            if year < start.year or (month and year == start.year and month < start.month):
                return said, policy
    return None
