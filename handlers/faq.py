"""FAQ answers from the knowledge base, browsing by category, and the honest fallback.

An answer is given only when the entry is about the entity the question names and states the aspect it
asks; otherwise the reply says what the documents hold about that entity and that the asked aspect is not
stated (intent "fallback", so it counts as unanswered). Another city's question never gets Hangzhou facts.
"""
from __future__ import annotations

import re
from dataclasses import replace

from bot.labels import paged, short_label
from bot.messages import Button, Incoming, Reply
from bot.payloads import CALC, FAQ
from bot.services import Services
from faq import english, nlp
from faq.conversation import Topic
from faq.gazetteer import fold
from faq.matcher import THRESHOLD, Match
from faq.reading import ELSEWHERE, FOLLOW_UP_END, PERIODS, POINTS_BACK, SHARED_ASK, SUBJECTLESS, Reading, years_given
from faq.vocabulary import vocabulary
from handlers.handoff import unanswered, way
from policy_data import render
from policy_data.amounts import amounts_in_english
from policy_data.english import for_reading
from policy_data.extract import read as read_policy

FALLBACK = ("抱歉，这个问题我暂时答不上来，资料中没有可靠的答案。\n"
            "您可以看看下面相近的问题，或{way}。")
FALLBACK_EN = ("Sorry, the documents I work from don't say, so I cannot give you a reliable answer.\n"
               "See the related questions below, or {way}.")
CLARIFY = ("您发来的“{text}”是指什么呢？请说完整的问题，例如“{example}”，或输入 /menu 查看菜单。")
CLARIFY_EN = ("What do you mean by “{text}”? Please ask a full question, e.g. “{example}”, or send /menu.")
POINTLESS = ("您问的“{text}”没有说是哪一个，请带上名称再问，例如“运河财富小镇在哪里”，或输入 /menu 查看菜单。")
POINTLESS_EN = ("“{text}” does not say which one you mean. Please ask again with its name, e.g. “Where is Canal "
                "Wealth Town?”, or send /menu.")
# A figure asked of nothing named ("面积多少"): which place or body, naming what was asked.
POINTLESS_OF = "您问的“{text}”是哪里或哪个机构的{asked}？请带上名称再问一次，例如“运河财富小镇的{asked}”。"
POINTLESS_OF_EN = "Which place or body do you mean by “{text}”? Please ask again with its name, e.g. “the {asked} of Canal Wealth Town”."
# The example a bare figure is shown: a year asks of a year, any other figure is most likely an amount.
EXAMPLE_YEAR = ("小镇{year}年的基金管理规模是多少？", "What was the town's fund scale in {year}?")
EXAMPLE_AMOUNT = ("新设金融总部，实收资本10亿，能拿多少？", "New financial HQ, paid-in capital RMB 1 billion: how much subsidy?")
CATEGORIES, IN_CATEGORY = "cats:", "catp:"     # faq:cats:<page> the topics, faq:catp:<page>:<topic> a topic's questions
SILENT = re.compile(r"^(现有)?(资料|文件|来源文件|文件原文|[^。；，]{0,4}简介[^。；，]{0,16}?)(中)?(均)?(未|没有)(载明|写明|列出|公布|提及)"
                    r"|^The (available )?documents do not (state|say|list|give|publish|mention)")
# "资料未写明这些活动的具体举办日期": what an entry itself says the documents leave out.
UNSTATED = re.compile(r"(资料|年鉴|文件|原文|简介)[^。；，]{0,6}(未|没有)(载明|写明|列出|公布|提及|说明|展开)([^。；，）]*)"
                      r"|(?:documents?|yearbook|profile) (?:do(?:es)? not|don't|doesn't) (?:state|say|list|give|name)([^.;]*)",
                      re.IGNORECASE)
WHICH = re.compile(r"哪个|哪一个|哪家|哪一家|哪座|哪幢|哪栋")
QUESTION_WORD = re.compile(r"谁|哪[家个些里]?|什么|啥|多少|几|的|是")
NAMES = "names"            # the aspect asking what things are called
# "智慧网谷小镇、运河财富小镇、上塘电商小镇、汽车互联网小镇四个省级特色小镇": things named in a row, then counted
# (a run is matched from its start only: tried at every character, an answer without "、" costs its length squared)
COUNTED_LIST = re.compile(r"(?<![^，。；：:、])[^，。；：:、]+(?:、[^，。；：:、]+)+(?:[和及与][^，。；：:、]+?)?[两二三四五六七八九十\d]+\s*(?:个|大|家|条|座|幢|栋|项|所|类)")
LISTING = re.compile(r"(?<![^，。；：:、])[^，。；：:、]+(?:、[^，。；：:、]+)+")
RELATIVE_YEARS = vocabulary().reading.relative_years
SENTENCE = re.compile(r"[。；;\n]")
INSIDE = re.compile(r"^(其中|其)")         # a question about a part of what the one before it answered
ASPECT_SLACK = 0.12        # how far below the best an entry that states the asked aspect may score
MAX_CLAUSES = 8            # the clauses of a long message read for its questions
PART_MARGIN = 0.1          # another part's answer must be this much surer than the bare threshold
DIRECT_BONUS = 0.1         # an entry about the very entity named beats one about a part of it
OWN_DOCUMENT_BONUS = 0.08  # the bay's own plan says more of the bay than a document that mentions it
WIDER = 40                 # how far down the ranking an entry about the very place named is looked for
MAX_SHARING = 3            # a word more places' names hold than this ("运河") names none of them in particular
MAX_PARTS = 3              # a message asking several things gets at most this many answers; the rest are named
PHRASED = 0.9              # an answer this close to one of its phrasings stands, whatever words the question adds


def _answer(entry, svc: Services, confidence: float, lang: str, note: str = "") -> Reply:
    answer = amounts_in_english(entry.answer) if lang == "en" else entry.answer
    text = answer + _amounts(svc, entry, lang) + svc.kb.period_note(entry.source.doc, svc.policy_date(), lang)
    return Reply(f"{note}{text}", intent="faq", confidence=confidence,
                 sources=[svc.kb.knowledge.cite(entry.source, lang)],
                 buttons=quick_check_buttons(_measures(svc, entry), lang, 3))


def quick_check_buttons(measures, lang: str, most: int) -> list[Button]:
    """A "速算：…" button for each of the measures that can be computed, at most `most`."""
    label = "Quick-check: " if lang == "en" else "速算："
    return [Button(short_label(f"{label}{render.title(m, lang)}", "en"), CALC(m.id))
            for m in measures if m.rule.type != "unquantified"][:most]


def _measures(svc: Services, entry) -> list:
    return [m for m in map(svc.kb.policy.measure, entry.measures) if m is not None]


def _amounts(svc: Services, entry, lang: str) -> str:
    """The money rule of each measure the answer refers to ("标准见下"), from the policy data."""
    lines = [f"· {render.article(m, lang)} {render.title(m, lang)}: {render.rule_text(m, lang)}" if lang == "en"
             else f"· {render.article(m)} {render.title(m)}：{render.rule_text(m)}" for m in _measures(svc, entry)]
    return "\n" + "\n".join(["Amounts:" if lang == "en" else "资金支持标准：", *lines]) if lines else ""


def _question_button(entry, lang: str) -> Button:
    return Button(short_label(entry.en.questions[0] if lang == "en" else entry.questions[0], lang), FAQ(entry.id))


