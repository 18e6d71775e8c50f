"""Subsidy quick-check: "新设金融总部，实收资本10亿，能拿多少？" → the arithmetic, the cap, the article.

A missing figure or measure opens a per-user dialog (flow "calc") that asks for it — with buttons to pick
the measure, "取消" to leave, and the dialog timeout of bot/dialogs.py — the same on every channel.
"""
from __future__ import annotations

import re
from datetime import date
from dataclasses import replace
from decimal import Decimal

from bot import inputs
from bot.messages import Button, Incoming, Reply
from bot.payloads import CALC
from bot.phrases import phrases
from bot.services import Services
from faq.reading import ASKING
from faq.schema import Source, holds_any, one_of
from handlers import faq, handoff
from handlers.calc_again import new_figure
from handlers.calc_dialog import (AFFIRM, DENY, IN_RMB, MORE, CalcAsking, CalcDialog, CalcPicking, calc_reply, cancel_button,
                                   measure_button, page_buttons, read_question, says, unstated_condition)
from handlers.calc_guards import SEVERAL, WHO_GETS, refusal, other_subject
from handlers.policy import ARTICLE, _article_number, details_reply, original_button, other_issuer, quotes_the_rule
from policy_data import render
from policy_data.english import for_reading
from policy_data.engine import Outcome, ceiling, evaluate, settled
from policy_data.items import MAX_ITEMS, counts_its_items, item_noun, item_unit, items, unknown_count
from policy_data.extract import ASKS_WHEN, ELIGIBLE, SELF_DESCRIPTION, Facts, beneficiary_types, Reason, Reading, cue_index, cued_measures, facts_for, normalise, ruling_word
from policy_data.loader import ROOT_TYPE, PolicyBook
from policy_data.schema import Condition, Measure


QUESTION_MARKS = re.compile(r"[?？]|吗|呢|哪|什么|啥|干嘛|怎么|如何|谁|多少|几|是否|能否|能不能|可不可以|行不行|有没有|是不是|还是|含不含|算不算|包不包括")


def _selected(book: PolicyBook, reading: Reading) -> list[str]:
    """The best-scoring measures, plus any other named measure whose figures the question gives by name. Rival
    fixed sums that a shared word named ("征信公司") give way to a measure whose figures the question gives."""
    chosen = reading.candidates()
    fixed_rivals = len(chosen) > 1 and _rivals(book, chosen) == chosen \
        and not any(book.measure(i).rule_inputs() for i in chosen)
    taken = set().union(*(_base_figures(book, book.measure(i), reading) for i in chosen))
    named = [*reading.scores, *cued_measures(book, reading)] if fixed_rivals or _unpriced(book, chosen, reading) \
        else reading.scores
    given = [i for i in dict.fromkeys(named) if i not in chosen and _given_by_name(book, book.measure(i), reading,
                                                                                 conditions=fixed_rivals)
             and not _priced_already(book, book.measure(i), reading, taken)]
    if fixed_rivals and given:
        return given
    # "我们fintech公司主导了2项国家标准": a best-scoring measure none of whose figures is given yields to those given
    bare = [i for i in chosen if book.measure(i).inputs and not _base_figures(book, book.measure(i), reading)
            and not set(facts_for(book, book.measure(i), reading).values)]
    return [i for i in chosen if i not in bare] + given if given and bare else chosen + given


def _unpriced(book: PolicyBook, chosen: list[str], reading: Reading) -> bool:
    """"公募总部新设，存续规模199.9亿": the keyword chose measures computed on figures the question neither gives
    nor names, while it gives an exact figure; another measure's cue may name it."""
    return bool(chosen) and all(book.measure(i).rule_inputs() for i in chosen) \
        and any(not f.loose for f in reading.figures) \
        and not any(_base_figures(book, book.measure(i), reading) or facts_for(book, book.measure(i), reading).values
                    for i in chosen) \
        and not any(cue in reading.text for i in chosen for cue, (_, named) in cue_index(book)["measure_cues"][i] if named)


def _base_figures(book: PolicyBook, measure: Measure, reading: Reading) -> set[Decimal]:
    """The figures the measure's amount would be computed on, given by name."""
    facts = facts_for(book, measure, reading)
    return {facts.values[k] for k in measure.rule_inputs() if k in facts.values and k not in facts.assumed}


