"""Loads every policy_data/data/policy_*.yaml into one immutable PolicyBook.

A file may hold `policy:` (document-level facts) with its `measures:`, `summaries:` (directions without
money) and `beneficiaries:` (the vocabulary of who an enterprise is). Any broken entry raises
KnowledgeError naming the file and the entry id, so KnowledgeBase.reload keeps the old book.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pydantic
from pydantic import ValidationError

from faq import schema as faq_schema
from faq.derived import CACHE_DIR, cached, digest
from faq.gazetteer import fold
from faq.knowledge import EN, POLICY_DIR
from faq.schema import (Document, KnowledgeError, attach_english, check_figures, check_unique, load_entries, one_of,
                        problems, read_yaml)
from policy_data import amounts, currencies as currency_marks
from policy_data import schema as policy_schema
from policy_data.schema import (PATTERNS, WORD_LISTS, BeneficiaryType, Currency, EnglishMeasure, EnglishPolicy, EnglishSummary,
                                EnglishType, Measure, PhrasePattern, PolicyDoc, RuledOut, Summary,
                                WordList)

SECTIONS = {"policy", "measures", "summaries", "beneficiaries", "ruled_out", "currencies", "word_lists", "patterns"}
CLAUSE = re.compile(r"(?:[^，,。；;？?！!\n.]|\.(?=\S))+")      # a sentence's full stop ends a clause, 12.5's does not
# A quote ending on a bare negation ("我们不是") says nothing: it runs on to the end of its clause.
BARE_NEGATION = re.compile(r"(不是|并非|不属于|not|never)$", re.IGNORECASE)
ROOT_TYPE = "organization"
NEGATION_SPAN = 6                    # chars looked back from words for a negation of them ("不是一家")
LINKS = re.compile(r"^\s*(?:一家|一个|家|个|an?\s+|the\s+)?")


@dataclass(frozen=True, eq=False)     # identity hash: readers cache their indexes per book
class PolicyBook:
    policies: dict[str, PolicyDoc]
    measures: list[Measure]
    summaries: list[Summary]
    types: dict[str, BeneficiaryType]
    policy_of: dict[str, str] = field(default_factory=dict)     # measure id → policy id
    english_cues: tuple[tuple[str, str], ...] = ()              # English enterprise word → Chinese cue word
    ruled_out: tuple[RuledOut, ...] = ()
    currencies: tuple[Currency, ...] = ()
    words: dict[str, tuple[str, ...]] = field(default_factory=dict)     # word list id → its words
    patterns: dict[str, re.Pattern] = field(default_factory=dict)      # pattern id → its alternatives as one expression

    by_id: dict[str, Measure] = field(init=False, repr=False)
    _ruled_out: dict[str, tuple] = field(init=False, repr=False)          # language → (entry, its pattern)…
    _disqualifying: tuple[str, ...] = field(init=False, repr=False)       # every measure's not_when words
    _foreign: dict[bool, re.Pattern] = field(init=False, repr=False)

    def __post_init__(self):
        object.__setattr__(self, "by_id", {m.id: m for m in self.measures})
        object.__setattr__(self, "_ruled_out", {
            lang: tuple((r, re.compile("|".join(f"(?:{p})" for p in getattr(r, lang)), re.IGNORECASE))
                        for r in self.ruled_out if getattr(r, lang)) for lang in ("zh", "en")})
        object.__setattr__(self, "_foreign", {english: currency_marks.marks(self.currencies, english)
                                              for english in (False, True)})
        object.__setattr__(self, "_disqualifying", tuple(sorted({fold(w) for m in self.measures for w in m.not_when},
                                                               key=len, reverse=True)))

    def foreign(self, english: bool = False) -> re.Pattern:
        """The names, codes and symbols of other currencies than RMB (English names for an English question)."""
        return self._foreign[english]

    def negated(self, text: str, start: int) -> bool:
        """Whether the words at `start` are said not to hold ("不是私募", "not a branch")."""
        negated = self.patterns.get("negated")
        return bool(negated and negated.search(text[max(0, start - NEGATION_SPAN):start]))

    def says(self, text: str, word: str) -> bool:
        """Whether `word` is in `text` other than said not to hold ("私募" is not in "我们不是私募")."""
        start = text.find(word)
        while start >= 0:
            if not self.negated(text, start):
                return True
            start = text.find(word, start + 1)
        return False

    def _disqualifier_at(self, text: str, start: int) -> bool:
        """Words ruling a measure out begin at `start` (a not_when word, or ruled-out words)."""
        rest = LINKS.sub("", fold(text[start:start + 2 * NEGATION_SPAN]), count=1)
        return rest.startswith(self._disqualifying) or any(p.match(rest) for r, p in self._ruled_out["zh"])

    def ruling_matches(self, text: str, english: bool, measures=()) -> list[re.Match]:
        """The words in `text` that rule a condition out (policy_ruled_out.yaml), first to last: not those said not
        to hold ("我们不是分公司"), nor a bare "我们不是" before such words; with `measures`, only words that rule out
        one of them (see RuledOut.rules_out)."""
        found = []
        for lang in ("zh", "en") if english else ("zh",):
            for entry, pattern in self._ruled_out[lang]:
                if measures and not any(entry.rules_out(m) for m in measures):
                    continue
                for m in pattern.finditer(text):
                    if measures and not any(entry.concerns_event(measure, m.group(0)) for measure in measures):
                        continue
                    if self.negated(text, m.start()) or (BARE_NEGATION.search(m.group(0))
                                                         and self._disqualifier_at(text, m.end())):
                        continue
                    found.append(m)
        kept: list[re.Match] = []
        for m in sorted(found, key=lambda m: (m.start(), -m.end())):
            if not kept or m.start() >= kept[-1].end():          # words two entries both hold count once
                kept.append(m)
        return kept

    def ruling_out(self, text: str, english: bool, measures=()) -> str | None:
        """The first words in `text` that rule a measure's condition out (see ruling_matches), if any."""
        m = next(iter(self.ruling_matches(text, english, measures)), None)
        if not m:
            return None
        if BARE_NEGATION.search(m.group(0)) and (rest := CLAUSE.match(text, m.end())):
            return (m.group(0) + rest.group(0)).strip()
        return m.group(0)

    def ruled_out_clauses(self, text: str, english: bool) -> list[str]:
        """The clauses of `text` holding words that rule a condition out ("不是新设的", "也不是首次达到"), each once
        per such words in it ("既不是新设也不是首次" twice)."""
        return [c.group(0).strip() for c in CLAUSE.finditer(text) for _ in self.ruling_matches(c.group(0), english)]

    def measure(self, measure_id: str) -> Measure | None:
        return self.by_id.get(measure_id)

    def policy(self, measure: Measure) -> PolicyDoc:
        return self.policies[self.policy_of[measure.id]]

    def ancestors(self, type_id: str) -> set[str]:
        """The type, everything it is_a (transitively), and the root type."""
        seen, todo = {ROOT_TYPE}, [type_id]
        while todo:
            current = todo.pop()
            if current not in seen:
                seen.add(current)
                todo += self.types[current].is_a
        return seen