def _states(svc: Services, entry, aspects: list[str]) -> bool:
    return not aspects or any(a in entry.aspects for a in aspects)


def _words_of(svc: Services, entry, aspects: list[str]) -> bool:
    """Whether the answer uses a word stating one of the aspects, though the entry does not declare it."""
    told = svc.kb.gazetteer.lexicon.aspects
    return any(w in entry.answer for a in aspects for w in told[a].told)


def _says_each(svc: Services, entry, aspects: list[str]) -> bool:
    return all(_states(svc, entry, [a]) or _words_of(svc, entry, [a]) for a in aspects)


def _about(svc: Services, entry, entities: list[str]) -> bool:
    gz = svc.kb.gazetteer
    return not entities or any(gz.covers(entry.entities, e) for e in entities)


def _subject(svc: Services, entry, reading: Reading, strict: list[str]) -> bool:
    """Whether the strict aspects and figures an entry states are stated of the entity asked: it is what the
    entry is about (after the document it comes from), a whole one of whose parts it is about, or named in a
    sentence before them. An entry about a company that moved into a building does not state the building's
    founding year."""
    lex = svc.kb.gazetteer.lexicon
    leading = entry.entities[:2] if entry.entities[0] == entry.source.doc else entry.entities[:1]
    if reading.entities and any(lex.aspects[a].of_itself for a in strict):    # a part's founding is not the whole's
        return any(e == lead for e in reading.entities for lead in leading)
    documents = svc.kb.knowledge.documents
    # a part's figure is not the whole's: a building's tax growth does not answer a question naming the town (a
    # follow-up carries the whole talked about, though what it asks of may be the part the last answer was about)
    whole = not strict or reading.follow_up
    if not reading.entities or english_reading(reading) \
            or any(e == lead or e in lex.ancestors(lead) and (whole or lead in documents or svc.kb.gazetteer.is_place(e))
                   for e in reading.entities for lead in leading):
        return True
    told = [w for a in strict for w in lex.aspects[a].told]
    parts = [fold(n) for lead in leading if lead not in documents for n in (lex.entities[lead].name, *lex.entities[lead].aliases)]
    for sentence in SENTENCE.split(fold(entry.answer)):
        for e in reading.entities:
            named = [sentence.find(fold(n)) for n in (lex.entities[e].name, *lex.entities[e].aliases)]
            first = min((i for i in named if i >= 0), default=-1)
            after = sentence[first:]
            if first >= 0 and (not told or any(w in after for w in told)) and all(n.search(after) for n in reading.needs) \
                    and (whole or not any(p in sentence[:first] for p in parts)):   # "绿地…是小镇…楼宇，…税收增长"
                return True
    return False


def _unstated(svc: Services, entry) -> set[str]:
    """The aspects the entry's own answer says the documents do not state (and it does not state elsewhere)."""
    gz = svc.kb.gazetteer
    return {a for m in UNSTATED.finditer(entry.answer) for a in gz.aspects(fold(m.group(4) or m.group(5) or ""))
            if a not in entry.aspects}


def _asks_left_out(entry, text: str) -> bool:
    """"管委会的具体地址是什么" of an answer saying "资料未载明具体门牌地址": the question's words are in what the
    entry says the documents leave out (two character pairs at least), and nowhere else in it."""
    left_out = "".join(m.group(0) for m in UNSTATED.finditer(entry.answer))
    if not left_out:
        return False
    rest, said = UNSTATED.sub("", entry.answer), nlp.normalise(text).replace(" ", "")
    pairs = {said[i:i + 2] for i in range(len(said) - 1)}
    return sum(p in left_out and p not in rest for p in pairs) >= 2


def _tells(svc: Services, entry, reading: Reading, aspect: str) -> bool:
    """An entry states a rarely stated aspect the question asks: it declares it and says the very thing asked,
    in the aspect's words the question uses ("开发商") or else in the question's own ("餐厅"), not another
    thing of the aspect ("5层")."""
    known, said, answer = svc.kb.knowledge.lexicon.aspects[aspect], fold(reading.text), fold(entry.answer)
    if told := [w for w in known.told if w in said]:
        return aspect in entry.aspects and any(w in answer for w in told)
    asked = [QUESTION_WORD.sub("", w) for w in known.asked if w in said]
    return aspect in entry.aspects and (not asked or any(w[i:i + 2] in answer for w in asked for i in range(len(w) - 1)))


def _gives(entry, reading: Reading) -> bool:
    return all(told.search(entry.answer) for told in reading.needs) and _counts(entry, reading) \
        and reading.role in nlp.normalise(entry.answer) and _listed(entry) >= reading.members


def _asks_again(entry, last, reading: Reading) -> bool:
    """Whether an entry answers the question `last` answered: it holds what was asked in words, or else states
    the aspects asked of the same thing."""
    if reading.subject:
        return _holds(entry, reading.subject)
    return entry.entities[0] == last.entities[0] and all(a in entry.aspects for a in reading.aspects)


def _holds(entry, words: str) -> bool:
    """An answer saying what `words` ask about: at least half their character pairs are in it."""
    told = nlp.normalise(entry.answer).replace(" ", "")
    pairs = [w[i:i + 2] for w in nlp.normalise(words).split() for i in range(len(w) - 1)]
    return 2 * sum(p in told for p in pairs) >= len(pairs)


def _listed(entry) -> int:
    """How many things the answer names in a row ("英蓝中心、远洋国际中心、绿地中央商务区等": 3)."""
    return max((run.count("、") + 1 for run in LISTING.findall(entry.answer)), default=0)


def _counts(entry, reading: Reading) -> bool:
    """An answer counting what a count question counts: "12家外资金融机构" does not count 外资银行. At least half
    the character pairs of the thing counted must be in it, unless it is only the word of an aspect the entry states
    ("几条措施" of the entry stating the measures, which counts them as 条)."""
    if not (thing := reading.counted) or set(reading.counted_as) & set(entry.aspects):
        return True
    told = nlp.normalise(entry.answer).replace(" ", "")
    pairs = [thing[i:i + 2] for i in range(len(thing) - 1)]
    return 2 * sum(p in told for p in pairs) >= len(pairs)


def _counted_in(entry, reading: Reading) -> bool:
    """A count question ("有几个历史街区") that the entry's answer already answers: it counts that very thing, of the
    year asked ("2019年集聚多少企业" is not answered by a profile naming some of them)."""
    return bool(reading.counted) and reading.counted in nlp.normalise(entry.answer).replace(" ", "") and _gives(entry, reading) \
        and (not reading.years or bool(set(reading.years) & _years_in(entry, reading)))


def _years_in(entry, reading: Reading | None = None) -> set[int]:
    return years_given(entry.answer, reading is not None and reading.whole_year)


def english_reading(reading: Reading) -> bool:
    return reading.matcher is not None and reading.matcher.text is english


def _too_thin(reading: Reading) -> bool:
    """An English question of one content word naming nothing known ("What's your name?") matches by chance; a
    Chinese term in it ("what's 金牌管家?") is a name the documents use."""
    matcher = reading.matcher
    if not english_reading(reading) or reading.entities:
        return False
    words = matcher.text.words(reading.query)
    return len(words) < 2 and not any(english.CJK_RUN.search(w) for w in words)


