"""Reads a question: which measures it is about (their keywords), which figures it gives and which input
each figure belongs to (the cue words beside it), and who the asker says they are.

Everything comes from the data files: measure keywords, input cues and the beneficiary vocabulary.
Longer words win over the shorter words inside them ("资产管理机构总部" before "总部").
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import lru_cache
from typing import NamedTuple

from faq.gazetteer import Repairer, Terms, fold as normalise, scan   # one folding for names and for policy words
from faq.reading import ELSEWHERE
from policy_data.spans import RANGE_JOIN, RISE_FROM
from faq.schema import holds_any
from policy_data.amounts import WAN, Figure, figures, fmt_money
from policy_data import render
from policy_data.loader import ROOT_TYPE, PolicyBook
from policy_data.schema import Growth, Input, Measure
from policy_data.spans import loosen

INDEFINITE = ("一家", "一个", "一名", "一位", "一笔")
MAX_GAP = 6                                  # chars allowed between a cue and its figure
_CLAUSE_BREAK = re.compile(r"[,，.。;；!！?？、和及与跟]")
CALC_WORDS = ("能拿多少", "拿多少", "补多少", "补贴多少", "补助多少", "奖励多少", "奖多少", "给多少", "多少钱",
              "多少补贴", "多少补助", "多少奖励", "能拿", "能领", "能获得", "可获得", "可以拿", "能得到", "能补",
              "测算", "速算", "算一下", "算算", "计算", "估算", "金额是多少", "最多", "最高", "补助上限", "奖励上限", "补贴上限")
# "补助按哪个算，多少", "是不是有6000万补贴", "够不够条件，补多少": an amount asked in other words.
# "正好100亿算吗", "200万次够不够": whether a figure qualifies is asked of the rule it meets.
ELIGIBLE = r"算吗|算不算|够不够|够吗|够格吗|达标吗|达不达标|符合吗|符不符合|满足吗|满不满足|够得上吗|够得着吗"
ASKS_AMOUNT = re.compile(r"(补贴|补助|奖励|补|奖|拿|给|领)[^,，。;；?？]{0,8}多少|是不是(有|按)\s*\d|%s" % ELIGIBLE)
# A figure right after these words is that quantity, never silently taken for a measure's input.
OTHER_QUANTITY = re.compile(r"(总投资|投资总额|营运资金|注册资本|营业收入|营收|总资产|资产总额|银行贷款|贷款|利润|税收|估值|市值)"
                            r"(是|为|达|约|有|了)?$")
# A figure after these words, or before the next ones, quotes a result or the rule, not a figure of one's own.
QUOTED_BEFORE = re.compile(r"(是不是|就是|算是|文件|那档|这档|一共|合计|总共|加起来|按|每|各)[^，,。；;]{0,2}$"
                           r"|号文[^，,。；;\d]{0,4}$")      # "按2号文能拿2000万": what the document pays, quoted
QUOTED_AFTER = re.compile(r"\s*(补贴|补助|奖励|奖金|吧|对吧|(那|这|一)?档|一共|合计|总共)")
# "标准奖励什么时候能拿": when a measure pays is asked of its conditions, not computed.
ASKS_WHEN = re.compile(r"什么时候|啥时候|何时|几时|多久|哪一年|\bwhen\b", re.IGNORECASE)
POLICY_WORDS = ("政策", "补贴", "补助", "奖励", "奖补", "扶持", "资助", "优惠", "申请", "申报", "享受", "条件",
                "门槛", "上限", "多少钱", "能拿", "怎么拿", "资金支持", "怎么补", "怎么奖", "如何补", "条款",
                "什么支持", "哪些支持", "有何支持", "有钱吗", "给钱吗", "兑现", "有奖")
SELF_DESCRIPTION = re.compile(r"(我们|我司|本公司|我公司|我方|本机构|我单位|我们单位|我们机构|我们公司)"
                              r"(是|属于|作为|为(?!啥|什么|何|了))")


def _longest_first(pairs) -> list[tuple[str, object]]:
    return sorted(((normalise(w), tag) for w, tag in pairs if w.strip()), key=lambda p: -len(p[0]))


@lru_cache(maxsize=4)
def cue_index(book: PolicyBook) -> dict:
    keywords: dict[str, list[str]] = {}
    for m in book.measures:
        for k in m.keywords:
            keywords.setdefault(normalise(k), []).append(m.id)
    return {     # the long lists look only for the words a text holds (Terms); a measure's few cues, word by word
        "keywords": Terms(_longest_first(keywords.items())),
        "cues": Terms(_longest_first((c, i) for m in book.measures for i in m.inputs for c in i.cues)),
        "types": Terms(_longest_first((w, t.id) for t in book.types.values() for w in t.words)),
        "own_figures": {m.id: m.own_figures() for m in book.measures},
        "cue_owners": Terms(_longest_first((c, m.id) for m in book.measures for i in m.inputs for c in i.cues)),
        "measure_cues": {m.id: _longest_first([*((c, (i.key, True)) for i in m.inputs for c in i.cues),
                                               *((c, (i.key, False)) for i in m.inputs for c in i.not_cues)])
                         for m in book.measures},
    }


@dataclass(frozen=True)
class Reading:
    text: str                                   # normalised question
    scores: dict[str, int]                      # measure id → length of its keywords found
    figures: list[Figure]
    labelled: frozenset[int]                    # indexes of figures standing beside a known cue
    ruled_out: dict[str, str] = field(default_factory=dict)   # measure id → the word naming another subject
    place: str | None = None                    # another place than Hangzhou the question is about
    own: dict[str, str] = field(default_factory=dict)   # the asker's own kinds (type id → the word said)
    other_kind: frozenset[str] = frozenset()    # measures ruled out as being for other kinds than the asker's
    hoped: bool = False                         # an amount hoped for is asked about ("能拿300万吗"): not a figure
    facts: dict = field(default_factory=dict, init=False, compare=False, repr=False)   # facts_for, once per measure

    def candidates(self) -> list[str]:
        """The best-scoring measures (several when they tie)."""
        if not self.scores:
            return []
        best = max(self.scores.values())
        return [m for m, s in self.scores.items() if s == best]

    def elsewhere(self) -> bool:
        return self.place is not None

    def asks_amount(self) -> bool:
        return self.hoped or holds_any(self.text, CALC_WORDS) or bool(ASKS_AMOUNT.search(self.text))

    def about_policy(self) -> bool:
        return holds_any(self.text, POLICY_WORDS)


def figure_blocks(text: str, found: list[Figure]) -> bytearray:
    blocked = bytearray(len(text))
    for f in found:
        blocked[f.start:f.end] = b"\x01" * (f.end - f.start)
    return blocked


SPACE_BY_CJK = re.compile(r"(?<=[\u4e00-\u9fff])\s+|\s+(?=[\u4e00-\u9fff])")


def figure_gap(text: str, fig: Figure, start: int, end: int) -> tuple[int, str] | None:
    """(distance, side) between a figure and a cue occurrence, or None when not beside each other."""
    if end <= fig.start:
        between, side = text[end:fig.start], "before"
    elif start >= fig.end:
        between, side = text[fig.end:start], "after"
    else:
        return None
    between = SPACE_BY_CJK.sub("", between)           # "补充实缴资本 1个亿": a space typed beside Chinese is no distance
    if len(between) > MAX_GAP or _CLAUSE_BREAK.search(between):
        return None
    return len(between), side


def _indefinite(text: str, fig: Figure) -> bool:
    """"我们是一家私募": 一家/一个 after 是/为 is an article, not a count; "杭州的一家银行" too, but "主导制定的一个国家
    标准" counts the thing made."""
    before = ("是", "为", "个", "") if fig.text == "一个" else ("是", "为", "个", "的", "")
    return fig.text in INDEFINITE and text[max(0, fig.start - 1):fig.start] in before


