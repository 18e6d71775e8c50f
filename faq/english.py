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

LATIN = re.compile(r"[a-z][a-z0-9]*(?:[-'’][a-z0-9]+)*|\d+(?:\.\d+)?")
CJK_RUN = re.compile(r"[\u3400-\u9fff〔〕]+")
POSSESSIVE = re.compile(r"['’]s\b|(?<=s)['’](?=\s|$)")     # "firms'" keeps its plural for stem()
ENDINGS = (("ies", "y"), ("sses", "ss"), ("uses", "us"), ("xes", "x"), ("ches", "ch"), ("shes", "sh"))
KEEP_S = ("ss", "us", "is", "os", "as", "ics", "ews")
STOP = frozenset("""
a an the is are was were be been being am do does did doing done have has had having of in on at to for from by
with and or but if so as than then that this these those there here it its it's they them their we our us you your
i me my he she his her what whats how which who whom whose why can could would will should shall may might must
please tell me know about any some also just yo pls plz hi hello hey kindly exactly roughly approximately
get got give gave go going s t into onto out over up down again currently still really very much
explain explained describe curious wondering wonder briefly wanted wish interested thanks thank cheers dear madam
guys morning afternoon evening i'm i'd i've i'll we're we'd we've we'll you're let find understand learn
""".split())
SYNONYMS = {"centre": "center", "kilometre": "kilometer", "metre": "meter", "sqm": "meter", "km": "kilometer",
            "km2": "kilometer", "hq": "headquarters", "hqs": "headquarters", "headquarter": "headquarters", "firm": "company",
            "enterprise": "company", "fin": "financial", "finance": "financial", "institutions": "institution",
            "biggest": "largest", "border": "boundary", "edge": "advantage",
            "count": "many", "number": "many", "licence": "license", "organisation": "organization",
            "eastern": "east", "western": "west", "southern": "south", "northern": "north", "segment": "sector",
            "subsector": "sector",
            # verb forms, variants and abbreviations folded to the documents' words
            "subsidise": "subsidy", "subsidize": "subsidy", "subsidised": "subsidy", "subsidized": "subsidy",
            "subsidising": "subsidy", "subsidizing": "subsidy", "grant": "subsidy", "bonus": "reward",
            "rewarded": "reward", "tower": "building", "skyscraper": "building", "rental": "rent", "renting": "rent",
            "rented": "rent", "manage": "management", "managed": "management", "managing": "management",
            "mgmt": "management", "class": "grade", "relocate": "move", "relocation": "move", "relocating": "move",
            "relocated": "move", "moved": "move", "moving": "move", "setup": "set", "setting": "set",
            "register": "registered", "registering": "registered", "staff": "talent", "employee": "talent",
            "worker": "talent", "personnel": "talent", "headcount": "talent", "eligibility": "eligible",
            "criterion": "requirement", "criteria": "requirement", "maximum": "cap", "max": "cap",
            "ceiling": "cap", "taxation": "tax", "turnover": "revenue", "province": "provincial",
            "blueprint": "plan", "roadmap": "plan", "broker": "securities", "brokerage": "securities",
            "objective": "target", "kpi": "target", "goal": "target", "perimeter": "boundary",
            "situated": "location", "located": "location", "locate": "location", "telephone": "phone",
            "hotline": "phone", "tel": "phone", "honor": "honour", "prize": "award", "program": "programme",
            "invest": "investment", "investing": "investment",
            "invested": "investment", "gov": "government", "govt": "government", "dept": "department",
            "info": "information", "intl": "international", "startup": "start-up", "banking": "bank",
            "insurer": "insurance", "yr": "year", "pe": "private equity", "vc": "venture capital",
            "yrd": "yangtze river delta", "targeting": "target", "targeted": "target", "focusing": "focus",
            "focused": "focus", "attracting": "attract", "attracted": "attract", "supporting": "support",
            "supported": "support", "launching": "launch", "launched": "launch", "hosting": "host", "hosted": "host",
            "fyp": "five-year plan", "credential": "qualification", "stack": "combined", "stacked": "combined", "stacking": "combined",
            "combine": "combined", "position": "positioning", "positioned": "positioning", "specialise": "focus", "specialize": "focus", "specialising": "focus", "specializing": "focus"}
