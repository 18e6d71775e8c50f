"""The reviewed phrases of bot/phrases.yaml: cancelling, greetings, small talk, asking for notices, events, contacts, a person in words, the
quick-check's words, where a message's parts start, and what is no part of an option typed back.
Validated once at load."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from faq.schema import Patterns, Strict, Words, load_sections, validated_once

PATH = Path(__file__).resolve().parent / "phrases.yaml"


class Cancel(Strict):
    words: Words
    particles: Words


class RuleAsked(Strict):
    words: Patterns
    en: Patterns


class Greeting(Strict):
    words: Patterns


class SmallTalk(Strict):
    thanks: Patterns
    acknowledgements: Patterns
    goodbyes: Patterns
    endings: Patterns
    fragments: Patterns
    bare_asks: Patterns


class SegmentWords(Strict):
    """How users name each 分会 (keys: the segment ids of bot/alliance/audience.py)."""
    licensed: Patterns
    quasi: Patterns
    key: Patterns
    foreign: Patterns


class Subscribe(Strict):
    clauses: Patterns
    opt_out: Patterns
    opt_in: Patterns
    keep: Patterns
    tell_me: Patterns
    joins: Patterns
    leaves: Patterns
    asks_how: Patterns
    asks_which: Patterns
    about_notices: Patterns
    events: Patterns
    news: Patterns
    branch: Patterns
    everything: Patterns
    segments: SegmentWords
    registering: Patterns
    mine: Patterns
    yes_no: Patterns
    requests: Patterns
    unchanged: Patterns
    sounds: Words


class Handoff(Strict):
    lead: Words
    verbs: Words
    persons: Words
    tails: Words
    sentences: Patterns
    call_me: Patterns
    number_asked: Patterns
    requests_en: Patterns
    sentences_en: Patterns
    ends: Words


class MenuWords(Strict):
    """Other names of the main menu's buttons, by command."""
    faq: list[str] = []
    policy: list[str] = []
    calc: list[str] = []
    contacts: list[str] = []
    events: list[str] = []
    subscribe: list[str] = []


class CalcWords(Strict):
    ceiling_asked: Patterns
    part_of_it: Patterns
    another_lead: Words
    another_if: Words
    another_tail: Words
    another_ask: Words
    restated_verbs: Words
    restated_asks: Words
    restated_fillers: Words
    restated_en: Words


class Parts(Strict):
    starts: Words


class EventsAsked(Strict):
    asks: Patterns


class ContactsAsked(Strict):
    asks_en: Patterns


class Options(Strict):
    fillers: Words


@dataclass(frozen=True)
class Phrases:
    cancel: Cancel
    rule_asked: RuleAsked
    greeting: Greeting
    small_talk: SmallTalk
    subscribe: Subscribe
    handoff: Handoff
    calc: CalcWords
    parts: Parts
    events: EventsAsked
    contacts: ContactsAsked
    menu: MenuWords
    options: Options


def load(path: Path = PATH) -> Phrases:
    return Phrases(**load_sections(path, {"cancel": Cancel, "rule_asked": RuleAsked, "greeting": Greeting, "small_talk": SmallTalk,
                                          "subscribe": Subscribe, "handoff": Handoff, "calc": CalcWords, "parts": Parts, "events": EventsAsked,
                                          "contacts": ContactsAsked, "menu": MenuWords, "options": Options}))


@lru_cache(maxsize=1)
def phrases() -> Phrases:
    return validated_once("phrases", PATH, load, Path(__file__))