def _policy(path: Path, raw) -> PolicyDoc:
    try:
        return PolicyDoc.model_validate(raw)
    except ValidationError as exc:
        entry_id = raw.get("id", "policy") if isinstance(raw, dict) else "policy"
        raise KnowledgeError(f"{path}: 条目“{entry_id}”：{problems(exc)}") from exc


def _english_policy(path: Path, policy: PolicyDoc) -> PolicyDoc:
    data = read_yaml(path) if path.exists() else None
    raw = data.get("policy") if isinstance(data, dict) else None
    if not isinstance(raw, dict):
        raise KnowledgeError(f"{path}: 条目“{policy.id}”缺少英文（policy: 部分）")
    english = _validated(path, policy.id, raw, EnglishPolicy)
    check_figures(path, policy.id, ("lead_text", "lead_text"), policy.lead_text, english.lead_text)
    return policy.model_copy(update={"en": english})


def _validated(path: Path, item_id: str, raw: dict, model):
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        fields = "、".join(".".join(map(str, e["loc"])) for e in exc.errors())
        raise KnowledgeError(f"{path}: 条目“{item_id}”的英文有误（字段 {fields}）") from exc


def _check_english_measure(path: Path, m: Measure) -> None:
    """The English must have the same parts as the Chinese: every input, condition and cap, and the basis."""
    en, problems = m.en, []
    if set(en.inputs) != {i.key for i in m.inputs}:
        problems.append(f"inputs 应为 {', '.join(i.key for i in m.inputs) or '（无）'}")
    if len(en.conditions) != len(m.conditions):
        problems.append(f"conditions 应有 {len(m.conditions)} 条")
    if len(en.caps) != len(m.caps):
        problems.append(f"caps 应有 {len(m.caps)} 条")
    if (en.basis is None) != (m.rule.type != "unquantified"):
        problems.append("basis 仅且必须用于无具体金额的措施")
    if problems:
        raise KnowledgeError(f"{path}: 条目“{m.id}”的英文与中文不对应：{'；'.join(problems)}")


