"""Subsidy quick-check: "新设金融总部，实收资本10亿，能拿多少？" → the arithmetic, the cap, the article.

A missing figure or measure opens a per-user dialog (flow "calc") that asks for it — with buttons to pick
the measure, "取消" to leave, and the dialog timeout of bot/dialogs.py — the same on every channel.
"""
from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal

from bot.messages import Button, Incoming, Reply
from policy_data import render
from policy_data.engine import Outcome, evaluate
from policy_data.extract import SELF_DESCRIPTION, Facts, Reading, facts_for, read

FLOW = "calc"
CANCEL = Button("取消", "/cancel")
QUESTION_MARKS = re.compile(r"[?？]|吗|哪|什么|怎么|如何|谁")
MAX_BUTTONS = 8


def _button(measure) -> Button:
    return Button(f"{render.article(measure)} {measure.title}", f"calc:{measure.id}")


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


def _results(svc, outcomes: list[Outcome], notes: list[str]) -> Reply:
    book, today = svc.kb.policy, svc.policy_date()
    blocks = ["\n".join(render.outcome_lines(o)) for o in outcomes]
    paid = [o for o in outcomes if o.status == "ok"]
    policies = [book.policy(o.measure) for o in outcomes]
    if len(paid) > 1:
        best = max(paid, key=lambda o: o.amount)
        blocks.append(render.no_double(book.policy(best.measure), best))
    blocks += notes
    blocks += render.validity_notes(policies, today)
    sources = list(dict.fromkeys(render.citation(svc.kb.knowledge.documents, p, o.measure)
                                 for p, o in zip(policies, outcomes)))
    buttons = [Button("查看原文与条件", f"policy:m:{o.measure.id}") for o in outcomes[:1]]
    return _reply("\n\n".join(blocks), confidence=0.8 if notes else 1.0, buttons=buttons, sources=sources)


def _assumed_notes(measure, facts: Facts) -> list[str]:
    return [f"（您写的“{text}”按{measure.input(key).label}理解；如不是，请直接告诉我{measure.input(key).label}。）"
            for key, text in facts.assumed.items()]


def _ask(svc, msg: Incoming, outcome: Outcome, facts: Facts, question: str) -> Reply:
    """Keep what we know, ask for the next missing (or unusable) figure."""
    measure = outcome.measure
    if facts.errors:
        key = next(iter(facts.errors))
        lead = f"{facts.errors[key]}。"
    else:
        wanted = [k for k in outcome.missing if k in facts.mentioned] or outcome.missing
        key = wanted[0]
        lead = (f"没有读到{measure.input(key).label}的具体数字。" if key in facts.mentioned else "")
    svc.dialogs.start(msg.user_key, FLOW, measure=measure.id, expect=key, text=question,
                      facts={k: str(v) for k, v in outcome.facts.items()})
    inp = measure.input(key)
    if len(outcome.missing) > 1 and inp.kind == "count" and key not in facts.mentioned:
        labels = "、".join(measure.input(k).label for k in outcome.missing)
        prompt = f"请告诉我各项的数量（{labels}），例如“2{inp.unit}{inp.label}”。"
    else:
        prompt = render.ask_for(inp)
    known = [render.check_line(measure, c) for c in outcome.checks]
    text = "\n".join([render.heading(measure), f"规则：{render.rule_text(measure)}。", *known, lead + prompt,
                      "（输入“取消”可退出速算）"])
    return _reply(text, confidence=0.6, buttons=[CANCEL])


def _pick(svc, msg: Incoming, ids: list[str], question: str, lead: str) -> Reply:
    book = svc.kb.policy
    svc.dialogs.start(msg.user_key, FLOW, measure=None, choices=ids, text=question, facts={})
    buttons = [_button(book.measure(i)) for i in ids[:MAX_BUTTONS]]
    return _reply(f"{lead}\n请点选要测算的措施（输入“取消”可退出）：", confidence=0.5, buttons=buttons + [CANCEL])


