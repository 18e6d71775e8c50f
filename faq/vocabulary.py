"""The reviewed word lists of faq/vocabulary.yaml: stop words, English spellings, places the knowledge does not
cover and the words that ask, continue a conversation or introduce the asker. Validated once at load."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Annotated

from pydantic import Field

from faq.schema import Patterns, Strict, Words, load_sections, validated_once

PATH = Path(__file__).resolve().parent / "vocabulary.yaml"
Spellings = Annotated[dict[Annotated[str, Field(min_length=1)], Annotated[str, Field(min_length=1)]],
                      Field(min_length=1)]


class Stop(Strict):
    zh: Words
    en: Words


class English(Strict):
    synonyms: Spellings
    ordinals: Spellings
    places: Words


class Elsewhere(Strict):
    zh: Words
    en: Patterns


class Cues(Strict):
    asking: Patterns
    follow_up: Patterns
    self_intro: Patterns
    who_is: Patterns


@dataclass(frozen=True)
class Vocabulary:
    stop: Stop
    english: English
    elsewhere: Elsewhere
    reading: Cues


def load(path: Path = PATH) -> Vocabulary:
    return Vocabulary(**load_sections(path, {"stop": Stop, "english": English, "elsewhere": Elsewhere,
                                             "reading": Cues}))


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    return validated_once("vocabulary", PATH, load, Path(__file__))
