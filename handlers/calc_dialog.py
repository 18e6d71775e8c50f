"""What every step of the quick-check dialog shares: its states, its buttons and replies, and the conditions it asks
about ("是" / "不是").
"""
from __future__ import annotations

import re
from functools import partial
from dataclasses import dataclass
from typing import ClassVar

from bot.dialogs import DialogState
from bot.labels import paged, short_label
from bot.messages import Button, Incoming
from bot.payloads import CALC, POLICY
from handlers.policy import original_button
from policy_data import render
from policy_data.english import for_reading
from policy_data.extract import Reading, normalise, read
from policy_data.loader import PolicyBook
from policy_data.schema import Measure


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
    """Waiting for the figure `expect` of one measure, with the figures known so far; or, when `stated` holds the
    figure as the user gave it without a currency, for whether it is in RMB."""
    measure: str
    expect: str
    facts: dict[str, str]
    stated: str = ""


def cancel_button(msg: Incoming) -> Button:
    return Button(msg.say("取消", "Cancel"), "/cancel")


MORE = "more:"


def measure_button(measure: Measure, lang: str = "zh") -> Button:
    return Button(f"{render.article(measure, lang)} {render.title(measure, lang)}", CALC(measure.id))


def read_question(msg: Incoming, text: str, book: PolicyBook) -> Reading:
    return read(for_reading(text, book, msg.lang), book)


def originals(msg: Incoming, book: PolicyBook, measure_ids: list[str]) -> list[Button]:
    """One button per measure, each named when there are several (one label twice tells nothing)."""
    if len(measure_ids) < 2:
        return [original_button(msg, i) for i in measure_ids]
    return [Button(short_label(f"{render.article(m, msg.lang)} {render.title(m, msg.lang)}", "en"), POLICY(f"m:{m.id}"))
            for m in map(book.measure, measure_ids)]


calc_reply = partial(render.reply, "calc")


def page_buttons(msg: Incoming, book: PolicyBook, ids: list[str], page: int) -> list[Button]:
    """One page of measure buttons that fits a phone with "更多" to the next while there is one, and "取消"."""
    buttons = [measure_button(book.measure(i), msg.lang) for i in ids if book.measure(i)]
    return paged(buttons, page, Button(msg.say("更多", "More"), CALC(f"{MORE}{page + 1}")), [cancel_button(msg)])


def unstated_condition(measure: Measure, question: str):
    """The first condition whose deciding words (e.g. the pilot's level) the question does not contain."""
    return next(((n, c) for n, c in enumerate(measure.conditions)
                 if c.ask_unless and not any(says(question, normalise(w)) for w in c.ask_unless)), None)


def says(text: str, word: str) -> bool:
    """A Chinese word anywhere; an English one only whole ("led" is not in "filed")."""
    return bool(re.search(rf"\b{re.escape(word)}\b", text)) if word.isascii() else word in text


AFFIRM = re.compile(r"^(是|是的|对|对的|嗯|符合|没错|yes|yep|y|correct)[。.!！]?$", re.IGNORECASE)


IN_RMB = re.compile(r"^(?:(?:是的?|对的?|嗯|yes|yep|yeah|correct|it is|it's|all|in|是|都是|全是|全部)[\s,，、]*)*"
                    r"(?:人民币|rmb|cny|yuan|renminbi|元)?[\s。.!！]*$", re.IGNORECASE)


DENY = re.compile(r"^(不是|否|没有|不符合|不对|no|nope|n)[。.!！]?$", re.IGNORECASE)