def _priced_already(book: PolicyBook, measure: Measure, reading: Reading, taken: set[Decimal]) -> bool:
    """"募集资金20亿补充实收资本": a figure the best measure is computed on is not also another one's base."""
    base = _base_figures(book, measure, reading)
    return bool(base) and base <= taken


def _given_by_name(book: PolicyBook, measure: Measure, reading: Reading, conditions: bool) -> bool:
    """All the figures its rule (with `conditions`, also its conditions) is computed on, given by name."""
    keys = measure.rule_inputs() or ([i.key for i in measure.inputs] if conditions else [])
    facts = facts_for(book, measure, reading)
    each = any if measure.rule.type == "per_item" else all      # items of several kinds: any of them counted
    return bool(keys) and each(k in facts.values and k not in facts.assumed for k in keys)


def _by_cue(book: PolicyBook, reading: Reading) -> tuple[list[str], list[str], dict[str, str]]:
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


def _owner_elsewhere(book: PolicyBook, reading: Reading) -> str | None:
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
    if render.different_things(paid):
        stacked.append(render.added_up(paid, msg.lang))
    elif len(paid) > 1 and not _rivals(book, [o.measure.id for o in paid]):   # different cases are not stacked
        best = max(paid, key=lambda o: o.amount)
        stacked.append(render.no_double(book.policy(best.measure), best, msg.lang))
    blocks, sources = _result_blocks(svc, msg, outcomes, stacked + notes)
    buttons = [original_button(msg, o.measure.id) for o in outcomes[:1]]
    unknown = all(o.status == "unquantified" for o in outcomes)
    return render.reply("fallback" if unknown else "calc", "\n\n".join(blocks), confidence=0.5 if unknown else 0.8 if notes else 1.0,
                        buttons=buttons, sources=sources)


def _assumed_notes(msg: Incoming, measure: Measure, facts: Facts) -> list[str]:
    if msg.english:
        return [f"(I read your figure as the {render.label(measure, key, 'en')}; if it is not, please tell me the "
                f"{render.label(measure, key, 'en')}.)" for key in facts.assumed]
    return [f"（您写的“{text}”按{measure.input(key).label}理解；如不是，请直接告诉我{measure.input(key).label}。）"
            for key, text in facts.assumed.items()]