def _hoped_for(text: str, fig: Figure, book: PolicyBook) -> bool:
    """"能拿300万吗", "能按国标30万奖吗": the amount the asker hopes for, asked about — never a figure to compute on."""
    return fig.kind == "money" and bool(book.patterns["hoped_before"].search(text[max(0, fig.start - 8):fig.start])) \
        and bool(book.patterns["hoped_after"].match(text[fig.end:]))


def _restated_bound(fig: Figure, found: list[Figure]) -> bool:
    """"增速前十（第6名）": the 前N of the condition said beside the rank itself, which is within it: the rank is
    the figure."""
    return fig.kind == "rank" and "前" in fig.text and fig.value is not None and any(
        o.kind == "rank" and "前" not in o.text and o.value is not None and o.value <= fig.value for o in found)


def _share_of(text: str, fig: Figure, book: PolicyBook) -> Figure:
    """"实收资本是10亿的一半": a figure said as the whole of which the quantity is a share or a multiple is not that
    quantity: unusable, the figure itself is asked for."""
    if fig.value is None or not book.patterns["share_of"].match(text[fig.end:]):
        return fig
    return replace(fig, value=None, error="这是另一个数的几分之几或几倍，不是所问的数，请直接告诉我这个数")


@lru_cache(maxsize=4)
def _shared_head(book: PolicyBook) -> re.Pattern:
    heads = "|".join(map(re.escape, sorted({normalise(w) for w in book.words["shared_heads"]}, key=len, reverse=True)))
    return re.compile(rf"((?:[\u4e00-\u9fff]{{1,6}}[、和及])+)([\u4e00-\u9fff]{{1,6}}?)({heads})")