def _kin(svc: Services, reading: Reading, pool: list[Match]) -> list[str]:
    """"五区里有申花吗": a short name another entity's name holds too means that one, when the best answer is about
    it (and the name is held by no more than a few)."""
    if not reading.entities or english_reading(reading) or _about(svc, pool[0].entry, reading.entities):
        return []
    kin = svc.kb.gazetteer.kin(fold(reading.text))
    return kin if len(kin) <= MAX_SHARING and set(kin) & set(pool[0].entry.entities) else []


def _about_each(svc: Services, entry, entities: list[str]) -> bool:
    """"湖州和嘉兴…分别打造什么中心": an entry about one of the places named answers nothing of the other."""
    return all(_about(svc, entry, [e]) for e in entities)


def _about_named(svc: Services, reading: Reading, about: list[Match]) -> list[Match]:
    """"Yuhuangshan's positioning in the 2016 plan": the plan only says where to look; an entry of the plan about
    another town answers nothing of Yuhuangshan, when one about Yuhuangshan is close enough (in Chinese, one of
    that plan: "玉皇山南基金小镇在2号文里的目标" is not the 2016 plan's)."""
    named = [e for e in reading.entities if e not in svc.kb.knowledge.documents]
    if not named or len(named) == len(reading.entities):
        return about
    documents = set(reading.entities) - set(named)
    own = [m for m in about if _about_each(svc, m.entry, named)
           and (english_reading(reading) or m.entry.source.doc in documents)]
    if not own and not reading.elsewhere:     # the document's many entries about other things may crowd its own out of the first ones
        own = [m for m in reading.matcher.rank(reading.query, limit=WIDER)
               if _about_each(svc, m.entry, named) and m.entry.source.doc in documents]
    return own if own and own[0].score >= THRESHOLD else about


def _asked_of(entry, reading: Reading) -> bool:
    """A question naming another place and no aspect ("上海陆家嘴有啥政策", "What incentives does Shanghai offer?") is
    answered only by an entry whose own questions name that place, not by one that mentions it in passing; one asking
    what is that place's own ("上海的目标") and an English one comparing that place with Hangzhou by none (the
    documents describe only Hangzhou's side)."""
    if english_reading(reading) and english.COMPARES.search(reading.text.lower()) \
            or any(f"{p}的" in fold(reading.text) for p in reading.elsewhere if p in ELSEWHERE):
        return False
    if reading.aspects or set(reading.entities) & set(entry.entities):
        return True        # "上海陆家嘴和小镇什么关系": what the town's entry mentioning that place says of both
    asked = " ".join(entry.questions).lower()
    return all(p in asked for p in reading.elsewhere)


def _from_own_document(svc: Services, entry, reading: Reading) -> bool:
    entity = svc.kb.gazetteer.lexicon.entities.get(entry.source.doc)
    return entity is not None and entity.parent == reading.entities[0]


def _same_document(svc: Services, reading: Reading, about: list[Match], best: Match) -> Match | None:
    """"其中运河财富小镇定位呢" after the 2016 plan's five towns: what that document says of it, when it is about as
    close as the best; unless the message names a document of its own."""
    knowledge = svc.kb.knowledge
    last = knowledge.entry(reading.context)
    if last is None or best.entry.source.doc == last.source.doc or any(e in knowledge.documents for e in reading.entities):
        return None
    return next((m for m in about if m.entry.source.doc == last.source.doc and m.score >= best.score - ASPECT_SLACK
                 and _states(svc, m.entry, reading.aspects)), None)


def _echoed(svc: Services, reading: Reading) -> Match | None:
    """"那律所呢" after an answer that says what law firms are to the town: that answer, which holds the very words."""
    last = svc.kb.knowledge.entry(reading.context) if len(reading.echoed) >= 2 else None
    if last is None or fold(reading.echoed) not in fold(last.answer):
        return None
    return Match(last, THRESHOLD)


def _holding_echoed(reading: Reading, about: list[Match]) -> Match | None:
    """"不良率呢" after the 2015 value added, "信用贷款" after a loan share target: the first close answer about the
    topic that says every word the follow-up names, when the first one does not."""
    said = [w for w in nlp.words(reading.added) if len(w) > 1] if reading.added else []
    if not said or all(w in nlp.fold_phrase(about[0].entry.answer) for w in said):
        return None
    return next((m for m in about if m.score >= THRESHOLD and all(w in nlp.fold_phrase(m.entry.answer) for w in said)), None)


def _pointed_at(svc: Services, reading: Reading) -> Match | None:
    """"它服务多少幢楼" after what 金牌管家 is: a figure asked of "it" in no aspect's words is the answer just given's,
    when that answer gives it."""
    before = svc.kb.knowledge.entry(reading.before) if reading.follow_up and not reading.own and reading.needs \
        and POINTS_BACK.match(said := fold(reading.text)) and not said.startswith("其中") else None
    return Match(before, THRESHOLD) if before is not None and _gives(before, reading) else None


def _last_answer(svc: Services, reading: Reading) -> Match | None:
    """"机构数呢" after an answer that states the number of institutions: that answer, when nothing ranked close to the
    follow-up states what it asks."""
    if not (reading.follow_up and reading.own):
        return None
    # an unmarked follow-up ("哪天批的", "是哪几个") is the last answer's only when it asks a figure, a date or the
    # names that answer holds
    before = svc.kb.knowledge.entry(reading.before)
    listed = before is not None and NAMES in reading.own and bool(COUNTED_LIST.search(before.answer))
    last = svc.kb.knowledge.entry(reading.context) or (before if reading.needs or listed else None)
    if last is None or not all(a in last.aspects or (a == NAMES and listed) for a in reading.own) \
            or not _about(svc, last, reading.entities) or not _gives(last, reading):
        return None
    return Match(last, THRESHOLD)


