"""The knowledge snapshot (FAQ, contacts, documents, policy measures) and the matchers and readers built from
it, swapped whole on reload."""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from faq import english, nlp
from faq.derived import CACHE_DIR, gc_paused, keep_for_good
from faq.gazetteer import Gazetteer
from faq.knowledge import Knowledge, load_cached
from faq.matcher import FaqMatcher
from faq.reading import Reader
from policy_data.loader import PolicyBook, load_cached_book

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Snapshot:
    """Everything built from one loading of the data files."""
    knowledge: Knowledge
    faq: FaqMatcher
    policy: PolicyBook
    gazetteer: Gazetteer
    readers: dict[str, Reader]


class KnowledgeBase:
    """The current knowledge snapshot and the matchers built from it. A reload builds a new snapshot (in a worker
    thread when called from the event loop: `await asyncio.to_thread(kb.reload)`) and swaps it in with one
    assignment, so a message is read and answered from one snapshot or the other, never a mix."""

    def __init__(self, loader=load_cached, policy_loader=load_cached_book, cache_dir: Path | None = CACHE_DIR):
        self._loader, self._policy_loader, self._cache_dir = loader, policy_loader, cache_dir
        self._reloading = threading.Lock()        # one reload at a time (a /reload beside a console save)
        nlp.load_user_dictionary()
        self.reload()

    def reload(self) -> str:
        with self._reloading, gc_paused():
            knowledge = self._loader()          # raises KnowledgeError, leaving the old snapshot in place
            policy = self._policy_loader(knowledge.documents)     # policy_data/data/policy_*.yaml, same rule
            matcher = FaqMatcher(knowledge.faq, cache_dir=self._cache_dir, content=knowledge.key)
            matcher_en = FaqMatcher(knowledge.english, english, cache_dir=self._cache_dir, content=knowledge.key)
            gazetteer = Gazetteer(knowledge.lexicon, (k for e in knowledge.faq for k in e.keywords), self._cache_dir)
            periods = {doc: (d.period[0].year, d.period[1].year) for doc, d in knowledge.documents.items() if d.period}
            self._now = Snapshot(knowledge, matcher, policy, gazetteer,
                                 {"zh": Reader(gazetteer, matcher, periods=periods),
                                  "en": Reader(gazetteer, matcher_en, "en", periods)})
            keep_for_good()
        summary = (f"{len(knowledge.faq)} 条问答、{len(knowledge.contacts)} 个联系机构、"
                   f"{len(policy.measures)} 项政策措施")
        log.info("knowledge loaded: %s", summary)
        return summary

    @property
    def knowledge(self) -> Knowledge:
        return self._now.knowledge

    @property
    def faq(self) -> FaqMatcher:
        return self._now.faq

    @property
    def policy(self) -> PolicyBook:
        return self._now.policy

    @property
    def gazetteer(self) -> Gazetteer:
        return self._now.gazetteer

    @property
    def reader(self) -> Reader:
        return self._now.readers["zh"]

    def english_word(self, word: str) -> bool:
        """A word the English data (phrasings, answers, keywords), its stop words or its common words know; one
        letter is none."""
        word = word.lower()
        return word in english.WORDS or (len(word) > 1 and self._now.readers["en"].matcher.known(english.stem(word)))

    def reader_for(self, lang: str) -> Reader:
        readers = self._now.readers
        return readers.get(lang, readers["zh"])

    def period_note(self, doc_id: str, today: date, lang: str = "zh") -> str:
        """Every answer from a plan states the plan's period, and says so when it has ended."""
        doc = self.knowledge.documents[doc_id]
        if doc.period is None:
            return ""
        start, end = doc.period
        if lang == "en":
            span = f"{start.year}–{end.year}" if start.year != end.year else f"{start.year}"
            ended = f", which ended on {end.isoformat()}; the above is what that document says" if end < today else ""
            return f"\n({doc.en.short}: {doc.en.period_name} {span}{ended}.)"
        span = f"{start.year}—{end.year}年" if start.year != end.year else f"{start.year}年"
        if end < today:
            return f"\n（{doc.short}的{doc.period_name}为{span}，已于{end.isoformat()}结束；以上为该文件的内容。）"
        return f"\n（{doc.short}的{doc.period_name}为{span}。）"
