"""Subsidy quick-check: "新设金融总部，实收资本10亿，能拿多少？" → the arithmetic, the cap, the article.

A missing figure or measure opens a per-user dialog (flow "calc") that asks for it — with buttons to pick
the measure, "取消" to leave, and the dialog timeout of bot/dialogs.py — the same on every channel.
"""
from __future__ import annotations

import itertools
import re
from functools import lru_cache, partial
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import ClassVar

from bot import inputs
from bot.dialogs import DialogState
from bot.labels import paged, short_label
from bot.messages import Button, Incoming, Reply
from bot.payloads import CALC, POLICY
from bot.phrases import phrases
from bot.services import Services
from faq import nlp
from faq.reading import ASKING
from faq.schema import Source, one_of
from handlers import faq, handoff
from handlers.policy import details_reply, original_button, parts_reply
from policy_data import render
from policy_data.english import cue_words, for_reading, plain_words
from policy_data.engine import Outcome, ceiling, evaluate, settled
from policy_data.items import items
from policy_data.extract import ASKS_WHEN, ELIGIBLE, SELF_DESCRIPTION, Facts, beneficiary_types, Reason, Reading, cued_measures, facts_for, normalise, read, ruling_word


@dataclass
class CalcDialog(DialogState):
    """An open quick-check: the question so far."""
    flow: ClassVar[str] = "calc"
    text: str


@dataclass
class CalcPicking(CalcDialog):
    """Waiting for the user to pick one of the measures (one: to confirm a condition asked about)."""
    picks: ClassVar[bool] = True
    choices: list[str]


@dataclass
class CalcAsking(CalcDialog):
    """Waiting for the figure `expect` of one measure, with the figures known so far."""
    measure: str
    expect: str
    facts: dict[str, str]


def _cancel(msg: Incoming) -> Button:
    return Button(msg.say("取消", "Cancel"), "/cancel")
QUESTION_MARKS = re.compile(r"[?？]|吗|呢|哪|什么|怎么|如何|谁|多少|几|是否|能否|能不能|可不可以|行不行|有没有|是不是|还是|含不含|算不算|包不包括")
MORE = "more:"


def _button(measure, lang: str = "zh") -> Button:
    return Button(f"{render.article(measure, lang)} {render.title(measure, lang)}", CALC(measure.id))


def _read(msg: Incoming, text: str, book) -> Reading:
    return read(for_reading(text, book, msg.lang), book)


def _originals(msg: Incoming, book, measure_ids: list[str]) -> list[Button]:
    """One button per measure, each named when there are several (one label twice tells nothing)."""
    if len(measure_ids) < 2:
        return [original_button(msg, i) for i in measure_ids]
    return [Button(short_label(f"{render.article(m, msg.lang)} {render.title(m, msg.lang)}", "en"), POLICY(f"m:{m.id}"))
            for m in map(book.measure, measure_ids)]


_reply = partial(render.reply, "calc")


def _selected(book, reading: Reading) -> list[str]:
    """The best-scoring measures, plus any other named measure whose figures the question gives by name. Rival
    fixed sums that a shared word named ("征信公司") give way to a measure whose figures the question gives."""
    chosen = reading.candidates()
    fixed_rivals = len(chosen) > 1 and _rivals(book, chosen) == chosen \
        and not any(book.measure(i).rule_inputs() for i in chosen)
    named = [*reading.scores, *cued_measures(book, reading)] if fixed_rivals else reading.scores
    taken = set().union(*(_base_figures(book, book.measure(i), reading) for i in chosen))
    given = [i for i in dict.fromkeys(named) if i not in chosen and _given_by_name(book, book.measure(i), reading,
                                                                                 conditions=fixed_rivals)
             and not _priced_already(book, book.measure(i), reading, taken)]
    if fixed_rivals and given:
        return given
    # "我们fintech公司主导了2项国家标准": a best-scoring measure none of whose figures is given yields to those given
    bare = [i for i in chosen if book.measure(i).inputs and not _base_figures(book, book.measure(i), reading)
            and not set(facts_for(book, book.measure(i), reading).values)]
    return [i for i in chosen if i not in bare] + given if given and bare else chosen + given


def _base_figures(book, measure, reading: Reading) -> set[Decimal]:
    """The figures the measure's amount would be computed on, given by name."""
    facts = facts_for(book, measure, reading)
    return {facts.values[k] for k in measure.rule_inputs() if k in facts.values and k not in facts.assumed}


def _priced_already(book, measure, reading: Reading, taken: set[Decimal]) -> bool:
    """"募集资金20亿补充实收资本": a figure the best measure is computed on is not also another one's base."""
    base = _base_figures(book, measure, reading)
    return bool(base) and base <= taken


def _given_by_name(book, measure, reading: Reading, conditions: bool) -> bool:
    """All the figures its rule (with `conditions`, also its conditions) is computed on, given by name."""
    keys = measure.rule_inputs() or ([i.key for i in measure.inputs] if conditions else [])
    facts = facts_for(book, measure, reading)
    each = any if measure.rule.type == "per_item" else all      # items of several kinds: any of them counted
    return bool(keys) and each(k in facts.values and k not in facts.assumed for k in keys)


def _by_cue(book, reading: Reading) -> tuple[list[str], list[str], dict[str, str]]:
    """Measures one of whose inputs the question names (e.g. "实收资本"), for "which measure?" buttons; those
    of them whose figure it gives by that name; and those the question's words rule out (measure id → word)."""
    named, given, ruled, other_kind = [], [], {}, {}
    for measure in map(book.measure, cued_measures(book, reading)):
        if word := ruling_word(book, measure, reading.text, reading.own):
            (ruled if word in measure.not_when else other_kind)[measure.id] = word
            continue
        facts = facts_for(book, measure, reading)
        if by_name := set(facts.values) - set(facts.assumed):
            given.append(measure.id)
        if facts.mentioned or by_name:
            named.append(measure.id)
    return named, given, ruled if given else {**other_kind, **ruled}   # a measure for other kinds only when none fits


def _owner_elsewhere(book, reading: Reading) -> str | None:
    """"私募总部（不是第6条的对象），管理规模首次突破150亿": the figures are named only by the cue of one other
    measure, which is the one asked about; None when a measure ruled out names them itself."""
    if any(set(f.values) - set(f.assumed) for f in (facts_for(book, book.measure(i), reading)
                                                     for i in reading.ruled_out if i not in reading.other_kind)):
        return None
    _, given, _ = _by_cue(book, reading)
    return given[0] if len(given) == 1 else None


def _result_blocks(svc: Services, msg: Incoming, outcomes: list[Outcome], added: list[str]) \
        -> tuple[list[str], list[str]]:
    """The blocks of a reply of computed outcomes (each outcome's lines, then `added`, then the validity of each
    document involved) and its citations."""
    book, lang = svc.kb.policy, msg.lang
    policies = [book.policy(o.measure) for o in outcomes]
    blocks = ["\n".join(render.outcome_lines(o, lang)) for o in outcomes] + added \
        + render.validity_notes(policies, svc.policy_date(), lang)
    sources = list(dict.fromkeys(render.citation(svc.kb.knowledge.documents, p, o.measure, lang)
                                 for p, o in zip(policies, outcomes)))
    return blocks, sources


def _results(svc: Services, msg: Incoming, outcomes: list[Outcome], notes: list[str]) -> Reply:
    """The computed outcomes; when each says only that the article states no amount, the amount asked is not
    known: intent "fallback", so it counts as unanswered."""
    book = svc.kb.policy
    paid = [o for o in outcomes if o.status == "ok"]
    stacked = []
    if len(paid) > 1 and not _rivals(book, [o.measure.id for o in paid]):   # different cases are not stacked
        best = max(paid, key=lambda o: o.amount)
        stacked.append(render.no_double(book.policy(best.measure), best, msg.lang))
    blocks, sources = _result_blocks(svc, msg, outcomes, stacked + notes)
    buttons = [original_button(msg, o.measure.id) for o in outcomes[:1]]
    unknown = all(o.status == "unquantified" for o in outcomes)
    return render.reply("fallback" if unknown else "calc", "\n\n".join(blocks), confidence=0.5 if unknown else 0.8 if notes else 1.0,
                        buttons=buttons, sources=sources)


