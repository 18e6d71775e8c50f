"""Subsidy quick-check: "新设金融总部，实收资本10亿，能拿多少？" → the arithmetic, the cap, the article.

A missing figure or measure opens a per-user dialog (flow "calc") that asks for it — with buttons to pick
the measure, "取消" to leave, and the dialog timeout of bot/dialogs.py — the same on every channel.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import ClassVar

from bot.dialogs import DialogState
from bot.messages import Button, Incoming, Reply
from bot.payloads import CALC, POLICY
from bot.services import Services
from handlers import faq
from policy_data import render
from policy_data.engine import Outcome, evaluate
from policy_data.english import for_reading
from policy_data.extract import SELF_DESCRIPTION, Facts, Reading, facts_for, read


@dataclass
class CalcDialog(DialogState):
    """An open quick-check: the question so far."""
    flow: ClassVar[str] = "calc"
    text: str


@dataclass
class CalcPicking(CalcDialog):
    """Waiting for the user to pick one of the measures."""
    choices: list[str]


@dataclass
class CalcAsking(CalcDialog):
    """Waiting for the figure `expect` of one measure, with the figures known so far."""
    measure: str
    expect: str
    facts: dict[str, str]


def _cancel(msg: Incoming) -> Button:
    return Button(msg.say("取消", "Cancel"), "/cancel")


QUESTION_MARKS = re.compile(r"[?？]|吗|哪|什么|怎么|如何|谁")
MAX_BUTTONS = 8


def _button(measure, lang: str = "zh") -> Button:
    return Button(f"{render.article(measure, lang)} {render.title(measure, lang)}", CALC(measure.id))


def _read(msg: Incoming, text: str, book) -> Reading:
    return read(for_reading(text, book, msg.lang), book)


def _reply(text: str, *, confidence: float = 1.0, buttons=None, sources=None) -> Reply:
    return Reply(text, intent="calc", confidence=confidence, buttons=buttons or [], sources=sources or [])


def _selected(book, reading: Reading) -> list[str]:
    """The best-scoring measures, plus any other named measure whose figures the question gives by name."""
    chosen = reading.candidates()
    for measure_id in reading.scores:
        measure = book.measure(measure_id)
        if measure_id in chosen or not measure.rule_inputs():
            continue
        facts = facts_for(book, measure, reading)
        if all(k in facts.values and k not in facts.assumed for k in measure.rule_inputs()):
            chosen.append(measure_id)
    return chosen


def _by_cue(book, reading: Reading) -> list[str]:
    """Measures one of whose inputs the question names (e.g. "实收资本"), for "which measure?" buttons."""
    named = []
    for measure in book.measures:
        facts = facts_for(book, measure, reading)
        if facts.mentioned or set(facts.values) - set(facts.assumed):
            named.append(measure.id)
    return named


def _results(msg: Incoming, svc: Services, outcomes: list[Outcome], notes: list[str]) -> Reply:
    book, today, lang = svc.kb.policy, svc.policy_date(), msg.lang
    blocks = ["\n".join(render.outcome_lines(o, lang)) for o in outcomes]
    paid = [o for o in outcomes if o.status == "ok"]
    policies = [book.policy(o.measure) for o in outcomes]
    if len(paid) > 1:
        best = max(paid, key=lambda o: o.amount)
        blocks.append(render.no_double(book.policy(best.measure), best, lang))
    blocks += notes
    blocks += render.validity_notes(policies, today, lang)
    sources = list(dict.fromkeys(render.citation(svc.kb.knowledge.documents, p, o.measure, lang)
                                 for p, o in zip(policies, outcomes)))
    buttons = [Button(msg.say("查看原文与条件", "Original text and conditions"), POLICY(f"m:{o.measure.id}"))
               for o in outcomes[:1]]
    return _reply("\n\n".join(blocks), confidence=0.8 if notes else 1.0, buttons=buttons, sources=sources)


def _assumed_notes(msg: Incoming, measure, facts: Facts) -> list[str]:
    if msg.english:
        return [f"(I read your figure as the {render.label(measure, key, 'en')}; if it is not, please tell me the "
                f"{render.label(measure, key, 'en')}.)" for key in facts.assumed]
    return [f"（您写的“{text}”按{measure.input(key).label}理解；如不是，请直接告诉我{measure.input(key).label}。）"
            for key, text in facts.assumed.items()]


def _ask(msg: Incoming, svc: Services, outcome: Outcome, facts: Facts, question: str) -> Reply:
    """Keep what we know, ask for the next missing (or unusable) figure."""
    measure, lang = outcome.measure, msg.lang
    if facts.errors:
        key = next(iter(facts.errors))
        lead = msg.say(f"{facts.errors[key]}。", f"I could not use that figure for the {render.label(measure, key, lang)}. ")
    else:
        wanted = [k for k in outcome.missing if k in facts.mentioned] or outcome.missing
        key = wanted[0]
        lead = (msg.say(f"没有读到{measure.input(key).label}的具体数字。",
                        f"I did not find a figure for the {render.label(measure, key, lang)}. ")
                if key in facts.mentioned else "")
    svc.dialogs.put(msg.user_key, CalcAsking(question, measure.id, key, {k: str(v) for k, v in outcome.facts.items()}))
    inp = measure.input(key)
    if len(outcome.missing) > 1 and inp.kind == "count" and key not in facts.mentioned:
        labels = msg.say("、", ", ").join(render.label(measure, k, lang) for k in outcome.missing)
        prompt = msg.say(f"请告诉我各项的数量（{labels}），例如“2{inp.unit}{inp.label}”。",
                         f"Please tell me how many of each ({labels}), e.g. “2 {render.label(measure, key, lang)}”.")
    else:
        prompt = render.ask_for(measure, key, lang)
    known = [render.check_line(measure, c, lang) for c in outcome.checks]
    text = "\n".join([render.heading(measure, lang), msg.say(f"规则：{render.rule_text(measure)}。", f"Rule: {render.rule_text(measure, lang)}."),
                      *known, lead + prompt, msg.say("（输入“取消”可退出速算）", "(Type “cancel” to leave the quick-check.)")])
    return _reply(text, confidence=0.6, buttons=[_cancel(msg)])


def _pick(msg: Incoming, svc: Services, ids: list[str], question: str, lead: str) -> Reply:
    book = svc.kb.policy
    svc.dialogs.put(msg.user_key, CalcPicking(question, ids))
    buttons = [_button(book.measure(i), msg.lang) for i in ids[:MAX_BUTTONS]]
    return _reply(f"{lead}\n" + msg.say("请点选要测算的措施（输入“取消”可退出）：",
                                        "Tap the measure to compute (type “cancel” to leave):"),
                  confidence=0.5, buttons=buttons + [_cancel(msg)])


FOREIGN = re.compile(r"美元|美金|usd|us\$|港元|港币|hkd|欧元|eur\b|英镑|gbp|日元|jpy|新加坡元|新元|sgd|外币", re.IGNORECASE)
FOREIGN_EN = re.compile(r"[$€£₩]|\b(dollars?|euros?|pounds? sterling|sterling|yen|francs?|ringgit|baht)\b",
                        re.IGNORECASE)
DATED = re.compile(r"\b(?:(?P<month>jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+)?(?P<year>20\d\d)\b"
                   r"|(?P<cyear>20\d\d)年(?:(?P<cmonth>\d{1,2})月)?", re.IGNORECASE)
# English questions say which capital they mean: registered capital is not the paid-in capital the rules use.
REGISTERED = re.compile(r"\bregistered capital\b", re.IGNORECASE)
MONTHS = "jan feb mar apr may jun jul aug sep oct nov dec".split()
RULED_OUT_EN = re.compile(r"\b(not|never) (been |yet )?(a |an |the )?(new|newly|licensed|headquarters|hq|separate|independent|"
                          r"national|yet|approved|published|listed|recognised|recognized|accepted|selected)"
                          r"|\b(has|have|had|did|does|is|was)n['’]t (been )?(approved|published|listed|accepted|passed|"
                          r"recognised|recognized|selected)|\byet to\b|\bunlicensed\b|\bnon-licensed\b"
                          r"|(?<!sub-)\bbranch\b(?! of)|\bprovincial(-level)? (government|commendation)|\bdrafted\b"
                          r"|\b(only )?(took part|participated|helped draft|contributed to drafting)\b|\bmunicipal(-level)? "
                          r"(financial reform )?pilot|\bdistrict-level\b|\bno new\b|\brenew(al|ed)\b|\bold institution",
                          re.IGNORECASE)
RULED_OUT = re.compile(r"不是(新设|新设立|持牌|总部|向社会|保险资金|国家)|并非|不属于|没有被|还没(有)?(被|验收|上市|认定|发布)"
                       r"|尚未|未被|未通过|没通过|非持牌|参与(了)?(制定|起草|编制)|只是参与|分公司|分支机构|省级表彰"
                       r"|市级(金融改革)?试点|区级|没有新增|续期|就成立了|老机构|没有?上市|未上市|还在申报"
                       r"|(19\d\d|20[01]\d|202[0-2])年.{0,8}(成立|设立|开业|获批)")


SEVERAL = re.compile(r"一共|合计|总共|共计|加起来|分别|[两二三四五]年|(?<![0-9.])([两二三四五六七八九十]|[2-9])\s*(家|个项目|个重大)")


def _several(question: str, measure_ids: list[str], book) -> bool:
    """A total over several institutions, projects or years for a measure that counts one at a time."""
    return bool(SEVERAL.search(question)) and any(book.measure(i).rule.type != "per_item" for i in measure_ids)


def _guarded(msg: Incoming, svc: Services, question: str, reading: Reading, measure_ids: list[str]) -> Reply | None:
    """A wrong amount is the worst answer: no computing on a foreign currency, a zero figure, or words of the
    user's own that rule a condition out."""
    book, lang = svc.kb.policy, msg.lang
    svc.dialogs.pop(msg.user_key)
    buttons = [Button(msg.say("查看原文与条件", "Original text and conditions"), POLICY(f"m:{i}")) for i in measure_ids[:2]]
    if m := FOREIGN.search(question):
        return _reply(msg.say(f"您给的是外币金额（“{m.group(0)}”）。文件按人民币计算，也没有规定汇率，请告诉我折合人民币的金额"
                              "（例如“实收资本8亿元人民币”），我再为您测算。",
                              f"You gave an amount in a foreign currency (“{m.group(0)}”). The document computes in RMB "
                              "and sets no exchange rate: please tell me the amount in RMB (e.g. “paid-in capital RMB "
                              "800 million”) and I will compute it."), confidence=0.5, buttons=buttons)
    if msg.english and (m := FOREIGN_EN.search(question)):
        return _reply(f"You gave an amount in a foreign currency (“{m.group(0)}”). The document computes in RMB and "
                      "sets no exchange rate: please tell me the amount in RMB (e.g. “paid-in capital RMB 800 "
                      "million”) and I will compute it.", confidence=0.5, buttons=buttons)
    if late := _after_expiry(question, [book.policy(book.measure(i)) for i in measure_ids]):
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
    if m := RULED_OUT.search(question) or (msg.english and RULED_OUT_EN.search(question)):
        names = msg.say("、", "; ").join(f"{render.article(book.measure(i), lang)} {render.title(book.measure(i), lang)}"
                                         for i in measure_ids[:2])
        return _reply(msg.say(f"您提到“{m.group(0)}”，按原文这可能不满足{names}的条件，所以我不按它计算金额。"
                              "请点下方按钮对照原文条件；如理解有误，请补充说明。",
                              f"You mention “{m.group(0)}”: under the original text this may not meet the conditions "
                              f"of {names}, so I do not compute an amount. Tap below to check the conditions; if I "
                              "misread you, please tell me more."), confidence=0.5, buttons=buttons)
    if _several(question, measure_ids, book):
        names = msg.say("、", "; ").join(f"{render.article(book.measure(i), lang)} {render.title(book.measure(i), lang)}"
                                         for i in measure_ids[:2])
        return _reply(msg.say(f"您问的是多家机构、多个项目或多年的合计。{names}按每家、每个项目分别计算，各有上限"
                              "（每年上限按机构计）。为免算错，请逐项告诉我，例如“一个项目，融资2亿”，我逐项测算。",
                              f"You ask for a total over several institutions, projects or years. {names} are computed "
                              "one institution or project at a time, each with its own cap. To avoid a wrong total, "
                              "please give me one item at a time, e.g. “one project, financing RMB 200 million”."),
                      confidence=0.5, buttons=buttons)
    return None