FOREIGN = re.compile(r"美元|美金|usd|us\$|港元|港币|hkd|欧元|eur\b|英镑|gbp|日元|jpy|新加坡元|新元|sgd|外币", re.IGNORECASE)
RULED_OUT = re.compile(r"不是(新设|新设立|持牌|总部|向社会|保险资金|国家)|并非|不属于|没有被|还没(有)?(被|验收|上市|认定|发布)"
                       r"|尚未|未被|未通过|没通过|非持牌|参与(了)?(制定|起草|编制)|只是参与|分公司|分支机构|省级表彰"
                       r"|市级(金融改革)?试点|区级|没有新增|续期|就成立了|老机构|没有?上市|未上市|还在申报"
                       r"|(19\d\d|20[01]\d|202[0-2])年.{0,8}(成立|设立|开业|获批)")


SEVERAL = re.compile(r"一共|合计|总共|共计|加起来|分别|[两二三四五]年|(?<![0-9.])([两二三四五六七八九十]|[2-9])\s*(家|个项目|个重大)")


def _several(question: str, measure_ids: list[str], book) -> bool:
    """A total over several institutions, projects or years for a measure that counts one at a time."""
    return bool(SEVERAL.search(question)) and any(book.measure(i).rule.type != "per_item" for i in measure_ids)


def _guarded(svc, msg: Incoming, question: str, reading: Reading, measure_ids: list[str]) -> Reply | None:
    """A wrong amount is the worst answer: no computing on a foreign currency, a zero figure, or words of the
    user's own that rule a condition out."""
    book = svc.kb.policy
    svc.dialogs.end(msg.user_key)
    buttons = [Button("查看原文与条件", f"policy:m:{i}") for i in measure_ids[:2]]
    if m := FOREIGN.search(question):
        return _reply(f"您给的是外币金额（“{m.group(0)}”）。文件按人民币计算，也没有规定汇率，请告诉我折合人民币的金额"
                      "（例如“实收资本8亿元人民币”），我再为您测算。", confidence=0.5, buttons=buttons)
    if any(f.kind == "money" and f.value is not None and f.value <= 0 for f in reading.figures):
        return _reply("金额为0时没有可测算的补贴。请告诉我实际的金额（例如“10亿”），我再为您测算。", confidence=0.5,
                      buttons=buttons)
    if m := RULED_OUT.search(question):
        names = "、".join(f"{render.article(book.measure(i))} {book.measure(i).title}" for i in measure_ids[:2])
        return _reply(f"您提到“{m.group(0)}”，按原文这可能不满足{names}的条件，所以我不按它计算金额。"
                      "请点下方按钮对照原文条件；如理解有误，请补充说明。", confidence=0.5, buttons=buttons)
    if _several(question, measure_ids, book):
        names = "、".join(f"{render.article(book.measure(i))} {book.measure(i).title}（{render.rule_text(book.measure(i))}）"
                         for i in measure_ids[:2])
        return _reply(f"您问的是多家机构、多个项目或多年的合计。{names}按每家、每个项目分别计算，各有上限（每年上限按机构计）。"
                      "为免算错，请逐项告诉我，例如“一个项目，融资2亿”，我逐项测算。", confidence=0.5, buttons=buttons)
    return None


def _run(svc, msg: Incoming, question: str, measure_ids: list[str], known: dict | None = None,
         reading: Reading | None = None, expect: str | None = None) -> Reply:
    """Compute the measures for the question; ask for what is missing."""
    book = svc.kb.policy
    reading = reading or read(question, book)
    if guarded := _guarded(svc, msg, f"{question} {msg.text}", reading, measure_ids):
        return guarded
    outcomes, asks = [], []
    notes: list[str] = []
    for measure_id in measure_ids:
        measure = book.measure(measure_id)
        facts = facts_for(book, measure, reading, expect)
        values = {k: Decimal(v) for k, v in (known or {}).items()} | facts.values
        outcome = evaluate(measure, values)
        if facts.errors or outcome.status == "missing":
            asks.append((outcome, facts))
        else:
            outcomes.append(outcome)
            notes += _assumed_notes(measure, facts)
    if not outcomes and len(asks) == 1:
        return _ask(svc, msg, *asks[0], question)
    if not outcomes:
        return _pick(svc, msg, [o.measure.id for o, _ in asks], question, "您的问题可能涉及以下几项措施。")
    svc.dialogs.end(msg.user_key)
    reply = _results(svc, outcomes, notes)
    reply.buttons += [_button(o.measure) for o, _ in asks]
    return reply


def is_quick_check(reading: Reading) -> bool:
    if SELF_DESCRIPTION.search(reading.text) and not reading.asks_amount():
        return False                 # "我们是…" is a profile to match (handlers/policy.py)
    return bool(reading.candidates()) and (bool(reading.figures) or reading.asks_amount())


