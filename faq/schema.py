"""Schemas of the reviewed knowledge files (FAQ, contacts, documents).

Every file is validated at load; a broken entry raises KnowledgeError naming the file and the entry id,
so staff who edit a YAML file see exactly what to fix.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, Iterable, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

ID_PATTERN = r"^[a-z0-9][a-z0-9_-]*$"


class KnowledgeError(ValueError):
    """A data file is unreadable or an entry in it is invalid."""


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Document(Strict):
    id: str = Field(pattern=ID_PATTERN)
    file: str
    title: str
    short: str
    period: tuple[date, date] | None = Field(default=None, description="[start, end] the document covers")
    period_name: str = "规划期"


class Source(Strict):
    doc: str = Field(description="id of a document in documents.yaml")
    section: str = Field(min_length=1, description="chapter / article / heading the fact stands under")


class Entity(Strict):
    name: str = Field(min_length=1)
    aliases: list[str] = Field(default_factory=list)
    parent: str | None = None


class Aspect(Strict):
    label: str = Field(min_length=1)
    asked: list[str] = Field(min_length=1)
    told: list[str] = Field(default_factory=list)
    strict: bool = False
    unanswerable: bool = False


class FaqEntry(Strict):
    id: str = Field(pattern=ID_PATTERN)
    category: str
    entities: list[str] = Field(min_length=1, description="ids in faq/entities.yaml this entry is about")
    aspects: list[str] = Field(min_length=1, description="ids in faq/aspects.yaml this entry answers")
    questions: list[str] = Field(min_length=2)
    keywords: list[str] = Field(default_factory=list)
    answer: str = Field(min_length=4)
    source: Source

    @field_validator("questions", "keywords")
    @classmethod
    def _no_blank(cls, items: list[str]) -> list[str]:
        if any(not s.strip() for s in items):
            raise ValueError("blank item")
        return items


class Contact(Strict):
    id: str = Field(pattern=ID_PATTERN)
    name: str
    role: str
    contact_for: list[str] = Field(min_length=1)
    keywords: list[str] = Field(default_factory=list)
    # The documents publish no phone numbers, addresses or hours: None means "not published yet, staff to fill".
    phone: str | None = None
    address: str | None = None
    hours: str | None = None          # office hours, filled in by staff like phone and address
    source: Source


T = TypeVar("T", bound=Strict)


# libyaml's C parser when PyYAML has it (the wheels do): ~8x faster start-up than the pure-Python one.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(path: Path) -> Any:
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise KnowledgeError(f"{path}: cannot read YAML: {exc}") from exc


def load_entries(path: Path, key: str, model: type[T]) -> list[T]:
    """Validate the list under `key` in one YAML file; errors name the file and the entry id."""
    data = read_yaml(path)
    if not isinstance(data, dict) or not isinstance(data.get(key), list):
        raise KnowledgeError(f"{path}: expected a top-level '{key}:' list")
    entries: list[T] = []
    for index, raw in enumerate(data[key]):
        entry_id = raw.get("id", f"#{index + 1}") if isinstance(raw, dict) else f"#{index + 1}"
        try:
            entries.append(model.model_validate(raw))
        except ValidationError as exc:
            problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
            raise KnowledgeError(f"{path}: entry '{entry_id}': {problems}") from exc
    return entries


def check_unique(items: Iterable[tuple[Path, str]], what: str) -> None:
    seen: dict[str, Path] = {}
    for path, item_id in items:
        if item_id in seen:
            raise KnowledgeError(f"{path}: {what} id '{item_id}' already defined in {seen[item_id]}")
        seen[item_id] = path
