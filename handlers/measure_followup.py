"""Follow-ups on the one measure just answered (a quick-check result or a policy answer), in Chinese or English:
"行业标准呢", "门槛多少" or "what's the cap?" get that measure's rule, not another part of the document; "企业征信呢" after "新设个人征信公司能拿多少" the same
question of the measure it names, on no figure of the last question; a kind the measure does not list ("地方标准呢"
of the standards award) an honest "not stated".
"""
from __future__ import annotations

import os
import re
from dataclasses import replace

from bot.messages import Incoming, Reply
from bot.phrases import phrases
from bot.services import Services
from faq.schema import one_of
from handlers import calc, calc_again, calc_guards, faq, handoff, policy
from policy_data import render
from policy_data.english import for_reading
from policy_data.extract import ASKS_AMOUNT, read
from policy_data.schema import Measure

RULE = re.compile(rf"{calc.RULE_ASKED.pattern}|{calc_guards.WHO_GETS.pattern}|{ASKS_AMOUNT.pattern}|{one_of(phrases().rule_asked.words).pattern}")
RULE_EN = re.compile(rf"{calc.RULE_ASKED.pattern}|{calc_guards.WHO_GETS.pattern}|{one_of(phrases().rule_asked.en).pattern}", re.IGNORECASE)
THING = re.compile(r"^那?(.+?)呢[\s?？。]*$")


def last_measure(svc: Services, msg: Incoming):
    """The one measure the last replies were about, when they were quick-checks' or policy answers: the latest of
    their questions that names a measure names only that one ("上限呢" continues the one before it)."""
    book = svc.kb.policy
    for exchange in reversed(svc.history.recent(msg.user_key)):
        if exchange.intent not in ("calc", "policy"):
            return None
        if named := read(for_reading(exchange.said, book, msg.lang), book).candidates():
            return book.measure(named[0]) if len(named) == 1 else None
    return None


async def answer(svc: Services, msg: Incoming) -> Reply | None:
    """A text route's answer to a follow-up on the last measure, or None."""
    if (measure := last_measure(svc, msg)) is None:
        return None
    book = svc.kb.policy
    reading = read(for_reading(msg.text, book, msg.lang), book)
    if reading.figures:
        return None
    named = reading.candidates()
    if not named and book.patterns["every_year"].search(msg.folded):
        return policy.once_or_yearly_reply(svc, [measure], msg.lang)     # "每年都能拿吗" of the measure just answered
    if thing := _thing(msg):
        if named and measure.id not in named:
            other = book.measure(named[0])
            if len(named) > 1 or not (other.id in measure.versus or other.article == measure.article):
                return None
            # another kind of the same thing: the question the last reply answered, of that kind
            computed = svc.history.recent(msg.user_key)[-1].intent == "calc"
            return await calc.answer(svc, replace(msg, text=msg.say(f"{thing}能拿多少", f"how much for {thing}?"))) \
                if computed else policy.measure_reply(svc, other, lang=msg.lang)
        if named or _unlisted(measure, msg.text):
            return await of_measure(svc, msg, measure)
        if said := book.ruling_out(msg.text, msg.english, [measure]):
            return calc_guards.ruled_out_reply(msg, book, said, [measure.id])     # "参与制定呢" after 主导制定: not met
    asks_rule = RULE_EN.search(msg.text) if msg.english else RULE.search(msg.folded)
    if not named and asks_rule and not faq.is_new_question(svc, msg):
        return policy.measure_reply(svc, measure, lang=msg.lang)
    return None


def _thing(msg: Incoming) -> str | None:
    """What an elliptical message ("金融控股公司呢", "what about a financial holding company?") asks about."""
    if msg.english:
        return m["thing"].strip() if (m := calc_again.ELLIPTICAL_EN.match(msg.text.strip())) else None
    return THING.match(msg.text.strip()).group(1) if calc_again.ELLIPTICAL.match(msg.text) else None


async def of_measure(svc: Services, msg: Incoming, measure: Measure) -> Reply:
    """The measure's rule for a question on it; a kind of item it does not list is said to be not stated."""
    if (thing := _unlisted(measure, msg.text)) is None:
        return policy.measure_reply(svc, measure, lang=msg.lang)
    kinds = "、".join(i.label for i in measure.inputs)
    reply = Reply(f"{render.heading(measure)}\n原文只对{kinds}给予{measure.money}，没有关于“{thing}”的规定，资料未载明。",
                  intent="fallback", confidence=0.8, buttons=[policy.original_button(msg, measure.id)])
    return await handoff.unanswered(svc, msg, reply)


def _unlisted(measure: Measure, text: str) -> str | None:
    """"地方标准" of a measure counting 国际标准, 国家标准 and 行业标准: an item of the kind its inputs share the name
    of, which the article names nowhere."""
    said = THING.match(text.strip()) if not text.isascii() else None
    labels = [i.label for i in measure.inputs if i.kind == "count"]
    if said is None or measure.rule.type != "per_item" or len(labels) < 2:
        return None
    thing, tail = said.group(1), os.path.commonprefix([label[::-1] for label in labels])[::-1]
    words = [measure.text, measure.title, *measure.keywords, *(c for i in measure.inputs for c in i.cues)]
    if len(tail) < 2 or not thing.endswith(tail) or thing == tail or any(thing in w for w in words):
        return None
    return thing