def _heads_shared(text: str, book: PolicyBook) -> str:
    """"国际、国家、行业标准" read as 国际标准、国家标准、行业标准: the head noun the listed items share, after each —
    only when every item with it is a word of the measures ("参与制定国家标准" stays as it is); and "标准：国际1项、
    国家2项", the head said once before items that are counted."""
    cues = cue_index(book)["cues"]

    def spelled(m: re.Match) -> str:
        items = re.split(r"([、和及])", m.group(1))
        named = [i if i in "、和及" or i.endswith(m.group(3)) else i + m.group(3) for i in items]
        if not all(i in "、和及" or scan(i, cues) for i in named):
            return m.group(0)
        return "".join(named) + m.group(2) + m.group(3)
    text = _shared_head(book).sub(spelled, text)
    if heads := [h for h in book.words["shared_heads"] if normalise(h) in text]:
        def counted(m: re.Match) -> str:
            at = m.start()
            named = next((m.group(1) + h for h in heads if normalise(h) in text[:at]
                          and scan(m.group(1) + normalise(h), cues)), None)
            return named or m.group(1)
        text = COUNTED_ITEM.sub(counted, text)
    return text


COUNTED_ITEM = re.compile(r"(?<=[：:、，,和及\s])([\u4e00-\u9fff]{2})(?=\s*[\d一二两三四五六七八九十]+\s*项)")


EACH_OF_LIST = re.compile(r"((?:[\u4e00-\u9fff]{2,6}(?:、|和|与|及))+[\u4e00-\u9fff]{2,6})各([^，,。；;\d]{0,4}?)([\d一二两三四五六七八九十]+\s*[张项家个笔])")
LIST_JOINT = re.compile(r"、|和|与|及")


def _each_of_listed(text: str, book: PolicyBook) -> str:
    """"香港、新加坡、英国各新拿了一张" read as 共3张: a count after 各 that each listed place or party holds, when the
    items are none of the measures' words (those are counted kind by kind)."""
    cues = cue_index(book)["cues"]

    def counted(m: re.Match) -> str:
        items = LIST_JOINT.split(m.group(1))
        count = next((f for f in figures(m.group(3)) if f.kind == "count" and f.value), None)
        if count is None or any(scan(i, cues) for i in items):
            return m.group(0)
        return f"{m.group(1)}共{m.group(2)}{count.value * len(items)}{count.unit}"
    return EACH_OF_LIST.sub(counted, text)


@lru_cache(maxsize=4)
def _repairer(book: PolicyBook) -> Repairer:
    """Pinyin-input typos of the policy vocabulary ("新设金融总布", "实手资本") repaired by sound, as the FAQ's
    reading repairs names: the measures' keywords, titles and input cues, the kinds' words, the word lists; of
    two characters only the measures' own words (a place's "我市" would take "我是")."""
    own = [w for m in book.measures for w in (m.title, *m.keywords, *(c for i in m.inputs for c in (*i.cues, *i.not_cues)))]
    words = [*own, *CALC_WORDS, *POLICY_WORDS, *(w for ws in book.words.values() for w in ws),
             *(w for t in book.types.values() for w in t.words)]
    return Repairer(words, short=[w for w in own if len(w) == 2])


@lru_cache(maxsize=8)             # the quick-check and the policy answers read the same message: once
def read(text: str, book: PolicyBook) -> Reading:
    text = _each_of_listed(_heads_shared(_repairer(book).repair(normalise(text)), book), book)
    index = cue_index(book)
    scores: dict[str, int] = {}
    for start, end, ids in scan(text, index["keywords"]):
        for measure_id in ids:
            scores[measure_id] = scores.get(measure_id, 0) + end - start
    ruled_out = {}
    own = own_types(text, book)
    for measure_id in list(scores):
        if word := ruling_word(book, book.measure(measure_id), text, own):
            ruled_out[measure_id] = word
            del scores[measure_id]
    other_kind = frozenset(i for i in ruled_out if _other_kind(book, book.measure(i), text, own))
    said = [f for f in figures(text) if not _indefinite(text, f)]
    hoped = [f for f in said if _hoped_for(text, f, book)]
    found = loosen(text, [f for f in said if f not in hoped])
    found = [_share_of(text, f, book) for f in found if not _restated_bound(f, found)]
    cues = scan(text, index["cues"], figure_blocks(text, found))
    labelled = frozenset(n for n, f in enumerate(found)
                         if any(figure_gap(text, f, s, e) and compatible(f, inp, by_cue=True) for s, e, inp in cues))
    return Reading(text, scores, found, labelled, ruled_out, _place_elsewhere(text, book), own, other_kind, bool(hoped))


SELF_SPAN = 8                                # chars looked back from a kind for the words saying it is one's own


@lru_cache(maxsize=4)
def _self_said(book: PolicyBook) -> re.Pattern:
    """"我们是一家" right before a kind: a self word, then only linking words (policy_words.yaml)."""
    def alternatives(key: str) -> str:
        return "|".join(map(re.escape, sorted({normalise(w) for w in book.words[key]}, key=len, reverse=True)))
    return re.compile(f"(?:{alternatives('self_words')})(?:{alternatives('self_links')})*$")


def own_types(text: str, book: PolicyBook) -> dict[str, str]:
    """The kinds the asker says they are ("我们是券商", "我行", "作为保险公司"): type id → the word said, the
    broad kinds (企业) left out."""
    own: dict[str, str] = {}
    for start, end, type_id in scan(text, cue_index(book)["types"]):
        if not book.types[type_id].generic and _self_said(book).search(text[max(0, start - SELF_SPAN):start]):
            own.setdefault(type_id, text[start:end])
    return own