def _after_expiry(question: str, policies) -> tuple[str, object] | None:
    """A month or year the question names that lies wholly after a policy's validity (an event then is not
    covered); a year alone counts only when the whole year is later."""
    for m in DATED.finditer(question):
        year = int(m["year"] or m["cyear"])
        month = MONTHS.index(m["month"].lower()[:3]) + 1 if m["month"] else int(m["cmonth"]) if m["cmonth"] else None
        for policy in policies:
            end = policy.effective_to
            if end and (year > end.year or (month and year == end.year and month > end.month)):
                return m.group(0), policy
    return None


def _run(msg: Incoming, svc: Services, question: str, measure_ids: list[str], known: dict | None = None,
         reading: Reading | None = None, expect: str | None = None) -> Reply:
    """Compute the measures for the question; ask for what is missing."""
    book = svc.kb.policy
    reading = reading or _read(msg, question, book)
    if guarded := _guarded(msg, svc, f"{question} {msg.text}", reading, measure_ids):
        return guarded
    outcomes, asks = [], []
    notes: list[str] = []
    for measure_id in measure_ids:
        measure = book.measure(measure_id)
        facts = facts_for(book, measure, reading, expect)
        if msg.english and REGISTERED.search(question):
            facts.values = {k: v for k, v in facts.values.items() if k not in facts.assumed}
        values = {k: Decimal(v) for k, v in (known or {}).items()} | facts.values
        outcome = evaluate(measure, values)
        if facts.errors or outcome.status == "missing":
            asks.append((outcome, facts))
        else:
            outcomes.append(outcome)
            notes += _assumed_notes(msg, measure, facts)
    if not outcomes and len(asks) == 1:
        return _ask(msg, svc, *asks[0], question)
    if not outcomes:
        return _pick(msg, svc, [o.measure.id for o, _ in asks], question,
                     msg.say("您的问题可能涉及以下几项措施。", "Your question may concern these measures."))
    svc.dialogs.pop(msg.user_key)
    reply = _results(msg, svc, outcomes, notes)
    reply.buttons += [_button(o.measure, msg.lang) for o, _ in asks]
    return reply


