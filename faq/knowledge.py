"""Loads and validates every reviewed data file into one immutable Knowledge snapshot.

Reload builds a fresh snapshot and swaps it in only when every file validates, so a staff typo
never takes the bot down: the old knowledge keeps answering and the error names the file and entry.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path

import pydantic

from faq import gazetteer, schema
from faq.derived import CACHE_DIR, cached, digest
from faq.gazetteer import Lexicon
from faq.schema import (Contact, Document, EnglishContact, EnglishDocument, EnglishFaq, FaqEntry, KnowledgeError,
                        attach_english, check_unique, load_entries, read_yaml)

ROOT = Path(__file__).resolve().parent.parent
EN = "en"                 # the reviewed English overlays: <data dir>/en/<same file name>, keyed by entry id
FAQ_DIR = ROOT / "faq" / "data"
POLICY_DIR = ROOT / "policy_data" / "data"


@dataclass(frozen=True)
class Knowledge:
    documents: dict[str, Document]
    faq: list[FaqEntry]
    contacts: list[Contact]
    lexicon: Lexicon
    key: str | None = None      # the cache key of the data files it was read from: indexes built from it reuse it

    def entry(self, entry_id: str | None) -> FaqEntry | None:
        return self._by_id.get(entry_id)

    @cached_property
    def _by_id(self) -> dict[str, FaqEntry]:
        return {e.id: e for e in self.faq}

    @cached_property
    def english(self) -> list[FaqEntry]:
        """The entries with their English phrasings and answers, which the English matcher ranks."""
        return [e.in_english() for e in self.faq]

    @cached_property
    def categories(self) -> tuple[str, ...]:
        """The FAQ's categories in the order the files first give them."""
        return tuple(dict.fromkeys(e.category for e in self.faq))

    def cite(self, source, lang: str = "zh") -> str:
        """A short human citation: 《…》 + section (the section's Chinese heading in English answers too)."""
        doc = self.documents[source.doc]
        return f"{doc.en.short} · {source.section}" if lang == "en" else f"{doc.short}·{source.section}"


def load_knowledge(faq_dir: Path = FAQ_DIR, policy_dir: Path = POLICY_DIR,
                   policies: dict[Path, bytes] | None = None) -> Knowledge:
    """`policies`: the policy files' bytes when already read (the measure ids are taken from them)."""
    lexicon = Lexicon.load()
    doc_path = policy_dir / "documents.yaml"
    docs = attach_english(policy_dir / EN / doc_path.name, "documents",
                          load_entries(doc_path, "documents", Document), EnglishDocument)
    documents = {d.id: d for d in docs}
    faq: list[tuple[Path, FaqEntry]] = []
    for path in sorted(faq_dir.glob("*.yaml")):
        entries = attach_english(faq_dir / EN / path.name, "entries", load_entries(path, "entries", FaqEntry),
                                 EnglishFaq, figures=("answer", "answer"))
        faq += [(path, e) for e in entries]
    contacts_path = policy_dir / "contacts.yaml"
    contacts = [(contacts_path, c) for c in attach_english(policy_dir / EN / contacts_path.name, "contacts",
                                                           load_entries(contacts_path, "contacts", Contact),
                                                           EnglishContact, figures=("role", "role"))] if contacts_path.exists() else []
    check_unique(((p, e.id) for p, e in faq), "FAQ")
    check_unique(((p, c.id) for p, c in contacts), "contact")
    for path, item in faq + contacts:
        if item.source.doc not in documents:
            raise KnowledgeError(f"{path}: 条目“{item.id}”的字段 source.doc 指向不存在的来源文件“{item.source.doc}”")
    measures = _measure_ids(_policy_files(policy_dir) if policies is None else policies)
    for path, entry in faq:
        _check_labels(path, entry, lexicon)
        if unknown := [m for m in entry.measures if m not in measures]:
            raise KnowledgeError(f"{path}: 条目“{entry.id}”的 measures 字段含有未定义的政策措施 {'、'.join(unknown)}"
                                 f"（可用的取值是 {policy_dir}/policy_*.yaml 中各措施的 id）")
    return Knowledge(documents, [e for _, e in faq], [c for _, c in contacts], lexicon)


def load_cached(faq_dir: Path = FAQ_DIR, policy_dir: Path = POLICY_DIR, cache_dir: Path | None = CACHE_DIR) -> Knowledge:
    """load_knowledge, read back from the cache while no data file (nor the code that validates them) changed: a
    warm start does not parse and validate thousands of entries again."""
    policies = _policy_files(policy_dir)       # read once: for the key, and on a miss for the measure ids
    files = [gazetteer.HERE / "entities.yaml", gazetteer.HERE / "aspects.yaml", Path(__file__), Path(schema.__file__),
             Path(gazetteer.__file__), *(policy_dir / EN / path.name for path in policies)]
    for folder, pattern in ((policy_dir, "documents.yaml"), (policy_dir, "contacts.yaml"), (faq_dir, "*.yaml")):
        files += [p for path in sorted(folder.glob(pattern)) for p in (path, folder / EN / path.name)]
    key = digest(files, pydantic.VERSION, *(f"{path}:{hashlib.sha256(raw).hexdigest()}" for path, raw in policies.items()))

    def build() -> Knowledge:
        knowledge = replace(load_knowledge(faq_dir, policy_dir, policies), key=key)
        knowledge.english, knowledge._by_id      # saved with it: a warm start reads them back, copying no entry
        return knowledge
    return cached("knowledge", key, build, cache_dir)


def _policy_files(policy_dir: Path) -> dict[Path, bytes]:
    return {path: path.read_bytes() for path in sorted(policy_dir.glob("policy_*.yaml"))}


def _measure_ids(policies: dict[Path, bytes]) -> set[str]:
    """The ids of the policy measures an entry may refer to (the policy data itself is validated by its loader)."""
    ids = set()
    for path, raw in policies.items():
        data = read_yaml(path, raw) or {}
        ids |= {m.get("id") for m in data.get("measures", []) if isinstance(m, dict)} if isinstance(data, dict) else set()
    return ids


def _check_labels(path: Path, entry: FaqEntry, lexicon: Lexicon) -> None:
    for field, known, where in (("entities", lexicon.entities, "faq/entities.yaml"),
                                ("aspects", lexicon.aspects, "faq/aspects.yaml")):
        unknown = [x for x in getattr(entry, field) if x not in known]
        if unknown:
            raise KnowledgeError(f"{path}: 条目“{entry.id}”的 {field} 字段含有未定义的 {'、'.join(unknown)}"
                                 f"（可用的取值见 {where}）")


if __name__ == "__main__":  # python -m faq.knowledge : validate all data files
    kb = load_knowledge()
    print(f"ok: {len(kb.faq)} FAQ entries, {len(kb.contacts)} contacts, {len(kb.documents)} documents")