def choose(svc: Services, reading: Reading, ranked: list[Match]) -> tuple[Match | None, str]:
    """The entry to answer with, or None and why not ("" = nothing close; "aspect"/"entity"/"elsewhere")."""
    aspects = svc.kb.knowledge.lexicon.aspects
    pool = ranked
    if reading.elsewhere:
        # an entry that only mentions a place or body it is not about ("加快绍兴国际金融活力城建设") answers no
        # question about it but one on what the entry states
        pool = [m for m in ranked if all(p in m.entry.answer.lower() for p in reading.elsewhere)
                and _states(svc, m.entry, reading.aspects) and _asked_of(m.entry, reading)]
        if not pool or pool[0].score < THRESHOLD:
            return None, "elsewhere"
    if (pointed := _pointed_at(svc, reading)) is not None:
        return pointed, ""
    if (not pool or pool[0].score < THRESHOLD) and (declared := _declares(svc, reading, pool)) is not None:
        pool = [declared]            # "小镇北面到哪条街为止": worded apart from every phrasing, declared all the same
    if not pool or pool[0].score < THRESHOLD or _too_thin(reading):
        if reading.follow_up and (last := _last_answer(svc, reading)) is not None:
            return last, ""          # "哪天批的": what the answer just given states
        return None, ""
    named = reading.entities + _kin(svc, reading, pool)
    about = [m for m in pool if _about(svc, m.entry, named)]
    if not about or about[0].score < THRESHOLD:
        return None, "entity"
    about = _about_named(svc, reading, about)
    if reading.entities:
        about = sorted(about, key=lambda m: -(m.score + DIRECT_BONUS * (reading.entities[0] in m.entry.entities)
                                              + OWN_DOCUMENT_BONUS * _from_own_document(svc, m.entry, reading)))
    # "那南湖基金小镇呢" after a list of what each town is to become: the list is about it too, and answers it
    again = next((m for m in about if m.entry.id == reading.previous and m.score >= THRESHOLD), None)
    best = again or _echoed(svc, reading) or _holding_echoed(reading, about) or about[0]
    if not again and (same := _same_document(svc, reading, about, best)):
        best = same
    unanswerable = [a for a in reading.aspects if aspects[a].unanswerable]
    if unanswerable and not all(_tells(svc, best.entry, reading, a) for a in unanswerable):
        return None, "aspect"
    strict = [a for a in reading.aspects if aspects[a].strict]
    near = [m for m in about if m.score >= max(THRESHOLD - ASPECT_SLACK, best.score - ASPECT_SLACK)]
    if strict:
        stating = [m for m in near if all(a in m.entry.aspects for a in strict) and _subject(svc, m.entry, reading, strict)]
        own = [m for m in about if reading.entities and m.entry.entities[0] == reading.entities[0]
               and m.score >= THRESHOLD and all(a in m.entry.aspects for a in strict)]
        stating = own or stating      # the whole's own figure, not a part's (a building's tax), when it has one
        if not stating and (last := _last_answer(svc, reading)) is None:
            return None, "aspect"
        best = stating[0] if stating else last
    elif not _states(svc, best.entry, reading.aspects):
        best = next((m for m in near if _states(svc, m.entry, reading.aspects)), best)
        # "它在哪个区" of a place whose location is not stated; "在册人才是多少" of the year's highlights
        said = reading.own if reading.follow_up else [a for a in reading.own if aspects[a].worded]
        if said and not (_states(svc, best.entry, said) or _words_of(svc, best.entry, said)):
            if not reading.follow_up or (last := _last_answer(svc, reading)) is None:
                return None, "aspect"
            best = last
    else:
        best = _in_asked_words(svc, reading, near, best)
    best = _in_context(svc, reading, [m for m in about if m.score >= best.score - 2 * ASPECT_SLACK],
                       _part_of_last(svc, reading, near, best))
    if reading.another_year and (last := svc.kb.knowledge.entry(reading.context)) is not None:
        # "2016年呢" after "2015年金融业增加值多少": what the documents give of that year, else the answer before
        best = next((m for m in about if set(reading.years) & _years_in(m.entry, reading) and _asks_again(m.entry, last, reading)),
                    Match(last, best.score))
    elif reading.years and not set(reading.years) & _years_in(best.entry, reading):
        named = reading.entities[0] if reading.entities else None
        direct = named is None or best.entry.entities[0] == named
        best = next((m for m in near if set(reading.years) & _years_in(m.entry, reading) and all(a in m.entry.aspects for a in strict)
                     and (named is None or not direct or m.entry.entities[0] == named)), best)
    if (reading.needs or reading.role or reading.members) and not (_gives(best.entry, reading) and _subject(svc, best.entry, reading, strict)):
        best = next((m for m in near if _gives(m.entry, reading) and all(a in m.entry.aspects for a in strict)
                     and _subject(svc, m.entry, reading, strict)), None)
        if best is None and reading.follow_up:
            best = _last_answer(svc, reading)      # "增加了多少基金管理规模": what the answer just given holds
        if best is None:
            return None, "aspect"
    if not (reading.follow_up or english_reading(reading)) \
            and not _says_each(svc, best.entry, [a for a in reading.own if aspects[a].worded]):
        return None, "aspect"        # "持证人才能拿多少人才补贴" of the count of certified talent
    if not (reading.follow_up or reading.aspects or english_reading(reading)) and best.score < PHRASED \
            and (reader := svc.kb.reader_for("zh")).strange(reading, best.entry):
        # "十三五规划五区有哪些" of the plan's overview: the plan's answer that says all the question names, if one does
        # (an asker describing themselves asks of their own kind, which a passing mention does not answer)
        best = None if reading.self_intro else \
            next((m for m in about if m.score >= max(THRESHOLD, best.score - 2 * ASPECT_SLACK)
                  and m.entry.entities[0] == best.entry.entities[0] and reader.says_all(reading, m.entry)), None)
        if best is None:
            return None, "aspect"
    # "hangzhou GDP in 2023?" of the entry dated 2023 (a document's own facts are asked in words of every kind)
    if english_reading(reading) and not (reading.follow_up or reading.aspects) and best.score < PHRASED \
            and not any(e in svc.kb.knowledge.documents for e in reading.entities) \
            and svc.kb.reader_for("en").strange_en(reading, best.entry):
        return None, "aspect"
    if reading.periods and not _of_period(svc, best.entry, reading):
        # "十五五规划对小镇怎么定位": an entry of the 十四五 period does not answer it
        best = next((m for m in near if _of_period(svc, m.entry, reading) and all(a in m.entry.aspects for a in strict)
                     and _gives(m.entry, reading)), None)
        if best is None:
            return None, "period"
    return best, ""


def _in_asked_words(svc: Services, reading: Reading, near: list[Match], best: Match) -> Match:
    """"谁牵头" of a document whose overview says who issued it and whose closing article who leads it: among the
    close entries about the same thing stating what is asked, one saying it in the very words asked (of two
    characters or more), when the best one does not."""
    lex, said = svc.kb.knowledge.lexicon.aspects, fold(reading.text)
    words = [w for a in reading.own for w in lex[a].told if len(w) > 1 and w in said]
    if not words or any(w in best.entry.answer for w in words):
        return best
    # a bare follow-up ("谁牵头") is ranked with the name talked about in front, whose overview outranks what is asked
    bare = reading.follow_up and len(QUESTION_WORD.sub("", svc.kb.gazetteer.unasked(said)).strip()) <= 1
    wider = [m for m in reading.matcher.rank(reading.query, limit=WIDER) if m.score >= THRESHOLD
             and _about(svc, m.entry, reading.entities)] if bare else []
    return next((m for m in near + wider if m.entry.entities[0] == best.entry.entities[0]
                 and _states(svc, m.entry, reading.own) and any(w in m.entry.answer for w in words)), best)


def _in_context(svc: Services, reading: Reading, near: list[Match], best: Match) -> Match:
    """"总面积呢" after the town's Grade-A buildings: of the close answers stating what is asked of the same thing,
    the one that also states what was talked about (the buildings' floor space, not the town's area)."""
    last = svc.kb.knowledge.entry(reading.before) if reading.follow_up and reading.own else None
    talked = set(last.aspects) - set(reading.own) if last is not None else set()
    if not talked or talked & set(best.entry.aspects):
        return best
    return next((m for m in near if m.entry.entities[0] == best.entry.entities[0] and talked & set(m.entry.aspects)
                 and all(a in m.entry.aspects for a in reading.own)), best)