def ruling_word(book: PolicyBook, measure: Measure, text: str, own: dict[str, str]) -> str | None:
    """The word of the question that names another subject than the measure's: one of its not_when words, or
    the asker's own kind when the measure is for other kinds."""
    return next((w for w in measure.not_when if book.says(_own_words_out(measure, text, normalise(w)), normalise(w))
                 and not _said_of_another(book, measure, text, normalise(w))), None) \
        or _other_kind(book, measure, text, own)


def _own_words_out(measure: Measure, text: str, word: str) -> str:
    """The text without the measure's own keywords that hold `word` ("理财子公司" names the 第6条 headquarters, its
    "子公司" names no other subject)."""
    for keyword in sorted((normalise(k) for k in measure.keywords if word in normalise(k)), key=len, reverse=True):
        text = text.replace(keyword, " ")
    return text


SENTENCE_BREAK = re.compile(r"[。;；!！?？]")


def _said_of_another(book: PolicyBook, measure: Measure, text: str, word: str) -> bool:
    """"新设个人征信公司(人行批准)和新设企业征信公司(已备案)": every time the word is said, the last measure word
    before it in its sentence names other measures only, not this one; so it is said of them."""
    hits = scan(text, cue_index(book)["keywords"])
    start = text.find(word)
    while start >= 0:
        sentence = max((m.end() for m in SENTENCE_BREAK.finditer(text, 0, start)), default=0)
        before = [ids for s, e, ids in hits if sentence <= s and e <= start]
        if not before or measure.id in before[-1]:
            return False
        start = text.find(word, start + 1)
    return True


def _other_kind(book: PolicyBook, measure: Measure, text: str, own: dict[str, str]) -> str | None:
    """The word of the asker's own kind when no kind the question names is, or could be, one the measure is for
    (a 券商 asking of 第2条, which is for banks; not "我们银行设立的理财子公司" of 第13条); None for a measure open to
    any kind of company."""
    if not own or any(b == ROOT_TYPE or book.types[b].generic for b in measure.beneficiaries):
        return None
    named = set(own) | set(beneficiary_types(text, book))
    if any(b in book.ancestors(t) or t in book.ancestors(b) for t in named for b in measure.beneficiaries):
        return None
    return next(iter(own.values()))


def _place_elsewhere(text: str, book: PolicyBook) -> str | None:
    """The policies are Hangzhou's: the other place a question is about ("上海陆家嘴有什么补贴"), if any."""
    if holds_any(text, book.words["abroad_is_home"]):
        return None                   # a licence or listing abroad is still a question about Hangzhou's rules
    text = book.patterns["listing_venue"].sub("", text)
    if holds_any(text, book.words["home"]):
        return None
    return next((w for w in (*ELSEWHERE, *book.words["elsewhere_also"]) if w in text), None)


def compatible(fig: Figure, inp: Input, by_cue: bool) -> bool:
    if fig.kind == inp.kind == "count" and inp.unit and fig.unit not in ("", "个", inp.unit):
        return False                                 # "两项奖励" counts no 评级业务 (笔)
    if inp.kind == "rate":
        return fig.kind == "rate"
    if inp.kind == "rank":
        return fig.kind in ("rank", "number") if by_cue else fig.kind == "rank"
    if not by_cue:
        return fig.kind == inp.kind or (inp.kind == "money" and fig.kind == "number" and fig.value is not None
                                         and fig.value >= WAN)
    if inp.kind == "money":
        return fig.kind in ("money", "number")       # "募集了一笔资金": a count is never an amount
    return fig.kind in ("money", "number", "count")


class Reason(NamedTuple):
    """Why a figure is unusable, said in Chinese and in English."""
    zh: str
    en: str


@dataclass
class Facts:
    values: dict[str, Decimal] = field(default_factory=dict)
    assumed: dict[str, str] = field(default_factory=dict)       # input key → figure text read without a cue
    errors: dict[str, Reason] = field(default_factory=dict)     # input key → why its figure is unusable
    mentioned: set[str] = field(default_factory=set)            # inputs named without a usable figure
    other: dict[str, tuple[str, str]] = field(default_factory=dict)   # input key → (word, figure) of another quantity
    loose: dict[str, Figure] = field(default_factory=dict)      # input key → its range or rough figure


# "实收资本预计10亿", "预计明年达到10亿": a figure expected, not yet reached, is no figure of record ("股权投资计划20亿"
# names a product of insurance funds, not a plan).
EXPECTED = re.compile(r"(预计|预估|估计|有望|争取|目标是?|(?<!投资)计划)(?:[^，,。；;\d]{0,4}?(达到|实现|突破|超过|缴足|为|是|有|到))?\s*$")


YEAR_SPAN = re.compile(r"20\d\d年?\s*(?:到|至|-|—|~|～)\s*20\d\d年?")
UNITLESS_YUAN = Decimal(10) ** 6     # "15000" may be 元 or 万元: asked; seven digits and more are plainly 元