def _assumed_notes(msg: Incoming, measure, facts: Facts) -> list[str]:
    if msg.english:
        return [f"(I read your figure as the {render.label(measure, key, 'en')}; if it is not, please tell me the "
                f"{render.label(measure, key, 'en')}.)" for key in facts.assumed]
    return [f"（您写的“{text}”按{measure.input(key).label}理解；如不是，请直接告诉我{measure.input(key).label}。）"
            for key, text in facts.assumed.items()]


def _loose(msg: Incoming, measure, values: dict, facts: Facts, general: bool) -> tuple[Outcome, str | None]:
    """A range or rough figure: the outcome when its ends agree (with a note saying so), else it becomes an
    error, so that the exact figure is asked for."""
    ends = {k: (f.low, f.high) for k, f in facts.loose.items()}
    if (outcome := settled(measure, values, ends, ask_thresholds=not general)) is not None:
        said = "、".join(f"“{f.text}”" for f in facts.loose.values())
        return outcome, msg.say(f"（您给的{said}不是一个确切的数（区间、约数或不止一个数）；在这个范围内测算结果相同。）",
                                f"(You gave a range, a rough figure or more than one figure ({said}); every value "
                                "in between gives the same result.)")
    for key, fig in facts.loose.items():
        facts.errors[key] = Reason(f"“{fig.text}”不是一个确切的数（区间、约数或不止一个数），按两端测算的金额或结论不同，需要确切的数字",
                                   f"“{fig.text}” is not an exact figure (a range, a rough figure or more than one "
                                   "figure), and its ends give different results: I need the exact figure")
    return evaluate(measure, {k: v for k, v in values.items() if k not in ends}, ask_thresholds=not general), None


def _ask(svc: Services, msg: Incoming, outcome: Outcome, facts: Facts, question: str) -> Reply:
    """Keep what we know, ask for the next missing (or unusable) figure."""
    measure, lang = outcome.measure, msg.lang
    if facts.errors:
        key = next(iter(facts.errors))
        lead = msg.say(f"{facts.errors[key].zh}。", f"{facts.errors[key].en}. ")
    else:
        wanted = [k for k in outcome.missing if k in facts.mentioned or k in facts.other] or outcome.missing
        key = wanted[0]
        lead = (msg.say(f"没有读到{measure.input(key).label}的具体数字。",
                        f"I did not find a figure for the {render.label(measure, key, lang)}. ")
                if key in facts.mentioned else "")
        if key in facts.other:
            word, fig = facts.other[key]
            lead = msg.say(f"您写的“{fig}”是“{word}”的数，不是{measure.input(key).label}；本条按{measure.input(key).label}计算。",
                           f"The figure “{fig}” is given for “{word}”, not for the {render.label(measure, key, lang)} "
                           "this measure is computed on. ")
    svc.dialogs.put(msg.user_key, CalcAsking(question, measure.id, key, {k: str(v) for k, v in outcome.facts.items()}))
    inp = measure.input(key)
    if len(outcome.missing) > 1 and inp.kind == "count" and key not in facts.mentioned:
        labels = msg.say("、", ", ").join(render.label(measure, k, lang) for k in outcome.missing)
        prompt = msg.say(f"请告诉我各项的数量（{labels}），例如“2{inp.unit}{inp.label}”。",
                         f"Please tell me how many of each ({labels}), e.g. “2 {render.label(measure, key, lang)}”.")
    else:
        prompt = render.ask_for(measure, key, lang)
    known = [render.check_line(measure, c, lang) for c in outcome.checks]
    if WHO_GETS.search(question):         # "补多少，钱给谁": whom the article pays, beside the figure asked for
        known.append(msg.say(f"支持对象：{measure.beneficiary}。",
                             f"Goes to: {measure.en.beneficiary if measure.en else measure.beneficiary}."))
    known += [msg.say(f"条件：{render.condition_text(measure, c, lang)}。", f"Condition: {render.condition_text(measure, c, lang)}.")
              for c in measure.conditions if c.input == key]
    text = "\n".join([render.heading(measure, lang), msg.say(f"规则：{render.rule_text(measure)}。", f"Rule: {render.rule_text(measure, lang)}."),
                      *known, lead + prompt, msg.say("（输入“取消”可退出速算）", "(Type “cancel” to leave the quick-check.)")])
    policy = svc.kb.policy.policy(measure)      # the rule stated while asking carries its source and validity too
    blocks = [text, *render.validity_notes([policy], svc.policy_date(), lang)]
    return _reply("\n\n".join(blocks), confidence=0.6, buttons=[_cancel(msg)],
                  sources=[render.citation(svc.kb.knowledge.documents, policy, measure, lang)])


CEILING_ASKED = one_of(phrases().calc.ceiling_asked, re.IGNORECASE)


def _ceiling(svc: Services, msg: Incoming, question: str, outcome: Outcome, facts: Facts) -> Reply | None:
    """"新设金融总部补助最高多少": the most a rate or tiered rule gives, asked without any figure of the question's
    own, is stated as that ceiling (the dialog stays open for the figure)."""
    measure = outcome.measure
    if measure.rule.type not in ("rate", "tiered") or ceiling(measure) is None or facts.values or facts.errors \
            or facts.other or facts.loose or outcome.missing != measure.rule_inputs() \
            or not CEILING_ASKED.search(f"{question} {msg.text}"):
        return None
    key = measure.rule_inputs()[0]
    svc.dialogs.put(msg.user_key, CalcAsking(question, measure.id, key, {}))
    book = svc.kb.policy
    policy = book.policy(measure)
    lines = render.ceiling_lines(measure, msg.lang)
    if outcome.open_conditions:
        lines.append(msg.say("还需符合：", "Also required: ") + msg.say("；", "; ").join(
            render.condition_text(measure, c, msg.lang) for c in outcome.open_conditions))
    blocks = ["\n".join(lines), *render.validity_notes([policy], svc.policy_date(), msg.lang)]
    return _reply("\n\n".join(blocks), confidence=0.8, buttons=[original_button(msg, measure.id), _cancel(msg)],
                  sources=[render.citation(svc.kb.knowledge.documents, policy, measure, msg.lang)])


def _pick(svc: Services, msg: Incoming, ids: list[str], question: str, lead: str) -> Reply:
    book = svc.kb.policy
    svc.dialogs.put(msg.user_key, CalcPicking(question, ids))
    return _reply(f"{lead}\n" + msg.say("请点选要测算的措施（输入“取消”可退出）：",
                                        "Tap the measure to compute (type “cancel” to leave):"),
                  confidence=0.5, buttons=_page(msg, book, ids, 0))


def _page(msg: Incoming, book, ids: list[str], page: int) -> list[Button]:
    """One page of measure buttons that fits a phone with "更多" to the next while there is one, and "取消"."""
    buttons = [_button(book.measure(i), msg.lang) for i in ids if book.measure(i)]
    return paged(buttons, page, Button(msg.say("更多", "More"), CALC(f"{MORE}{page + 1}")), [_cancel(msg)])


DATED = re.compile(r"\b(?:(?P<month>jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+)?(?P<year>20\d\d)\b"
                   r"|(?P<cyear>20\d\d|(?<![\d.第有近满了超过])2\d(?=年(?:\d{1,2}月|[新成开设获批落注入挂上发取底初末])))年(?:(?P<cmonth>\d{1,2})月)?"
                   r"|(?P<ryear>今年|去年|前年|this year|last year)(?:(?P<rmonth>\d{1,2})月)?", re.IGNORECASE)
# English questions say which capital they mean: registered capital is not the paid-in capital the rules use.
REGISTERED = re.compile(r"\bregistered capital\b", re.IGNORECASE)
MONTHS = "jan feb mar apr may jun jul aug sep oct nov dec".split()
SEVERAL_ITEMS = re.compile(r"分别|[两二三四五]年|(?<![0-9.])([两二三四五六七八九十]|[2-9])\s*(家|个[^，,。；;、\d]{0,8}?项目|个重大)")
SEVERAL = re.compile(r"一共|合计|总共|共计|加起来|" + SEVERAL_ITEMS.pattern)


YEARS = re.compile(r"20\d\d年|[两二三四五]年|\b20\d\d\b")


ALREADY = re.compile(r"已经?(拿|领|获得?|得到|享受)(了|过)[^，,。；;]{0,4}\d+(\.\d+)?\s*[万亿元]?"
                     r"|(拿|领|获得?|得到|享受)(了|过)[^，,。；;\d]{0,4}\d+(\.\d+)?\s*[万亿]")