async def answer(msg: Incoming, svc) -> Reply | None:
    """Free text: a measure with figures, or a measure and "能拿多少"; or figures by name and "能拿多少"."""
    book = svc.kb.policy
    reading = read(msg.text, book)
    if reading.elsewhere():
        return None
    if is_quick_check(reading):
        return _run(svc, msg, msg.text, _selected(book, reading), reading=reading)
    if reading.asks_amount() and reading.figures and not reading.candidates() and (ids := _by_cue(book, reading)):
        return _pick(svc, msg, ids, msg.text, "请问是哪一项支持措施？")
    return None


async def command(msg: Incoming, svc) -> Reply:
    """/calc [question]: compute at once, or list the measures that can be computed."""
    book = svc.kb.policy
    question = msg.text.partition(" ")[2].strip()
    if question:
        reading = read(question, book)
        if reading.candidates():         # /calc says "compute": no "能拿多少" needed
            return _run(svc, msg, question, _selected(book, reading), reading=reading)
        reply = await answer(replace(msg, text=question), svc)
        if reply:
            return reply
    ids = [m.id for m in book.measures if m.rule.type != "unquantified"]
    svc.dialogs.start(msg.user_key, FLOW, measure=None, choices=ids, text=question, facts={})
    return _reply("补贴速算：直接输入措施和数字即可，例如“新设金融总部，实收资本10亿，能拿多少？”、"
                  "“资管机构总部管理规模150亿”、“主导制定2项国家标准”。\n也可以先点选措施（输入“取消”可退出）：",
                  buttons=[_button(book.measure(i)) for i in ids] + [CANCEL])


async def by_payload(msg: Incoming, svc) -> Reply:
    """calc:<measure id> — a measure picked from buttons; figures already given are kept."""
    book = svc.kb.policy
    measure = book.measure(msg.payload.removeprefix("calc:"))
    if measure is None:
        return _reply("这项措施已更新或不存在，请重新选择。", buttons=[Button("补贴速算", "/calc")])
    dialog = svc.dialogs.get(msg.user_key)
    question = dialog.data.get("text", "") if dialog and dialog.flow == FLOW else ""
    return _run(svc, msg, question, [measure.id])


async def continue_dialog(msg: Incoming, svc) -> Reply | None:
    """The answer to a question the quick-check asked; anything else passes to the other routes."""
    if msg.payload is not None:
        return None                      # buttons go to their own routes (calc: is by_payload)
    book = svc.kb.policy
    data = svc.dialogs.get(msg.user_key).data
    reading = read(msg.text, book)
    fresh = reading.candidates()
    if fresh and not (data["measure"] in fresh or set(fresh) <= set(data.get("choices") or [])):
        svc.dialogs.end(msg.user_key)    # a new question: start over
        return await answer(msg, svc)
    if data["measure"] is None:
        question = f"{data['text']} {msg.text}".strip()
        combined = read(question, book)
        picked = [i for i in combined.candidates() if i in data["choices"]]
        if picked:
            return _run(svc, msg, question, picked, reading=combined)
        if QUESTION_MARKS.search(msg.text):
            svc.dialogs.end(msg.user_key)
            return None
        return _reply("请点选要测算的措施，或输入“取消”退出。", confidence=0.5,
                      buttons=[_button(book.measure(i)) for i in data["choices"][:MAX_BUTTONS]] + [CANCEL])
    measure = book.measure(data["measure"])
    if measure is None:                  # the data was reloaded without it
        svc.dialogs.end(msg.user_key)
        return None
    facts = facts_for(book, measure, reading, data["expect"])
    if facts.values or facts.errors:
        return _run(svc, msg, data["text"], [measure.id], known=data["facts"], reading=reading, expect=data["expect"])
    if QUESTION_MARKS.search(msg.text):
        svc.dialogs.end(msg.user_key)
        return None
    return _again(svc, msg, measure, data["expect"])


def _again(svc, msg: Incoming, measure, key: str) -> Reply:
    svc.dialogs.touch(msg.user_key)
    inp = measure.input(key)
    return _reply(f"没有读到有效的数字。{render.ask_for(inp)}\n（输入“取消”可退出速算）", confidence=0.5,
                  buttons=[CANCEL])