ORDINALS = {"12th": "twelfth", "13th": "thirteenth", "14th": "fourteenth", "15th": "fifteenth"}
LEVEL = re.compile(r"(?<=[a-z0-9])-(?=(?:level|class|grade|type|based|related)\b)")     # "CFA-level" is about the CFA
CROSS_BORDER = re.compile(r"\bcross[- ]?border\b")      # about payments and trade, not a boundary
DOCUMENT_NUMBER = re.compile(r"\b(?:document|doc|file|reference) (?:number|no\b\.?)")   # a name, not a count
# Places the knowledge does not cover, named in English ("Beijing-Hangzhou Grand Canal" names the canal).
ELSEWHERE = re.compile(r"\b(shanghai|lujiazui|beijing(?!-hangzhou)|shenzhen|qianhai|guangzhou|nansha|tianjin|chongqing"
                       r"|chengdu|suzhou|nanjing|wuhan|xi'an|hong kong|macau|macao|hainan|hengqin|singapore|xiamen"
                       r"|qingdao|hefei|london|new york|tokyo)\b")
# A year that names a document ("the 2016 plan", "杭政办〔2023〕2号") asks for no figure of that year.
DOCUMENT_YEAR = re.compile(r"〔\d{4}〕|\b(19|20)\d\d(\s*[-–—]\s*(19|20)\d\d)?(?=\s+(\S+\s+){0,3}(plan|policy|policies|"
                           r"yearbook|opinions|implementation|five-year|document|measures?)\b)", re.IGNORECASE)
# "How big / how large / size" asks for an area only of a place named, and not beside another figure ("how large
# is the AUM", "how big were premiums meant to be", "how big is the risk pool").
GENERIC_SIZE = re.compile(r"\b(?:how big|how large|size)\b")
EXPLICIT_AREA = re.compile(r"\barea\b|\bsquare\b|\bsq\b|km2|km²|\bfloor space\b|\bhectare|\bmu\b")
OTHER_FIGURES = frozenset({"fund-scale", "tax", "revenue"})
_MONTHS = r"(?:january|february|march|april|may|june|july|august|september|october|november|december)"
_YEAR = r"\b(?:19|20)\d\d\b"
# What an English "how many / which year / when" question needs its answer to hold (as reading.NEEDS does for
# Chinese): a figure that is not a year, a year, a date.
NEEDS = [(re.compile(r"\bhow (?:many|much)\b"),
          re.compile(r"(?<![\d.])(?!(?:19|20)\d\d\b)\d[\d.,]*|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|"
                     r"eleven|twelve|dozens?|hundreds?|thousands?)\b", re.IGNORECASE)),
         (re.compile(r"\bin (?:yuan|rmb)\b|\bhow much (?:money|rmb|yuan)\b"),
          re.compile(r"\b(?:rmb|yuan)\b|元", re.IGNORECASE)),
         (re.compile(r"\b(?:which|what) year\b"), re.compile(_YEAR)),
         (re.compile(r"\bwhen\b"), re.compile(rf"{_YEAR}|\b{_MONTHS}\b", re.IGNORECASE))]
# The policy is one document, so its year tells nothing apart; a plan's year tells the plans apart and counts.
POLICY_YEAR = re.compile(r"\b20\d\d(?=\s+(\S+\s+){0,3}(policy|policies|opinions|document|measures?)\b)", re.IGNORECASE)
PLACES = frozenset("""shanghai lujiazui beijing shenzhen qianhai guangzhou nansha tianjin chongqing chengdu suzhou nanjing
wuhan xian hong kong macau macao hainan hengqin singapore xiamen qingdao hefei wenzhou taizhou jinhua lishui quzhou
yiwu london tokyo new york""".split())


def stem(word: str) -> str:
    """One word's folded form: plural endings off, British spellings and common variants folded."""
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
    text = re.sub(r"\b1[2-5]th\b", lambda m: ORDINALS[m.group(0)], text)
    text = CROSS_BORDER.sub("crossborder", LEVEL.sub(" ", text))
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
    """The figures a text states; the year of a document's name ("the 2023 policy") is none of them."""
    return nlp.numbers(POLICY_YEAR.sub(" ", text.replace(",", "")))


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