# "去年已经拿过市里的总部补助了": support already received, its amount not given.
RECEIVED = re.compile(r"(已经?|之前|以前|去年|前年)[^，,。；;]{0,4}(拿|领|获得?|得到|享受)(了|过)[^，,。；;\d]{0,12}(补助|补贴|奖励|资助|扶持)"
                      r"|\b(already (got|received|had|obtained))\b[^,.;\d]{0,40}\b(subsid|grant|award|support)", re.IGNORECASE)


WHO_GETS = re.compile(r"(发|给|奖|补|钱)给谁|谁(能|可以)?(拿|领|得|获得)|(奖励|补助|支持)对象|\bwho (gets|receives|is paid)\b",
                      re.IGNORECASE)


def _several(question: str, measure_ids: list[str], book) -> bool:
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


PERSONAL = re.compile(r"我们|我司|我公司|本公司|我方|咱们|我单位|我行|我所|本单位|本机构|\b(we|our|us)\b")
CAN = re.compile(r"能|可以|可获|\b(can|could|eligible)\b")
RULE_ASKED = re.compile(ELIGIBLE + r"|最高|最多|分别(补|奖|给|是|为)|门槛|标准|上限|规定|\b(maximum|at most|up to|threshold|tiers?)\b")


def _about_the_rule(text: str, reading: Reading) -> bool:
    """"金融科技子公司补助最高多少": a question about the rule, not the asker's case — the rule is answered with
    its conditions, nothing asked back. A self-reference, "能拿", or figures of one's own make it a case."""
    if PERSONAL.search(text):
        return False
    return bool(RULE_ASKED.search(text)) or not (reading.figures or CAN.search(text))


def _in_force_first(book, measure_ids: list[str], today) -> list[str]:
    """The measures of the documents in force today when any is among them (a successor replaces the expired
    document); otherwise the expired ones, explained with their expiry notice."""
    current = [i for i in measure_ids if book.policy(book.measure(i)).in_force(today)]
    return current or measure_ids


def _rivals(book, measure_ids: list[str]) -> list[str]:
    """Measures for different kinds of the same thing that the question does not tell apart."""
    return [i for i in measure_ids if set(book.measure(i).versus) & set(measure_ids)]


def _one_each(book, reading: Reading) -> list[str]:
    """"两个共富项目，一个受国家表彰，一个受部委表彰，一共多少": as many items as the rival fixed sums named, one of
    each."""
    named = [i for i in reading.scores if _named_alone(book, book.measure(i), reading)]
    if len(named) < 2 or not SEVERAL.search(reading.text) or _rivals(book, named) != named \
            or any(book.measure(i).rule_inputs() for i in named):
        return []
    counts = [f.value for f in reading.figures if f.kind == "count" and f.value is not None]
    several = [n for n in counts if n > 1]          # "两个…一个…另一个", or "1个…，1个…"
    return named if several == [len(named)] or counts == [1] * len(named) else []


def _named_alone(book, measure, reading: Reading) -> bool:
    """A word of the measure's own, which none of its rivals has, names it ("国家表彰", not "共富项目")."""
    shared = {k for r in measure.versus if (rival := book.measure(r)) for k in rival.keywords}
    return any(normalise(k) in reading.text for k in measure.keywords if k not in shared)


def _each_once(svc: Services, msg: Incoming, measures: list) -> Reply:
    """One item of each measure, each with its own cap, and their total."""
    lang = msg.lang
    outcomes = [evaluate(m, {}) for m in measures]
    if any(o.status != "ok" for o in outcomes):
        return _pick(svc, msg, [m.id for m in measures], msg.text, msg.say("请问是哪一种？", "Which one is it?"))
    svc.dialogs.pop(msg.user_key)
    total = sum((o.amount for o in outcomes), Decimal(0))
    where = msg.say("、", ", ").join(dict.fromkeys(render.article(m, lang) for m in measures))
    blocks, sources = _result_blocks(svc, msg, outcomes, [msg.say(
        f"合计（每项各自适用上限）：{render.gets(measures[0])} {render.money(total)}（{where}）",
        f"Total (each with its own cap): {render.gets(measures[0], lang)} {render.money(total, lang)} ({where})")])
    return _reply("\n\n".join(blocks), sources=sources, buttons=[original_button(msg, m.id) for m in measures])


def _said_before(svc: Services, msg: Incoming) -> str:
    """That the user said its enterprise is newly set up, earlier in this conversation ("我们是新设立的私募基金管理人"),
    in the words the extractor reads, so that it is not asked again. Only that, only in a clause describing the
    enterprise's kind, and not when the clause holds words that rule a condition out: other words met in passing
    ("我们第一次来咨询", "国家级高新技术企业") say nothing of a measure's conditions."""
    book = svc.kb.policy
    newly = [normalise(w) for w in book.words["newly"]]
    said = []
    for exchange in svc.history.recent(msg.user_key):
        for clause in re.split(r"[，,。；;！!？?]", normalise(for_reading(exchange.said, book, msg.lang))):
            if SELF_DESCRIPTION.search(clause) and beneficiary_types(clause, book) \
                    and not book.ruling_out(clause, msg.english):
                said += [w for w in newly if w in clause]
    return " ".join(dict.fromkeys(said))


def _unstated(measure, question: str):
    """The first condition whose deciding words (e.g. the pilot's level) the question does not contain."""
    return next(((n, c) for n, c in enumerate(measure.conditions)
                 if c.ask_unless and not any(_says(question, normalise(w)) for w in c.ask_unless)), None)


def _says(text: str, word: str) -> bool:
    """A Chinese word anywhere; an English one only whole ("led" is not in "filed")."""
    return bool(re.search(rf"\b{re.escape(word)}\b", text)) if word.isascii() else word in text


def _confirm(svc: Services, msg: Incoming, measure, n: int, condition, question: str) -> Reply:
    svc.dialogs.put(msg.user_key, CalcPicking(question, [measure.id]))
    also = [i for i, c in enumerate(measure.conditions) if i != n and c.ask_unless      # "试点刚入围就能拿吗": 验收 too
            and not any(_says(question, normalise(w)) for w in c.ask_unless)]
    if msg.english and measure.en:
        text = (f"{render.heading(measure, 'en')}\nThe original text requires: {measure.en.conditions[n]}. Your "
                f"question does not say so; please tell me whether it does, and I will compute it.")
        text += "".join(f"\nIt also requires: {measure.en.conditions[i]}." for i in also)
    else:
        text = (f"{render.heading(measure)}\n原文条件：{condition.text}。您的问题没有说明这一点，请补充"
                f"（例如“{condition.ask_unless[0]}”），我再为您测算。")
        text += "".join(f"\n原文还要求：{measure.conditions[i].text}。" for i in also)
    return _reply(text + msg.say("\n（符合请点“是”；输入“取消”可退出速算）",
                                 "\n(Tap “Yes” if it does; type “cancel” to leave the quick-check.)"),
                  confidence=0.5, buttons=[Button(msg.say("是", "Yes"), CALC("confirm")),
                                           Button(msg.say("不是", "No"), CALC("deny")),
                                           original_button(msg, measure.id), _cancel(msg)])


AFFIRM = re.compile(r"^(是|是的|对|对的|嗯|符合|没错|yes|yep|y|correct)[。.!！]?$", re.IGNORECASE)
DENY = re.compile(r"^(不是|否|没有|不符合|不对|no|nope|n)[。.!！]?$", re.IGNORECASE)


async def _answer_confirm(svc: Services, msg: Incoming, state: CalcPicking, yes: bool) -> Reply:
    """"是" / "不是" to a condition the quick-check asked about: compute with it stated, or say it is not met."""
    book = svc.kb.policy
    measure = book.measure(state.choices[0])
    unstated = _unstated(measure, _read(msg, state.text, book).text) if measure else None
    if measure is None or unstated is None:
        svc.dialogs.pop(msg.user_key)
        return _stale(msg)
    n, condition = unstated
    if yes:
        return await _run(svc, msg, f"{state.text} {condition.ask_unless[0]}", [measure.id])
    svc.dialogs.pop(msg.user_key)
    return _reply(msg.say(f"{render.heading(measure)}\n按原文，需符合“{condition.text}”；不符合这一条件，不能获得该项{measure.money}。",
                          f"{render.heading(measure, 'en')}\nUnder the original text it requires: "
                          f"{render.condition_text(measure, condition, 'en')}. Without it, this "
                          f"{measure.en.money if measure.en else measure.money} does not apply."),
                  buttons=[original_button(msg, measure.id)])


