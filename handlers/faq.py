"""FAQ answers from the knowledge base, browsing by category, and the honest fallback.

An answer is given only when the entry is about the entity the question names and states the aspect it
asks; otherwise the reply says what the documents hold about that entity and that the asked aspect is not
stated (intent "fallback", so it counts as unanswered). Another city's question never gets Hangzhou facts.
"""
from __future__ import annotations

import re
from datetime import datetime

from bot.messages import Button, Incoming, Reply
from faq.conversation import Topic
from faq.matcher import THRESHOLD, Match
from faq.reading import YEAR, Reading
from handlers.handoff import with_offer

FALLBACK = ("抱歉，这个问题我暂时答不上来，资料中没有可靠的答案。\n"
            "您可以看看下面相近的问题，或点“转人工 / 留言给工作人员”请管委会工作人员回复（也可输入 /handoff）。")
CLARIFY = ("您发来的“{text}”是指什么呢？请说完整的问题，例如“新设金融总部，实收资本10亿，能拿多少？”，"
           "或输入 /menu 查看菜单。")
PAGE = 12
SILENT = re.compile(r"^(现有)?(资料|文件|来源文件|文件原文)(中)?(均)?(未|没有)(载明|写明|列出|公布|提及)")
ASPECT_SLACK = 0.12        # how far below the best an entry that states the asked aspect may score
PART_MARGIN = 0.1          # another part's answer must be this much surer than the bare threshold
DIRECT_BONUS = 0.1         # an entry about the very entity named beats one about a part of it
MAX_PARTS = 2              # a message asking several things gets at most this many answers


def _answer(entry, svc, confidence: float, note: str = "") -> Reply:
    text = entry.answer + svc.kb.period_note(entry, svc.clock.today())
    return Reply(f"{note}{text}", intent="faq", confidence=confidence, sources=[svc.kb.knowledge.cite(entry.source)])


def _question_button(entry) -> Button:
    label = entry.questions[0]
    return Button(label if len(label) <= 20 else label[:19] + "…", f"faq:{entry.id}")


def _states(svc, entry, aspects: list[str]) -> bool:
    return not aspects or any(a in entry.aspects for a in aspects)


def _about(svc, entry, entities: list[str]) -> bool:
    gz = svc.kb.gazetteer
    return not entities or any(gz.covers(entry.entities, e) for e in entities)


def _years_in(entry) -> set[int]:
    return {int(y) for y in YEAR.findall(entry.answer)}


def choose(svc, reading: Reading, ranked: list[Match]) -> tuple[Match | None, str]:
    """The entry to answer with, or None and why not ("" = nothing close; "aspect"/"entity"/"elsewhere")."""
    aspects = svc.kb.knowledge.lexicon.aspects
    pool = ranked
    if reading.elsewhere:
        pool = [m for m in ranked if all(p in m.entry.answer for p in reading.elsewhere)]
        if not pool or pool[0].score < THRESHOLD:
            return None, "elsewhere"
    if not pool or pool[0].score < THRESHOLD:
        return None, ""
    about = [m for m in pool if _about(svc, m.entry, reading.entities)]
    if not about or about[0].score < THRESHOLD:
        return None, "entity"
    if reading.entities:
        about = sorted(about, key=lambda m: -(m.score + DIRECT_BONUS * (reading.entities[0] in m.entry.entities)))
    best = about[0]
    unanswerable = [a for a in reading.aspects if aspects[a].unanswerable]
    if unanswerable and not all(a in best.entry.aspects for a in unanswerable):
        return None, "aspect"
    strict = [a for a in reading.aspects if aspects[a].strict]
    near = [m for m in about if m.score >= max(THRESHOLD - ASPECT_SLACK, best.score - ASPECT_SLACK)]
    if strict:
        stating = [m for m in near if all(a in m.entry.aspects for a in strict)]
        if not stating:
            return None, "aspect"
        best = stating[0]
    elif not _states(svc, best.entry, reading.aspects):
        best = next((m for m in near if _states(svc, m.entry, reading.aspects)), best)
    if reading.years and not set(reading.years) & _years_in(best.entry):
        direct = not reading.entities or reading.entities[0] in best.entry.entities
        best = next((m for m in near if set(reading.years) & _years_in(m.entry) and all(a in m.entry.aspects for a in strict)
                     and (not direct or reading.entities[0] in m.entry.entities)), best)
    return best, ""


def is_new_question(svc, msg: Incoming) -> bool:
    """A message that names its own topic and finds its answer, with no figure an open dialog could want."""
    reading: Reading = msg.reading
    if reading.bare_figure or any(ch.isdigit() for ch in msg.text) or not (reading.entities or reading.aspects):
        return False
    best, _ = choose(svc, reading, reading.ranked(svc.kb.faq))
    return best is not None


def _year_note(reading: Reading, entry) -> str:
    years = _years_in(entry)
    missing = [y for y in reading.years if y not in years]
    if not missing or not years:
        return ""
    nearest = min(years, key=lambda y: abs(y - missing[0]))
    return f"（资料中没有{missing[0]}年的这项数据，以下是最接近的{nearest}年的记载。）\n"


