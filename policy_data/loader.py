"""Loads every policy_data/data/policy_*.yaml into one immutable PolicyBook.

A file may hold `policy:` (document-level facts) with its `measures:`, `summaries:` (directions without
money) and `beneficiaries:` (the vocabulary of who an enterprise is). Any broken entry raises
KnowledgeError naming the file and the entry id, so KnowledgeBase.reload keeps the old book.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from faq.knowledge import POLICY_DIR
from faq.schema import Document, KnowledgeError, check_unique, load_entries, read_yaml
from policy_data.schema import BeneficiaryType, Measure, PolicyDoc, Summary

SECTIONS = {"policy", "measures", "summaries", "beneficiaries"}
ROOT_TYPE = "organization"


@dataclass(frozen=True, eq=False)     # identity hash: readers cache their indexes per book
class PolicyBook:
    policies: dict[str, PolicyDoc]
    measures: list[Measure]
    summaries: list[Summary]
    types: dict[str, BeneficiaryType]
    policy_of: dict[str, str] = field(default_factory=dict)     # measure id → policy id

    def measure(self, measure_id: str) -> Measure | None:
        return next((m for m in self.measures if m.id == measure_id), None)

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
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise KnowledgeError(f"{path}: entry '{entry_id}': {problems}") from exc


def load_policy_book(documents: dict[str, Document], policy_dir: Path = POLICY_DIR) -> PolicyBook:
    policies: dict[str, PolicyDoc] = {}
    measures: list[tuple[Path, Measure]] = []
    summaries: list[tuple[Path, Summary]] = []
    types: list[tuple[Path, BeneficiaryType]] = []
    policy_of: dict[str, str] = {}
    for path in sorted(policy_dir.glob("policy_*.yaml")):
        data = read_yaml(path)
        if not isinstance(data, dict) or not data.keys() <= SECTIONS:
            raise KnowledgeError(f"{path}: expected only these top-level keys: {', '.join(sorted(SECTIONS))}")
        policy = _policy(path, data["policy"]) if "policy" in data else None
        if policy:
            if policy.doc not in documents:
                raise KnowledgeError(f"{path}: entry '{policy.id}': unknown source doc '{policy.doc}'")
            if policy.id in policies:
                raise KnowledgeError(f"{path}: policy id '{policy.id}' already defined")
            policies[policy.id] = policy
        if "measures" in data:
            if policy is None:
                raise KnowledgeError(f"{path}: measures need a `policy:` block in the same file")
            for measure in load_entries(path, "measures", Measure):
                measures.append((path, measure))
                policy_of[measure.id] = policy.id
        if "summaries" in data:
            summaries += [(path, s) for s in load_entries(path, "summaries", Summary)]
        if "beneficiaries" in data:
            types += [(path, t) for t in load_entries(path, "beneficiaries", BeneficiaryType)]
    check_unique(((p, m.id) for p, m in measures), "measure")
    check_unique(((p, s.id) for p, s in summaries), "summary")
    check_unique(((p, t.id) for p, t in types), "beneficiary type")
    known = {t.id for _, t in types} | {ROOT_TYPE}
    for path, t in types:
        if bad := [i for i in t.is_a if i not in known]:
            raise KnowledgeError(f"{path}: entry '{t.id}': unknown is_a type(s): {', '.join(bad)}")
    for path, m in measures:
        if bad := [b for b in m.beneficiaries if b not in known]:
            raise KnowledgeError(f"{path}: entry '{m.id}': unknown beneficiary type(s): {', '.join(bad)}")
    for path, s in summaries:
        if bad := [src.doc for src in s.sources if src.doc not in documents]:
            raise KnowledgeError(f"{path}: entry '{s.id}': unknown source doc '{bad[0]}'")
    type_map = {t.id: t for _, t in types}
    type_map.setdefault(ROOT_TYPE, BeneficiaryType(id=ROOT_TYPE, label="各类组织"))
    return PolicyBook(policies, [m for _, m in measures], [s for _, s in summaries], type_map, policy_of)


if __name__ == "__main__":  # python -m policy_data.loader : validate the policy files
    from faq.knowledge import load_knowledge
    book = load_policy_book(load_knowledge().documents)
    print(f"ok: {len(book.policies)} policy documents, {len(book.measures)} measures, "
          f"{len(book.summaries)} directions, {len(book.types)} beneficiary types")