def _stale(msg: Incoming) -> Reply:
    return _reply(msg.say("这项措施已更新或不存在，请重新选择。", "This measure has changed or no longer exists; please "
                                                         "choose again."),
                  buttons=[Button(msg.say("补贴速算", "Quick-check"), "/calc")])


def _other_policy(book, reading: Reading) -> tuple[Reading, Decimal | None]:
    """"另一个政策已经给了我们300万": that amount is another policy's, compared under 就高不重复, never an input."""
    for m in book.patterns["other_policy"].finditer(reading.text):
        near = [n for n, f in enumerate(reading.figures) if f.kind == "money" and f.value is not None
                and 0 <= f.start - m.end() <= 12]
        if near:
            n = near[0]
            kept = reading.figures[:n] + reading.figures[n + 1:]
            labelled = frozenset(i - (i > n) for i in reading.labelled if i != n)
            return replace(reading, figures=kept, labelled=labelled), reading.figures[n].value
    return reading, None


def _higher_of(msg: Incoming, here: Decimal, where_here: str, other: Decimal) -> str:
    ours = here >= other
    where = where_here if ours else msg.say("其他政策", "the other policy")
    amount = here if ours else other
    if msg.english:
        return (f"You mention {render.money(other, 'en')} under another policy. Under 就高不重复 the same project "
                f"gets the higher one only: the highest one applies: {render.money(amount, 'en')} ({where}), not "
                "added together" + ("." if ours else "; this document gives nothing more."))
    return (f"您提到其他政策给予{render.money(other)}。就高不重复：同一企业、同一项目只按较高的一项享受，"
            f"两者按最高一项计：{render.money(amount)}（{where}），不叠加" + ("。" if ours else "，本文件不再另行给予。"))


THIS_DOCUMENT = re.compile(r"(这个|本|该|这份|此)(文件|政策|意见)|号文|杭政办")


def _two_policies(svc: Services, msg: Incoming, reading: Reading) -> Reply | None:
    """"按这个文件能拿300万，按市里另一个政策能拿500万，能一起拿吗": the higher of the two amounts the
    asker quotes, under 就高不重复, when no measure is named to compute."""
    rest, other = _other_policy(svc.kb.policy, reading)
    here = [f.value for f in rest.figures if f.kind == "money" and f.value
            and THIS_DOCUMENT.search(rest.text[max(0, f.start - 10):f.start])]
    policies = list(svc.kb.policy.policies.values())
    if other is None or len(here) != 1 or len(policies) != 1:
        return None
    policy = policies[0]
    blocks = [_higher_of(msg, here[0], policy.number, other), render.no_double(policy, lang=msg.lang),
              *render.validity_notes([policy], svc.policy_date(), msg.lang)]
    return _reply("\n\n".join(blocks), confidence=0.9,
                  sources=[svc.kb.knowledge.cite(Source(doc=policy.doc, section=policy.section), msg.lang)])


def _itemisable(measure, reading: Reading) -> bool:
    """Items of one measure only: not when the question also names another kind (一个国家表彰、一个部委表彰)."""
    return bool(items(measure, reading, {})) and not any(v in reading.candidates() for v in measure.versus) \
        and not (_about_the_rule(reading.text, reading) and not SEVERAL.search(reading.text))   # "3家…最多拿多少": a case


def _itemised(svc: Services, msg: Incoming, measure, reading: Reading, known: dict | None) -> Reply | None:
    """The items of an itemisable question, each computed with its own caps and added up; None when an item
    lacks a figure."""
    book = svc.kb.policy
    facts = facts_for(book, measure, reading)
    common = {k: Decimal(v) for k, v in (known or {}).items()} | {
        k: v for k, v in facts.values.items() if k not in measure.rule_inputs()}
    outcomes = [evaluate(measure, values) for values in items(measure, reading, common)]
    if any(o.status not in ("ok", "fail") for o in outcomes):
        return None
    svc.dialogs.pop(msg.user_key)
    policy = book.policy(measure)
    text = "\n".join(render.items_lines(outcomes, msg.lang))
    blocks = [text, *render.validity_notes([policy], svc.policy_date(), msg.lang)]
    return _reply("\n\n".join(blocks), sources=[render.citation(svc.kb.knowledge.documents, policy, measure, msg.lang)],
                  buttons=[original_button(msg, measure.id)])


PART_OF_IT = one_of(phrases().calc.part_of_it, re.IGNORECASE)
# The figure a foreign currency belongs to ("8000万港币", "USD 20 million"), dropped from the question kept open.
_FOREIGN_FIGURE = r"[\d.,]+\s*(?:个)?\s*(?:千万|百万|十万|万亿|万|亿|千|百|billion|million|bn|mn|m|k)?\s*(?:元|块)?\s*"


def _await_rmb(svc: Services, msg: Incoming, question: str, currency: re.Match, measure_ids: list[str]) -> None:
    """After asking for the RMB figure of one measure, the next message answers it: the question stays open
    without the foreign amount."""
    measure = svc.kb.policy.measure(measure_ids[0]) if len(measure_ids) == 1 else None
    money = [k for k in measure.rule_inputs() if measure.input(k).kind == "money"] if measure else []
    if not money:
        return
    svc.dialogs.put(msg.user_key, CalcAsking(_without(question, currency)[0], measure.id, money[0], {}))


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
    reading = _read(msg, kept, book)
    facts = facts_for(book, measure, reading)
    outcome = evaluate(measure, facts.values)
    if (facts.errors or facts.other or any(k not in facts.values or k in facts.assumed for k in measure.rule_inputs())
            or outcome.status != "ok" or _unstated(measure, f"{normalise(kept)} {reading.text}")
            or _guarded(svc, msg, kept, reading, measure_ids, **guards) is not None):
        return None
    what = "、".join(render.label(measure, k) for k in measure.rule_inputs())
    return _reply("\n".join([*render.outcome_lines(outcome, msg.lang), msg.say(
        f"以上只按您给的人民币部分测算；“{currency.group(0)}”部分文件按人民币计算、没有规定汇率，未计入，计入后金额只会相同或更高。"
        f"请告诉我折合人民币的{what}合计，我再为您测算。",
        f"The above counts only the part you gave in RMB; the part in “{currency.group(0)}” is left out, as the document "
        "computes in RMB and sets no exchange rate (counting it can only keep or raise the amount). Please tell me the "
        f"total {what} in RMB.")]), confidence=0.7, buttons=[original_button(msg, measure.id)])


def ruled_out_reply(msg: Incoming, book, said: str, measure_ids: list[str]) -> Reply:
    """The user's own words (`said`) rule out a condition of the measures: no amount, the conditions quoted."""
    lang = msg.lang
    buttons = _originals(msg, book, measure_ids[:2])
    measures = [book.measure(i) for i in measure_ids[:2]]
    names = msg.say("、", "; ").join(f"{render.article(m, lang)} {render.title(m, lang)}" for m in measures)
    worded = msg.say("；", "; ").join(render.condition_text(m, c, lang) for m in measures for c in m.conditions
                                      if not c.input)
    return _reply(msg.say(f"您提到“{said}”，按原文这可能不满足{names}的条件，所以我不按它计算金额。"
                          + (f"原文条件：{worded}。" if worded else "") + "如理解有误，请补充说明。",
                          f"You mention “{said}”: under the original text this may not meet the conditions "
                          f"of {names}, so I do not compute an amount."
                          + (f" The original text requires: {worded}." if worded else "")
                          + " If I misread you, please tell me more."), confidence=0.5, buttons=buttons)


