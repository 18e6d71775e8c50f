"""English questions for the Chinese extractor: English amounts become exact Chinese figures ("RMB 1 billion"
→ 10亿元, "15bn" → 150亿, "100 million" → 1亿), ranks become 前10名 / 第15名, and the English words of
policy_data/data/en/ (vocabulary.yaml, each measure's keywords and input cues, the beneficiary words) become the
Chinese cue words they stand for, longest first. Other English words are dropped, so a cue and its figure stand
as close as in a Chinese question; the reply quotes what the user wrote, never this text.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from decimal import Decimal
from functools import lru_cache

from faq.english import STOP, places_of_asker_dropped, stem
from policy_data.amounts import WAN, YI
from policy_data.currencies import codes_and_symbols
from policy_data.loader import PolicyBook

MILLION = Decimal(10) ** 6
SCALES = {"千万": 1000 * WAN, "百万": 100 * WAN, "亿": YI, "万": WAN, "trillion": WAN * YI, "tn": WAN * YI, "billion": 10 * YI, "bn": 10 * YI, "bln": 10 * YI, "b": 10 * YI,
          "hundred million": YI, "ten million": 10 * MILLION, "million": MILLION, "mn": MILLION, "mln": MILLION,
          "m": MILLION, "mio": MILLION, "hundred thousand": 10 * WAN, "ten thousand": WAN, "thousand": Decimal(1000),
          "k": Decimal(1000), "hundred": Decimal(100)}
CURRENCY = r"(?:rmb|cny|yuan|renminbi|¥|元|人民币)"
SCALE = "|".join(w.replace(" ", r"\s+") for w in sorted(SCALES, key=len, reverse=True))
# "RMB 1-3 billion", "between 1 and 3 billion yuan": both ends take the scale written once, read as a range.
RANGE = (rf"(?:between\s+)?(?P<rcur>{CURRENCY}[\s-]*)?(?!(?:19|20)\d\d\b)(?P<lo>\d+(?:\.\d+)?)\s*(?:-|–|—|to|and)\s*"
         rf"(?:{CURRENCY}[\s-]*)?(?P<hi>\d+(?:\.\d+)?)[\s-]*(?P<rscale>{SCALE})(?![a-z])(?P<rcur2>[\s-]*{CURRENCY}(?![a-z]))?")
# "between 9bn and 11bn", "9bn-11bn": a range whose ends each have their scale.
BETWEEN = re.compile(rf"(?:between\s+(?P<bcur>{CURRENCY}[\s-]*)?(?P<blo>\d+(?:\.\d+)?)\s*(?P<bloscale>{SCALE})\s+and\s+"
                     rf"|(?P<dcur>{CURRENCY}[\s-]*)?(?P<dlo>\d+(?:\.\d+)?)\s*(?P<dloscale>{SCALE})\s*[-–—]\s*)"
                     rf"(?:{CURRENCY}[\s-]*)?(?P<bhi>\d+(?:\.\d+)?)\s*(?P<bhiscale>{SCALE})(?![a-z])(?P<bcur2>[\s-]*{CURRENCY}(?![a-z]))?")
YEAR = re.compile(r"(19|20)\d\d")
# "went from 2 billion to 2.5 billion": "to" between two amounts (not "up to", not a range "1 to 3 billion")
RISE_TO = re.compile(rf"(?<=[a-z])(?<!\bup)\s+to\s+(?=(?:{CURRENCY}\s*)?\d)")
LOOSE_SLACK = 3            # how many other words may stand among a kind's keyword words
# "2 licences in 2024 and 5 in 2025": the count of the second year names its thing again, so that it is not a bare 5.
ELLIPTIC_COUNT = re.compile(r"\b(?P<n1>\d+)\s+(?P<thing>[a-z][a-z ]{2,60}?)\s+(?P<when>(?:in|for|during)\s+(?:19|20)\d\d)\b"
                            r"(?P<mid>[^.;?]{0,30}?\band\s+)(?P<n2>\d+)(?=\s+(?:in|for|during)\s+(?:19|20)\d\d\b)")
# "one billion", "a hundred million", "half a billion": the words before a scale become digits first.
WORDED = re.compile(rf"\b(?:(?P<half>half an?)|(?P<word>an?|one|two|three|four|five|six|seven|eight|nine|ten|twenty))"
                    rf"[\s-]+(?=(?:{SCALE})\b)")
NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
                "ten": 10, "eleven": 11, "twelve": 12, "twenty": 20}
OWNED_HQ = r"['’]s\s+(?:hq|headquarters)\b"           # "a bank's HQ set up…": an existing HQ, not a new one
ASKS_AMOUNT = re.compile(r"\b(how much|what (one-off |total |maximum )?(subsidy|award|grant|reward|amount)|"
                         r"which (subsidy|award|grant)|maximum|max|award amount|total subsidy|total award"
                         r"|can (?:we|i|they|it|our [\w-]+) (?:still |also )?(?:get|receive|claim))\b"
                         r"|(?:^|[.,;:?!]\s*(?:[\w-]+\s+)?|\b(?:what|which|any)(?:['’]s| is| are)?(?:\s+the)?\s+(?:[\w-]+\s+)?)"
                         r"(subsidy|subsidies|award|grant|reward)s?(?:\s+(?:for|to)\s+(?:the\s+|our\s+|us\s+)?[\w-]+)?\s*\?"
                         r"|[-–—,;:]\s*(?:the\s+|in\s+)?total\s*\?",      # "… 2 international standards - total?"
                         re.IGNORECASE)
# "listed firms' financing": a plural's possessive is the plural itself, so the words after it read as a phrase.
PLURAL_POSSESSIVE = re.compile(r"(?<=[a-z]s)['’](?=\s)")
# "listed (挂牌) firms raised": a Chinese gloss inside an English phrase, read after the question, not inside it.
GLOSS = re.compile(r"\s*[(（]\s*([\u4e00-\u9fff][\u4e00-\u9fff、，, ]*)[)）]")
MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")     # as months begin
# "in March 2026": the month asked, as the Chinese reading takes it (2026年3月)
MONTH_YEAR = re.compile(rf"\b({'|'.join(MONTHS)})[a-z]*\.?\s+(20\d\d)\b")
ARTICLE_REF = re.compile(r"\bart(?:icle)?\.?\s*(\d{1,2})\b")      # "(art 15)" names the article: no figure
# "paid in instalments" says how a subsidy is paid, not paid-in capital.
NOT_FIGURES = re.compile(r"\bpaid in (?=instal|install|full\b|cash\b|one\b|a lump\b|tranche|stage|phase|part)")
# The question is compared in its folded words (plain_words): "ranked number 3" reads "ranked many 3".
RANKS = r"\btop[- ]?(?P<top>\d+)\b|\b(?:ranked|rank|ranking|placed)\s+(?:no\.?\s*|many\s+)?(?P<place>\d+)(?:st|nd|rd|th)?\b" \
        r"|\b(?P<nth>\d+)(?:st|nd|rd|th)\b"


def plain_words(text: str) -> str:
    """Lower case, hyphens between words as spaces, every word in its folded form ("Sci-tech firms" → "sci tech
    company", "licences" → "license"): the form both the vocabulary and the question are compared in."""
    text = re.sub(r"(?<=[a-z])-(?=[a-z])", " ", unicodedata.normalize("NFKC", text).lower())
    return re.sub(r"[a-z]+", lambda m: stem(m.group(0)), text)


def _amount(book: PolicyBook) -> str:
    """An amount, its currency before or after it; another currency (policy_words.yaml) is marked 外币 so that the
    figure is never read as RMB."""
    foreign = codes_and_symbols(book.currencies)
    names = sorted({n for c in book.currencies for name in c.en for n in (name, plain_words(name))}, key=len, reverse=True)
    after = "|".join([foreign, *([rf"(?:{'|'.join(map(re.escape, names))})s?"] if names else [])])
    return (rf"(?:(?P<cur>{CURRENCY})[\s-]*|(?P<fx>{foreign})[\s-]*)?(?P<num>\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?)"
            rf"[\s-]*(?P<scale>{SCALE})?(?![a-z])(?:(?P<cur2>[\s-]*{CURRENCY}(?![a-z]))|(?P<fx2>[\s-]*(?:{after})(?![a-z])))?")


@lru_cache(maxsize=4)
def _paired(book: PolicyBook) -> re.Pattern:
    """"600 million and 1.5 billion yuan": two figures of one kind, each computed on its own (分别)."""
    amount = re.sub(r"[(][?]P<[a-z0-9]+>", "(?:", _amount(book))
    return re.compile(rf"(?<![\w.,])(?={amount}(?:\s*,)?\s+(?:and|&)\s+(?:{CURRENCY}[\s-]*)?\d)")


@lru_cache(maxsize=4)
def _year_after(book: PolicyBook) -> re.Pattern:
    """"RMB 1 billion last year and RMB 1.2 billion this year", "CNY 3bn (2024)": the year said after its amount is put
    before it, where a Chinese question says it, its clause ended there ("去年10亿，")."""
    years = "|".join(map(re.escape, book.words["year_after"]))
    return re.compile(rf"(?P<amount>\d[\d.]*[万亿]元?) (?P<each>分别 )?[(（]?(?P<year>{years})[)）]?(?![\u4e00-\u9fff])")


# "RMB 1bn in 2023 and RMB 2bn in 2024": two amounts each followed by its year, put as the Chinese says them
YEARLY_AFTER = re.compile(r"(?P<amount>\d[\d.]*[万亿]元?) (?P<each>分别 )?[(（]?(?P<year>20\d\d年)[)）]?(?![\u4e00-\u9fff])")


def _years_first(book: PolicyBook, cues: str) -> str:
    def first(m: re.Match) -> str:
        return f"{m['each'] or ''}{m['year']} {m['amount']}，"
    cues = _year_after(book).sub(first, cues)
    return YEARLY_AFTER.sub(first, cues) if len(YEARLY_AFTER.findall(cues)) >= 2 else cues


def chinese_figure(number: str, scale: str | None, currency: bool) -> str:
    """"2.5", "billion" → "25亿" (exact: the digits are shifted, never multiplied as floats)."""
    value = Decimal(number.replace(",", "")) * SCALES.get(" ".join((scale or "").lower().split()), 1)
    if value >= YI:
        text = f"{_plain(value / YI)}亿"
    elif value >= WAN and scale:
        text = f"{_plain(value / WAN)}万"
    else:
        text = _plain(value) if scale else number
    return text + ("元" if currency else "")


def _plain(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _input_cues(book: PolicyBook) -> dict[str, str]:
    """Each English input cue as the Chinese cue it stands for; one that several measures' inputs share ("financing":
    the receivables' and the insurance funds') as the first Chinese cue they share (融资金额), so that it names
    neither measure alone."""
    said: dict[str, list[list[str]]] = {}
    for m in book.measures:
        for key, inp in m.en.inputs.items():
            for cue in inp.cues:
                said.setdefault(cue.lower(), []).append(m.input(key).cues or [m.input(key).label])
    words = {}
    for cue, lists in said.items():
        shared = [c for c in lists[0] if all(c in other for other in lists[1:])]
        words[cue] = shared[0] if len(lists) > 1 and shared else lists[0][0]
    return words


@lru_cache(maxsize=4)
def _pattern(book: PolicyBook) -> tuple[re.Pattern, dict[str, str], list[tuple[tuple[str, ...], str]], re.Pattern,
                                        tuple[re.Pattern, frozenset[tuple[str, str]]]]:
    words: dict[str, str] = {}
    for en, zh in book.english_cues:
        words.setdefault(en, zh)
    for en, zh in _measure_keywords(book).items():
        words.setdefault(en, zh)
    for cue, zh in _input_cues(book).items():
        words.setdefault(cue, zh)
    for t in book.types.values():
        for w in (t.en.words if t.en and t.words else []):
            words.setdefault(w.lower(), t.words[0])
    for s in book.summaries:
        for k in s.en.keywords:
            words.setdefault(k.lower(), s.keywords[0])
    # Spellings that fold alike ("licence", "licences", "license"): the one written as it folds decides, else the
    # longer cue.
    folded: dict[str, tuple[bool, int, str]] = {}
    for en, zh in words.items():
        key = plain_words(en)
        rank = (key == en, len(zh), zh)
        if key not in folded or rank[:2] > folded[key][:2]:
            folded[key] = rank
    words = {key: zh for key, (_, _, zh) in folded.items()}
    phrases = "|".join(rf"(?<![a-z]){re.escape(w)}(?![a-z])" for w in sorted(words, key=len, reverse=True))
    numbers = "|".join(NUMBER_WORDS)
    return re.compile(rf"(?P<owned>{OWNED_HQ})|(?P<range>{RANGE})|(?P<amount>{_amount(book)})|(?P<rank>{RANKS})|(?P<phrase>{phrases})"
                      rf"|(?<![a-z])(?P<number>{numbers})(?![a-z])(?!\s+(?:off|time)\b)(?:\s+(?P<years>years?)(?![a-z]))?|(?P<word>[a-z]+)"), \
        words, _kinds(book), _one(book), _shared_head(words)


def _shared_head(words: dict[str, str]) -> tuple[re.Pattern, frozenset[tuple[str, str]]]:
    """"one international and one national (financial) standard", "one x, one y and one z standard": two-word
    cues sharing their last word, written once; each modifier gets the word back, or only the last cue is read."""
    pairs = frozenset(tuple(w.split()) for w in words if len(w.split()) == 2)
    mods = "|".join(sorted({m for m, _ in pairs}, key=len, reverse=True))
    heads = "|".join(sorted({h for _, h in pairs}, key=len, reverse=True))
    return re.compile(rf"\b(?P<m1>{mods})(?P<join>\s*,\s*(?:and\s+)?|\s*[+&]\s*|\s+(?:and|or|as well as|plus)\s+)(?P<mid>(?:[a-z0-9]+\s+)?)(?P<m2>{mods})\s+"
                      rf"(?P<fill>[a-z]+\s+)??(?P<head>{heads})\b"), pairs


def _with_heads(text: str, shared: tuple[re.Pattern, frozenset[tuple[str, str]]]) -> str:
    pattern, pairs = shared

    def spelt(m: re.Match) -> str:
        if {(m["m1"], m["head"]), (m["m2"], m["head"])} <= pairs:
            return f"{m['m1']} {m['head']}{m['join']}{m['mid']}{m['m2']} {m['head']}"
        return m.group(0)
    while (spelt_out := pattern.sub(spelt, text)) != text:     # a list: "one x, one y and one z standard"
        text = spelt_out
    return text


def _one(book: PolicyBook) -> re.Pattern:
    """"a" or "an" before a thing the measures count ("an international standard", "a new payment licence", named by
    an input's cue or by a vocabulary word for one) is 1."""
    counted = {plain_words(cue) for m in book.measures for key, inp in m.en.inputs.items()
               if m.input(key).kind == "count" for cue in inp.cues}
    chinese = {cue for m in book.measures for inp in m.inputs if inp.kind == "count" for cue in (inp.label, *inp.cues)}
    counted |= {plain_words(en) for en, zh in book.english_cues if zh in chinese}
    things = "|".join(re.escape(c) for c in sorted(counted, key=len, reverse=True))
    return re.compile(rf"\b(?:a|an|single)\s+(?=(?:new\s+|newly\s+[a-z]+\s+)?(?:{things})(?![a-z]))")


def _kinds(book: PolicyBook) -> list[tuple[tuple[str, ...], str]]:
    """The words of each English keyword that tells one measure from its rivals (`versus`: national or ministry
    commendation, personal or enterprise credit bureau) → that measure's own Chinese keyword."""
    own = _measure_keywords(book)

    def content(keyword: str) -> tuple[str, ...]:
        return tuple(w for w in plain_words(keyword).split() if w not in STOP)
    kinds = []
    for m in (m for m in book.measures if m.versus):
        rivals = {w for r in m.versus for k in book.measure(r).en.keywords for w in content(k)}
        for k in m.en.keywords:
            words = content(k)
            if len(words) > 1 and set(words) - rivals:       # a word of its own kind ("national", "personal")
                kinds.append((words, own[k.lower()]))
    return kinds


def _loosely(words: tuple[str, ...], tokens: list[str]) -> bool:
    """All the words within a few words of each other, in any order ("commended at national (State) level")."""
    at = [i for i, t in enumerate(tokens) if t in words]
    span, wanted = len(words) + LOOSE_SLACK, Counter(words)
    return any(not wanted - Counter(tokens[j] for j in at if i <= j < i + span) for i in at)


def _measure_keywords(book: PolicyBook) -> dict[str, str]:
    """Each English measure keyword → a Chinese keyword of exactly the measures that have it, so that "commended
    by a ministry" names the ministry award, not every award of its article."""
    owners: dict[str, list] = {}
    for m in book.measures:
        for k in m.en.keywords:
            owners.setdefault(k.lower(), []).append(m)
    chinese: dict[str, set[str]] = {}
    for m in book.measures:
        for k in m.keywords:
            chinese.setdefault(k, set()).add(m.id)
    out = {}
    for en, measures in owners.items():
        ids = {m.id for m in measures}
        out[en] = next((k for k in measures[0].keywords if chinese[k] == ids), measures[0].keywords[0])
    return out


def cue_words(book: PolicyBook) -> dict[str, str]:
    """Each English word or phrase the extractor knows → the Chinese cue it reads as."""
    return _pattern(book)[1]


def _ranges_spelled(text: str) -> str:
    """"between 9bn and 11bn", "9bn-11bn" written as the Chinese range 90亿到110亿 first, so that the two ends are
    not read as two items."""
    def spelled(m: re.Match) -> str:
        currency = bool(m["bcur"] or m["dcur"] or m["bcur2"])
        low = chinese_figure(m["blo"] or m["dlo"], m["bloscale"] or m["dloscale"], currency)
        return f" {low}到{chinese_figure(m['bhi'], m['bhiscale'], currency)} "
    return BETWEEN.sub(spelled, text)


def _months_said(english: str, cues: str) -> str:
    """The year the cues hold for "March 2026" gets its month (2026年3月)."""
    for m in MONTH_YEAR.finditer(english.lower()):
        cues = re.sub(rf"{m[2]}年(?!\d{{1,2}}月)", f"{m[2]}年{MONTHS.index(m[1]) + 1}月", cues, count=1)
    return cues


# "…commended at national level in 2024 - award?": the money word alone after the case asks how much
TERSE_ASK = re.compile(r"(?<=[-–—,.:;!])\s*(?:one[- ]off\s+)?(?:subsid(?:y|ies)|awards?|rewards?|grants?)\s*\?+\s*$",
                       re.IGNORECASE)


# "is the 100万 subsidy available?": the amount names the subsidy hoped for, as "能拿100万补贴吗" does, not a figure
HOPED = re.compile(r"\b(?:is|are|get|claim|receive|apply for|qualify for|eligible for)\s+the\s+(?P<amount>(?:rmb|cny)?\s*\d[\d.,]*\s*(?:万|亿|million|mn|m|k|bn|billion)?(?:\s*(?:yuan|rmb))?)"
                   r"[\s-]+(?:one[- ]off\s+)?(?P<word>subsid(?:y|ies)|awards?|grants?|rewards?)\b", re.IGNORECASE)
HOPED_WORD = {"subsid": "补贴", "award": "奖励", "grant": "补助", "reward": "奖励"}


def _hoped(m: re.Match) -> str:
    return f" 能拿{m['amount'].strip()}{next(v for k, v in HOPED_WORD.items() if m['word'].lower().startswith(k))}吗 "


def _rephrased(text: str) -> str:
    """The English question as its words are read: possessives folded, a terse "- award?" and a hoped-for amount
    said as questions, Chinese glosses moved after it."""
    text = HOPED.sub(_hoped, TERSE_ASK.sub(" how much?", PLURAL_POSSESSIVE.sub("", text)))
    glosses = GLOSS.findall(text)
    return " ".join([GLOSS.sub("", text), *glosses])


def to_cues(text: str, book: PolicyBook) -> str:
    """The English question in the words the Chinese extractor reads."""
    pattern, words, kinds, one_of, shared = _pattern(book)

    def one(m: re.Match) -> str:
        if m["owned"]:
            return "的总部"
        if m["number"]:
            return str(NUMBER_WORDS[m["number"]]) + ("年" if m["years"] else "个")      # "in one year" is a span
        if m["range"]:
            currency = bool(m["rcur"] or m["rcur2"])
            return "到".join(chinese_figure(m[end], m["rscale"], currency) for end in ("lo", "hi"))
        if m["amount"]:
            currency = bool(m["cur"] or m["cur2"])
            if YEAR.fullmatch(m["num"]) and not (currency or m["scale"]):
                return f"{m['num']}年"          # "end-2022" is a date, not a figure
            return chinese_figure(m["num"], m["scale"], currency) + ("外币" if m["fx"] or m["fx2"] else "")
        if m["rank"]:
            return f"前{m['top']}名" if m["top"] else f"第{m['place'] or m['nth']}名"
        return words[m["phrase"]] if m["phrase"] else " "
    worded = WORDED.sub(lambda m: "0.5 " if m["half"] else f"{NUMBER_WORDS.get(m['word'], 1)} ",
                        NOT_FIGURES.sub("paid ", ARTICLE_REF.sub(r" 第\1条 ", plain_words(_rephrased(text)))))
    worded = _ranges_spelled(worded)
    worded = ELLIPTIC_COUNT.sub(lambda m: f"{m['n1']} {m['thing']} {m['when']}{m['mid']}{m['n2']} {m['thing']}",
                                _with_heads(worded, shared))
    worded = _paired(book).sub("respectively ", one_of.sub("1 ", worded))
    worded = RISE_TO.sub(" 增长到 ", worded)
    cues = _years_first(book, re.sub(r"\s+", " ", pattern.sub(one, worded)).strip())
    tokens = re.findall(r"[a-z0-9]+", worded)
    named = [zh for words_, zh in kinds if zh not in cues and _loosely(words_, tokens)]
    cues = _months_said(text, " ".join(dict.fromkeys([cues, *named])))
    return f"{cues} 能拿多少" if ASKS_AMOUNT.search(text) else cues


# "Shanghai's subsidy for a new HQ - compare w Hangzhou": Hangzhou named as the yardstick, not as what is asked.
HOME_COMPARED = re.compile(r"\b(?:compared?|comparison|vs\.?|versus)\s+(?:w/?|with|to|against)?\s*(?:the\s+)?(?:hangzhou|hz)(?:['’]s)?"
                           r"(?:\s+(?:one|ones|policy|policies|subsidy|subsidies))?\b", re.IGNORECASE)


def for_reading(text: str, book: PolicyBook, lang: str) -> str:
    return to_cues(HOME_COMPARED.sub(" ", places_of_asker_dropped(text)), book) if lang == "en" else text