def _part_of_last(svc: Services, reading: Reading, near: list[Match], best: Match) -> Match:
    """"其中高端的呢" after the town's talent: a part of the whole just answered, which another close entry states,
    unless the answer just given names that part too."""
    said = fold(reading.text)
    if not (reading.follow_up and INSIDE.match(said)) or best.entry.id != reading.before:
        return best
    part = [w for w in nlp.words(FOLLOW_UP_END.sub("", INSIDE.sub("", said))) if len(w) > 1]
    if all(w in nlp.fold_phrase(best.entry.answer) for w in part):
        return best
    return next((m for m in near if m.entry.id != best.entry.id and _states(svc, m.entry, reading.aspects)), best)


def _declares(svc: Services, reading: Reading, ranked: list[Match]) -> Match | None:
    """Below the threshold, the one close entry about the very place named that declares every aspect the question
    asks of it, a concrete figure among them, ranked first: the reading's own evidence, where the question's words
    are unlike every phrasing."""
    aspects = svc.kb.knowledge.lexicon.aspects
    strict = [a for a in reading.aspects if aspects[a].strict]
    if not reading.entities or not strict or reading.elsewhere or english_reading(reading):
        return None
    close = [m for m in ranked if m.score >= THRESHOLD - ASPECT_SLACK and m.entry.entities[0] == reading.entities[0]
             and all(a in m.entry.aspects for a in reading.aspects)]
    return Match(close[0].entry, THRESHOLD) if len(close) == 1 and close[0] is ranked[0] else None


def _of_period(svc: Services, entry, reading: Reading) -> bool:
    """An entry answers a question of a five-year period ("十五五") when its own words name the period or its
    document came out in it."""
    doc = svc.kb.knowledge.documents[entry.source.doc]
    words = fold(" ".join([entry.answer, *entry.questions, *entry.keywords]))
    return all(p in words or (doc.period is not None and PERIODS[p][0] <= doc.period[0].year <= PERIODS[p][1])
               for p in reading.periods)


def asks_unstated(svc: Services, msg: Incoming) -> bool:
    """A question asking what the documents never state (a price, a name, opening hours…) is the FAQ's to answer
    honestly, not a policy or quick-check question ("How many working days until the subsidy?")."""
    aspects = svc.kb.knowledge.lexicon.aspects
    return any(aspects[a].unanswerable for a in msg.reading.aspects)


async def procedure_of_body(svc: Services, msg: Incoming) -> Reply:
    """"加入联盟需要什么材料": the procedure of a body the question names, which no document states: the FAQ's
    honest reply about that body when it gives one ("资料未载明入盟…需要提交的材料"), else "not stated" of it."""
    reply = await answer(svc, msg)
    if reply.intent == "fallback":
        return reply
    return await _not_known(svc, msg, msg.reading, msg.reading.ranked(), "aspect")


def is_new_question(svc: Services, msg: Incoming) -> bool:
    """A message that names its own topic and finds its answer, with no figure an open dialog could want."""
    reading: Reading = msg.reading
    if reading.bare_figure or any(ch.isdigit() for ch in msg.text) or not (reading.entities or reading.aspects):
        return False
    best, _ = choose(svc, reading, reading.ranked())
    return best is not None


def _year_note(msg: Incoming, entry) -> str:
    years = _years_in(entry)
    missing = [y for y in msg.reading.years if y not in _years_in(entry, msg.reading)]
    if not missing or not years:
        return ""
    nearest = min(years, key=lambda y: abs(y - missing[0]))
    if nearest == missing[0]:          # "2023年底" of a figure "2023年一季度以来"
        return msg.say(f"（资料中没有{nearest}年全年的这项数据，以下是{nearest}年其中一段时间的记载。）\n",
                       f"(The documents have no figure for the whole of {nearest}; here is one for part of it.)\n")
    return msg.say(f"（资料中没有{missing[0]}年的这项数据，以下是最接近的{nearest}年的记载。）\n",
                   f"(The documents have no figure for {missing[0]}; here is the nearest year on record, {nearest}.)\n")


def _today_note(svc: Services, msg: Incoming, entry) -> str:
    """"小镇今年有什么活动" answered from a 2023 record: which year the record is of, since "今年" is today's year."""
    said = next((w for w in RELATIVE_YEARS if w in msg.reading.query), None)
    years = _years_in(entry)
    if said is None or not years or msg.english:
        return ""
    year = svc.policy_date().year + RELATIVE_YEARS[said]
    if year in years:
        return ""
    nearest = min(years, key=lambda y: abs(y - year))
    return f"（“{said}”是{year}年：资料中没有{year}年的记载，以下是{nearest}年的内容。）\n"


def _of_several(svc: Services, reading: Reading) -> bool:
    """"2025年的目标是多少" first thing: the close answers are about several things (the plans' targets), so the
    question names none of them; "有效期到什么时候" is answered by one document's entries alone."""
    ranked = [m for m in reading.ranked() if m.score >= THRESHOLD]
    return len({m.entry.entities[0] for m in ranked if m.score >= ranked[0].score - ASPECT_SLACK}) > 1


def _clarify(svc: Services, msg: Incoming) -> Reply:
    """A bare figure or a pointer at nothing: the question back, with an example of the kind it looks like."""
    reading: Reading = msg.reading
    text = t if len(t := msg.text.strip()) <= 40 else t[:39] + "…"
    menu = Button(msg.say("主菜单", "Main menu"), "/menu")
    if (reading.pointless or reading.unnamed) and reading.own:
        asked = msg.say("、", " and ").join(svc.kb.gazetteer.label(a, msg.lang) for a in reading.own[:2])
        said = msg.say(POINTLESS_OF, POINTLESS_OF_EN).format(text=text, asked=asked)
    elif reading.pointless:
        said = msg.say(POINTLESS, POINTLESS_EN).format(text=text)
    else:
        example = msg.say(*EXAMPLE_YEAR).format(year=reading.years[0]) if reading.years else msg.say(*EXAMPLE_AMOUNT)
        return Reply(msg.say(CLARIFY, CLARIFY_EN).format(text=text, example=example), intent="clarify", confidence=1.0,
                     buttons=[Button(msg.say("补贴速算", "Quick-check"), "/calc"), menu])
    return Reply(said, intent="clarify", confidence=1.0, buttons=[menu])