def _guarded(svc: Services, msg: Incoming, question: str, reading: Reading, measure_ids: list[str], *,
             several_ok: bool, other_policy: bool) -> Reply | None:
    """A wrong amount is the worst answer: no computing on a foreign currency, a zero figure, or words of the
    user's own that rule a condition out."""
    book, lang = svc.kb.policy, msg.lang
    svc.dialogs.pop(msg.user_key)
    buttons = _originals(msg, book, measure_ids[:2])
    if m := book.foreign(msg.english).search(question):
        if partial := _rmb_part(svc, msg, question, m, measure_ids, several_ok=several_ok, other_policy=other_policy):
            return partial
        _await_rmb(svc, msg, question, m, measure_ids)
        word = (book.foreign(msg.english).search(msg.typed) or m).group(0)       # as typed, when the figure was reworded
        return _reply(msg.say(f"您给的是外币金额（“{word}”）。文件按人民币计算，也没有规定汇率，请告诉我折合人民币的金额"
                              "（例如“实收资本8亿元人民币”），我再为您测算。",
                              f"You gave an amount in a foreign currency (“{word}”). The document computes in RMB "
                              "and sets no exchange rate: please tell me the amount in RMB (e.g. “paid-in capital RMB "
                              "800 million”) and I will compute it."), confidence=0.5, buttons=buttons)
    policies, dates = [book.policy(book.measure(i)) for i in measure_ids], _dates(question, svc.policy_date())
    if late := _after_expiry(dates, policies):
        date, policy = late
        return _reply(msg.say(f"您提到的时间（{date}）晚于{policy.number}的有效期（至{policy.effective_to.isoformat()}），"
                              f"按原文不在其适用期内，所以我不按它计算金额；现行政策请向{policy.lead_department}确认。",
                              f"The date you mention ({date}) is after {policy.number} expired on "
                              f"{policy.effective_to.isoformat()}, so under the original text it does not apply and I "
                              f"do not compute an amount; please check the current policy with the "
                              f"{policy.en.lead_department}."), confidence=0.5, buttons=buttons)
    if any(f.kind == "money" and f.value is not None and f.value <= 0 for f in reading.figures):
        return _reply(msg.say("金额为0时没有可测算的补贴。请告诉我实际的金额（例如“10亿”），我再为您测算。",
                              "With an amount of zero there is nothing to compute. Please tell me the actual amount "
                              "(e.g. “RMB 1 billion”)."), confidence=0.5, buttons=buttons)
    if said := book.ruling_out(question, msg.english, [book.measure(i) for i in measure_ids]):
        return ruled_out_reply(msg, book, said, measure_ids)
    if early := _before_effect(dates, policies):
        date, policy = early
        start = policy.effective_from.isoformat()
        return _reply(msg.say(f"您提到的时间（{date}）早于{policy.number}的施行日（{start}）。按原文，本意见自{start}起施行，"
                              "此前发生的设立、认定、上市、融资等事项不在其适用范围内，所以我不按它计算金额；如所述事项发生在"
                              "施行之后，请说明具体时间。",
                              f"The date you mention ({date}) is before {policy.number} took effect on {start}; under the "
                              "original text, what happened before then is not covered, so I do not compute an amount. "
                              "If the event itself came later, please tell me when."), confidence=0.5, buttons=buttons)
    if not other_policy and (m := ALREADY.search(question)):
        if tiered := next((book.measure(i) for i in measure_ids if book.measure(i).rule.type == "tiered"), None):
            return _reply(render.tier_upgrade(tiered, book.policy(tiered), m.group(0), lang), confidence=0.8,
                          buttons=buttons)
        return _reply(msg.say(f"您提到“{m.group(0)}”。文件没有规定同一事项已获补助后再次申请或升档时怎样计算，所以我不按它"
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
        return _reply(msg.say(f"您问的是多家机构、多个项目或多年的合计。{names}按每家、每个项目分别计算，各有上限"
                              f"（每年上限按机构计）。为免算错，请逐项告诉我（{example}），我逐项测算。",
                              f"You ask for a total over several institutions, projects or years. {names} are computed "
                              "one institution or project at a time, each with its own cap. To avoid a wrong total, "
                              f"please give me one item at a time ({example}).") + "".join(f"\n{w}" for w in whom),
                      confidence=0.5, buttons=buttons)
    return None


def _other_subject(msg: Incoming, book, ruled_out: dict[str, str]) -> Reply:
    """The measure the question names is for another kind of institution than the one the asker says."""
    lang = msg.lang
    lines = [msg.say(f"您提到“{word}”：按原文，{render.article(m, lang)} {render.title(m, lang)}的支持对象是{m.beneficiary}，"
                     "所以我不按它计算金额。",
                     f"You mention “{word}”: under the original text, {render.article(m, lang)} "
                     f"{render.title(m, lang)} is for {m.en.beneficiary if m.en else m.beneficiary}, so I do not "
                     "compute an amount.")
             for m, word in ((book.measure(i), w) for i, w in ruled_out.items())]
    lines.append(msg.say("如理解有误，请补充说明；也可以说明贵单位情况，我帮您匹配适用的措施。",
                         "If I misread you, please tell me more; or describe your institution and I will match "
                         "the measures that fit."))
    return _reply("\n".join(lines), confidence=0.5,
                  buttons=_originals(msg, book, list(ruled_out)[:2]))


RELATIVE_YEAR = {"今年": 0, "去年": -1, "前年": -2, "this year": 0, "last year": -1}


def _when(m: re.Match, today) -> tuple[int, int | None, str]:
    """(year, month or None, how to say it) of one DATED match; 今年/去年 count from today."""
    if m["ryear"]:
        year, month = today.year + RELATIVE_YEAR[m["ryear"].lower()], int(m["rmonth"]) if m["rmonth"] else None
        return year, month, f"{m.group(0)}（{year}年{f'{month}月' if month else ''}）"
    year = int(m["year"] or m["cyear"])
    year += 2000 if year < 100 else 0            # "23年2月开业": 2023
    month = MONTHS.index(m["month"].lower()[:3]) + 1 if m["month"] else int(m["cmonth"]) if m["cmonth"] else None
    return year, month, m.group(0)


def _dates(question: str, today) -> list[tuple[int, int | None, str]]:
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


async def _run(svc: Services, msg: Incoming, question: str, measure_ids: list[str], known: dict | None = None,
               reading: Reading | None = None, expect: str | None = None) -> Reply:
    """Compute the measures for the question; an amount the documents do not state is logged as unanswered."""
    reply = _computed(svc, msg, question, measure_ids, known, reading, expect)
    return await handoff.unanswered(svc, msg, reply) if reply.intent == "fallback" else reply


def _computed(svc: Services, msg: Incoming, question: str, measure_ids: list[str], known: dict | None = None,
              reading: Reading | None = None, expect: str | None = None) -> Reply:
    """Compute the measures for the question; ask for what is missing."""
    book = svc.kb.policy
    reading = reading or _read(msg, question, book)
    measure_ids = _in_force_first(book, measure_ids, svc.policy_date())
    reading, elsewhere = _other_policy(book, reading)
    itemisable = len(measure_ids) == 1 and _itemisable(book.measure(measure_ids[0]), reading)
    general = _about_the_rule(f"{normalise(question)} {reading.text}", reading)
    asked = question if msg.text in question else f"{question} {msg.text}"
    each = _one_each(book, reading)
    if guarded := _guarded(svc, msg, asked, reading, measure_ids, several_ok=itemisable or general or bool(each)
                           or elsewhere is not None, other_policy=elsewhere is not None):
        return guarded
    if each and not general:
        return _each_once(svc, msg, [book.measure(i) for i in each])
    if rivals := _rivals(book, measure_ids):
        if general:        # "共富项目奖励多少": each case's rule, no amount for a case not told apart
            return details_reply(svc, [book.measure(i) for i in rivals], msg.lang)
        return _pick(svc, msg, rivals, question, msg.say("这几项按不同情形分别给予、金额不同，请问是哪一种？",
                                                         "These apply to different cases, with different amounts: which one is yours?"))
    before = _said_before(svc, msg)
    for measure_id in [] if general else measure_ids:
        measure = book.measure(measure_id)
        given = facts_for(book, measure, reading)     # a threshold already missed, or a figure of another base
        if (unstated := _unstated(measure, f"{normalise(question)} {reading.text} {before}")) and not given.other \
                and evaluate(measure, given.values).status != "fail":       # ("注册资本3000万"), says more
            return _confirm(svc, msg, measure, *unstated, question)
    if itemisable and (itemised := _itemised(svc, msg, book.measure(measure_ids[0]), reading, known)):
        return itemised
    outcomes, asks, read_as = [], [], []
    notes: list[str] = []
    ceiling_asked = bool(CEILING_ASKED.search(f"{question} {msg.text}"))
    for measure_id in measure_ids:
        measure = book.measure(measure_id)
        facts = facts_for(book, measure, reading, expect)
        if msg.english and REGISTERED.search(question):
            facts.values = {k: v for k, v in facts.values.items() if k not in facts.assumed}
        values = {k: Decimal(v) for k, v in (known or {}).items()} | facts.values
        rule_only = general and (ceiling_asked or not _threshold_unknown(measure, values))
        outcome = evaluate(measure, values, ask_thresholds=not rule_only)
        if facts.loose and not facts.errors:
            outcome, note = _loose(msg, measure, values, facts, rule_only)
            notes += [note] if note else []
        if facts.errors or outcome.status == "missing":
            asks.append((outcome, facts))
        else:
            outcomes.append(outcome)
            notes += _assumed_notes(msg, measure, facts)
            read_as.append((measure, facts))
    if len(read_as) > 1 and (shared := _one_figure_two_ways(msg, read_as)):
        return _pick(svc, msg, [m.id for m, _ in read_as], question, shared)
    if not outcomes and len(asks) == 1 and (ceiling := _ceiling(svc, msg, question, *asks[0])):
        return ceiling
    if not outcomes and len(asks) == 1:
        return _ask(svc, msg, *asks[0], question)
    if not outcomes:
        return _pick(svc, msg, [o.measure.id for o, _ in asks], question,
                     msg.say("您的问题可能涉及以下几项措施。", "Your question may concern these measures."))
    svc.dialogs.pop(msg.user_key)
    if elsewhere is not None and (paid := [o for o in outcomes if o.status == "ok"]):
        best = max(paid, key=lambda o: o.amount)
        notes.append(_higher_of(msg, best.amount, f"{book.policy(best.measure).number} "
                                f"{render.article(best.measure, msg.lang)}", elsewhere))
    elif elsewhere is None and (book.patterns["other_policy"].search(reading.text) or RECEIVED.search(f"{question} {reading.text}")):
        notes.append(msg.say("您提到已获或可获其他政策的支持。就高不重复：同一企业、同一项目同时符合本市其他支持政策的，"
                             "只按最高一项享受、不叠加；如那一项高于上面的测算，本文件不再另行给予。请告诉我那一项的金额，我可以比较。",
                             "You mention support under another policy. Under 就高不重复 the same enterprise or project "
                             "gets only the highest one, not both; if that one is higher than the amount above, this "
                             "document gives nothing more. Tell me its amount and I will compare them."))
    reply = _results(svc, msg, outcomes, notes)
    reply.buttons += [_button(o.measure, msg.lang) for o, _ in asks]
    return reply


def _threshold_unknown(measure, values: dict) -> bool:
    """"金融科技子公司补多少": a fixed sum paid only above a figure (实收资本5000万元（含）) the question does not
    give; unless the most it pays is what is asked ("上限多少"), that figure is asked for, no amount stated."""
    return measure.rule.type == "fixed" and any(c.input and c.input not in values for c in measure.conditions)


def _one_figure_two_ways(msg: Incoming, read_as: list) -> str | None:
    """"险资融杭和清算中心能拿多少 / 10亿": one figure without its name, read as a different quantity by each of
    several measures (保险资金融资额, 实收资本), is one of them only: which one is asked, none is computed."""
    readings: dict[str, list[str]] = {}
    for measure, facts in read_as:
        for key, text in facts.assumed.items():
            readings.setdefault(text, []).append(render.label(measure, key, msg.lang) if msg.english
                                                  else measure.input(key).label)
    text, labels = next(((t, ls) for t, ls in readings.items() if len(ls) > 1), (None, []))
    if text is None:
        return None
    named = msg.say("、", ", ").join(dict.fromkeys(labels))
    return msg.say(f"您写的“{text}”没有说明是哪一项措施的数额（{named}），所以我不按它同时测算几项。",
                   f"Your figure “{text}” does not say which measure's amount it is ({named}), so I do not compute "
                   "several on it.")


def is_quick_check(reading: Reading, book=None) -> bool:
    if SELF_DESCRIPTION.search(reading.text) and not reading.asks_amount() and not _states_its_base(book, reading):
        return False                 # "我们是…" is a profile to match (handlers/policy.py)
    if ASKS_WHEN.search(reading.text) and not reading.figures:
        return False                 # when it pays: the measure's conditions (handlers/policy.py)
    return bool(reading.candidates()) and (bool(reading.figures) or reading.asks_amount()
                                           or (book is not None and _reports_a_fixed_sum(book, reading)))


FORM_MAX = 20         # "新设金融总部 实收资本": a measure and the figure it needs, written like a form's label


def _names_its_input(book, reading: Reading) -> bool:
    """A short message naming one measure and what its amount is computed on, with no figure and no question: the
    quick-check, which asks for the figure."""
    chosen = reading.candidates()
    if len(chosen) != 1 or reading.figures or len(reading.text) > FORM_MAX or QUESTION_MARKS.search(reading.text) \
            or SELF_DESCRIPTION.search(reading.text):         # "我们是…": a profile to match
        return False
    measure = book.measure(chosen[0])
    return any(normalise(c) in reading.text for key in measure.rule_inputs() for c in measure.input(key).cues)


def _states_its_base(book, reading: Reading) -> bool:
    """"我们是新设立的金融租赁总部，实收资本1.5亿": a description asking nothing that names one measure and gives
    the figures its amount is computed on, naming no kind the matching of handlers/policy.py would read."""
    chosen = reading.candidates()
    return book is not None and len(chosen) == 1 and not ASKING.search(reading.text) \
        and not beneficiary_types(reading.text, book) \
        and _given_by_name(book, book.measure(chosen[0]), reading, conditions=False)


DONE = re.compile(r"已经?|了|通过|获得?|受到|入围|备案|认定|上市")


def _reports_a_fixed_sum(book, reading: Reading) -> bool:
    """"入围部级金融改革试点，验收通过了": no question, only what happened, of measures paying a fixed sum: the
    quick-check, as if "能拿多少" were added."""
    return not QUESTION_MARKS.search(reading.text) and bool(DONE.search(reading.text)) \
        and all(m.rule.type == "fixed" and not m.rule_inputs() for m in map(book.measure, reading.candidates()))


async def answer(svc: Services, msg: Incoming) -> Reply | None:
    """Free text: a measure with figures, or a measure and "能拿多少"; or figures by name and "能拿多少"."""
    book = svc.kb.policy
    reading = _read(msg, msg.text, book)
    if reading.elsewhere() or (faq.asks_unstated(svc, msg) and not (reading.candidates() and reading.figures)):
        return None
    if is_quick_check(reading, book) or not msg.english and _names_its_input(book, reading):
        return await _run(svc, msg, msg.text, _selected(book, reading), reading=reading)
    if not reading.candidates() and (compared := _two_policies(svc, msg, reading)):
        return compared
    if reading.ruled_out and not reading.candidates() and (reading.asks_amount() or reading.about_policy()
                                                           or any(f.kind == "money" for f in reading.figures)):
        if reading.figures and (owner := _owner_elsewhere(book, reading)):
            return await _run(svc, msg, msg.text, [owner], reading=reading)
        return _other_subject(msg, book, reading.ruled_out)
    if reading.asks_amount() and reading.figures and not reading.candidates() and (cued := _by_cue(book, reading))[0]:
        ids, given, ruled = cued
        if ruled and len(given) <= 1:    # "银行分行，实收资本10亿": not the HQ, and no other measure named
            return _other_subject(msg, book, ruled)
        if len(given) == 1:              # the figure is named by the one measure that uses it
            return await _run(svc, msg, msg.text, given, reading=reading)
        return _pick(svc, msg, ids, msg.text, msg.say("请问是哪一项支持措施？", "Which support measure is it?"))
    return None


async def command(svc: Services, msg: Incoming) -> Reply:
    """/calc [question]: compute at once, or list the measures that can be computed."""
    book = svc.kb.policy
    question = msg.text.partition(" ")[2].strip()
    if question:
        reading = _read(msg, question, book)
        if reading.candidates():         # /calc says "compute": no "能拿多少" needed
            return await _run(svc, msg, question, _selected(book, reading), reading=reading)
        reply = await answer(svc, replace(msg, text=question))
        if reply:
            return reply
    ids = [m.id for m in book.measures if m.rule.type != "unquantified"]
    svc.dialogs.put(msg.user_key, CalcPicking(question, ids))
    return _reply(msg.say("补贴速算：直接输入措施和数字即可，例如“新设金融总部，实收资本10亿，能拿多少？”、"
                          "“资管机构总部管理规模150亿”、“主导制定2项国家标准”。\n也可以先点选措施（输入“取消”可退出）：",
                          "Subsidy quick-check: type the measure and your figures, e.g. “New financial HQ, paid-in "
                          "capital RMB 1 billion: how much?”, “Asset management HQ, AUM 15bn”, “We led 2 national "
                          "standards”.\nOr tap a measure first (type “cancel” to leave):"),
                  buttons=_page(msg, book, ids, 0))


async def by_payload(svc: Services, msg: Incoming) -> Reply:
    """calc:<measure id> — a measure picked from buttons; figures already given are kept."""
    book = svc.kb.policy
    key = CALC.arg(msg.payload)
    dialog = svc.dialogs.of(msg.user_key, CalcDialog)
    if key.startswith(MORE):                 # the next page of the measures to pick from
        page = inputs.number(key.removeprefix(MORE))
        if not isinstance(dialog, CalcPicking) or page is None:
            return _stale(msg)
        return _reply(msg.say("请点选要测算的措施（输入“取消”可退出）：", "Tap the measure to compute (type “cancel” to leave):"),
                      confidence=0.5, buttons=_page(msg, book, dialog.choices, page))
    if key in ("confirm", "deny"):
        if not (isinstance(dialog, CalcPicking) and len(dialog.choices) == 1):
            return _stale(msg)
        return await _answer_confirm(svc, msg, dialog, key == "confirm")
    measure = book.measure(key)
    if measure is None:
        return _stale(msg)
    question = dialog.text if dialog else ""
    return await _run(svc, msg, question, [measure.id])


OPEN_QUESTION = re.compile(r"哪|什么|啥|多少|怎么|如何|\b(which|what|how)\b", re.IGNORECASE)


def answers_condition(svc: Services, msg: Incoming) -> bool:
    """"我们是分公司可以吗", "还在筹建能申请吗", "没有持牌呢" while the quick-check asks whether a measure's condition
    is met: the user's own words rule it out, so it is the answer to that question, not a question of its own (which
    an open question is: "分公司能申请哪些补贴"); so is "如果是新设的呢", saying the words that meet it."""
    state, book = svc.dialogs.state(msg.user_key, CalcDialog), svc.kb.policy
    if not (isinstance(state, CalcPicking) and len(state.choices) == 1) or OPEN_QUESTION.search(msg.text):
        return False
    said = normalise(for_reading(msg.text, book, msg.lang))
    measure = book.measure(state.choices[0])
    unstated = _unstated(measure, _read(msg, state.text, book).text) if measure else None
    return bool(unstated and any(_says(said, normalise(w)) for w in unstated[1].ask_unless)) \
        or book.ruling_out(said, msg.english) is not None


async def continue_dialog(svc: Services, msg: Incoming) -> Reply | None:
    """The answer to a question the quick-check asked; anything else passes to the other routes."""
    book = svc.kb.policy
    state = svc.dialogs.state(msg.user_key, CalcDialog)
    reading = _read(msg, msg.text, book)
    fresh = reading.candidates()
    choices = state.choices if isinstance(state, CalcPicking) else []
    if fresh and not ((isinstance(state, CalcAsking) and state.measure in fresh) or set(fresh) <= set(choices)):
        svc.dialogs.pop(msg.user_key)    # a new question: start over
        return await answer(svc, msg)
    if isinstance(state, CalcPicking) and is_quick_check(reading) and not set(fresh) - set(choices) \
            and (reading.figures or len(state.choices) > 1):
        svc.dialogs.pop(msg.user_key)    # a whole question of its own: read on its own, not added to the last one
        return await answer(svc, msg)
    if isinstance(state, CalcPicking):
        said = msg.text.strip()
        if len(state.choices) == 1 and (AFFIRM.match(said) or DENY.match(said)):
            return await _answer_confirm(svc, msg, state, bool(AFFIRM.match(said)))
        if answers_condition(svc, msg):
            return await _run(svc, msg, f"{state.text} {msg.text}", state.choices)
        if QUESTION_MARKS.search(msg.text) and not reading.figures and not set(fresh) & set(choices):
            svc.dialogs.pop(msg.user_key)    # a question of its own, not an answer to the one asked
            return None
        question = _new_figure(state.text, msg.text) or f"{state.text} {msg.text}".strip()
        combined = _read(msg, question, book)
        picked = [i for i in combined.candidates() if i in state.choices]
        if picked:
            return await _run(svc, msg, question, picked, reading=combined)
        if QUESTION_MARKS.search(msg.text):
            svc.dialogs.pop(msg.user_key)
            return None
        return _reply(msg.say("请点选要测算的措施，或输入“取消”退出。", "Tap the measure to compute, or type “cancel”."),
                      confidence=0.5,
                      buttons=_page(msg, book, state.choices, 0))
    assert isinstance(state, CalcAsking)
    measure = book.measure(state.measure)
    if measure is None:                  # the data was reloaded without it
        svc.dialogs.pop(msg.user_key)
        return None
    facts = facts_for(book, measure, reading, state.expect)
    if facts.values or facts.errors:
        return await _run(svc, msg, state.text, [measure.id], known=state.facts, reading=reading, expect=state.expect)
    if QUESTION_MARKS.search(msg.text):
        svc.dialogs.pop(msg.user_key)
        return None
    return _again(svc, msg, measure, state.expect)


def _again(svc: Services, msg: Incoming, measure, key: str) -> Reply:
    svc.dialogs.touch(msg.user_key)
    return _reply(msg.say("没有读到有效的数字。", "I did not find a usable figure. ") + render.ask_for(measure, key, msg.lang)
                  + msg.say("\n（输入“取消”可退出速算）", "\n(Type “cancel” to leave the quick-check.)"), confidence=0.5,
                  buttons=[_cancel(msg)])


ELLIPTICAL = re.compile(r"^那?\D{2,12}呢[\s?？。]*$")        # "金融控股公司呢": no figure, the question left out
# "what about enterprise credit reporting?", "and for a credit rating agency?": the English of "…呢"
ELLIPTICAL_EN = re.compile(r"^(?:(?:and|so|then|ok|okay)[,\s]+)?(?:(?:what|how)\s+about|and(?:\s+for)?)\s+(?:the\s+|an?\s+)?"
                           r"(?P<thing>[^\d?!.]{2,60}?)[\s?!.]*$", re.IGNORECASE)
AMOUNT = re.compile(r"\d[\d.,]*\s*(?:千万|百万|万|亿)元?|\d[\d.,]*\s*元")
COUNT = re.compile(r"\d+\s*(?:个|项|家|笔|张|块)")
LEAD_CLAUSE = re.compile(r"[，,；;]")
FIGURE_AGAIN_EN = re.compile(r"^(?:(?:and|so|then|ok|okay)[,\s]+)?(?:(?:what|how)\s+about|if\s+(?:it\s+(?:is|was|were)|it['’]s)|with)?"
                             r"\s*(?P<figure>(?:rmb|cny|¥)?\s*\d[\d.,]*\s*(?:[a-z]+)?(?:\s+(?:rmb|yuan))?)"
                             r"\s*(?:instead)?[\s?!.]*$", re.IGNORECASE)
_AGAIN = phrases().calc


def _any(words: list[str]) -> str:
    return "|".join(map(re.escape, words))


ANOTHER_FIGURE = re.compile(rf"^(?:{_any(_AGAIN.another_lead)})?\s*(?:{_any(_AGAIN.another_if)})?\s*(?:是|为)?\s*"
                            rf"({AMOUNT.pattern}|{COUNT.pattern})"
                            rf"\s*(?:{_any(_AGAIN.another_tail)})?\s*(?:{_any(_AGAIN.another_ask)})?[\s?？。]*$")


def _new_figure(last: str, said: str) -> str | None:
    """`last` with its one figure replaced by `said`, the one figure of the same kind (an amount, a count) with any
    currency written after it."""
    for kind in (AMOUNT, COUNT):
        if len(kind.findall(said)) == 1 and len(kind.findall(last)) == 1:
            return kind.sub(lambda _: said.strip(), last)
    return None


def amount_again(svc: Services, msg: Incoming) -> Incoming | None:
    """"那5亿呢", "20亿", "6个呢", "what about 3 billion", "融资额10亿呢", "what if paid-in capital is USD 50 million"
    right after a quick-check's result, also with a remark after it ("500亿呢，是不是更多"): the last question again
    with this figure, when it holds exactly one figure of its kind (an amount, a count) to replace."""
    book, lang = svc.kb.policy, msg.lang
    recent = svc.history.recent(msg.user_key)
    if not (recent and recent[-1].intent == "calc"):
        return None
    last, typed = _last_question(book, lang, recent)
    asked = _another_figure(book, lang, msg.text) or _restated_figure(book, lang, msg.text, last, typed)
    if not (asked and (again := _new_figure(last, asked))):
        return None
    remark = LEAD_CLAUSE.split(msg.text, 1)[1:]        # "30亿呢，不过我们是分公司": a remark ruling a condition out
    if remark and book.ruling_out(normalise(for_reading(remark[0], book, lang)), msg.english):
        again = f"{again}，{remark[0]}"
    return replace(msg, text=again)


def unread_figure(svc: Services, msg: Incoming) -> Reply | None:
    """A short message with an amount, right after a quick-check result, that no route took ("注册资本30亿呢",
    "我们不是首次，200亿呢"): a question back, not an FAQ entry that happens to hold the number."""
    recent = svc.history.recent(msg.user_key)
    named = msg.reading.entities and not msg.reading.follow_up        # a place of its own, not the last topic's
    if not (recent and recent[-1].intent == "calc") or named or len(msg.text) > UNREAD_MAX \
            or not AMOUNT.search(for_reading(msg.text, svc.kb.policy, msg.lang)):
        return None
    return render.reply("clarify", msg.say(f"“{msg.text.strip()}”：我没能确定要按哪项措施、哪个数来算。请把完整的问题发给我，例如"
                          "“新设金融总部，实收资本30亿，能拿多少？”；如有不符合原文条件的情况（如分公司、非首次），也请一并说明。",
                          f"“{msg.text.strip()}”: I could not tell which measure and which figure to compute. Please send "
                          "the whole question, e.g. “New financial HQ, paid-in capital RMB 3 billion: how much?”, and "
                          "say if a condition is not met (a branch, not the first time)."),
                        confidence=0.5, buttons=[Button(msg.say("补贴速算", "Quick-check"), "/calc")])


UNREAD_MAX = 40       # longer messages are questions of their own, read by the other routes


def _another_figure(book, lang: str, text: str) -> str | None:
    """The one figure a message gives instead of the last question's, in the words the extractor reads."""
    if lang == "en":
        if not (asked := FIGURE_AGAIN_EN.match(text.strip())):
            return None
        text = for_reading(asked["figure"], book, lang)
    for said in dict.fromkeys((text.strip(), LEAD_CLAUSE.split(text, 1)[0].strip())):
        if asked := ANOTHER_FIGURE.match(said):
            return asked.group(1)
    return None


_RESTATED = {*_AGAIN.restated_verbs, *_AGAIN.restated_asks, *_AGAIN.another_lead, *_AGAIN.another_if,
             *_AGAIN.another_tail, *_AGAIN.another_ask}
SENTENCE_MARKS = set("，,。.？?！!、；;：: ")


def _restated_figure(book, lang: str, text: str, last: str, typed: str) -> str | None:
    """The one figure (with a currency written after it) of a message that otherwise only says again what the last
    question (`last`, as the extractor reads it; `typed`, as written) said, in its words, the words of restated_* and
    single fillers."""
    if lang == "en" and not _english_restates(book, text, last, typed):
        return None
    said = for_reading(text, book, lang)
    for kind in (AMOUNT, COUNT):
        if len(found := list(kind.finditer(said))) != 1:
            continue
        end = _currency_after(book, said, found[0].end())
        rest = said[:found[0].start()] + " " + said[end:]
        if any(not (ch.isalnum() or ch in SENTENCE_MARKS) for ch in rest):
            return None                  # "~200亿呢", "≈5亿", "-5亿": not the figure itself
        return said[found[0].start():end] if _restates(rest, last) else None
    return None


def _currency_after(book, text: str, end: int) -> int:
    """Where a currency written right after a figure ends ("5000万美元"; "外币", as an English question's foreign
    currency reads, is in the currency list too)."""
    mark = book.foreign().match(text, len(text) - len(text[end:].lstrip()))
    return mark.end() if mark else end


def _restates(rest: str, last: str) -> bool:
    """Every word of `rest` is a word of the last question (融资额 holds its 融资 and a filler), of restated_* or a
    filler: "再次突破" after "首次突破" is a new condition, not the same question again."""
    said = set(nlp.words(nlp.normalise(last)))
    again = _restated_words()
    fillers = _AGAIN.restated_fillers
    for word in nlp.words(nlp.normalise(rest)):
        if word in said or word in again or word in fillers:
            continue
        if not any(len(w) >= 2 and word.startswith(w) and word[len(w):] in fillers for w in said):
            return False
    return True


def _english_restates(book, text: str, last: str, typed: str) -> bool:
    """Every English word of `text` but its figure, currency and restated_en words was typed before, or is a phrase
    whose Chinese cue the last question holds ("paid-in capital" after "实收资本2亿"): the English reading drops words
    it does not know ("again reached 20 billion" would read as a bare figure)."""
    before = set(LATIN_WORDS.findall(plain_words(typed)))
    said = plain_words(book.foreign(True).sub(" ", text.lower()))
    for phrase, cue in sorted(cue_words(book).items(), key=lambda p: -len(p[0])):
        if cue in last and re.search(rf"\b{re.escape(phrase)}\b", said):
            said = re.sub(rf"\b{re.escape(phrase)}\b", " ", said)
    fillers = {plain_words(w) for w in _AGAIN.restated_en}
    return all(w in before or w in fillers for w in LATIN_WORDS.findall(said))


LATIN_WORDS = re.compile(r"[a-z][a-z'-]*")


@lru_cache(maxsize=1)
def _restated_words() -> frozenset[str]:
    """The restated_* words and the words the tokeniser cuts them into ("首次实现" → 首次, 实现)."""
    return frozenset({*_RESTATED, *(w for phrase in _RESTATED for w in nlp.words(nlp.normalise(phrase)))})


def _last_question(book, lang: str, recent: list) -> tuple[str, str]:
    """The question the last result computed: "200亿呢" after "AUM首次到100亿补多少" asked it with 200亿; a
    figure the quick-check asked for joins the question. Also the messages it was built from, as typed."""
    run = list(itertools.takewhile(lambda e: e.intent == "calc", reversed(recent)))
    question, typed = None, ""
    asking = ""                          # the bot's last reply: a question back names its measure in its heading
    for exchange in reversed(run):
        said = _said(book, exchange)
        before, typed = typed, f"{typed} {said}"
        if question is not None and (exchange.payload == CALC("confirm") or AFFIRM.match(said.strip())):
            question = _affirmed(book, question, asking)   # "是" to the condition asked: stated, as it was computed
            continue
        if question is not None and (exchange.payload == CALC("deny") or DENY.match(said.strip())):
            continue
        given = None if question is None else (_another_figure(book, lang, said)
                                                or _restated_figure(book, lang, said, question, before))
        if given is None:
            own = for_reading(said, book, lang)
            answers = question is not None and not (AMOUNT.search(question) or COUNT.search(question)) \
                and (AMOUNT.search(own) or COUNT.search(own)) and not read(own, book).candidates()
            question = f"{question} {own}" if answers else own     # "实收资本10亿", the figure the last step asked for
        elif (again := _new_figure(question, given)) is not None:
            question = again
        elif not (AMOUNT.search(question) or COUNT.search(question)):
            question = f"{question} {given}"
        asking = exchange.answer
    return question or "", typed


def _said(book, exchange) -> str:
    """What an exchange said of the question: a pressed measure button is that measure's name ("新设金融总部补助")."""
    if exchange.payload and CALC.matches(exchange.payload) and (measure := book.measure(CALC.arg(exchange.payload))):
        return measure.title
    return exchange.said


def _affirmed(book, question: str, asking: str) -> str:
    """The question with the condition the quick-check asked about (its reply `asking`) stated, as
    `_answer_confirm` computed it."""
    measure = next((m for m in book.by_id.values() if asking.startswith((render.heading(m), render.heading(m, "en")))),
                   None)
    unstated = _unstated(measure, read(question, book).text) if measure else None
    return f"{question} {unstated[1].ask_unless[0]}" if unstated else question


def another_measure(svc: Services, msg: Incoming, asked: str) -> bool:
    """An elliptical message ("金融控股公司呢") naming a measure the question `asked` did not name."""
    book = svc.kb.policy
    elliptical = ELLIPTICAL_EN.match(msg.text.strip()) if msg.english else ELLIPTICAL.match(msg.text)
    named = read(for_reading(msg.text, book, msg.lang), book).candidates() if elliptical else []
    return bool(named) and not set(named) & set(read(for_reading(asked, book, msg.lang), book).candidates())