def _loose(msg: Incoming, measure: Measure, values: dict, facts: Facts, general: bool) -> tuple[Outcome, str | None]:
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
    return calc_reply("\n\n".join(blocks), confidence=0.6, buttons=[cancel_button(msg)],
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
    return calc_reply("\n\n".join(blocks), confidence=0.8, buttons=[original_button(msg, measure.id), cancel_button(msg)],
                  sources=[render.citation(svc.kb.knowledge.documents, policy, measure, msg.lang)])


def _pick(svc: Services, msg: Incoming, ids: list[str], question: str, lead: str) -> Reply:
    book = svc.kb.policy
    svc.dialogs.put(msg.user_key, CalcPicking(question, ids))
    return calc_reply(f"{lead}\n" + msg.say("请点选要测算的措施（输入“取消”可退出）：",
                                        "Tap the measure to compute (type “cancel” to leave):"),
                  confidence=0.5, buttons=page_buttons(msg, book, ids, 0))


# English questions say which capital they mean: registered capital is not the paid-in capital the rules use.
REGISTERED = re.compile(r"\bregistered capital\b", re.IGNORECASE)


# "去年已经拿过市里的总部补助了": support already received, its amount not given.
RECEIVED = re.compile(r"(已经?|之前|以前|去年|前年)[^，,。；;]{0,4}(拿|领|获得?|得到|享受)(了|过)[^，,。；;\d]{0,12}(补助|补贴|奖励|资助|扶持)"
                      r"|\b(already (got|received|had|obtained))\b[^,.;\d]{0,40}\b(subsid|grant|award|support)", re.IGNORECASE)


PERSONAL = re.compile(r"我们|我司|我公司|本公司|我方|咱们|我单位|我行|我所|本单位|本机构|\b(we|our|us)\b")


CAN = re.compile(r"能|可以|可获|\b(can|could|eligible)\b")


RULE_ASKED = re.compile(ELIGIBLE + r"|最高|最多|分别(补|奖|给|是|为)|门槛|标准|上限|规定|\b(maximum|at most|up to|threshold|tiers?)\b")


def _about_the_rule(text: str, reading: Reading) -> bool:
    """"金融科技子公司补助最高多少": a question about the rule, not the asker's case — the rule is answered with
    its conditions, nothing asked back. A self-reference, "能拿", or figures of one's own make it a case."""
    if PERSONAL.search(text):
        return False
    return bool(RULE_ASKED.search(text)) or not (reading.figures or CAN.search(text))


def _in_force_first(book: PolicyBook, measure_ids: list[str], today: date) -> list[str]:
    """The measures of the documents in force today when any is among them (a successor replaces the expired
    document); otherwise the expired ones, explained with their expiry notice."""
    current = [i for i in measure_ids if book.policy(book.measure(i)).in_force(today)]
    return current or measure_ids


def _rivals(book: PolicyBook, measure_ids: list[str]) -> list[str]:
    """Measures for different kinds of the same thing that the question does not tell apart."""
    return [i for i in measure_ids if set(book.measure(i).versus) & set(measure_ids)]


def _one_each(book: PolicyBook, reading: Reading) -> list[str]:
    """"两个共富项目，一个受国家表彰，一个受部委表彰，一共多少": the items of the rival fixed sums named, one of each, or
    as many of each as the count said beside it ("国家表彰的1个，部委表彰的2个")."""
    named = [i for i in reading.scores if _named_alone(book, book.measure(i), reading)]
    if len(named) < 2 or _rivals(book, named) != named or any(book.measure(i).rule_inputs() for i in named):
        return []
    if EACH_ONE.search(reading.text) or (len(named) == 2 and ANOTHER_ONE.search(reading.text)):
        return named                     # "…各一个", "一个受国家表彰、另一个受部委表彰"
    counted = [f for f in reading.figures if f.kind == "count" and f.value is not None]
    counts = [f.value for f in counted]
    several = [n for n in counts if n > 1]          # "两个…一个…另一个", or "国家表彰1个、部委表彰1个"
    if each := _each_counted(book, reading, named, counted):
        return each
    return named if (SEVERAL.search(reading.text) and several == [len(named)]) or counts == [1] * len(named) else []


def _each_counted(book: PolicyBook, reading: Reading, named: list[str], counted: list) -> list[str]:
    """Each measure as many times as the one count said after its own word, when every named measure has one."""
    def said_at(measure_id: str) -> int:
        return min(reading.text.find(w) for w in _own_words(book, book.measure(measure_id)) if w in reading.text)
    if len(counted) != len(named) or any(f.value != int(f.value) or f.value < 1 for f in counted):
        return []
    order = sorted(named, key=said_at)
    starts = [said_at(m) for m in order]
    if any(s > f.start for s, f in zip(starts, counted)) or any(s < f.end for s, f in zip(starts[1:], counted)) \
            or sum(f.value for f in counted) > MAX_ITEMS:      # each word, then its count, then the next word
        return []
    return [m for m, f in zip(order, counted) for _ in range(int(f.value))]


EACH_ONE = re.compile(r"各(一|1)\s*(个|项|家)")
ANOTHER_ONE = re.compile(r"另(一|1)\s*(个|项|家)")


def _own_words(book: PolicyBook, measure: Measure) -> list[str]:
    """The measure's keywords none of its rivals has ("国家表彰", not "共富项目"), as the reading writes them."""
    shared = {k for r in measure.versus if (rival := book.measure(r)) for k in rival.keywords}
    return [normalise(k) for k in measure.keywords if k not in shared]


def _named_alone(book: PolicyBook, measure: Measure, reading: Reading) -> bool:
    """A word of the measure's own names it."""
    return any(w in reading.text for w in _own_words(book, measure))


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
    return calc_reply("\n\n".join(blocks), sources=sources, buttons=[original_button(msg, m.id) for m in measures])


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


def _confirm(svc: Services, msg: Incoming, measure: Measure, n: int, condition: Condition, question: str) -> Reply:
    svc.dialogs.put(msg.user_key, CalcPicking(question, [measure.id]))
    also = [i for i, c in enumerate(measure.conditions) if i != n and c.ask_unless      # "试点刚入围就能拿吗": 验收 too
            and not any(says(question, normalise(w)) for w in c.ask_unless)]
    if msg.english and measure.en:
        text = (f"{render.heading(measure, 'en')}\nRule: {render.rule_text(measure, 'en')}.\n"
                f"The original text requires: {measure.en.conditions[n]}. Your "
                f"question does not say so; please tell me whether it does, and I will compute it.")
        text += "".join(f"\nIt also requires: {measure.en.conditions[i]}." for i in also)
    else:
        text = (f"{render.heading(measure)}\n规则：{render.rule_text(measure)}。\n原文条件：{condition.text}。您的问题没有说明这一点，请补充"
                f"（例如“{condition.ask_unless[0]}”），我再为您测算。")
        text += "".join(f"\n原文还要求：{measure.conditions[i].text}。" for i in also)
    reply = calc_reply(text + msg.say("\n（符合请点“是”；输入“取消”可退出速算）",
                                      "\n(Tap “Yes” if it does; type “cancel” to leave the quick-check.)"),
                       confidence=0.5, buttons=[Button(msg.say("是", "Yes"), CALC("confirm")),
                                                Button(msg.say("不是", "No"), CALC("deny")),
                                                original_button(msg, measure.id), cancel_button(msg)])
    reply.confirms = measure.id
    return reply


async def _answer_confirm(svc: Services, msg: Incoming, state: CalcPicking, yes: bool) -> Reply:
    """"是" / "不是" to a condition the quick-check asked about: compute with it stated, or say it is not met."""
    book = svc.kb.policy
    measure = book.measure(state.choices[0])
    unstated = unstated_condition(measure, read_question(msg, state.text, book).text) if measure else None
    if measure is None or unstated is None:
        svc.dialogs.pop(msg.user_key)
        return _stale(msg)
    n, condition = unstated
    if yes:
        return await _run(svc, msg, f"{state.text} {condition.ask_unless[0]}", [measure.id])
    svc.dialogs.pop(msg.user_key)
    return calc_reply(msg.say(f"{render.heading(measure)}\n按原文，需符合“{condition.text}”；不符合这一条件，不能获得该项{measure.money}。",
                          f"{render.heading(measure, 'en')}\nUnder the original text it requires: "
                          f"{render.condition_text(measure, condition, 'en')}. Without it, this "
                          f"{measure.en.money if measure.en else measure.money} does not apply."),
                  buttons=[original_button(msg, measure.id)])


def _plan_target(book: PolicyBook, msg: Incoming, reading: Reading) -> bool:
    """"十三五期间要新增多少家保险总部": a plan's target asked, with no money figure of the asker's, is no quick-check."""
    return not any(f.kind == "money" for f in reading.figures) and bool(book.patterns["plan_asked"].search(msg.text))


def _stale(msg: Incoming) -> Reply:
    return calc_reply(msg.say("这项措施已更新或不存在，请重新选择。", "This measure has changed or no longer exists; please "
                                                         "choose again."),
                  buttons=[Button(msg.say("补贴速算", "Quick-check"), "/calc")])


def _other_policy(book: PolicyBook, reading: Reading) -> tuple[Reading, Decimal | None]:
    """"另一个政策已经给了我们300万": that amount is another policy's, compared under 就高不重复, never an input."""
    for m in book.patterns["other_policy"].finditer(reading.text):
        near = [n for n, f in enumerate(reading.figures) if f.kind == "money" and f.value is not None
                and 0 <= f.start - m.end() <= 12]
        near = near or [n for n, f in enumerate(reading.figures) if f.kind == "money" and f.value is not None
                        and 0 <= m.start() - f.end <= 2]          # "RMB 5m under another city policy"
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


THIS_DOCUMENT = re.compile(r"(这个|本|该|这份|此)(文件|政策|意见)|号文|杭政办|〕\d+号")


def _two_policies(svc: Services, msg: Incoming, reading: Reading) -> Reply | None:
    """"按这个文件能拿300万，按市里另一个政策能拿500万，能一起拿吗": the higher of the two amounts the
    asker quotes, under 就高不重复."""
    rest, other = _other_policy(svc.kb.policy, reading)
    here = [f.value for f in rest.figures if f.kind == "money" and f.value
            and (THIS_DOCUMENT.search(rest.text[max(0, f.start - 10):f.start])
                 or THIS_DOCUMENT.match(rest.text, f.end + (rest.text[f.end:f.end + 1] == " ")))]
    policies = list(svc.kb.policy.policies.values())
    if other is None or len(here) != 1 or len(policies) != 1:
        return None
    policy = policies[0]
    blocks = [_higher_of(msg, here[0], policy.number, other), render.no_double(policy, lang=msg.lang),
              *render.validity_notes([policy], svc.policy_date(), msg.lang)]
    return calc_reply("\n\n".join(blocks), confidence=0.9,
                  sources=[svc.kb.knowledge.cite(Source(doc=policy.doc, section=policy.section), msg.lang)])


def _itemisable(measure: Measure, reading: Reading) -> bool:
    """Items of one measure only: not when the question also names another kind (一个国家表彰、一个部委表彰)."""
    return bool(items(measure, reading, {})) and not any(v in reading.candidates() for v in measure.versus) \
        and not (_about_the_rule(reading.text, reading) and not SEVERAL.search(reading.text))   # "3家…最多拿多少": a case


def _itemised(svc: Services, msg: Incoming, measure: Measure, reading: Reading, known: dict | None) -> Reply | None:
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
    return calc_reply("\n\n".join(blocks), sources=[render.citation(svc.kb.knowledge.documents, policy, measure, msg.lang)],
                  buttons=[original_button(msg, measure.id)])


async def _run(svc: Services, msg: Incoming, question: str, measure_ids: list[str], known: dict | None = None,
               reading: Reading | None = None, expect: str | None = None) -> Reply:
    """Compute the measures for the question; an amount the documents do not state is logged as unanswered."""
    reply = _computed(svc, msg, question, measure_ids, known, reading, expect)
    return await handoff.unanswered(svc, msg, reply) if reply.intent == "fallback" else reply


def _left_out(svc: Services, msg: Incoming, question: str, computed: list[Measure]) -> list[Measure]:
    """The measures another part of the message names on its own that the reply does not compute: said, with a
    button each, never dropped without a word."""
    book, done, left = svc.kb.policy, {m.id for m in computed}, []
    pieces = [p for p in book.patterns["other_part"].split(question) if p and p.strip(" ，,。.!！")]
    for piece in pieces if len(pieces) > 1 else []:
        named = read_question(msg, piece, book).candidates()
        if len(named) == 1 and named[0] not in done and not _rivals(book, [named[0], *done]) \
                and all(m.id != named[0] for m in left):
            left.append(book.measure(named[0]))
    return left


def _also_left_out(svc: Services, msg: Incoming, question: str, reply: Reply, computed: list[Measure]) -> Reply:
    """The reply, with the measures the message also names but the reply leaves out said last, a button each."""
    if not (left := _left_out(svc, msg, question, computed)):
        return reply
    zh = "、".join(f"{render.article(m)} {render.title(m)}" for m in left)
    en = "; ".join(f"{render.article(m, 'en')} {render.title(m, 'en')}" for m in left)
    note = msg.say(f"您还问到了：{zh}，上面没有测算；请点下面的按钮，或把这一项的情况单独发一条，我再测算。",
                   f"You also asked about: {en}, which is not computed above; tap its button below, or send that one "
                   "on its own, and I will compute it too.")
    return replace(reply, text=f"{reply.text}\n\n{note}", buttons=[*reply.buttons, *(measure_button(m, msg.lang) for m in left)])


def _computed(svc: Services, msg: Incoming, question: str, measure_ids: list[str], known: dict | None = None,
              reading: Reading | None = None, expect: str | None = None) -> Reply:
    """Compute the measures for the question; ask for what is missing."""
    book = svc.kb.policy
    reading = reading or read_question(msg, question, book)
    measure_ids = _in_force_first(book, measure_ids, svc.policy_date())
    reading, elsewhere = _other_policy(book, reading)
    itemisable = len(measure_ids) == 1 and _itemisable(book.measure(measure_ids[0]), reading)
    general = _about_the_rule(f"{normalise(question)} {reading.text}", reading)
    asked = question if msg.text in question else f"{question} {msg.text}"
    each = _one_each(book, reading)
    if stopped := refusal(svc, msg, asked, reading, measure_ids, several_ok=itemisable or general or bool(each)
                           or elsewhere is not None, other_policy=elsewhere is not None):
        return stopped
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
        if (unstated := unstated_condition(measure, f"{normalise(question)} {reading.text} {before}")) and not given.other \
                and evaluate(measure, given.values).status != "fail":       # ("注册资本3000万"), says more
            return _confirm(svc, msg, measure, *unstated, question)
    if itemisable and (itemised := _itemised(svc, msg, book.measure(measure_ids[0]), reading, known)):
        return _also_left_out(svc, msg, question, itemised, [book.measure(measure_ids[0])])
    if len(measure_ids) == 1 and (vague := unknown_count(book.measure(measure_ids[0]), reading,
                                                         book.patterns["count_unknown"])):
        return _also_left_out(svc, msg, question, _count_asked(svc, msg, book.measure(measure_ids[0]), vague),
                              [book.measure(measure_ids[0])])
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
    if not general and (apart := _kinds_apart(book, [o.measure for o in outcomes if o.status == "ok"], reading)):
        return _pick(svc, msg, [m.id for m in apart], question, msg.say(
            "这几项奖补给不同类型的机构（" + "；".join(f"{render.article(m)} {m.title}：{m.beneficiary}" for m in apart)
            + "），您的问题没有说明贵机构是哪一类，或是不是两家机构，所以不合并测算。",
            "These measures are for different kinds of institution, and your question does not say which one yours is "
            "(or whether there are two institutions), so I do not compute them together."))
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
    reply.buttons += [measure_button(o.measure, msg.lang) for o, _ in asks]
    return _also_left_out(svc, msg, question, reply, [o.measure for o in outcomes] + [o.measure for o, _ in asks])


def _kinds_apart(book: PolicyBook, measures: list[Measure], reading: Reading) -> list[Measure]:
    """"征信机构服务两百多万次，评级业务1000多笔": measures computed for kinds of institution none of which is another's
    (征信机构, 信用评级机构), of which the question names at most one: one institution is not both, so which it is
    (or that there are two) is asked; [] otherwise."""
    kinds = [set(m.beneficiaries) for m in measures]
    if len(kinds) < 2 or any(book.types[b].generic or b == ROOT_TYPE for k in kinds for b in k):
        return []
    if any(a & set().union(*map(book.ancestors, b)) or b & set().union(*map(book.ancestors, a))
           for n, a in enumerate(kinds) for b in kinds[n + 1:]):
        return []
    named = set().union(*map(book.ancestors, beneficiary_types(reading.text, book)))
    return measures if sum(bool(k & named) for k in kinds) <= 1 else []


def _count_asked(svc: Services, msg: Incoming, measure: Measure, vague: str) -> Reply:
    """A fixed sum paid for each of several items whose number the question does not give: the rule, and the number
    asked for; no total is guessed."""
    svc.dialogs.pop(msg.user_key)
    policy = svc.kb.policy.policy(measure)
    noun = item_noun(measure) or ""
    unit = item_unit(noun)
    text = "\n".join([render.heading(measure, msg.lang), msg.say(
        f"规则：{render.rule_text(measure)}，按每{unit}{noun}分别给予。您说的“{vague}”没有确切数量，合计取决于{noun}的数量；"
        f"请告诉我具体有几{unit}，例如“3{unit}{measure.keywords[0]}，补多少”。",
        f"Rule: {render.rule_text(measure, 'en')} (for each one). Your question does not say how many; the total "
        "depends on it, so please tell me the number, e.g. “3 of them, how much?”.")])
    blocks = [text, *render.validity_notes([policy], svc.policy_date(), msg.lang)]
    return calc_reply("\n\n".join(blocks), confidence=0.6, buttons=[original_button(msg, measure.id)],
                      sources=[render.citation(svc.kb.knowledge.documents, policy, measure, msg.lang)])


def _threshold_unknown(measure: Measure, values: dict) -> bool:
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


def is_quick_check(reading: Reading, book: PolicyBook | None = None) -> bool:
    if SELF_DESCRIPTION.search(reading.text) and not reading.asks_amount() and not _states_its_base(book, reading):
        return False                 # "我们是…" is a profile to match (handlers/policy.py)
    if (ASKS_WHEN.search(reading.text) or (book is not None and book.patterns["condition_asked"].search(reading.text))) \
            and not reading.figures:
        return False                 # when it pays, or what it requires: the measure's conditions (handlers/policy.py)
    if book is not None and holds_any(reading.text, book.words["doc_stacking"]) \
            and book.patterns["other_policy"].search(reading.text) and not any(f.kind == "money" for f in reading.figures):
        return False                 # "区里的奖励和市里的2%补助能重复享受吗": the stacking rule (handlers/policy.py)
    if book is not None and quotes_the_rule(book, reading):
        return False                 # "5000万是含本数吗": the rule that states it (handlers/policy.py)
    if book is not None and not reading.figures and book.patterns["type_asks"].search(reading.text) \
            and set(beneficiary_types(reading.text, book)) - {"organization", "enterprise"}:
        return False                 # "征信公司能拿哪些补贴": the measures of that kind (handlers/policy.py)
    return bool(reading.candidates()) and ((bool(reading.figures) and not _stray_counts(book, reading)) or reading.asks_amount()
                                           or (book is not None and _reports_a_fixed_sum(book, reading)))


def _stray_counts(book: PolicyBook | None, reading: Reading) -> bool:
    """"有没有一个保险资金价格指数？哪条", "那条要依托哪两个平台": a question whose only figures are counts none of the
    named measures counts (neither an input of theirs nor the items they pay for), asking no amount: no quick-check."""
    if book is None or reading.asks_amount() or not QUESTION_MARKS.search(reading.text) \
            or any(f.kind != "count" for f in reading.figures):
        return False
    measures = [book.measure(i) for i in reading.candidates()]
    return not any(i.kind == "count" for m in measures for i in m.inputs) \
        and not any(counts_its_items(m, reading, f) for m in measures for f in reading.figures)


FORM_MAX = 20         # "新设金融总部 实收资本": a measure and the figure it needs, written like a form's label


def _names_its_input(book: PolicyBook, reading: Reading) -> bool:
    """A short message naming one measure and what its amount is computed on, with no figure and no question: the
    quick-check, which asks for the figure."""
    chosen = reading.candidates()
    if len(chosen) != 1 or reading.figures or len(reading.text) > FORM_MAX or QUESTION_MARKS.search(reading.text) \
            or book.patterns["condition_asked"].search(reading.text) \
            or SELF_DESCRIPTION.search(reading.text):         # "我们是…": a profile to match; "…的类型要求": the rule
        return False
    measure = book.measure(chosen[0])
    return any(normalise(c) in reading.text for key in measure.rule_inputs() for c in measure.input(key).cues)


def _states_its_base(book: PolicyBook, reading: Reading) -> bool:
    """"我们是新设立的金融租赁总部，实收资本1.5亿": a description asking nothing that names one measure and gives
    the figures its amount is computed on, naming no kind the matching of handlers/policy.py would read."""
    chosen = reading.candidates()
    return book is not None and len(chosen) == 1 and not ASKING.search(reading.text) \
        and not beneficiary_types(reading.text, book) \
        and _given_by_name(book, book.measure(chosen[0]), reading, conditions=False)


DONE = re.compile(r"已经?|了|通过|获得?|受到|入围|备案|认定|上市")


def _reports_a_fixed_sum(book: PolicyBook, reading: Reading) -> bool:
    """"入围部级金融改革试点，验收通过了": no question, only what happened, of measures paying a fixed sum: the
    quick-check, as if "能拿多少" were added."""
    return not QUESTION_MARKS.search(reading.text) and bool(DONE.search(reading.text)) \
        and all(m.rule.type == "fixed" and not m.rule_inputs() for m in map(book.measure, reading.candidates()))


async def answer(svc: Services, msg: Incoming) -> Reply | None:
    """Free text: a measure with figures, or a measure and "能拿多少"; or figures by name and "能拿多少"."""
    book = svc.kb.policy
    reading = read_question(msg, msg.text, book)
    if reading.elsewhere() or (faq.asks_unstated(svc, msg) and not (reading.candidates() and reading.figures)) \
            or other_issuer(book, msg, reading) or _plan_target(book, msg, reading):
        return None
    if compared := _two_policies(svc, msg, reading):     # both amounts quoted: the higher one, nothing to compute
        return compared
    if is_quick_check(reading, book) or not msg.english and _names_its_input(book, reading):
        return await _run(svc, msg, msg.text, _selected(book, reading), reading=reading)
    if reading.ruled_out and not reading.candidates() and (reading.asks_amount() or reading.about_policy()
                                                           or any(f.kind == "money" for f in reading.figures)):
        if reading.figures and (owner := _owner_elsewhere(book, reading)):
            return await _run(svc, msg, msg.text, [owner], reading=reading)
        return other_subject(msg, book, reading.ruled_out)
    if reading.asks_amount() and reading.figures and not reading.candidates() and (cued := _by_cue(book, reading))[0]:
        ids, given, ruled = cued
        if ruled and len(given) <= 1:    # "银行分行，实收资本10亿": not the HQ, and no other measure named
            return other_subject(msg, book, ruled)
        named = {_article_number(a or b) for a, b in ARTICLE.findall(msg.folded)}
        given = [i for i in given if book.measure(i).article in named] or given     # "…实缴2亿，第6条补多少"
        if len(given) == 1:              # the figure is named by the one measure that uses it
            return await _run(svc, msg, msg.text, given, reading=reading)
        return _pick(svc, msg, ids, msg.text, msg.say("请问是哪一项支持措施？", "Which support measure is it?"))
    return None


async def command(svc: Services, msg: Incoming) -> Reply:
    """/calc [question]: compute at once, or list the measures that can be computed."""
    book = svc.kb.policy
    question = msg.text.partition(" ")[2].strip()
    if question:
        reading = read_question(msg, question, book)
        if reading.candidates():         # /calc says "compute": no "能拿多少" needed
            return await _run(svc, msg, question, _selected(book, reading), reading=reading)
        reply = await answer(svc, replace(msg, text=question))
        if reply:
            return reply
    ids = [m.id for m in book.measures if m.rule.type != "unquantified"]
    svc.dialogs.put(msg.user_key, CalcPicking(question, ids))
    return calc_reply(msg.say("补贴速算：直接输入措施和数字即可，例如“新设金融总部，实收资本10亿，能拿多少？”、"
                          "“资管机构总部管理规模150亿”、“主导制定2项国家标准”。\n也可以先点选措施（输入“取消”可退出）：",
                          "Subsidy quick-check: type the measure and your figures, e.g. “New financial HQ, paid-in "
                          "capital RMB 1 billion: how much?”, “Asset management HQ, AUM 15bn”, “We led 2 national "
                          "standards”.\nOr tap a measure first (type “cancel” to leave):"),
                  buttons=page_buttons(msg, book, ids, 0))


async def by_payload(svc: Services, msg: Incoming) -> Reply:
    """calc:<measure id> — a measure picked from buttons; figures already given are kept."""
    book = svc.kb.policy
    key = CALC.arg(msg.payload)
    dialog = svc.dialogs.of(msg.user_key, CalcDialog)
    if key.startswith(MORE):                 # the next page of the measures to pick from
        page = inputs.number(key.removeprefix(MORE))
        if not isinstance(dialog, CalcPicking) or page is None:
            return _stale(msg)
        return calc_reply(msg.say("请点选要测算的措施（输入“取消”可退出）：", "Tap the measure to compute (type “cancel” to leave):"),
                      confidence=0.5, buttons=page_buttons(msg, book, dialog.choices, page))
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
    unstated = unstated_condition(measure, read_question(msg, state.text, book).text) if measure else None
    return bool(unstated and any(says(said, normalise(w)) for w in unstated[1].ask_unless)) \
        or book.ruling_out(said, msg.english) is not None


async def continue_dialog(svc: Services, msg: Incoming) -> Reply | None:
    """The answer to a question the quick-check asked; anything else passes to the other routes."""
    book = svc.kb.policy
    state = svc.dialogs.state(msg.user_key, CalcDialog)
    reading = read_question(msg, msg.text, book)
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
        question = new_figure(state.text, msg.text) or f"{state.text} {msg.text}".strip()
        combined = read_question(msg, question, book)
        picked = [i for i in combined.candidates() if i in state.choices]
        if picked:
            return await _run(svc, msg, question, picked, reading=combined)
        if QUESTION_MARKS.search(msg.text):
            svc.dialogs.pop(msg.user_key)
            return None
        return calc_reply(msg.say("请点选要测算的措施，或输入“取消”退出。", "Tap the measure to compute, or type “cancel”."),
                      confidence=0.5,
                      buttons=page_buttons(msg, book, state.choices, 0))
    assert isinstance(state, CalcAsking)
    measure = book.measure(state.measure)
    if measure is None:                  # the data was reloaded without it
        svc.dialogs.pop(msg.user_key)
        return None
    if state.stated and msg.text.strip() and IN_RMB.match(msg.text.strip()):
        reading = read_question(msg, f"{state.stated}元", book)     # the amount asked about, now known to be RMB
    facts = facts_for(book, measure, reading, state.expect)
    if facts.values or facts.errors:
        return await _run(svc, msg, state.text, [measure.id], known=state.facts, reading=reading, expect=state.expect)
    if QUESTION_MARKS.search(msg.text):
        svc.dialogs.pop(msg.user_key)
        return None
    return _again(svc, msg, measure, state.expect)


def _again(svc: Services, msg: Incoming, measure: Measure, key: str) -> Reply:
    svc.dialogs.touch(msg.user_key)
    return calc_reply(msg.say("没有读到有效的数字。", "I did not find a usable figure. ") + render.ask_for(measure, key, msg.lang)
                  + msg.say("\n（输入“取消”可退出速算）", "\n(Type “cancel” to leave the quick-check.)"), confidence=0.5,
                  buttons=[cancel_button(msg)])