def _take(facts: Facts, fig: Figure, inp: Input, text: str) -> None:
    if m := EXPECTED.search(text[max(0, fig.start - 10):fig.start]):
        facts.errors[inp.key] = Reason(f"您写的“{m.group(0).strip()}{fig.text}”是预计的数，补助按实际达到的{inp.label}计算",
                                       f"“{fig.text}” is an expected figure; the award is computed on the actual figure")
    elif fig.error:
        facts.errors[inp.key] = Reason(f"“{fig.text}”：{fig.error}",
                                       f"“{fig.text}” is not a figure I can use (negative, out of range or unreadable); "
                                       "please check it and write it in digits, e.g. RMB 1 billion")
    elif inp.kind == "money" and fig.kind == "number" and fig.value == 0:
        facts.errors[inp.key] = Reason("金额为0时没有可测算的补贴",
                                       "With an amount of zero there is nothing to compute")
    elif inp.kind == "money" and fig.kind == "number" and fig.value < UNITLESS_YUAN:
        facts.errors[inp.key] = Reason(f"“{fig.text}”没有单位（是元、万元还是亿元？），请写明，例如 10亿 或 8000万元",
                                       f"“{fig.text}” has no unit; please write it out, e.g. RMB 1 billion or RMB 80 "
                                       "million")
    else:
        facts.values[inp.key] = fig.value
        if fig.loose:
            facts.loose[inp.key] = fig


def facts_for(book: PolicyBook, measure: Measure, reading: Reading, expect: str | None = None) -> Facts:
    """Assign the question's figures to the measure's inputs: by cue first, then — when unambiguous — the
    one remaining figure of the right kind; `expect` (the input a dialog just asked for) takes any figure.
    Worked out once per reading and measure; each caller gets its own copy to change."""
    key = (id(book), measure.id, expect)
    if key not in reading.facts:
        reading.facts[key] = _facts_for(book, measure, reading, expect)
    f = reading.facts[key]
    return Facts(dict(f.values), dict(f.assumed), dict(f.errors), set(f.mentioned), dict(f.other), dict(f.loose))


def _count_side(text: str, found: list[Figure], occurrences: list, inputs: dict) -> str:
    """Where this text says a count's noun: "2项国际标准" after it, "国际标准1项行业标准2项" before it — before when some
    count has a noun right before it and none right after, so that a count between two nouns goes with its own."""
    sides = set()
    for fig in found:
        if fig.kind == "count":
            beside = {gap[1] for start, end, key in occurrences if inputs[key].kind == "count"
                      and (gap := figure_gap(text, fig, start, end)) and gap[0] == 0}
            sides |= beside if len(beside) == 1 else set()
    return "before" if sides == {"before"} else "after"


