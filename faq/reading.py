"""One reading of each message: what it names, what it asks, its figures and years, whether it continues
the conversation. The router reads a message once; handlers consume the reading instead of re-parsing.

The text users wrote stays as typed (`text`); every derived view here is only for matching.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from faq import english, nlp
from faq.conversation import Topic
from faq.derived import cached
from faq.gazetteer import SCANNED, Gazetteer, fold, scan
from faq.matcher import FaqMatcher, Match
from faq.schema import FaqEntry, one_of
from faq.vocabulary import compiled, vocabulary

YEAR = re.compile(r"(?<!\d)(19[89]\d|20[0-4]\d)(?!\d)")
SAID_YEAR = re.compile(rf"{YEAR.pattern}\s*年?")
ONLY_YEAR = re.compile(rf"{YEAR.pattern}\s*年?\s*(?:底|末|年底|年末|全年)?\s*的?")    # "2020年呢": the same, of another year
DOCUMENT_NUMBER = re.compile(r"[〔\[(（]?(?:19|20)\d\d[〕\])）年]?\s*第?\s*\d{1,3}\s*号")   # "杭政办2023年2号文": no year asked
WHOLE_YEAR = re.compile(rf"{YEAR.pattern}\s*年?\s*(?:底|末|全年)")     # "2023年底呢": the year's end, not a quarter
PART_OF_YEAR = re.compile(rf"{YEAR.pattern}\s*年\s*(?:[一二三四1-4]季度|第[一二三四]季度|上半年|前三季度|(?:1[01]|[1-9])月(?!\d))")
# The same in English: "at the end of 2023", "end-2023", "full-year 2023"; "the first quarter of 2023", "April 2022".
WHOLE_YEAR_EN = re.compile(rf"\b(?:(?:at\s+)?(?:the\s+)?end(?:\s+of|-)?|year-end|full[- ]year|whole\s+(?:of\s+)?)\s*{YEAR.pattern}",
                           re.IGNORECASE)
PART_OF_YEAR_EN = re.compile(r"\b(?:(?:first|second|third|fourth|1st|2nd|3rd|4th)\s+quarter|q[1-4]|first\s+half|"
                             r"first\s+three\s+quarters|january|february|march|april|may|june|july|august|september|"
                             rf"october|november|december)\s+(?:of\s+)?{YEAR.pattern}", re.IGNORECASE)
# "2023意见里…", "2016年的规划", "2019年鉴": the year that names a document, not the year asked of it ("到2025年" is asked;
# so is the year of "2030年计划引进多少家", where 计划 is to plan).
ZH_DOCUMENT_YEAR = re.compile(r"(?<![到至止])(?<!截至)(?:19|20)\d\d(?:\s*[-—–~至到]\s*(?:19|20)\d\d)?\s*年?\s*"
                              r"(?:(?:的|那个|那份|这个|这份|出的|发的|印发的|版)\s*(?=意见|号文|规划|计划|年鉴|杭政办)"
                              r"|(?=(?:实施)?意见|号文|年鉴|杭政办|(?:规划|计划)(?:里|中|上|提出|要求|说)))")
BASE_YEAR = re.compile(r"(?:比|较|相比|与)\s*(?:19|20)\d\d年?(?:末|底)?")   # "比2010年增长": compared with, not asked of
BARE_FIGURE = re.compile(r"^[\s第]*[\d.,，０-９一二两三四五六七八九十百千万亿零〇]+\s*(个)?\s*(万|亿|千万|百万)?\s*"
                         r"(元|块|人民币|万元|亿元|%|项|家|个|条|号|年)?\s*(是什么意思|是啥意思|什么意思|指什么|指的是什么)?[\s?？。!！]*$")
BARE_FIGURE_EN = re.compile(r"^(?:rmb|cny|¥)?\s*[\d.,]+\s*(?:billion|million|bn|mn|m|b|thousand|k)?\s*(?:yuan|rmb|cny)?[\s?.!]*$")
_CUES = vocabulary().reading
ASKS_ALONE = frozenset(_CUES.asks_alone)
FOLLOW_UP = re.compile(rf"^({'|'.join(_CUES.follow_up)})")
LONG = 30                           # longer messages are reduced to their question clauses
LATIN_WORD = re.compile(r"[a-z][a-z'’-]*")      # the words of an English name ("Xihu Ant Town")
POINTS_BACK = re.compile(rf"^({'|'.join(_CUES.points_back)})")     # "它在哪": at what was said
FOLLOW_UP_END = re.compile(r"呢[\s?？。!！]*$")
WITHIN = one_of(_CUES.within)                # "那港湾计划里呢": in that document, of the same place
# "which river forms its southern boundary", "the other one", "what about the 2 billion one"
REFERS_BACK = re.compile(r"\b(it|its|they|them|their)\b|\b(?:that|this) one\b|\bthe (?:other|[\w.]+(?: billion| million)?) one\b")
STANDS_ALONE = 0.75          # a short question without a "那…呢" that finds this confident an answer is new
OWN_WORDS = 0.6             # … or this confident about that very place
ITS_OWN = 0.95              # … or one of an entry's own phrasings, about whatever place ("金牌管家是什么")
FOLLOW_UP_MAX = 14                  # a short message without a name of its own continues the last topic
FOLLOW_UP_WORDS = 6                 # the same in English, in words
CLAUSE = re.compile(r"[。！？?!；;：\n]+|:(?!\d)|[，,](?=\s*(?:想|请|能|可|我|那|还|另外|顺便|麻烦))"
                    r"|[、，,](?=[^、，,。？?]*(?:吗|呢|哪|什么|啥|多少|几|怎么|如何|多大|是不是|是否|有没有))"
                    r"|,?\s+and\s+(?=(?:how|what|which|who|when|where|is|are|was|were|does|do|did|has|have)\b)")
# English sentences end in ". " too, and "As a Shanghai fund, can we…" introduces before it asks.
EN_CLAUSE = re.compile(rf"{CLAUSE.pattern}|\.\s+(?=[a-z])|,\s*(?=(?:can|could|what|where|how|which|who|when|why)\b)")
ASKING = one_of(_CUES.asking)
PHRASE = re.compile(r"[，,。！？?!；;：\n]+")
ONE_OF = re.compile(r"^([\u4e00-\u9fff]{2,4}?)的?那个(?!是)(.+)$")     # "桐庐那个…": the one of those named so
LISTED = re.compile(r"[，,。；;：:、“”（）()\s]+|(?<=[区镇园心城])[和及与]")   # where the names of a list end
SELF_INTRO = re.compile(rf"^({'|'.join(_CUES.self_intro)})")
# "面积和2019年营业收入": two questions joined in one clause; "A和B分别是多少" asks its ending of both.
CONJUNCTION = one_of(_CUES.joins)
CONJUNCTION_EN = one_of(_CUES.joins_en)
SHARED_ASK = re.compile(rf"(?:{'|'.join(_CUES.shared)})(.+)$")
HEADING, HEADING_MAX = re.compile(r"[：]|:(?!\d)"), 12    # "财富港湾目标：…": a topic before a colon
CONFIRMS = re.compile(rf"^(?:{'|'.join(_CUES.confirms)})[?？]?$")
ENUMERATED = re.compile(rf"^(?:{'|'.join(_CUES.enumerated)})\s*")
SUBJECTLESS = re.compile(rf"^(?:{'|'.join(_CUES.subjectless)})")
# "那个小镇面积多大", "拱墅那个省级特色小镇": a pointer at a kind of thing with no name between says not which one;
# nor does a question opening with a kind ("园区四至范围到哪几条路", "项目主体施工进度到多少了")
VAGUE = re.compile(rf"(?:那个|那家|那座|那幢|那栋)([\u4e00-\u9fff]{{0,4}}?)(?:{'|'.join(_CUES.kinds)})")
KIND_SUBJECT = re.compile(rf"^(?:这个|那个|该)?(?:{'|'.join(_CUES.kind_subjects)})")
# "第9条" names an article, it counts nothing: a number after 第 (or inside another number) is no count; nor is
# the 一 of "是一家" ("联盟是一家" says what it is, not how many).
_NUMBER = r"(?<![第\d.,一二两三四五六七八九十百千数])(?!(?<=[是为])一(?![\d一二两三四五六七八九十百千万亿]))(?:\d[\d.,]*|[一二两三四五六七八九十百千数]+)\s*(?:万|亿|千|百)?\s*(?:余|多)?\s*"
_YEAR, _MONTH, _DAY = r"(?:19|20)\d\d", r"(?:\d{1,2}|[一二三四五六七八九十]{1,2})月", r"\d{1,2}[日号]"
# What a "how many / which year" question needs its answer to hold: a figure in the unit it asks, or a date.
# An answer without one does not answer it, however close its words.
NEEDS = [(re.compile(rf"(?<![哪第])(?:多少|几)(?:{unit})(?!平方|百分)"), re.compile(rf"{_NUMBER}(?:{told})"))
         for unit, told in vocabulary().needs.units.items()]
NEEDS += compiled(vocabulary().needs.zh, {"number": _NUMBER, "year": _YEAR, "month": _MONTH, "day": _DAY})
# What a count question counts ("几家外资银行", or ending the question without a measure word: "有多少博士"): an answer
# counting something else does not answer it; "好几个政策" counts nothing.
COUNTED_THING = re.compile(r"(?:多少|(?<!好)几)\s*(?:个|家|所|名|位|项|条|部|台|辆|间|张|层|套|栋|幢|座|场|次|批|只|种|本|块|星)"
                     r"([\u4e00-\u9fff]{2,4}?)(?=[\s有在是和及与可来了吗呢吧啊呀的]|$)"
                     r"|多少(?![个家所名位项条部台辆间张层套栋幢座场次批只种本块星人钱亿万千百元平亩倍年天月周米公里分钟小时岁])"
                     r"((?:(?!多少)[\u4e00-\u9fff]){2,4}?)(?=[\s吗呢?？]|$)")
NOT_COUNTED = one_of(_CUES.not_counted)
# … or named before the count that ends the question ("里面律所有几家"), from the last word that sets it apart
COUNTED_BEFORE = re.compile(r"(?:.*(?:里面|其中|当中|之中|[里内的\s\d])|^)((?:(?![有是在了])[\u4e00-\u9fff]){2,6}?)有?"
                            r"(?:多少|(?<![哪好])几)\s*(?:个|家|所|名|位|项|条|部|栋|幢|座|场|次|批|种)(?=[\s,，。；;吗呢啊呀?？!！]|$)")
# "The 4 streets: which are they?": the question gives a count and asks for each member by name.
_HOW_MANY = r"(\d+|[两二三四五六七八九十])\s*余?\s*[个家所位幢栋座条项名]"
MEMBERS = re.compile(rf"{_HOW_MANY}[^，。？?]{{0,10}}?(?:{'|'.join(_CUES.members)})")
# Whom a "who is" question asks for ("园长是谁"): an answer that names no such role names no such person.
ROLE = re.compile(rf"([\u4e00-\u9fff]{{2}})(?:{'|'.join(_CUES.who_is)})(?=[\s呀啊呢]|$)")
ELSEWHERE = tuple(vocabulary().elsewhere.zh)
PERIODS = vocabulary().reading.periods        # "十三五": (2016, 2020)
# "创联汇第11期": an answer about another issue (第10期) or none in particular does not answer for that one.
ORDINAL = re.compile(r"第\s*(\d{1,2}|[一二三四五六七八九十]{1,3})\s*(期|届|批|轮)")
_DIGITS = "一二三四五六七八九"


def years_given(answer: str, whole: bool = False) -> set[int]:
    """The years an answer gives figures for; "比2015年翻一番" compares with a year, it gives no 2015 figure. For a
    question of a whole year (`whole`: "2023年底", "2023年全年"), a figure of part of it ("2023年一季度以来") is none."""
    answer = BASE_YEAR.sub("", answer)
    return {int(y) for y in YEAR.findall(PART_OF_YEAR_EN.sub("", PART_OF_YEAR.sub("", answer)) if whole else answer)}


def _ordinal(figure: str) -> int:
    if figure.isdigit():
        return int(figure)
    tens, _, ones = figure.rpartition("十")
    if "十" not in figure:
        return _DIGITS.index(figure) + 1
    return (_DIGITS.index(tens) + 1 if tens else 1) * 10 + (_DIGITS.index(ones) + 1 if ones else 0)


def _spelled(n: int) -> str:
    tens, ones = divmod(n, 10)
    return (f"{_DIGITS[tens - 1] if tens > 1 else ''}十" if tens else "") + (_DIGITS[ones - 1] if ones else "")


@dataclass
class Reading:
    text: str                              # as typed (cleaned of control characters only)
    query: str                             # what matching sees: typos repaired, follow-ups completed
    entities: list[str]                    # entity ids named (or carried over from the conversation)
    aspects: list[str]                     # aspect ids asked
    years: list[int]
    elsewhere: list[str]                   # places the knowledge does not cover
    whole_year: bool = False               # a year asked of as a whole ("2023年底", "2023年全年")
    periods: list[str] = field(default_factory=list)   # five-year periods named ("十五五"): PERIODS
    follow_up: bool = False
    own: list[str] = field(default_factory=list)   # the aspects the message itself asks (not carried over)
    bare_figure: bool = False
    pointless: bool = False                # it points back ("它在哪") at nothing talked about, naming nothing
    unnamed: bool = False                  # short, in Chinese, first thing: it asks an aspect of nothing it names
    self_intro: bool = False
    questions: list[str] = field(default_factory=list)   # the message's question clauses
    needs: list[re.Pattern] = field(default_factory=list)  # what an answer must hold to answer it (NEEDS)
    previous: str | None = None            # the entry that answered the question a "那X呢" asks again of X
    context: str | None = None             # the entry answered last, when the message refers back to it ("其中…呢")
    members: int = 0                       # how many things it asks the names of ("4个街道是哪四个": 4)
    role: str = ""                         # whom a "who is" question asks for ("园长是谁": 园长)
    counted: str = ""                      # what a count question counts, as typed ("几家外资银行": 外资银行)
    counted_as: list[str] = field(default_factory=list)   # the aspects whose words the thing counted is ("几条措施")
    others: list[str] = field(default_factory=list)   # names of things that are no entity ("商务区联盟")
    subject: str = ""                      # what it asks when no aspect of its own says it, without years
    another_year: bool = False             # "2016年呢": the question before, asked of another year
    before: str | None = None              # the entry that answered the question this one continues
    echoed: str = ""                       # "那律所呢" naming nothing known: the words it asks the same question of
    added: str = ""                        # the same, with or without a "那…呢" ("信用贷款" after a loan share target)
    thing: str = ""                        # what it asks its aspect of, without names or years ("累计上市公司目标多少")
    matcher: FaqMatcher | None = field(default=None, repr=False)   # the FAQ of the message's language
    _ranked: list[Match] | None = None

    def ranked(self, limit: int = 10) -> list[Match]:
        """FAQ ranking, computed once per message and shared by every handler."""
        if self._ranked is None:
            self._ranked = self.matcher.rank(self.query, limit=limit)
        return self._ranked


@dataclass(frozen=True)
class _Plain:
    """The part of a reading the text alone decides (Reader._plain_of)."""
    questions: tuple[str, ...]
    focus: str                             # what is matched: the question clauses of a long message
    entities: tuple[str, ...]
    aspects: tuple[str, ...]
    years: tuple[int, ...]
    elsewhere: tuple[str, ...]
    marked: bool                           # "那…呢", "what about…": marked as a follow-up
    unmarked: str                          # the text without the marks of a follow-up
    bare: bool                             # a figure alone
    needs: tuple[re.Pattern, ...]
    self_intro: bool
    points_back: bool                      # "它在哪": at something said before
    counted: str
    role: str
    members: int
    others: tuple[str, ...]
    unnamed: bool = False                  # it asks an aspect ("面积多少", "2025年的目标是多少") of nothing it names
    vague: bool = False                    # it names only a kind of thing ("那个小镇", "园区"): VAGUE, KIND_SUBJECT


# "How many historic districts and museums does the town have?": one question for each thing counted.
EN_TWO_COUNTS = re.compile(r"^(how many|how much)\s+([a-z-]+(?:\s[a-z-]+)?)\s+and\s+([a-z-]+(?:\s[a-z-]+)?)"
                           r"(\s+(?:does|do|did|are|is|were|was|has|have)\b.*)$")


def _of_another_year(best: Match, topic: Topic, years: list[int]) -> bool:
    """"占GDP多少" after "2015年…多少": an answer of other years only does not make it a question of its own."""
    given = years_given(best.entry.answer)
    return bool(topic.years and given) and not years and not set(topic.years) & given


def question_clauses(text: str, lang: str = "zh") -> list[str]:
    """A long message reduced to the clauses that ask something (a self-introduction is dropped); a heading that
    asks nothing ("财富港湾目标：机构多少家、AUM多少") is what each of the questions after it asks about."""
    colon = HEADING.search(text)
    heading = text[:colon.start()].strip() if colon and text[colon.end():].strip() else ""
    heading = "" if ASKING.search(heading) or len(heading) > HEADING_MAX or SELF_INTRO.match(heading) else heading
    body = text[colon.end():] if heading else text
    body = english.without_intro(body) if lang == "en" else body
    clauses = [ENUMERATED.sub("", c.strip()) for c in (EN_CLAUSE if lang == "en" else CLAUSE).split(body) if c and c.strip()]
    clauses = [c for c in clauses if c]
    if lang == "en":
        clauses = _english_joined([part for c in clauses for part in _each_count(c)])
    else:
        clauses = [part for c in clauses for part in asked_at_spaces(c)]
    for n in range(len(clauses) - 1, 0, -1):            # "听说小镇重点招外资机构，是真的吗": asks of the clause before
        if CONFIRMS.match(clauses[n]):
            clauses[n - 1:n + 1] = [f"{clauses[n - 1]}，{clauses[n]}"]
    asking = [c for c in clauses if ASKING.search(c) and not (SELF_INTRO.match(c) and not _asks_after_intro(c))]
    joint = "" if lang == "en" else "的"
    return [f"{heading}{joint}{c}" if heading else c for c in asking or clauses]


def asked_at_spaces(clause: str) -> list[str]:
    """"小镇在哪 管委会电话多少": a clause split at its spaces into the runs that each ask something of their own
    (more than the asking word); words before a question belong to it, words after the last one to that one."""
    runs: list[str] = []
    pending = ""
    for word in clause.split():
        pending = f"{pending} {word}".strip()
        if ASKING.search(pending) and (ASKING.sub("", pending).strip() or pending in ASKS_ALONE):
            runs.append(pending)
            pending = ""
    if pending:
        runs = [*runs[:-1], f"{runs[-1]} {pending}"] if runs else [pending]
    return runs if len(runs) > 1 else [clause]


def _each_count(clause: str) -> list[str]:
    m = EN_TWO_COUNTS.match(clause)
    return [f"{m[1]} {m[2]}{m[4]}", f"{m[1]} {m[3]}{m[4]}"] if m else [clause]


def _english_joined(clauses: list[str]) -> list[str]:
    """English fragments joined to the question they belong to: a question of its asking words alone continues the
    clause before it ("high-end service firms end-2022, how many?"), and a clause that asks nothing after a
    question is said of it ("which river? the Grand Canal?", "what is 一湾五镇多点? explain")."""
    joined: list[str] = []
    for clause in clauses:
        asks = bool(ASKING.search(clause))
        if joined and asks and len(english.words(clause)) <= 1 and not ASKING.search(joined[-1]):
            joined[-1] = f"{joined[-1]} {clause}"
        elif joined and not asks and ASKING.search(joined[-1]):
            joined[-1] = f"{joined[-1]} {clause}"
        else:
            joined.append(clause)
    return joined


def _asks_after_intro(clause: str) -> bool:
    """"我们是私募，想问小镇在哪": an introduction followed by the question in the same clause."""
    head, _, tail = clause.partition("，")
    return bool(tail and ASKING.search(tail)) or bool(re.search(r"(想问|请问|想了解|咨询)", clause))


def _count(figure: str) -> int:
    return int(figure) if figure.isdigit() else 2 if figure == "两" else "一二三四五六七八九十".index(figure) + 1


class Reader:
    """Reads messages in one language: `matcher` ranks that language's phrasings, names and hint words are
    given in it ("en" or "zh")."""

    def __init__(self, gazetteer: Gazetteer, matcher: FaqMatcher, lang: str = "zh",
                 periods: dict[str, tuple[int, int]] | None = None):
        self.gazetteer, self.matcher, self.lang = gazetteer, matcher, lang
        self.periods = periods or {}          # a document's years (a plan's period), by its entity id
        self._places = lru_cache(maxsize=SCANNED)(self._places_elsewhere)     # the same texts come again
        self._needs = lru_cache(maxsize=SCANNED)(self._needs_of)
        self._plain = lru_cache(maxsize=SCANNED)(self._plain_of)
        self._halves = lru_cache(maxsize=SCANNED)(self._halves_of)
        self._tagged = lru_cache(maxsize=SCANNED)(self._tagged_in)
        # the English words the answers use: read once with the knowledge (and cached with its index), not on the
        # first question that needs them
        self._english_words = cached("faq-words-english", matcher.cache_key, self._answer_words, matcher.cache_dir) \
            if lang == "en" else frozenset()

    def read(self, text: str, topic: Topic | None = None) -> Reading:
        folded = self._one_listed(self._named_before(self.gazetteer.repairer.repair(fold(text)), topic), topic)
        plain = self._plain(text, folded)
        questions, focus, bare, marked, unmarked = list(plain.questions), plain.focus, plain.bare, plain.marked, \
            plain.unmarked
        entities, years, elsewhere = list(plain.entities), list(plain.years), list(plain.elsewhere)
        aspects = own = list(plain.aspects)
        if self.lang == "en" and "area" in aspects and not english.asks_area(
                focus, entities or (list(topic.entities[:1]) if topic else []), aspects):     # "how big is it?"
            aspects = own = [a for a in aspects if a != "area"]
        alone = None          # a short unmarked message is ranked on its own; that ranking serves it if it stands
        dated = marked        # whether a follow-up asks of the years asked before
        follow_up = topic is not None and not entities and not elsewhere and not (bare and not years)
        short = len(folded) <= FOLLOW_UP_MAX if self.lang == "zh" else len(folded.split()) <= FOLLOW_UP_WORDS
        if follow_up and not marked and not (aspects and short):
            if short:
                alone = self.matcher.rank(focus, limit=10)
                dated = bool(alone) and _of_another_year(alone[0], topic, years)
                # "入驻了多少企业" after "泰嘉园在哪": an answer about something else does not make it a new question
                follow_up = dated or not (alone and (alone[0].score >= ITS_OWN or alone[0].score >= STANDS_ALONE
                                                     and self.gazetteer.covers(alone[0].entry.entities, topic.entities[0]))
                                          or self._strange_to(focus, topic))
            else:
                follow_up = False
        query, previous = self._in_both_names(focus, entities), None
        place = next((e for e in topic.entities if e not in self._documents), None) if topic is not None else None
        if place and entities and set(entities) <= self._documents and POINTS_BACK.match(folded):
            entities = [place, *entities]      # "它在港湾计划里要打造成什么": the place talked about, in that document
            query = f"{self.gazetteer.name(place, self.lang)} {query}"
        if topic is not None and topic.which and not entities and self.lang == "en":
            entities = self._picked(focus, topic.which)     # "the fresh food one": the option whose name says so
        if topic is not None and topic.which and entities and set(entities) <= set(topic.which) and not aspects \
                and short:
            aspects = list(topic.aspects)          # "泰嘉园" after "您说的是泰嘉园还是乐富智汇园": the question asked of it
            query, follow_up = f"{focus} {topic.subject}", True
        elif topic is not None and (entities or elsewhere) and marked and not aspects and topic.aspects \
                and len(folded) <= LONG:
            aspects = list(topic.aspects)          # "那康桥新能源产业园呢": the same question about another place
            # "港湾计划里呢" after "2号文有提QFLP吗": what was asked, in its words, of the document named now
            asked = (self._thing(topic.subject) if topic.subject else topic.thing) \
                if set(entities) <= self._documents else ""
            query = f"{focus} {asked} {self._hint(aspects)}"
            follow_up, previous = True, topic.entry_id
            kept = [e for e in topic.entities[1:] if e not in entities][-1:]   # what was asked of in a source
            if WITHIN.search(folded) and kept:       # "那港湾计划里呢": what that document says of the same thing
                entities, previous = [*entities, *kept], None
                query = f"{focus} {self.gazetteer.name(kept[0], self.lang)} {self._hint(aspects)}"
        elif topic is not None and entities and marked and aspects and topic.thing and set(aspects) <= set(topic.aspects) \
                and len(folded) <= LONG:
            query = f"{query} {topic.thing}"     # "十三五定的2020年目标呢" after "2025年金融业增加值目标多少": of that too
        elif follow_up:
            entities = list(topic.entities[:1])
            if POINTS_BACK.match(folded) and place:     # "它在哪个区": the place talked about, not its document
                entities = [place]
            lead = self.gazetteer.name(entities[0], self.lang)
            # "它引进了哪家医院" after its core area: a question of its own words about it, not the core area again
            own_words = not aspects and POINTS_BACK.match(folded) and self._names_something(POINTS_BACK.sub("", folded))
            asked = aspects or ([] if own_words else list(topic.aspects))
            before = " ".join(f"{y}年" for y in topic.years) if dated and not years else ""
            query = f"{lead} {self._hint(asked) if not aspects else ''} {topic.subject} {before} {focus}".strip()
            # "那两路指哪两条路": a question of its own after a "那", neither "那X呢" nor one pointing back ("它…")
            asks = not aspects and marked and not (FOLLOW_UP_END.search(folded) or POINTS_BACK.match(folded)) \
                and ASKING.search(unmarked)
            if short and (aspects and not marked or asks) and topic.entry_id and self._stands_on_its_words(focus, topic):
                query = focus        # "谁牵头组织实施" after the document's dates: its own words find its answer
            aspects = asked
        needs = list(plain.needs)
        if follow_up and not needs and not own:
            needs = list(topic.needs)            # "那2019年呢" after "…多少家": again a count of 家
        if follow_up and dated and not years:
            years = list(topic.years)            # "累计呢", "占GDP多少" after "2019年…多少": of that year too
            # "十三五规划呢" after a 2025 target: a plan named now is asked in its own period, not the year before
            spans = [self.periods[e] for e in entities if e in self.periods]
            years = [y for y in years if all(start <= y <= end for start, end in spans)]
        if own:
            subject = ""
        elif follow_up:                          # "占GDP多少" after "2015年金融业增加值多少": both, of 2015
            subject = f"{topic.subject} {ONLY_YEAR.sub('', unmarked)}".strip()
        else:
            subject = SAID_YEAR.sub("", query).strip()
        return Reading(text=text, query=query, entities=entities, aspects=aspects, years=years,
                       whole_year=bool((WHOLE_YEAR_EN if self.lang == "en" else WHOLE_YEAR).search(folded)), periods=[p for p in PERIODS if p in focus] if self.lang == "zh" else [],
                       elsewhere=elsewhere, follow_up=follow_up, own=own, bare_figure=bare and not follow_up,
                       self_intro=plain.self_intro, questions=questions, matcher=self.matcher,
                       pointless=topic is None and not elsewhere and (plain.vague or not entities and bool(
                           plain.points_back or (self.lang == "en" and short and REFERS_BACK.search(folded))
                           or (short and plain.unnamed and any(self.gazetteer.lexicon.aspects[a].strict for a in plain.aspects))
                           or (short and self.lang == "zh" and bool(FOLLOW_UP_END.search(folded))
                               and not self._names_something(unmarked)))),
                       unnamed=topic is None and short and self.lang == "zh" and plain.unnamed and not elsewhere,
                       needs=needs, previous=previous, counted=plain.counted,
                       counted_as=self._counted_as(plain.counted) if plain.counted else [],
                       context=topic.entry_id if topic is not None and marked else None,
                       before=topic.entry_id if follow_up else None,
                       role=plain.role, members=plain.members,
                       subject=subject, another_year=follow_up and bool(years) and bool(ONLY_YEAR.fullmatch(unmarked)),
                       others=[*plain.others, *(topic.others if follow_up else ())],
                       thing=self._thing(focus) if own and plain.entities and not follow_up else "",
                       echoed=unmarked if follow_up and marked and not plain.entities and not own and not plain.years
                       else "",
                       added=unmarked if follow_up and not plain.entities and not own and not plain.years else "",
                       _ranked=alone if query == focus else None)

    def _counted_as(self, counted: str) -> list[str]:
        """The aspects the thing counted is a word of: one that asks it ("几条措施"), or the very word an answer
        counting for it uses ("多少家企业" is answered by a count of 机构)."""
        lex = self.gazetteer.lexicon.aspects
        return list(dict.fromkeys([*self.gazetteer.aspects(counted), *(a for a in lex if counted in lex[a].told)]))

    def _thing(self, focus: str) -> str:
        """The question without the names it uses and its years: what it asks of them."""
        for word, tag in self._tagged(focus):
            focus = focus.replace(word, " ")
        return " ".join(SAID_YEAR.sub(" ", focus).split())

    def _stands_on_its_words(self, focus: str, topic: Topic) -> bool:
        """A short follow-up asking something of its own finds, by its words alone, a confident answer about the
        place talked about: the place's name in front would only pull up what is said most of that place."""
        if not self._names_something(focus):
            return False        # "面积多少" asks only an aspect: of the place talked about, not of its own words
        alone = self.matcher.rank(focus, limit=10)
        return bool(alone) and (alone[0].score >= STANDS_ALONE and self.gazetteer.covers(alone[0].entry.entities, topic.entities[0])
                                or alone[0].score >= OWN_WORDS and alone[0].entry.entities[0] == topic.entities[0])

    @cached_property
    def _documents(self) -> set[str]:
        """The entities that are source documents: where to look, not what is asked about."""
        return {e.source.doc for e in self.matcher.entries}

    @cached_property
    def _position(self) -> dict[str, int]:
        """Where each entry (by id) stands in the matcher's list, made when a follow-up first needs one, not at
        start-up."""
        return {e.id: i for i, e in enumerate(self.matcher.entries)}

    def _strange_to(self, focus: str, topic: Topic) -> bool:
        """"规划期是哪几年" after the alliance's branches: none of the words it names is in what was answered, so
        it does not continue that answer."""
        at = self._position.get(topic.entry_id)
        return at is not None and self._says_none_of(focus, self.matcher.entries[at])

    def strange(self, reading: Reading, entry: FaqEntry) -> bool:
        """"中大期货2019年利润多少" of the entry about 中大期货's move: beyond the names, the years and the words
        that ask, the question names something (利润) and the entry none of it."""
        return self._says_none_of(self._thing(reading.query), entry)

    def strange_en(self, reading: Reading, entry: FaqEntry) -> bool:
        """"hangzhou GDP in 2023?" of the entry dated 2023: beyond the names, figures and the words that ask, the
        English question names something (GDP) and the entry none of it."""
        named = {w for e in reading.entities for w in english.words(self.gazetteer.name(e, "en"))}
        # only words the answers use elsewhere tell: a word none has is as likely the asker's own phrasing
        asked = [w for w in english.words(ASKING.sub(" ", reading.query)) if w not in named and w in self._english_words
                 and w.isalpha() and w not in english.WORDS and w not in english.place_names()]
        at = self._position[entry.id]
        return bool(asked) and not any(self.matcher.says(at, w) for w in asked)

    def _answer_words(self) -> frozenset[str]:
        """The words the answers use (phrasings hold the askers' words: "supposed", "cover")."""
        return frozenset().union(*(english.words(e.answer) for e in self.matcher.entries))

    def says_all(self, reading: Reading, entry: FaqEntry) -> bool:
        """Whether the entry says every word the question names beyond its names, years and asking words ("五区")."""
        named, said = self._named_and_said(self._thing(reading.query), entry)
        return all(w in said for w in named)

    def _says_none_of(self, text: str, entry: FaqEntry) -> bool:
        named, said = self._named_and_said(text, entry)
        return bool(named) and not any(w in said for w in named)

    def _named_and_said(self, text: str, entry: FaqEntry) -> tuple[list[str], str]:
        named = [w for w in nlp.words(ASKING.sub(" ", SAID_YEAR.sub(" ", self.gazetteer.unasked(text)))) if len(w) > 1]
        return named, nlp.fold_phrase(" ".join([entry.answer, *entry.questions, *entry.keywords]))

    def _plain_of(self, text: str, folded: str) -> _Plain:
        """What the message says by itself, before any conversation: the same text is read the same way each time
        it comes, so this is worked out once per text."""
        questions = question_clauses(folded, self.lang)
        focus = "，".join(questions) if len(folded) > LONG or SELF_INTRO.match(folded) else folded
        focus = english.without_asked_at(focus) if self.lang == "en" else focus
        asked = english.without_intro(folded) if self.lang == "en" else folded
        if self.lang == "zh" and focus != folded and not self.gazetteer.entities(focus):
            focus = self._told_before(folded, focus)
        entities = self.gazetteer.entities(focus) or self.gazetteer.entities(asked)
        aspects = self.gazetteer.aspects(focus)         # the English "area" is weighed in read(), with the topic
        dated = english.DOCUMENT_YEAR.sub(" ", focus) if self.lang == "en" else ZH_DOCUMENT_YEAR.sub(" ", self._undated(focus))
        years = [int(y) for y in YEAR.findall(BASE_YEAR.sub(" ", nlp.normalise(DOCUMENT_NUMBER.sub(" ", dated))))]
        unmarked = FOLLOW_UP_END.sub("", FOLLOW_UP.sub("", folded)).strip()     # "那30亿呢", "what about 3 billion?"
        marked = bool(FOLLOW_UP.match(folded) or FOLLOW_UP_END.search(folded)
                      or (self.lang == "en" and REFERS_BACK.search(folded)))
        said = nlp.normalise(text) if self.lang == "zh" else ""
        counted, role, members = (COUNTED_THING.search(said), ROLE.search(said), MEMBERS.search(said)) if said \
            else (None, None, None)
        counted = next(filter(None, counted.groups()), "") if counted else self._counted_before(said)
        return _Plain(questions=tuple(questions), focus=focus, entities=tuple(entities), aspects=tuple(aspects),
                      years=tuple(years), elsewhere=self._places(focus), marked=marked, unmarked=unmarked,
                      bare=any(p.match(t) for p in (BARE_FIGURE, BARE_FIGURE_EN) for t in (folded, unmarked)),
                      needs=self._needs(focus), self_intro=bool(SELF_INTRO.match(folded)),
                      points_back=bool(POINTS_BACK.match(folded)), counted=counted,
                      role=role.group(1) if role else "", members=_count(members.group(1)) if members else 0,
                      unnamed=not entities and bool(aspects) and not self._names_something(focus),
                      others=tuple(w for w, tag in self.gazetteer.names.occurring(focus) if not tag),
                      vague=self.lang == "zh" and self._vague(focus, entities))

    def _told_before(self, folded: str, focus: str) -> str:
        """"听说中大期货迁到了小镇，它在哪栋楼": a question naming nothing asks of what the clause told before it
        names (not of the asker's own introduction)."""
        told = [c for c in PHRASE.split(folded) if c.strip() and not ASKING.search(c) and not SELF_INTRO.match(c)
                and self.gazetteer.entities(c)]
        return f"{told[-1].strip()}，{focus}" if told else focus

    def _counted_before(self, said: str) -> str:
        """The thing counted named before the count ("律所有几家"), when it is no name ("小镇有多少家" counts what
        the town holds)."""
        found = COUNTED_BEFORE.search(said)
        thing = POINTS_BACK.sub("", NOT_COUNTED.split(found.group(1))[-1]) if found else ""    # "它一共管多少幢": none
        return thing if len(thing) > 1 and not self.gazetteer.entities(fold(thing)) else ""

    def _undated(self, focus: str) -> str:
        """The text without the names that hold a year ("2023意见到2025年的目标") and the periods of plans: a
        document's year names it, it is no year asked of."""
        for word, tag in self.gazetteer.names.occurring(focus):
            if tag and YEAR.search(word):
                focus = focus.replace(word, " ")
            elif tag in self.periods:           # "2023年金融高地政策": the year the document came out, then its name
                focus = re.sub(rf"{self.periods[tag][0]}\s*年?\s*的?\s*{re.escape(word)}", " ", focus)
        for start, end in self.periods.values():  # "宁波2021-2025年…目标": a plan's period, no two years asked of
            focus = re.sub(rf"{start}\s*年?\s*[-–—~至到]\s*{end}\s*年?", " ", focus)
        return focus

    def _vague(self, focus: str, entities: list[str]) -> bool:
        """It names a kind of thing and nothing in particular: nothing but the place the thing is in ("拱墅那个…小镇"),
        or a word two names share ("乐富那个园区") that nothing else in the message tells apart, qualifies it; a word
        of one thing ("双创周那个路演", "长三角那个…联盟") says which."""
        gz = self.gazetteer
        if (m := VAGUE.search(focus)) is None:
            return bool(KIND_SUBJECT.match(focus)) and not entities
        qualifier = re.split(r"[，,。；;\s]", focus[:m.start()])[-1]
        rest = f"{focus[:m.start() - len(qualifier)]}，{focus[m.end():]}"
        named = gz.entities(qualifier)
        if gz.entities(m.group(1)) or not all(gz.is_place(e) for e in [*named, *gz.entities(rest)]):
            return False
        if not qualifier or named:
            return True
        shared = gz.sharing(qualifier)
        told = [e for e in shared if any(gz.name(e)[i:i + 2] in rest for i in range(len(gz.name(e)) - 1)
                                         if qualifier not in gz.name(e)[i:i + 2] and gz.name(e)[i:i + 2] not in m.group(0))]
        return len(shared) >= 2 and len(told) != 1

    def _in_both_names(self, focus: str, entities: list[str]) -> str:
        """An English question naming a place in Chinese only ("what will 西湖蚂蚁小镇 become") is ranked with its
        English name too, as the English phrasings write it."""
        if self.lang != "en":
            return focus
        latin = {e: " ".join(LATIN_WORD.findall(self.gazetteer.name(e, "en").lower())) for e in entities
                 if self.gazetteer.name(e) in focus}
        return " ".join([focus, *(self.gazetteer.name(e, "en") for e, words in latin.items()
                                  if words and words not in focus.lower())])

    def _names_something(self, focus: str) -> bool:
        """Whether a word is left once the words asking an aspect, the cue words of asking and the years are
        taken away: "核心区多大", "2025年的目标是多少" name nothing to ask them of."""
        rest = SAID_YEAR.sub(" ", self.gazetteer.unasked(focus))
        return any(not ASKING.fullmatch(w) and not (self.lang == "en" and w.isdigit()) for w in self.matcher.text.words(rest))

    def halves(self, clause: str) -> list[str]:
        """A clause split at its first conjunction outside a name ("工业设计小镇面积和2019年营业收入", "the town's
        talent total and the number of CFA holders"); [] when there is none. Whether the halves are two questions is
        for their answers to show."""
        return self._english_halves(clause) if self.lang == "en" else list(self._halves(clause))

    def _halves_of(self, clause: str) -> tuple[str, ...]:
        named = bytearray(len(clause))
        for start, end, _ in scan(clause, self.gazetteer.names):
            named[start:end] = b"\x01" * (end - start)
        for m in CONJUNCTION.finditer(clause):
            head, tail = clause[:m.start()].strip(" ，,"), clause[m.end():].strip()
            if named[m.start()] or not head or not tail:
                continue
            if shared := SHARED_ASK.search(tail):
                head, tail = head + shared.group(1), tail[:shared.start()] + shared.group(1)
            return head, tail
        return ()

    def _english_halves(self, clause: str) -> list[str]:
        """An English clause split at its first "and" (joins_en) that cuts no name in two: every entity the clause
        names is still named by a half ("the Yangtze River Delta and …" keeps a name whole)."""
        entities = set(self.gazetteer.entities(clause))
        for m in CONJUNCTION_EN.finditer(clause):
            head, tail = clause[:m.start()].strip(" ,"), clause[m.end():].strip()
            if head and tail and entities <= {*self.gazetteer.entities(head), *self.gazetteer.entities(tail)}:
                return [head, tail]
        return []

    def _picked(self, focus: str, options: tuple[str, ...]) -> list[str]:
        """The one option of a "which one do you mean?" whose English name holds a word of the reply, if only one does."""
        said = set(english.words(focus))
        holding = [e for e in options if said & set(english.words(self.gazetteer.name(e, "en")))
                   and not all(said & set(english.words(self.gazetteer.name(o, "en"))) for o in options)]
        return holding if len(holding) == 1 else []

    def _named_before(self, folded: str, topic: Topic | None) -> str:
        """"联盟有多少会员" after "中国商务区联盟…": a bare word of a name the last question used is that name, not
        the entity the word alone names (the town's own 联盟)."""
        if topic is None or not topic.others:
            return folded
        for word, tag in self._tagged(folded):
            other = next((o for o in topic.others if word in o and o not in folded), None)
            if other and tag not in topic.entities:
                return folded.replace(word, other, 1)
        return folded

    def _one_listed(self, folded: str, topic: Topic | None) -> str:
        """"桐庐那个重点发展什么" after the five districts listed: the one listed name the word is part of, asked of
        as one of them ("其中桐庐健康金融集聚区重点发展什么")."""
        said = ONE_OF.match(folded) if topic is not None else None
        said = said if said and not self.gazetteer.entities(said[1]) else None    # "湘湖那个" names it itself
        at = self._position.get(topic.entry_id) if said else None
        if at is None:
            return folded
        named = {n for n in LISTED.split(self.matcher.entries[at].answer) if said[1] in n}
        return f"其中{named.pop()}{said[2]}" if len(named) == 1 else folded

    def _tagged_in(self, folded: str) -> tuple[tuple[str, str], ...]:
        """The names of known entities in the text as written there, longest first: a name the gazetteer keeps in
        its English fold ("十三五规划") is looked for as written too."""
        found = {*((w, t) for w, t in self.gazetteer.names.occurring(folded) if t),
                 *((w, t) for w, t in self._refolded if w in folded)}
        return tuple(sorted(found, key=lambda p: (-len(p[0]), p[0])))

    @cached_property
    def _refolded(self) -> tuple[tuple[str, str], ...]:
        """The names, as written, that the gazetteer keeps only in another form (its English fold)."""
        lex = self.gazetteer.lexicon.entities
        return tuple((w, tag) for tag, e in lex.items() for w in map(fold, (e.name, *e.aliases))
                     if english.CJK_RUN.search(w) and english.fold(w) != w)

    def _hint(self, aspects: list[str]) -> str:
        asked = [self.gazetteer.lexicon.aspects[a].asked for a in aspects]
        if self.lang == "en":
            return " ".join(next((w for w in words if w.isascii()), words[0]) for words in asked)
        return " ".join(words[0] for words in asked)

    def _needs_of(self, focus: str) -> tuple[re.Pattern, ...]:
        told = [told for asked, told in (english.NEEDS if self.lang == "en" else NEEDS) if asked.search(focus)]
        if self.lang == "zh":
            told += [re.compile(rf"第\s*(?:{n}|{_spelled(n)})\s*{m[2]}")
                     for m in ORDINAL.finditer(focus) if 0 < (n := _ordinal(m[1])) < 100]
        return tuple(told)

    def _places_elsewhere(self, folded: str) -> tuple[str, ...]:
        inside = [n for n, _ in self.gazetteer.names.occurring(folded)]
        found = [p for p in ELSEWHERE if p in folded and not any(p in n for n in inside)]
        found += [folded[start:end] for start, end in self.gazetteer.bodies(folded)]     # "杭州银行"
        if self.lang == "en":
            found += [m.group(0) for m in english.ELSEWHERE.finditer(folded)
                      if m.group(0) not in found and not english.LISTING_VENUE.search(folded[:m.start()])]
        return (*found, *(w for w in self.matcher.unknown_places(self.matcher.text.words(folded)) if w not in found))