def _english_cues(path: Path) -> tuple[tuple[str, str], ...]:
    data = read_yaml(path)
    if not isinstance(data, dict) or not isinstance(data.get("cues"), dict):
        raise KnowledgeError(f"{path}: 文件顶层应为“cues:”映射（英文词 → 中文提示词）")
    return tuple((str(en).lower(), str(zh)) for en, zh in data["cues"].items())


def load_policy_book(documents: dict[str, Document], policy_dir: Path = POLICY_DIR) -> PolicyBook:
    policies: dict[str, PolicyDoc] = {}
    measures: list[tuple[Path, Measure]] = []
    summaries: list[tuple[Path, Summary]] = []
    types: list[tuple[Path, BeneficiaryType]] = []
    ruled_out: list[tuple[Path, RuledOut]] = []
    currencies: list[tuple[Path, Currency]] = []
    word_lists: list[tuple[Path, WordList]] = []
    patterns: list[tuple[Path, PhrasePattern]] = []
    policy_of: dict[str, str] = {}
    for path in sorted(policy_dir.glob("policy_*.yaml")):
        data = read_yaml(path)
        if not isinstance(data, dict) or not data.keys() <= SECTIONS:
            raise KnowledgeError(f"{path}: 文件顶层只能有这些部分：{'、'.join(sorted(SECTIONS))}")
        english = policy_dir / EN / path.name
        policy = _english_policy(english, _policy(path, data["policy"])) if "policy" in data else None
        if policy:
            if policy.doc not in documents:
                raise KnowledgeError(f"{path}: 条目“{policy.id}”的字段 doc 指向不存在的来源文件“{policy.doc}”")
            if policy.id in policies:
                raise KnowledgeError(f"{path}: 政策编号“{policy.id}”重复")
            policies[policy.id] = policy
        if "measures" in data:
            if policy is None:
                raise KnowledgeError(f"{path}: 有 measures 的文件须在同一文件中写明 policy: 部分")
            for measure in attach_english(english, "measures", load_entries(path, "measures", Measure), EnglishMeasure,
                                          figures=("text", "text")):
                _check_english_measure(english, measure)
                measures.append((path, measure))
                policy_of[measure.id] = policy.id
        if "summaries" in data:
            summaries += [(path, s) for s in attach_english(english, "summaries",
                                                            load_entries(path, "summaries", Summary), EnglishSummary,
                                                            figures=("text", "text"))]
        if "beneficiaries" in data:
            types += [(path, t) for t in attach_english(english, "beneficiaries",
                                                        load_entries(path, "beneficiaries", BeneficiaryType),
                                                        EnglishType)]
        if "ruled_out" in data:
            ruled_out += [(path, r) for r in load_entries(path, "ruled_out", RuledOut)]
        if "currencies" in data:
            currencies += [(path, c) for c in load_entries(path, "currencies", Currency)]
        if "word_lists" in data:
            word_lists += [(path, w) for w in load_entries(path, "word_lists", WordList)]
        if "patterns" in data:
            patterns += [(path, p) for p in load_entries(path, "patterns", PhrasePattern)]
    check_unique(((p, m.id) for p, m in measures), "measure")
    check_unique(((p, r.id) for p, r in ruled_out), "ruled-out")
    check_unique(((p, s.id) for p, s in summaries), "summary")
    check_unique(((p, c.id) for p, c in currencies), "currency")
    check_unique(((p, w.id) for p, w in word_lists), "word list")
    if missing := [w for w in WORD_LISTS if w not in {w.id for _, w in word_lists}]:
        raise KnowledgeError(f"{policy_dir}: 缺少词表（word_lists）：{'、'.join(missing)}")
    check_unique(((p, w.id) for p, w in patterns), "pattern")
    if missing := [w for w in PATTERNS if w not in {p.id for _, p in patterns}]:
        raise KnowledgeError(f"{policy_dir}: 缺少句式（patterns）：{'、'.join(missing)}")
    check_unique(((p, t.id) for p, t in types), "beneficiary type")
    known = {t.id for _, t in types} | {ROOT_TYPE}
    for path, t in types:
        if bad := [i for i in t.is_a if i not in known]:
            raise KnowledgeError(f"{path}: 条目“{t.id}”的字段 is_a 含有未定义的类型：{'、'.join(bad)}")
    for path, m in measures:
        if bad := [b for b in m.beneficiaries if b not in known]:
            raise KnowledgeError(f"{path}: 条目“{m.id}”的字段 beneficiaries 含有未定义的类型：{'、'.join(bad)}")
    ids = {m.id for _, m in measures}
    for path, m in measures:
        if bad := [v for v in m.versus if v not in ids]:
            raise KnowledgeError(f"{path}: 条目“{m.id}”的字段 versus 指向不存在的措施：{'、'.join(bad)}")
    for path, s in summaries:
        if bad := [src.doc for src in s.sources if src.doc not in documents]:
            raise KnowledgeError(f"{path}: 条目“{s.id}”的字段 sources 指向不存在的来源文件“{bad[0]}”")
    type_map = {t.id: t for _, t in types}
    type_map.setdefault(ROOT_TYPE, BeneficiaryType(id=ROOT_TYPE, label="各类组织",
                                                   en=EnglishType(label="organisations of any kind")))
    return PolicyBook(policies, [m for _, m in measures], [s for _, s in summaries], type_map, policy_of,
                      _english_cues(policy_dir / EN / "vocabulary.yaml"), tuple(r for _, r in ruled_out),
                      tuple(c for _, c in currencies), {w.id: tuple(w.words) for _, w in word_lists},
                      {p.id: one_of(p.patterns, re.IGNORECASE) for _, p in patterns})


def load_cached_book(documents: dict[str, Document], policy_dir: Path = POLICY_DIR,
                     cache_dir: Path | None = CACHE_DIR) -> PolicyBook:
    """load_policy_book, read back from the cache while no policy file, document nor the code that validates them
    changed."""
    files = [*sorted(policy_dir.glob("*.yaml")), *sorted((policy_dir / EN).glob("*.yaml")), Path(__file__),
             Path(policy_schema.__file__), Path(faq_schema.__file__), Path(amounts.__file__),   # amounts parse every figure
             Path(currency_marks.__file__)]
    key = digest(files, pydantic.VERSION, repr(sorted(documents.items())))
    return cached("policy-book", key, lambda: load_policy_book(documents, policy_dir), cache_dir)


if __name__ == "__main__":  # python -m policy_data.loader : validate the policy files
    from faq.knowledge import load_knowledge
    book = load_policy_book(load_knowledge().documents)
    print(f"ok: {len(book.policies)} policy documents, {len(book.measures)} measures, "
          f"{len(book.summaries)} directions, {len(book.types)} beneficiary types")
