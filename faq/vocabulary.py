"""The reviewed word lists of faq/vocabulary.yaml: stop words, English spellings, places the knowledge does not
cover, the words that ask, continue a conversation or introduce the asker, and what an answer must hold to answer
what is asked. Validated once at load."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Annotated

from pydantic import Field

from faq.schema import Pattern, Patterns, Strict, Words, load_sections, one_of, validated_once

PATH = Path(__file__).resolve().parent / "vocabulary.yaml"
Spellings = Annotated[dict[Annotated[str, Field(min_length=1)], Annotated[str, Field(min_length=1)]],
                      Field(min_length=1)]


class Stop(Strict):
    zh: Words
    en: Words


class English(Strict):
    synonyms: Spellings
    ordinals: Spellings
    terms: Spellings          # a term of an English question (Chinese ones too) → the English answers' words
    places: Words
    kept_plurals: Words
    words: Words             # English beside the data's words and the stop words: "asdf qwer" holds none


class Elsewhere(Strict):
    zh: Words
    en: Patterns
    compares_en: Patterns


class Cues(Strict):
    asking: Patterns
    follow_up: Patterns
    points_back: Patterns
    within: Patterns
    members: Patterns
    relative_years: Annotated[dict[Annotated[str, Field(min_length=1)], int], Field(min_length=1)]
    periods: Annotated[dict[Annotated[str, Field(min_length=1)], tuple[int, int]], Field(min_length=1)]
    self_intro: Patterns
    greetings_en: Patterns
    intro_en: Patterns
    who_is: Patterns
    joins: Patterns
    joins_en: Patterns
    shared: Patterns
    confirms: Patterns
    enumerated: Patterns
    subjectless: Patterns
    kinds: Words
    kind_subjects: Words
    not_counted: Words       # words before a count that name no thing counted ("一共几家", "目前有多少家")
    asks_alone: Words        # an asking word that is a question by itself between spaces ("小镇在哪 多大 有几栋楼")


class Need(Strict):
    asks: Patterns
    holds: Patterns          # may name the number formats the code fills in: {number}, {year}, {month}, {day}, {months}
    ignore_case: bool = False


class Needs(Strict):
    units: Annotated[dict[Pattern, Pattern], Field(min_length=1)]     # a count's unit asked → the units told
    zh: Annotated[list[Need], Field(min_length=1)]
    en: Annotated[list[Need], Field(min_length=1)]


@dataclass(frozen=True)
class Vocabulary:
    stop: Stop
    english: English
    elsewhere: Elsewhere
    reading: Cues
    needs: Needs


def load(path: Path = PATH) -> Vocabulary:
    return Vocabulary(**load_sections(path, {"stop": Stop, "english": English, "elsewhere": Elsewhere,
                                             "reading": Cues, "needs": Needs}))


def compiled(needs: list[Need], formats: dict[str, str]) -> list[tuple[re.Pattern, re.Pattern]]:
    """(what a question asks, what its answer must hold) of each need, the number `formats` its holds name filled in."""
    def filled(pattern: str) -> str:
        for name, form in formats.items():
            pattern = pattern.replace(f"{{{name}}}", form)
        return pattern
    return [(one_of(n.asks), one_of(list(map(filled, n.holds)), re.IGNORECASE if n.ignore_case else 0)) for n in needs]


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    return validated_once("vocabulary", PATH, load, Path(__file__))