async def answer(msg: Incoming, svc) -> Reply:
    """The last free-text route: an answer, an honest "not stated", or the fallback — ranked once."""
    reading: Reading = msg.reading
    if reading.bare_figure:
        return Reply(CLARIFY.format(text=msg.text.strip()[:20]), intent="clarify", confidence=1.0,
                     buttons=[Button("补贴速算", "/calc"), Button("主菜单", "/menu")])
    ranked = reading.ranked(svc.kb.faq)
    best, why = choose(svc, reading, ranked)
    parts = _parts(svc, reading) if len(reading.questions) > 1 and why != "elsewhere" else []
    if best is None and not parts:
        return await _not_known(msg, svc, reading, ranked, why)
    if best is None:
        best, parts = parts[0][0], parts[1:]
    # another part is answered only when it asks what the first answer does not already state
    parts = [m for m, asked in parts if m.entry.id != best.entry.id and m.score >= THRESHOLD + PART_MARGIN
             and not (asked and asked <= set(best.entry.aspects))]
    note = _year_note(reading, best.entry)
    reply = _answer(best.entry, svc, best.score, note)
    if note or SILENT.match(best.entry.answer):   # the documents do not state it: an honest "don't know"
        reply.intent = "fallback"
        await svc.store.log_unanswered(msg, svc.clock.now())
        reply = with_offer(msg, svc, reply)
    extra = parts[:MAX_PARTS - 1]
    if extra:
        reply.text += "".join(f"\n\n{_answer(m.entry, svc, m.score).text}" for m in extra)
        reply.sources += [svc.kb.knowledge.cite(m.entry.source) for m in extra]
    svc.conversations.remember(msg.user_key, best.entry.entities if not reading.entities else reading.entities,
                               reading.aspects or best.entry.aspects[:1], best.entry.id)
    return reply


def _parts(svc, reading: Reading) -> list[tuple[Match, set[str]]]:
    """The answers to each question of a several-part message; a clause naming no place continues the one
    named before it ("小镇在哪、有哪些楼宇")."""
    found: list[Match] = []
    asked: list[set[str]] = []
    entities = ()
    for clause in reading.questions[:MAX_PARTS + 1]:
        plain = svc.kb.reader.read(clause)
        if not (plain.entities or plain.aspects):
            continue                          # a fragment ("多少钱") is not a question of its own
        context = Topic(tuple(entities), (), None, datetime.max) if entities else None
        sub = plain if plain.entities else svc.kb.reader.read(clause, context)
        entities = sub.entities or entities
        match, _ = choose(svc, sub, sub.ranked(svc.kb.faq, limit=5))
        if match and all(m.entry.id != match.entry.id for m in found):
            found.append(match)
            asked.append(set(plain.aspects))
    return list(zip(found, asked))


async def _not_known(msg: Incoming, svc, reading: Reading, ranked: list[Match], why: str) -> Reply:
    await svc.store.log_unanswered(msg, svc.clock.now())
    return with_offer(msg, svc, _not_known_reply(msg, svc, reading, ranked, why))


def _not_known_reply(msg: Incoming, svc, reading: Reading, ranked: list[Match], why: str) -> Reply:
    lex = svc.kb.knowledge.lexicon
    if reading.elsewhere and why in ("elsewhere", "aspect", ""):
        text = (f"资料只涉及杭州市、拱墅区和运河财富小镇，没有关于{'、'.join(reading.elsewhere)}的记载，"
                f"这个问题我无法可靠回答。")
        return Reply(text, intent="fallback", buttons=[Button("主菜单", "/menu")])
    entity = reading.entities[0] if reading.entities else None
    if entity and why in ("aspect", "entity"):
        own = [m.entry for m in ranked if _about(svc, m.entry, [entity])]
        if not own:
            own = [e for e in svc.kb.knowledge.faq if svc.kb.gazetteer.covers(e.entities, entity)][:3]
        name = svc.kb.gazetteer.name(entity)
        stated = {a for e in own for a in e.aspects}
        asked = "、".join(lex.aspects[a].label for a in reading.aspects if a not in stated) or "这一点"
        if own:
            known = list(dict.fromkeys(lex.aspects[a].label for e in own for a in e.aspects
                                       if not lex.aspects[a].unanswerable))[:5]
            text = f"资料中关于{name}有{'、'.join(known)}等方面的记载，{asked}未载明。"
        else:
            text = f"资料中没有关于{name}{asked}的记载。"
        text += "\n可以看看下面这些已知的内容，或点“转人工 / 留言给工作人员”请管委会工作人员回复。"
        if entity:
            svc.conversations.remember(msg.user_key, [entity], reading.aspects, None)
        return Reply(text, intent="fallback", confidence=ranked[0].score if ranked else 0.0,
                     buttons=[_question_button(e) for e in own[:3]])
    return Reply(FALLBACK, intent="fallback", confidence=ranked[0].score if ranked else 0.0,
                 buttons=[_question_button(m.entry) for m in ranked[:3]])


async def fallback(msg: Incoming, svc) -> Reply:
    """For a message no route took (a stale button, an unknown payload): the plain fallback."""
    reading: Reading = msg.reading
    return await _not_known(msg, svc, reading, reading.ranked(svc.kb.faq), "")


async def categories(msg: Incoming, svc) -> Reply:
    cats = list(dict.fromkeys(e.category for e in svc.kb.knowledge.faq))
    return Reply("常见问题分类，请点选：", intent="faq", confidence=1.0,
                 buttons=[Button(c, f"faq:cat:{c}") for c in cats])


async def by_payload(msg: Incoming, svc) -> Reply:
    key = msg.payload.removeprefix("faq:")
    faq = svc.kb.knowledge.faq
    if key.startswith("cat:"):
        entries = [e for e in faq if e.category == key[4:]][:PAGE]
        if entries:
            return Reply(f"“{key[4:]}”下的常见问题：", intent="faq", confidence=1.0,
                         buttons=[_question_button(e) for e in entries])
    else:
        for entry in faq:
            if entry.id == key:
                svc.conversations.remember(msg.user_key, entry.entities, entry.aspects[:1], entry.id)
                return _answer(entry, svc, 1.0)
    return Reply("这个问题已更新或不存在，请重新选择。", intent="faq", buttons=[Button("常见问题", "/faq")])