async def answer(svc: Services, msg: Incoming) -> Reply:
    """The last free-text route: an answer, an honest "not stated", or the fallback — ranked once."""
    reading: Reading = msg.reading
    if reading.bare_figure or reading.pointless or reading.unnamed and _of_several(svc, reading):
        return _clarify(svc, msg)
    if options := _which_one(svc, msg):
        return _ask_which(svc, msg, options)
    said, options = _shared_name(svc, msg)
    if options:
        return _ask_which(svc, msg, options, said)
    several = _several(svc, msg)
    # Only a place elsewhere or an English message can make the whole message's choice overrule its parts, so
    # only then is the whole ranked before the parts are read.
    whole_first = several and bool(reading.elsewhere or msg.english)
    ranked, best, why = _whole(svc, reading) if whole_first else ([], None, "")
    parts, missing = _parts(svc, msg) if several and not (whole_first and _overrules(svc, msg, why)) else ([], [])
    if not whole_first and len(parts) < 2:    # parts answered each by an entry of their own need no ranking
        ranked, best, why = _whole(svc, reading)
    if best is None and not parts and (before := _of_the_year_before(svc, reading)) is not None:
        best = before           # "2017年呢" of a figure the documents give for 2019 only: said, with the 2019 one
    if best is None and not parts and (default := _of_the_default_subject(svc, msg)) is not None:
        reading, best = default
    if best is None and not parts:
        return await _not_known(svc, msg, reading, ranked, why)
    if best is None or len(parts) > 1:         # each question answered by its own entry, in the order asked
        (_, best), parts = parts[0], parts[1:]
    parts = [(n, m) for n, m in parts if m.entry.id != best.entry.id]
    unsure = [n for n, m in parts if m.score < THRESHOLD + PART_MARGIN]
    parts = [(n, m) for n, m in parts if m.score >= THRESHOLD + PART_MARGIN]
    note = _year_note(msg, best.entry)
    reply = _answer(best.entry, svc, best.score, msg.lang, note or _today_note(svc, msg, best.entry))
    asked = set(reading.own if reading.follow_up else reading.aspects)    # "那律所呢": not what was asked before
    silent = SILENT.match(best.entry.answer) or asked & _unstated(svc, best.entry) \
        or (not msg.english and _asks_left_out(best.entry, msg.text))
    if note or silent:        # the documents do not state it: an honest "don't know" with what is known
        reply.intent = "fallback"
        reply = await unanswered(svc, msg, reply)
    extra = [m for _, m in parts[:MAX_PARTS - 1]]
    if extra:
        reply.text += "".join(f"\n\n{_answer(m.entry, svc, m.score, msg.lang).text}" for m in extra)
        reply.sources += [svc.kb.knowledge.cite(m.entry.source, msg.lang) for m in extra]
    reply.text += _missing_note(svc, msg, missing, [best.entry, *(m.entry for m in extra)], unsure, [n for n, _ in parts[MAX_PARTS - 1:]])
    # the first aspect of an answer to a question naming nothing known ("金牌管家…") is not what it asked
    lex = svc.kb.knowledge.lexicon.aspects
    kept = [a for a in reading.aspects if lex[a].carried] or (best.entry.aspects[:1] if reading.entities else [])
    svc.conversations.remember(msg.user_key, _topic(svc, reading, best.entry), kept,
                               best.entry.id, reading.needs, reading.subject, reading.years, reading.others,
                               _places_named(svc, reading), thing=reading.thing)
    return reply


def _of_the_default_subject(svc: Services, msg: Incoming) -> tuple[Reading, Match] | None:
    """"北边界是哪条街" with nothing talked about before: a concrete figure asked of nothing named, which finds no
    answer as it stands, asks it of the default subject (the town), when that finds one."""
    reading, lex = msg.reading, svc.kb.gazetteer.lexicon
    if not lex.default_subject or reading.entities or reading.elsewhere or reading.follow_up or reading.periods \
            or english_reading(reading) \
            or not any(lex.aspects[a].strict for a in reading.aspects) or svc.conversations.get(msg.user_key):
        return None
    read = svc.kb.reader_for(msg.lang).read(f"{svc.kb.gazetteer.name(lex.default_subject, msg.lang)} {reading.text}")
    best, _ = choose(svc, read, read.ranked())
    return (read, best) if best is not None else None


def _places_named(svc: Services, reading: Reading) -> list[str]:
    """The places and bodies a question names itself, when it names several of which none is part of another
    ("泰嘉园和乐富智汇园在哪"); documents are where to look, not what is asked about."""
    gz = svc.kb.gazetteer
    named = [e for e in reading.entities if e not in svc.kb.knowledge.documents]
    if len(named) < 2 or any(a in gz.lexicon.ancestors(b) for a in named for b in named if a != b):
        return []
    return named


def _which_one(svc: Services, msg: Incoming) -> list[str]:
    """The places "它"/"那里" may mean, when the question before named several: the bot asks which one."""
    topic = svc.conversations.get(msg.user_key)
    reading: Reading = msg.reading
    if topic is None or len(topic.named) < 2 or not reading.follow_up or not POINTS_BACK.match(fold(reading.text)):
        return []
    return list(topic.named)


def _shared_name(svc: Services, msg: Incoming) -> tuple[str, list[str]]:
    """"康桥 park - what's its planned area?": a Chinese word in an English question that names nothing itself but
    is part of the names of two or three places (康桥新能源产业园, 康桥健康产业园); the bot asks which one."""
    reading: Reading = msg.reading
    if not english_reading(reading) or (reading.entities and not reading.follow_up):
        return "", []
    for word in english.CJK_RUN.findall(fold(reading.text)):
        if 2 <= len(options := svc.kb.gazetteer.sharing(word)) <= MAX_SHARING:
            return word, options
    return "", []


def _ask_which(svc: Services, msg: Incoming, options: list[str], said: str = "") -> Reply:
    gz, reading = svc.kb.gazetteer, msg.reading
    names = [gz.name(e, msg.lang) for e in options]
    folded = fold(reading.text)
    said = said or POINTS_BACK.match(folded).group(0)
    asked = folded.replace(said, " ", 1).strip()
    text = msg.say(f"您说的“{said}”是指{'还是'.join(names)}？请回复名称，我再回答。",
                   f"Which one do you mean: {' or '.join(names)}? Reply with the name and I will answer.")
    svc.conversations.remember(msg.user_key, options, reading.own, None, reading.needs, asked, reading.years,
                               which=options)
    return Reply(text, intent="clarify", confidence=1.0)


def _of_the_year_before(svc: Services, reading: Reading) -> Match | None:
    """The answer just given, when a bare year asks its question again of a year it gives no figure for."""
    last = svc.kb.knowledge.entry(reading.context) if reading.another_year else None
    if last is None or not (years := _years_in(last)) or set(reading.years) & years:
        return None
    return Match(last, THRESHOLD)


def _whole(svc: Services, reading: Reading) -> tuple[list[Match], Match | None, str]:
    """The whole message ranked once, and the entry chosen from it (or why none)."""
    ranked = reading.ranked()
    return (ranked, *choose(svc, reading, ranked))


def _overrules(svc: Services, msg: Incoming, why: str) -> bool:
    """The whole message's verdict stands for all of it: a place elsewhere, or an English message asking what
    the documents never state (that is said, not an answer to its other half)."""
    return why == "elsewhere" or (why == "aspect" and msg.english and asks_unstated(svc, msg))


def _missing_note(svc: Services, msg: Incoming, missing: list[tuple[int, Reading]], answered: list,
                  unsure: list[int] = (), later: list[int] = ()) -> str:
    """What became of the message's other questions, each by its number: what the documents do not state
    ("第3问：资料未载明杭州金融城的面积。"), what found no sure answer, and what is beyond the answers one reply gives."""
    gz = svc.kb.gazetteer
    lines = []
    for n, sub in missing:
        entity = sub.entities[0] if sub.entities else None
        # an answer saying what the documents leave out ("资料未列出这12家机构的名称") has answered that too
        told = {a for entry in answered for a in (*entry.aspects, *_unstated(svc, entry))
                if entity is None or gz.covers(entry.entities, entity)}
        aspects = [gz.label(a, msg.lang) for a in sub.aspects if a not in told]
        name = gz.name(entity, msg.lang) if entity else (sub.elsewhere or [""])[0]
        if aspects:
            lines.append(msg.say(f"第{n}问：资料未载明{f'{name}的' if name else ''}{'、'.join(aspects)}。",
                                 f"Question {n}: the documents don't state the {', '.join(aspects)}"
                                 f"{f' of {name}' if name else ''}."))
    lines += [msg.say(f"第{n}问：资料中没有找到可靠的答案，可以换个说法单独再问。",
                      f"Question {n}: I found no reliable answer in the documents; please ask it on its own.")
              for n in unsure]
    if later:
        numbers = msg.say("、".join(f"第{n}问" for n in later), ", ".join(f"question {n}" for n in later))
        lines.append(msg.say(f"一次最多回答{MAX_PARTS}个问题，{numbers}请单独再发一次。",
                             f"I answer at most {MAX_PARTS} questions at a time: please send {numbers} again on its own."))
    return "\n\n" + "\n".join(lines) if lines else ""