def _facts_for(book: PolicyBook, measure: Measure, reading: Reading, expect: str | None) -> Facts:
    text, found = reading.text, reading.figures
    inputs = {i.key: i for i in measure.inputs}
    hits = scan(text, cue_index(book)["measure_cues"][measure.id], figure_blocks(text, found))
    occurrences = [(start, end, key) for start, end, (key, cue) in hits if cue]
    facts, used = Facts(), set()
    for start, end, (_, cue) in hits:        # "注册资本10亿" is not the 实收资本: never used for it
        word = text[start:end]                   # (a word several inputs refuse is one hit: each of them refuses it)
        refusing = [i for i in measure.inputs if any(normalise(w) == word for w in i.not_cues)]
        for n, fig in enumerate(found):
            kinds = [i for i in refusing if compatible(fig, i, by_cue=True)]
            if not cue and n not in used and kinds and figure_gap(text, fig, start, end):
                used.add(n)
                facts.other.setdefault(kinds[0].key, (word, fig.text))
    pairs = []       # the closest cue wins; at equal distance the longer, more specific one; an amount before a bare
    counted_after = _count_side(text, found, occurrences, inputs)
    for n, fig in enumerate(found):      # small number ("保险资金 1 重大基础设施项目": one project)
        if n in used:
            continue
        for start, end, key in occurrences:
            inp, gap = inputs[key], figure_gap(text, fig, start, end)
            if gap and compatible(fig, inp, by_cue=True):
                preferred = counted_after if inp.kind == "count" else "before"
                bare = inp.kind == "money" and fig.kind == "number" and (fig.value is None or fig.value < WAN)
                pairs.append(((bare, gap[0], gap[1] != preferred, start - end, n), n, inp, text[start:end]))
    taken: dict[str, tuple[Figure, str]] = {}
    for _, n, inp, cue in sorted(pairs, key=lambda p: p[0]):
        if n not in used and inp.key not in facts.values and inp.key not in facts.errors:
            _take(facts, found[n], inp, text)
            used.add(n)
            taken[inp.key] = found[n], cue
    for _, n, inp, cue in pairs:      # "去年实收资本5亿，今年实收资本8亿", "营业执照上实收资本12亿，验资报告实缴9亿":
        if n not in used and inp.key in taken and (taken[inp.key][1] == cue or not _part_between(
                book, text, taken[inp.key][0], found[n])):      # one input named beside two figures: known only
            _alternative(facts, inp.key, taken[inp.key][0], found[n], text)      # between them
    _share_each(text, found, occurrences, inputs, facts)
    _other_year(text, found, measure, used, taken, facts)
    _year_pair(text, found, measure, used, facts)
    _rise(book, text, found, measure, used, taken, facts)
    _increase_named(book, text, found, measure, used, facts)
    _year_in_clause(text, found, measure, used, facts)
    open_inputs = [i for i in measure.inputs if i.key not in facts.values and i.key not in facts.errors]
    free = [(n, f) for n, f in enumerate(found) if n not in used and n not in reading.labelled
            and not (f.kind in ("money", "number") and OTHER_QUANTITY.search(text[max(0, f.start - 8):f.start]))]
    if expect and expect in [i.key for i in open_inputs]:
        inp = inputs[expect]
        pick = next(((n, f) for n, f in free if compatible(f, inp, by_cue=True) and
                     (inp.kind != "rate" or f.kind == "rate")), None)
        if pick:
            _take(facts, pick[1], inp, text)
            used.add(pick[0])
            open_inputs.remove(inp)
            free.remove(pick)
    named_open = {key for _, _, key in occurrences}
    for inp in open_inputs:
        same_kind = [i for i in open_inputs if i.kind == inp.kind]
        if len(same_kind) > 1 and inp.kind == "count" and [i.key for i in same_kind if i.key in named_open] == [inp.key]:
            same_kind = [inp]            # "主导制定的国家标准发布了，1项": the one kind named, its count said apart
        fits = [(n, f) for n, f in free if compatible(f, inp, by_cue=False) or
                (f.error and f.kind in (inp.kind, "number"))]
        if len(same_kind) == 1 and len(fits) == 1:
            _take(facts, fits[0][1], inp, text)
            if fits[0][1].value is not None:
                facts.assumed[inp.key] = fits[0][1].text
    _leftovers(book, reading, measure, used, taken, facts, cue_index(book)["own_figures"][measure.id])
    _total_of_kinds(book, text, occurrences, inputs, taken, facts)
    if (span := YEAR_SPAN.search(text)) and any("年度" in c.label for c in measure.caps):
        for inp in measure.inputs:           # "2024到2025年一共8张": the yearly cap needs each year's number
            if inp.key in facts.values and inp.kind == "count":
                del facts.values[inp.key]
                facts.errors[inp.key] = Reason(
                    f"您说的是{span.group(0)}几年合计的数；本条上限按年度累计计算，请分别告诉我每年的{inp.label}数量"
                    "（例如“2024年5张，2025年3张，一共多少”）",
                    f"“{span.group(0)}” covers several years; the cap is per year, so please give each year's number")
    for inp in measure.inputs:
        if inp.key in facts.values and (word := next((w for w in inp.doubt if normalise(w) in text), None)):
            facts.errors[inp.key] = Reason(f"您提到“{word}”，这个数可能不是本条所说的{inp.label}",
                                           f"You mention “{word}”: the figure may not be the {render.label(measure, inp.key, 'en')} this "
                                           "measure means")
            del facts.values[inp.key]
    named = {key for _, _, key in occurrences}
    facts.mentioned = {k for k in named if k not in facts.values}
    return facts


def _part_between(book: PolicyBook, text: str, a: Figure, b: Figure) -> bool:
    """"融资20亿，其中保险资金8亿": a word between two figures making the later one a part or another thing."""
    between = text[min(a.end, b.end):max(a.start, b.start)]
    return any(normalise(w) in between for w in book.words["part_of"])


def _leftovers(book: PolicyBook, reading: Reading, measure: Measure, used: set[int], taken: dict, facts: Facts,
               quoted: frozenset[Decimal]) -> None:
    """"行业标准3项，已发布2项": another bare figure of the kind of the one input of that kind the question
    names leaves it open which one is meant — unless it quotes a result or the rule ("是不是3000万")."""
    text = reading.text
    for key, (first, _) in taken.items():
        kind = measure.input(key).kind
        if kind not in ("money", "count") or sum(measure.input(k).kind == kind for k in taken) > 1:
            continue
        for n, f in enumerate(reading.figures):
            before = text[max(0, f.start - 6):f.start]
            if n in used or f.kind != kind or f.unit != first.unit or QUOTED_AFTER.match(text[f.end:]) \
                    or OTHER_QUANTITY.search(text[max(0, f.start - 8):f.start]):
                continue
            if not _ends_with(before.rstrip(), book.words["restated"]) and (n in reading.labelled or f.value in quoted or QUOTED_BEFORE.search(before)):
                continue          # its own cue's, or quoting a result; a restatement ("2亿，也就是2000万") is either
            _alternative(facts, key, first, f, text)


BRACKETED = re.compile(r"[（(][^（()）]*[）)]")


def _bracketed(text: str, fig: Figure) -> bool:
    return any(m.start() <= fig.start and fig.end <= m.end() for m in BRACKETED.finditer(text))


