"""English text for matching: lower-case, possessives and plurals folded ("town's" → "town", "boundaries" →
"boundary"), stop words dropped; Chinese names inside an English question go through the Chinese pipeline.

It offers what faq/matcher.py needs from a language (words, features, fold, numbers, place names), so the
same FaqMatcher ranks the English phrasings and answers.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from faq import nlp
from faq.vocabulary import compiled, vocabulary

LATIN = re.compile(r"[a-z][a-z0-9]*(?:[-'’][a-z0-9]+)*|\d+(?:\.\d+)?")
CJK_RUN = re.compile(r"[\u3400-\u9fff〔〕]+")
POSSESSIVE = re.compile(r"['’]s\b|(?<=s)['’](?=\s|$)")     # "firms'" keeps its plural for stem()
ENDINGS = (("ies", "y"), ("sses", "ss"), ("uses", "us"), ("xes", "x"), ("ches", "ch"), ("shes", "sh"))
KEEP_S = ("ss", "us", "is", "os", "as", "ics", "ews")
STOP = frozenset(vocabulary().stop.en)
SYNONYMS = vocabulary().english.synonyms
ORDINALS = vocabulary().english.ordinals
KEPT_PLURALS = frozenset(vocabulary().english.kept_plurals)
TERMS = vocabulary().english.terms
TERM = re.compile(rf"(?<![a-z])(?:{'|'.join(map(re.escape, sorted(TERMS, key=len, reverse=True)))})(?![a-z])")
ORDINAL = re.compile(rf"\b(?:{'|'.join(map(re.escape, sorted(ORDINALS, key=len, reverse=True)))})\b")
LEVEL = re.compile(r"(?<=[a-z0-9])-(?=(?:level|class|grade|type|based|related)\b)")     # "CFA-level" is about the CFA
CROSS_BORDER = re.compile(r"\bcross[- ]?border\b")      # about payments and trade, not a boundary
EDGE = re.compile(r"\b((?:north|south|east|west)(?:ern)?) edges?\b")   # "the northern edge" is a boundary, no advantage
DOCUMENT_NUMBER = re.compile(r"\b(?:document|doc|file|reference) (?:number|no\b\.?)")   # a name, not a count
# "hi, we're a HK-based asset manager looking at 运河财富小镇." / "i'm from a singapore family office, …": the asker's
# introduction, up to the end of its clause, is no question (the places it names are the asker's, not those asked of).
_CUES = vocabulary().reading
INTRO = re.compile(rf"^(?:(?:{'|'.join(_CUES.greetings_en)})\b[^,.!?:]{{0,20}}[,.!:]\s*)*(?:{'|'.join(_CUES.intro_en)})\b"
                   r"(?=\s+(?:a|an|the|from|with|at|in|on|one|part|based|[a-z]+-based)\b|(?<=at|or|th)\s)"  # or "I work at X"
                   r"[^,.;:!?]*?(?:[,.;:!]|\s[-–—]+\s)\s*"
                   # "我是外资银行的 Kevin, which …?": a Chinese introduction before an English question
                   rf"|^(?:{'|'.join(w for w in _CUES.self_intro if CJK_RUN.search(w))})[^,.;:!?，。；：！？]*[,，.。;；:：!！]\s*",
                   re.IGNORECASE)
# Places the knowledge does not cover, named in English ("Beijing-Hangzhou Grand Canal" names the canal).
ELSEWHERE = re.compile(rf"\b({'|'.join(vocabulary().elsewhere.en)})\b")
ELSEWHERE_ANY = re.compile(ELSEWHERE.pattern, re.IGNORECASE)
# "Singapore vs Hangzhou", "like in Singapore", "does Hangzhou have the same": another place compared with the town's.
COMPARES = re.compile(rf"\b(?:{'|'.join(vocabulary().elsewhere.compares_en)})(?![a-z])")
# "REITs listing in Hong Kong": the place named after a listing is where it is listed, not whose policy is asked.
LISTING_VENUE = re.compile(r"\b(?:list|listed|listing|ipo|float|floated|floating)\s+(?:[a-z]+\s+){0,3}(?:in|on)\s+(?:the\s+)?$")
# A year that names a document ("the 2016 plan", "the 2023 doc", "杭政办〔2023〕2号", "杭政办2023-2") asks for no figure
# of that year; "2020 in the 十三五 plan", "2025 under the bay plan": a year before a preposition is the year asked, of
# that document.
DOCUMENT_WORDS = r"(plan|policy|policies|yearbook|opinions?|implementation|five-year|fyp|document|docs?|measures?)"
DOCUMENT_YEAR = re.compile(r"〔\d{4}〕|(?<=[\u4e00-\u9fff])(19|20)\d\d(?=\s*[-–—]\s*\d|年?\d+号)"
                           r"|\b(19|20)\d\d(?=\s*(?:no\.?|number|#)\s*\d)"      # "Hangzheng Ban 2023 No.2"
                           r"|\b(19|20)\d\d(\s*[-–—]\s*(19|20)\d\d)?(?=\s+((?!in\b|under\b|per\b|by\b|of\b|from\b)\S+\s+){0,3}"
                           rf"{DOCUMENT_WORDS}\b)", re.IGNORECASE)
# "still in force in 2026?", "is it still running? it's dec 2026 now", "the 13th FYP (2016)": the date a document's
# validity is asked at, or the year in brackets that names it, is no part of the question (and asks no figure of it).
ASKED_AT = re.compile(r"(?P<keep>\b(?:in force|in effect|valid|running|over|expired|lapsed|apply|applies|applicable)\b"
                      r"[^?.!,;]{0,12}?)\b(?:in|on|by|as of|until|till)\s+(?:[a-z]+\s+)?(?:19|20)\d\d\b"
                      r"|\bit(?:['’]s| is)\s+(?:now\s+)?(?:[a-z]+\s+)?(?:19|20)\d\d\b(?:\s+now\b)?"
                      rf"|(?P<doc>\b{DOCUMENT_WORDS})\s*\(\s*(?:19|20)\d\d\s*\)", re.IGNORECASE)


def without_asked_at(text: str) -> str:
    return ASKED_AT.sub(lambda m: f"{m.group('keep') or m.group('doc') or ''} ", text).strip()


# "How big / how large / size" asks for an area only of a place named, and not beside another figure ("how large
# is the AUM", "how big were premiums meant to be", "how big is the risk pool").
GENERIC_SIZE = re.compile(r"\b(?:how big|how large|size)\b")
EXPLICIT_AREA = re.compile(r"\barea\b|\bsquare\b|\bsq\b|km2|km²|\bfloor space\b|\bhectare|\bmu\b")
OTHER_FIGURES = frozenset({"fund-scale", "tax", "revenue"})
_MONTHS = r"(?:january|february|march|april|may|june|july|august|september|october|november|december)"
_YEAR = r"\b(?:19|20)\d\d\b"
# What an English "how many / which year / when" question needs its answer to hold (as reading.NEEDS does for
# Chinese): a figure that is not a year, a year, a date.
NEEDS = compiled(vocabulary().needs.en, {"year": _YEAR, "months": _MONTHS})
# The policy is one document, so its year tells nothing apart; a plan's year tells the plans apart and counts.
POLICY_YEAR = re.compile(r"\b20\d\d(?=\s+(\S+\s+){0,3}(policy|policies|opinions?|document|docs?|measures?)\b)", re.IGNORECASE)
# "the 13th FYP", "14th five-year plan": the plan's name, no figure asked.
PLAN_ORDINAL = re.compile(r"\b\d{1,2}(?:st|nd|rd|th)\s*(?:five[- ]?year|fyp|5[- ]?year)", re.IGNORECASE)
PLACES = frozenset(vocabulary().english.places)
WORDS = STOP | frozenset(vocabulary().english.words)


def without_intro(text: str) -> str:
    """An English message without the asker's introduction, unless that is all it says."""
    intro = INTRO.match(text)
    return text[intro.end():] if intro and text[intro.end():].strip() else text