def _topic(svc: Services, reading: Reading, entry) -> list[str]:
    """What a follow-up continues: the entity named, or the part of it that answered "which one" ("十大产业平台里哪个
    最大" → 北部软件园, so "它规上企业多少家" asks about that park)."""
    if not reading.entities:
        return entry.entities
    found = entry.entities[0]
    if WHICH.search(reading.text) and reading.entities[0] in svc.kb.gazetteer.lexicon.ancestors(found):
        return [found]
    return reading.entities


def _parts(svc: Services, msg: Incoming, theirs=None) -> tuple[list[tuple[int, Match]], list[tuple[int, Reading]]]:
    """The answers to each question of a several-part message (or to those of its clauses `theirs` keeps; the
    others are still counted), and the questions the documents answer nothing to, each with its number in the
    message; a clause naming no place continues the one named before it ("小镇在哪、有哪些楼宇")."""
    found: list[tuple[int, Match]] = []
    missing: list[tuple[int, Reading]] = []
    # "想在小镇租写字楼，有哪些楼宇可以选": the one place the message names is what its questions ask about
    named: Reading | None = msg.reading if len(msg.reading.entities) == 1 else None
    reader, asked, seen, periods = svc.kb.reader_for(msg.lang), 0, [], []
    unknown = False         # the question before asked of a thing no name says, and found no answer
    for clause in msg.reading.questions[:MAX_CLAUSES]:
        if theirs is not None and not theirs(clause):
            asked += 1                  # another route's question: counted, answered there
            continue
        pieces = _pieces(svc, reader, clause, named)
        for piece, read in pieces:
            last = found[-1][1] if found else None
            sub, match = read if read is not None and not (last and INSIDE.match(piece)) \
                else _read_part(svc, reader, piece, named, last, len(pieces) > 1, seen, periods)
            if sub is None:
                continue
            periods = sub.periods
            asked += 1
            seen += [e for e in sub.entities if e not in seen]
            named = sub if sub.entities or sub.elsewhere else named
            unnamed = not (sub.entities or sub.elsewhere)
            if unnamed and unknown:
                match = None        # "FOF基金沙龙是哪天办的，在哪个楼": of that salon too, not of the town
            unknown = unnamed and match is None and (unknown or named is None)
            if match is None and sub.aspects:
                missing.append((asked, sub))
            elif match and all(m.entry.id != match.entry.id and not _counted_in(m.entry, sub) for _, m in found):
                found.append((asked, match))        # a count an answer before it gave ("三大历史街区") is not said twice
    return found, missing


def with_other_parts(svc: Services, msg: Incoming, reply: Reply) -> Reply:
    """A policy or quick-check reply to a message asking more, with the FAQ's answers to the questions that ask no
    measure ("哪些楼宇可以入驻？另外新设资管总部管理规模150亿能补多少？")."""
    if reply.intent not in ("calc", "policy") or len(msg.reading.questions) < 2:
        return reply
    book = svc.kb.policy
    own = {p.doc for p in book.policies.values()}

    def theirs(clause: str) -> bool:       # "AUM USD 15 billion," is a figure of the quick-check, not a question
        policy = read_policy(for_reading(clause, book, msg.lang), book)
        return not policy.candidates() and not policy.about_policy() and not any(f.kind == "money" for f in policy.figures)

    found, missing = _parts(svc, msg, theirs)
    found = [m for _, m in found if m.entry.source.doc not in own and m.score >= THRESHOLD + PART_MARGIN][:MAX_PARTS - 1]
    if not found:
        return reply
    text = "".join(f"\n\n{_answer(m.entry, svc, m.score, msg.lang).text}" for m in found)
    return replace(reply, text=reply.text + text + _missing_note(svc, msg, missing, [m.entry for m in found]),
                   sources=[*reply.sources, *(svc.kb.knowledge.cite(m.entry.source, msg.lang) for m in found)])


def _several(svc: Services, msg: Incoming) -> bool:
    """Whether a message may ask more than one question: several clauses, or one joined by a conjunction."""
    reader = svc.kb.reader_for(msg.lang)
    return len(msg.reading.questions) > 1 or any(reader.halves(q) for q in msg.reading.questions)


def _read_part(svc: Services, reader, clause: str, named: Reading | None, last: Match | None, half: bool = False,
               also: list[str] = (), periods: list[str] = ()) -> tuple[Reading | None, Match | None]:
    """A clause read, continuing the place or body `named` before it (or, when that finds nothing, one named
    earlier, `also`) and the five-year periods named before it, and its answer; None for a fragment ("多少钱"),
    which is no question of its own, though half of "在册机构和基金规模分别是多少" is."""
    plain = reader.read(clause)
    # an English clause of a few words naming nothing known is a question of its own, not a continuation
    alone = reader.lang == "en" and not (plain.entities or plain.aspects) and len(reader.matcher.text.words(clause)) >= 3
    if not (plain.entities or plain.aspects or alone or (half and plain.needs)):
        return None, None
    sub = plain
    if named is not None and not (plain.entities or plain.elsewhere or alone):
        sub = reader.read(clause, Topic(tuple(named.entities), (), None)) if named.entities \
            else reader.read(named.elsewhere[0] + clause)      # "杭州金融城在哪里，有多大"
    elif named is not None and named.entities and SUBJECTLESS.match(clause) and named.entities[0] not in plain.entities:
        sub = reader.read(svc.kb.gazetteer.name(named.entities[0], reader.lang) + clause)   # "…，是不是港湾重点板块"
    if last is not None and INSIDE.match(clause):
        sub.context = last.entry.id          # "其中运河财富小镇定位是什么": what the document just quoted says of it
    sub.periods = sub.periods or list(periods)     # "十五五规划出了吗，小镇怎么定位": of that period too
    match, _ = choose(svc, sub, sub.ranked(limit=5))
    # "小镇有几个博物馆 联盟有几个分会 核心区多大": the core area is not the alliance's but the town's, named before
    earlier = [e for e in also if e not in sub.entities]
    if match is None and sub is not plain and plain.aspects and earlier:
        alone, _ = choose(svc, plain, plain.ranked(limit=5))
        if alone is not None and alone.score >= THRESHOLD + PART_MARGIN and _about(svc, alone.entry, earlier):
            return plain, alone
    return sub, match