def _alternative(facts: Facts, key: str, first: Figure, other: Figure, text: str) -> None:
    """Two figures for one input: known only between them, like a range; two equal counts are two, unless one
    restates the other in brackets ("3张（新加坡、英国、香港各一张）")."""
    if other.value is None or other.kind not in (first.kind, "number") or key not in facts.values:
        return
    was = facts.loose.get(key, first)
    if other.start == first.start or other.text in was.text.split("”“") and other.value != first.value:
        return                                  # already among them
    ends = [e for f in (was, other) for e in ((f.low, f.high) if f.loose else (f.value, f.value))]
    low, high = min(ends), max(ends)
    if low != high:
        facts.loose[key] = replace(was, text=f"{was.text}”“{other.text}", low=low, high=high)
    elif first.kind == "count" and _bracketed(text, first) == _bracketed(text, other):     # "香港一张、新加坡一张"
        facts.errors[key] = Reason(f"“{first.text}”“{other.text}”是分开说的几个数量，需要合计的数量",
                                   f"“{first.text}” and “{other.text}” are separate counts: I need the total")


RATE_SLACK = Decimal("0.005")      # a rounded rate ("增长约10%") still agrees within half a percentage point
YEAR_BEFORE = re.compile(r"(20\d\d)年[^\d，,。；;：:、（）()]{0,8}?(的|是|为|达到?|有|共|总额)?$")


def _year_pair(text: str, found: list[Figure], measure: Measure, used: set[int], facts: Facts) -> None:
    """"2024年20亿，2025年60亿": a growth measure's two yearly figures, named by two consecutive years."""
    g = measure.growth
    if g is None or any(k in facts.values or k in facts.errors for k in (g.last, g.this, g.rate, g.excess)):
        return
    dated = [(int(m.group(1)), n) for n, f in enumerate(found) if n not in used and f.kind == "money"
             and (m := YEAR_BEFORE.search(text[max(0, f.start - 8):f.start]))]
    if len(dated) != 2 or dated[1][0] - dated[0][0] != 1:
        return
    for key, (_, n) in zip((g.last, g.this), dated):
        _take(facts, found[n], measure.input(key), text)
        used.add(n)


# a year, or another time the figure was true: "新设时规模120亿，现在210亿" are two times' figures
WHEN_SAID = re.compile(r"20\d\d年|[今去前上本明]年|(?:新设|设立|成立|开业|落户|获批)(?:的)?时(?:候)?|当时|起初|最初|刚开始|"
                       r"现在|目前|如今|眼下")


def _other_year(text: str, found: list[Figure], measure: Measure, used: set[int],
                taken: dict[str, tuple[Figure, str]], facts: Facts) -> None:
    """"去年规模120亿，今年首次突破200亿": outside a growth measure, a figure named for one year (or time) and another
    of its kind for another leave the input known only between them."""
    if measure.growth is not None:
        return

    def year(fig: Figure) -> str | None:
        said = WHEN_SAID.findall(_CLAUSE_BREAK.split(text[:fig.start])[-1])
        return said[-1] if said else None

    for key, (fig, _) in taken.items():
        if (first := year(fig)) is None:
            continue
        for n, other in enumerate(found):
            if n not in used and other.kind == fig.kind and (second := year(other)) and second != first:
                _alternative(facts, key, fig, other, text)


def _ends_with(text: str, words) -> bool:
    return any(text.endswith(normalise(w)) for w in words)


def _rise(book: PolicyBook, text: str, found: list[Figure], measure: Measure, used: set[int],
          taken: dict[str, tuple[Figure, str]], facts: Facts) -> None:
    """A growth measure's figures said as a rise: "融资从80亿增长到120亿" is last year's and this year's,
    "去年80亿，今年多了40亿" this year's is last year's and the increase."""
    g = measure.growth
    if g is None or g.excess in facts.values or g.excess in facts.errors or g.rate in facts.errors:
        return
    source = {id(fig): key for key, (fig, _) in taken.items()}
    money = [(n, f) for n, f in enumerate(found) if f.kind == "money" and f.value is not None and not f.loose]
    for (a, before), (b, fig) in zip([(None, None), *money], money):
        lead = re.sub(r"\s+", "", text[before.end if before else 0:fig.start])
        from_to = before is not None and RANGE_JOIN.fullmatch(lead) and RISE_FROM.search(text[:before.start])
        if (_ends_with(lead, book.words["rise_to"]) or from_to) and (source.get(id(fig)) == g.this or b not in used):
            pair = [(g.this, b, fig)]
            if before is not None and len(lead) <= 6 and (source.get(id(before)) == g.last or a not in used):
                pair.append((g.last, a, before))      # "从80亿增长到120亿"
            for key, n, f in pair:
                facts.values[key] = f.value
                used.add(n)
        elif _ends_with(lead.removesuffix("了"), book.words["rise_by"]) or _ends_with(lead, book.words["rise_by"]):
            if key := source.get(id(fig)):
                del facts.values[key]
            used.add(b)
            last, this = facts.values.get(g.last), facts.values.get(g.this)
            if last is not None and this is None:
                facts.values[g.this] = last + fig.value
            elif this is not None and last is None and this > fig.value:
                facts.values[g.last] = this - fig.value
    _rate_agrees(g, facts)