def is_quick_check(reading: Reading) -> bool:
    if SELF_DESCRIPTION.search(reading.text) and not reading.asks_amount():
        return False                 # "我们是…" is a profile to match (handlers/policy.py)
    return bool(reading.candidates()) and (bool(reading.figures) or reading.asks_amount())


async def answer(msg: Incoming, svc: Services) -> Reply | None:
    """Free text: a measure with figures, or a measure and "能拿多少"; or figures by name and "能拿多少"."""
    book = svc.kb.policy
    reading = _read(msg, msg.text, book)
    if reading.elsewhere() or faq.asks_unstated(msg, svc):
        return None
    if is_quick_check(reading):
        return _run(msg, svc, msg.text, _selected(book, reading), reading=reading)
    if reading.asks_amount() and reading.figures and not reading.candidates() and (ids := _by_cue(book, reading)):
        return _pick(msg, svc, ids, msg.text, msg.say("请问是哪一项支持措施？", "Which support measure is it?"))
    return None


async def command(msg: Incoming, svc: Services) -> Reply:
    """/calc [question]: compute at once, or list the measures that can be computed."""
    book = svc.kb.policy
    question = msg.text.partition(" ")[2].strip()
    if question:
        reading = _read(msg, question, book)
        if reading.candidates():         # /calc says "compute": no "能拿多少" needed
            return _run(msg, svc, question, _selected(book, reading), reading=reading)
        reply = await answer(replace(msg, text=question), svc)
        if reply:
            return reply
    ids = [m.id for m in book.measures if m.rule.type != "unquantified"]
    svc.dialogs.put(msg.user_key, CalcPicking(question, ids))
    return _reply(msg.say("补贴速算：直接输入措施和数字即可，例如“新设金融总部，实收资本10亿，能拿多少？”、"
                          "“资管机构总部管理规模150亿”、“主导制定2项国家标准”。\n也可以先点选措施（输入“取消”可退出）：",
                          "Subsidy quick-check: type the measure and your figures, e.g. “New financial HQ, paid-in "
                          "capital RMB 1 billion: how much?”, “Asset management HQ, AUM 15bn”, “We led 2 national "
                          "standards”.\nOr tap a measure first (type “cancel” to leave):"),
                  buttons=[_button(book.measure(i), msg.lang) for i in ids] + [_cancel(msg)])