def _pieces(svc: Services, reader, clause: str, named: Reading | None) \
        -> list[tuple[str, tuple[Reading, Match] | None]]:
    """A clause's two halves when each is a question of its own: it asks something of its own and finds a confident
    answer of its own, which the whole clause's answer does not give as surely ("税收和营收增长" asks one figure).
    Each with its reading and answer as read here (with nothing answered before it), or None for the clause."""
    halves = reader.halves(clause)
    if not halves:
        return [(clause, None)]
    read, context = [], named
    for half in halves:
        sub, match = _read_part(svc, reader, half, context, None, half=True)
        if sub is None or not (sub.aspects or sub.needs) or match is None or match.score < THRESHOLD + PART_MARGIN:
            return [(clause, None)]
        context = sub if sub.entities or sub.elsewhere else context
        read.append((sub, match))
    (first, one), (second, other) = read
    _, whole = _read_part(svc, reader, clause, named, None)
    asked = {*first.aspects, *second.aspects}
    # the same thing asked twice is one question, unless each half is asked apart ("分别") or of a place of its own
    apart = SHARED_ASK.search(clause) or (first.entities and second.entities and first.entities != second.entities)
    if one.entry.id == other.entry.id or (first.aspects and set(first.aspects) == set(second.aspects) and not apart) \
            or (whole is not None and asked <= set(whole.entry.aspects) and whole.score >= max(one.score, other.score)
                and not apart):
        return [(clause, None)]
    return list(zip(halves, read))


async def _not_known(svc: Services, msg: Incoming, reading: Reading, ranked: list[Match], why: str) -> Reply:
    return await unanswered(svc, msg, _not_known_reply(svc, msg, reading, ranked, why))


def _not_known_reply(svc: Services, msg: Incoming, reading: Reading, ranked: list[Match], why: str) -> Reply:
    lex, gz, lang = svc.kb.knowledge.lexicon, svc.kb.gazetteer, msg.lang
    if reading.elsewhere and why in ("elsewhere", "aspect", ""):
        text = msg.say(f"资料只涉及杭州市、拱墅区和运河财富小镇，没有关于{'、'.join(reading.elsewhere)}的记载，"
                       f"这个问题我无法可靠回答。也可以{way(svc, msg)}。",
                       f"The documents only cover Hangzhou, Gongshu District and Canal Wealth Town; they don't say "
                       f"anything about {', '.join(p.title() for p in reading.elsewhere)}, so I cannot answer this "
                       f"reliably. You can also {way(svc, msg)}.")
        return Reply(text, intent="fallback", buttons=[Button(msg.say("主菜单", "Main menu"), "/menu")])
    if why == "period":
        spans = [(p, *PERIODS[p]) for p in reading.periods]
        text = msg.say(f"资料中没有{'、'.join(f'“{p}”时期（{a}—{b}年）' for p, a, b in spans)}的记载，这个问题我无法可靠回答。\n"
                       f"您可以看看下面相近的问题，或{way(svc, msg)}。",
                       f"The documents say nothing about the {', '.join(f'{p} period ({a}–{b})' for p, a, b in spans)}, "
                       f"so I cannot answer this reliably.\nSee the related questions below, or {way(svc, msg)}.")
        return Reply(text, intent="fallback", confidence=ranked[0].score if ranked else 0.0,
                     buttons=[_question_button(m.entry, lang) for m in ranked[:3]])
    entity = reading.entities[0] if reading.entities else None
    unstated = [a for a in reading.aspects if lex.aspects[a].unanswerable]      # prices, names, bus lines…
    if entity and (why in ("aspect", "entity") or unstated):
        own = [m.entry for m in ranked if _about(svc, m.entry, [entity])]
        if not own:
            own = [e for e in svc.kb.knowledge.faq if svc.kb.gazetteer.covers(e.entities, entity)][:3]
        name = gz.name(entity, lang)
        stated = {a for e in own for a in e.aspects if not lex.aspects[a].of_itself or entity in e.entities[:1]}
        asked = msg.say("、", ", ").join(gz.label(a, lang) for a in reading.aspects if a not in stated) \
            or msg.say("这一点", "")
        known = list(dict.fromkeys(gz.label(a, lang) for e in own for a in e.aspects
                                   if not lex.aspects[a].unanswerable and a not in reading.aspects))[:5]
        if own:
            text = msg.say(f"资料中关于{name}有{'、'.join(known)}等方面的记载，{asked}未载明。",
                           f"The documents say something about {name} ({', '.join(known)}), but they don't "
                           f"state {f'its {asked}' if asked else 'what you asked'}.")
        else:
            text = msg.say(f"资料中没有关于{name}{asked}的记载。", f"The documents don't say anything about "
                                                            f"{f'the {asked} of ' if asked else ''}{name}.")
        text += msg.say(f"\n可以看看下面这些已知的内容，或{way(svc, msg)}。", f"\nSee what is known below, or {way(svc, msg)}.")
        if entity:
            svc.conversations.remember(msg.user_key, [entity], reading.aspects, None)
        return Reply(text, intent="fallback", confidence=ranked[0].score if ranked else 0.0,
                     buttons=[_question_button(e, lang) for e in own[:3]])
    text = msg.say(FALLBACK, FALLBACK_EN).format(way=way(svc, msg))
    if unstated and not msg.english:
        text = f"资料中没有{'、'.join(gz.label(a, lang) for a in unstated)}方面的记载，这个问题我无法可靠回答。\n" \
               + text.partition("\n")[2]
    return Reply(text, intent="fallback", confidence=ranked[0].score if ranked else 0.0,
                 buttons=[_question_button(m.entry, lang) for m in ranked[:3]])


async def categories(svc: Services, msg: Incoming) -> Reply:
    return _categories(msg, svc, 0)


def _categories(msg: Incoming, svc: Services, page: int) -> Reply:
    cats = svc.kb.knowledge.categories
    more = Button(msg.say("更多分类", "More topics"), FAQ(f"{CATEGORIES}{page + 1}"))
    return Reply(msg.say("常见问题分类，请点选：", "Frequently asked questions by topic (topic names in Chinese), tap one:"),
                 intent="faq", confidence=1.0, buttons=paged([Button(c, FAQ(f"cat:{c}")) for c in cats], page, more))


async def by_payload(svc: Services, msg: Incoming) -> Reply:
    key = FAQ.arg(msg.payload)
    faq = svc.kb.knowledge.faq
    if key.startswith(CATEGORIES) and key.removeprefix(CATEGORIES).isdigit():
        return _categories(msg, svc, int(key.removeprefix(CATEGORIES)))
    if key.startswith(("cat:", IN_CATEGORY)):
        page, _, category = key.removeprefix(IN_CATEGORY).partition(":") if key.startswith(IN_CATEGORY) else ("0", "", key[4:])
        entries = [e for e in faq if e.category == category]
        more = Button(msg.say("更多问题", "More questions"), FAQ(f"{IN_CATEGORY}{int(page) + 1}:{category}"))
        if entries and page.isdigit():
            return Reply(msg.say(f"“{category}”下的常见问题：", f"Questions under “{category}”:"), intent="faq",
                         confidence=1.0, buttons=paged([_question_button(e, msg.lang) for e in entries], int(page), more))
    elif (entry := svc.kb.knowledge.entry(key)) is not None:
        svc.conversations.remember(msg.user_key, entry.entities, entry.aspects[:1], entry.id)
        return _answer(entry.in_english() if msg.english else entry, svc, 1.0, msg.lang)
    return Reply(msg.say("这个问题已更新或不存在，请重新选择。", "This question has changed or no longer exists; please "
                                                     "choose again."),
                 intent="faq", buttons=[Button(msg.say("常见问题", "FAQ"), "/faq")])