def _rate_agrees(g: Growth, facts: Facts) -> None:
    """"20亿→22亿（增长10%）": a growth rate said beside both years' figures must be theirs, else it is asked about."""
    last, this, rate = (facts.values.get(k) for k in (g.last, g.this, g.rate))
    if None in (last, this, rate) or last <= 0 or abs((this - last) / last - rate) <= RATE_SLACK:
        return
    for held in (facts.values, facts.assumed, facts.loose):
        held.pop(g.rate, None)
    if rate == g.over:           # "超过5%的部分按1%奖": the rule's own line quoted, not the asker's growth
        return
    facts.errors[g.rate] = Reason(f"您说的增长率与两年的数（{fmt_money(last)}、{fmt_money(this)}）算出的不一致，请核对",
                                  "the growth rate you give does not match the two years' figures; please check them")


def _increase_named(book: PolicyBook, text: str, found: list[Figure], measure: Measure, used: set[int],
                    facts: Facts) -> None:
    """"实收资本从30亿增到36亿，增加的部分全是向社会募集的": outside a growth measure, a rise from one amount to
    another whose increase the question names is the measure's one amount, read so (a note says it)."""
    keys = measure.rule_inputs()
    if measure.growth or len(keys) != 1 or measure.input(keys[0]).kind != "money" or keys[0] in facts.values \
            or not holds_any(text, book.words["increase_part"]):
        return
    money = [(n, f) for n, f in enumerate(found) if f.kind == "money" and f.value is not None and not f.loose]
    if len(money) != 2:
        return
    (a, low), (b, high) = money
    if high.value <= low.value or not _ends_with(re.sub(r"\s+", "", text[low.end:high.start]), book.words["rise_to"]):
        return
    facts.values[keys[0]] = high.value - low.value
    facts.assumed[keys[0]] = f"{low.text}增至{high.text}，增加的部分"
    facts.errors.pop(keys[0], None)
    used |= {a, b}


def _year_in_clause(text: str, found: list[Figure], measure: Measure, used: set[int], facts: Facts) -> None:
    """"上年挂牌企业融资总额1亿元": a growth measure's yearly figure named by the one year word earlier in its
    clause, the measure's own words between."""
    g = measure.growth
    if g is None:
        return
    for n, fig in enumerate(found):
        if n in used or fig.kind != "money" or fig.value is None:
            continue
        clause = _CLAUSE_BREAK.split(text[:fig.start])[-1]
        if not any(normalise(k) in clause for k in measure.keywords):
            continue
        keys = [k for k in (g.last, g.this) if any(normalise(c) in clause for c in measure.input(k).cues)]
        if len(keys) == 1 and keys[0] not in facts.values:
            _take(facts, fig, measure.input(keys[0]), text)
            used.add(n)


def _total_of_kinds(book: PolicyBook, text: str, occurrences, inputs: dict[str, Input], taken: dict, facts: Facts) -> None:
    """"国际标准和国家标准一共3项": a count said as the total of several kinds the question names is none of
    theirs; how many of each is asked for."""
    named = {key for _, _, key in occurrences}
    for key, (fig, _) in list(taken.items()):
        kinds = [k for k in named if k != key and inputs[k].kind == "count" and k not in facts.values]
        if inputs[key].kind == "count" and kinds and key in facts.values \
                and _ends_with(text[max(0, fig.start - 4):fig.start].rstrip(), book.words["total_before"]):
            del facts.values[key]
            facts.errors[key] = Reason(f"“{fig.text}”是几类合计的数，请分别告诉我每一类的数量",
                                       f"“{fig.text}” is a total over several kinds: please give the number of each")


EACH_BEFORE = re.compile(r"各[\u4e00-\u9fff]{0,6}$")


def _share_each(text: str, found: list[Figure], occurrences, inputs: dict[str, Input], facts: Facts) -> None:
    """"国际标准、国家标准、行业标准各1项", "…各主导1项": a count after 各 (a verb between) is every listed item's
    count."""
    for fig in found:
        each = EACH_BEFORE.search(text[:fig.start])
        if fig.kind != "count" or fig.value is None or each is None \
                or any(each.start() < start < fig.start for start, _, _ in occurrences):
            continue
        for start, end, key in occurrences:
            between = text[end:each.start()]
            if end <= each.start() and inputs[key].kind == "count" and key not in facts.values \
                    and not re.search(r"[,，.。;；!！?？]|\d", between):
                facts.values[key] = fig.value


def cued_measures(book: PolicyBook, reading: Reading) -> list[str]:
    """The measures one of whose inputs the question names by a cue word ("实收资本"), in file order."""
    owners = {tag for _, tag in cue_index(book)["cue_owners"].occurring(reading.text)}
    return [m.id for m in book.measures if m.id in owners]


def beneficiary_types(text: str, book: PolicyBook) -> list[str]:
    """Who the asker says they are: type ids, longest words first, in order of appearance."""
    found = sorted(scan(normalise(text), cue_index(book)["types"]))
    return list(dict.fromkeys(tag for _, _, tag in found))