async def by_payload(msg: Incoming, svc: Services) -> Reply:
    """calc:<measure id> — a measure picked from buttons; figures already given are kept."""
    book = svc.kb.policy
    measure = book.measure(CALC.arg(msg.payload))
    if measure is None:
        return _reply(msg.say("这项措施已更新或不存在，请重新选择。", "This measure has changed or no longer exists; please "
                                                             "choose again."),
                      buttons=[Button(msg.say("补贴速算", "Quick-check"), "/calc")])
    dialog = svc.dialogs.of(msg.user_key, CalcDialog)
    question = dialog.text if dialog else ""
    return _run(msg, svc, question, [measure.id])


async def continue_dialog(msg: Incoming, svc: Services) -> Reply | None:
    """The answer to a question the quick-check asked; anything else passes to the other routes."""
    book = svc.kb.policy
    state = svc.dialogs.state(msg.user_key, CalcDialog)
    reading = _read(msg, msg.text, book)
    fresh = reading.candidates()
    choices = state.choices if isinstance(state, CalcPicking) else []
    if fresh and not ((isinstance(state, CalcAsking) and state.measure in fresh) or set(fresh) <= set(choices)):
        svc.dialogs.pop(msg.user_key)    # a new question: start over
        return await answer(msg, svc)
    if isinstance(state, CalcPicking):
        question = f"{state.text} {msg.text}".strip()
        combined = _read(msg, question, book)
        picked = [i for i in combined.candidates() if i in state.choices]
        if picked:
            return _run(msg, svc, question, picked, reading=combined)
        if QUESTION_MARKS.search(msg.text):
            svc.dialogs.pop(msg.user_key)
            return None
        return _reply(msg.say("请点选要测算的措施，或输入“取消”退出。", "Tap the measure to compute, or type “cancel”."),
                      confidence=0.5,
                      buttons=[_button(book.measure(i), msg.lang) for i in state.choices[:MAX_BUTTONS]] + [_cancel(msg)])
    assert isinstance(state, CalcAsking)
    measure = book.measure(state.measure)
    if measure is None:                  # the data was reloaded without it
        svc.dialogs.pop(msg.user_key)
        return None
    facts = facts_for(book, measure, reading, state.expect)
    if facts.values or facts.errors:
        return _run(msg, svc, state.text, [measure.id], known=state.facts, reading=reading, expect=state.expect)
    if QUESTION_MARKS.search(msg.text):
        svc.dialogs.pop(msg.user_key)
        return None
    return _again(msg, svc, measure, state.expect)


def _again(msg: Incoming, svc: Services, measure, key: str) -> Reply:
    svc.dialogs.touch(msg.user_key)
    return _reply(msg.say("没有读到有效的数字。", "I did not find a usable figure. ") + render.ask_for(measure, key, msg.lang)
                  + msg.say("\n（输入“取消”可退出速算）", "\n(Type “cancel” to leave the quick-check.)"), confidence=0.5,
                  buttons=[_cancel(msg)])