def places_of_asker_dropped(text: str) -> str:
    """The places named in the asker's introduction left out ("i'm from a singapore family office" says who asks),
    the rest of the introduction (what kind of institution asks) kept."""
    intro = INTRO.match(text)
    if not intro or not text[intro.end():].strip():
        return text
    return ELSEWHERE_ANY.sub(" ", intro.group(0)) + text[intro.end():]


@lru_cache(maxsize=16384)         # the same few thousand words, over every text read
def stem(word: str) -> str:
    """One word's folded form: plural endings off (but for the plurals kept: "towns" are not the town), British
    spellings and common variants folded."""
    if word in KEPT_PLURALS:
        return word
    for end, repl in ENDINGS:
        if word.endswith(end) and len(word) >= len(end) + 2:
            word = word[: -len(end)] + repl
            break
    else:
        if word.endswith("s") and len(word) > 3 and not word.endswith(KEEP_S):
            word = word[:-1]
    return SYNONYMS.get(word, word)


def fold(text: str) -> str:
    """NFKC, lower-case, possessives dropped, each Latin word stemmed; everything else as it was."""
    text = POSSESSIVE.sub("", unicodedata.normalize("NFKC", text).lower())
    text = TERM.sub(lambda m: f" {TERMS[m.group(0)]} ", text)
    text = ORDINAL.sub(lambda m: ORDINALS[m.group(0)], text)
    text = EDGE.sub(r"\1 boundary", CROSS_BORDER.sub("crossborder", LEVEL.sub(" ", text)))
    text = DOCUMENT_NUMBER.sub("docnumber", text)
    return re.sub(r"[a-z]+", lambda m: m.group(0) if m.group(0) in STOP else stem(m.group(0)), text)


def words(text: str) -> list[str]:
    folded = fold(text)
    latin = [w for w in LATIN.findall(CJK_RUN.sub(" ", folded)) if w not in STOP]
    return latin + [w for run in CJK_RUN.findall(folded) for w in nlp.words(run)]


def features(text: str) -> set[str]:
    """Words, plus the char bigrams of the Chinese words (names typed in Chinese overlap partially)."""
    return features_of(words(text))


def features_of(ws: list[str]) -> set[str]:
    chinese = "".join(w for w in ws if CJK_RUN.fullmatch(w))
    return set(ws) | {"#" + chinese[i:i + 2] for i in range(len(chinese) - 1)}


def fold_phrase(text: str) -> str:
    """What keywords are compared with: the words joined by single spaces."""
    return " ".join(words(text))


def numbers(text: str) -> set[str]:
    """The figures a text states; the year of a document's name ("the 2023 policy") or a plan's ordinal ("the 13th
    FYP") is none of them."""
    return nlp.numbers(PLAN_ORDINAL.sub(" ", POLICY_YEAR.sub(" ", text.replace(",", ""))))


@lru_cache(maxsize=1)
def place_names() -> frozenset[str]:
    return PLACES | nlp.place_names()


def add_words(words_, source: str) -> None:
    nlp.add_words((w for w in words_ if CJK_RUN.search(w)), source)


def asks_area(text: str, named: list[str], aspects: list[str]) -> bool:
    folded = fold(text)
    if EXPLICIT_AREA.search(folded) or not GENERIC_SIZE.search(folded):
        return True
    return bool(named) and not OTHER_FIGURES & set(aspects)
