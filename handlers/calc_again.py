"""The last quick-check again with another figure ("那5亿呢", "what about 3 billion"), and the short messages after a
result that say too little to compute.
"""
from __future__ import annotations

import itertools
import re
from functools import lru_cache
from dataclasses import replace

from bot.messages import Button, Incoming, Reply
from bot.payloads import CALC
from bot.phrases import phrases
from bot.services import Services
from faq import nlp
from handlers.calc_dialog import AFFIRM, DENY, unstated_condition
from policy_data import render
from policy_data.english import cue_words, for_reading, plain_words
from policy_data.extract import normalise, read
from policy_data.loader import PolicyBook


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


def new_figure(last: str, said: str) -> str | None:
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
    if not (asked and (again := new_figure(last, asked))):
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


def _another_figure(book: PolicyBook, lang: str, text: str) -> str | None:
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


def _restated_figure(book: PolicyBook, lang: str, text: str, last: str, typed: str) -> str | None:
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


def _currency_after(book: PolicyBook, text: str, end: int) -> int:
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


def _english_restates(book: PolicyBook, text: str, last: str, typed: str) -> bool:
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


def _last_question(book: PolicyBook, lang: str, recent: list) -> tuple[str, str]:
    """The question the last result computed: "200亿呢" after "AUM首次到100亿补多少" asked it with 200亿; a
    figure the quick-check asked for joins the question. Also the messages it was built from, as typed."""
    run = list(itertools.takewhile(lambda e: e.intent == "calc", reversed(recent)))
    question, typed = None, ""
    asking = None                        # the measure whose condition the bot's last reply asked to confirm
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
        elif (again := new_figure(question, given)) is not None:
            question = again
        elif not (AMOUNT.search(question) or COUNT.search(question)):
            question = f"{question} {given}"
        asking = exchange.confirms
    return question or "", typed


def _said(book: PolicyBook, exchange) -> str:
    """What an exchange said of the question: a pressed measure button is that measure's name ("新设金融总部补助")."""
    if exchange.payload and CALC.matches(exchange.payload) and (measure := book.measure(CALC.arg(exchange.payload))):
        return measure.title
    return exchange.said


def _affirmed(book: PolicyBook, question: str, asking: str | None) -> str:
    """The question with the condition of the measure `asking` (the one the quick-check asked to confirm)
    stated, as `_answer_confirm` computed it."""
    measure = book.measure(asking) if asking else None
    unstated = unstated_condition(measure, read(question, book).text) if measure else None
    return f"{question} {unstated[1].ask_unless[0]}" if unstated else question


def another_measure(svc: Services, msg: Incoming, asked: str) -> bool:
    """An elliptical message ("金融控股公司呢") naming a measure the question `asked` did not name."""
    book = svc.kb.policy
    elliptical = ELLIPTICAL_EN.match(msg.text.strip()) if msg.english else ELLIPTICAL.match(msg.text)
    named = read(for_reading(msg.text, book, msg.lang), book).candidates() if elliptical else []
    return bool(named) and not set(named) & set(read(for_reading(asked, book, msg.lang), book).candidates())
