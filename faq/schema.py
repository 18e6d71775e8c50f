"""Schemas of the reviewed knowledge files (FAQ, contacts, documents).

Every file is validated at load; a broken entry raises KnowledgeError naming the file and the entry id,
so staff who edit a YAML file see exactly what to fix.
"""
from __future__ import annotations

import re
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Callable, Iterable, TypeVar

import pydantic
import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator

from faq.derived import cached, digest
from faq.same_figures import mismatch

ID_PATTERN = r"^[a-z0-9][a-z0-9_-]*$"


class KnowledgeError(ValueError):
    """A data file is unreadable or an entry in it is invalid."""


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class EnglishDocument(Strict):
    title: str = Field(min_length=1)
    short: str = Field(min_length=1)
    period_name: str = "plan period"


class Document(Strict):
    id: str = Field(pattern=ID_PATTERN)
    file: str
    title: str
    short: str
    period: tuple[date, date] | None = Field(default=None, description="[start, end] the document covers")
    period_name: str = "规划期"
    en: EnglishDocument | None = None      # from the reviewed English overlay (…/data/en/)


class Source(Strict):
    doc: str = Field(description="id of a document in documents.yaml")
    section: str = Field(min_length=1, description="chapter / article / heading the fact stands under")


class Entity(Strict):
    name: str = Field(min_length=1)
    en: str | None = None                  # the English name (Chinese names kept in brackets where useful)
    aliases: list[str] = Field(default_factory=list)
    parent: str | None = None


class Aspect(Strict):
    label: str = Field(min_length=1)
    en: str | None = None                  # the English label
    asked: list[str] = Field(min_length=1)
    told: list[str] = Field(default_factory=list)
    strict: bool = False
    unanswerable: bool = False
    of_itself: bool = False
    worded: bool = False                   # answered only by an entry declaring it or using its told words
    carried: bool = True                   # a follow-up about another thing asks it again ("那X呢")


class EnglishFaq(Strict):
    questions: list[str] = Field(min_length=2)
    answer: str = Field(min_length=4)


class FaqEntry(Strict):
    id: str = Field(pattern=ID_PATTERN)
    category: str
    entities: list[str] = Field(min_length=1, description="ids in faq/entities.yaml this entry is about")
    aspects: list[str] = Field(min_length=1, description="ids in faq/aspects.yaml this entry answers")
    questions: list[str] = Field(min_length=2)
    keywords: list[str] = Field(default_factory=list)
    answer: str = Field(min_length=4)
    source: Source
    measures: list[str] = Field(default_factory=list, description="ids of the policy measures whose amounts the answer refers to")
    en: EnglishFaq | None = None

    def in_english(self) -> "FaqEntry":
        """The same entry (id, entities, aspects, source) with the English phrasings and answer."""
        return self.model_copy(update={"questions": self.en.questions, "answer": self.en.answer, "keywords": []})

    @field_validator("questions", "keywords")
    @classmethod
    def _no_blank(cls, items: list[str]) -> list[str]:
        if any(not s.strip() for s in items):
            raise ValueError("blank item")
        return items


class EnglishContact(Strict):
    name: str = Field(min_length=1)
    role: str = Field(min_length=1)
    contact_for: list[str] = Field(min_length=1)
    keywords: list[str] = Field(default_factory=list)


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
    en: EnglishContact | None = None


T = TypeVar("T", bound=Strict)
V = TypeVar("V")


def _compiles(pattern: str) -> str:
    try:
        re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"“{pattern}”不是有效的正则表达式（{exc}）") from exc
    return pattern


# A reviewed word list (faq/vocabulary.yaml, bot/phrases.yaml): at least one word, none blank. Patterns are
# regular-expression alternatives, each checked to compile.
Words = Annotated[list[Annotated[str, Field(min_length=1)]], Field(min_length=1)]
Pattern = Annotated[str, Field(min_length=1), AfterValidator(_compiles)]
Patterns = Annotated[list[Pattern], Field(min_length=1)]


def one_of(patterns: list[str], flags: int = 0) -> re.Pattern:
    """A reviewed list of patterns as one regular expression: the first alternative that matches wins."""
    return re.compile("|".join(patterns), flags)


@lru_cache(maxsize=512)
def _any_word(words: tuple[str, ...]) -> re.Pattern:
    return re.compile("|".join(map(re.escape, words)))


def holds_any(text: str, words: tuple[str, ...]) -> bool:
    """Whether `text` contains one of `words` (a word list's tuple): `any(w in text for w in words)` in one
    search of a pattern compiled once per list."""
    return bool(words) and _any_word(words).search(text) is not None


# libyaml's C parser when PyYAML has it (the wheels do): start-up is much faster than with the pure-Python one.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(path: Path, data: bytes | None = None) -> Any:
    """The YAML of `path`, or of its `data` when already read."""
    try:
        return yaml.load(path.read_text(encoding="utf-8") if data is None else data.decode("utf-8"), Loader=SAFE_LOADER)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise KnowledgeError(f"{path}: 无法读取 YAML（格式有误）：{exc}") from exc


def load_entries(path: Path, key: str, model: type[T]) -> list[T]:
    """Validate the list under `key` in one YAML file; errors name the file and the entry id."""
    data = read_yaml(path)
    if not isinstance(data, dict) or not isinstance(data.get(key), list):
        raise KnowledgeError(f"{path}: 文件顶层应为“{key}:”列表")
    entries: list[T] = []
    for index, raw in enumerate(data[key]):
        entry_id = raw.get("id", f"#{index + 1}") if isinstance(raw, dict) else f"#{index + 1}"
        try:
            entries.append(model.model_validate(raw))
        except ValidationError as exc:
            raise KnowledgeError(f"{path}: 条目“{entry_id}”：{problems(exc)}") from exc
    return entries


def load_sections(path: Path, sections: dict[str, type[T]]) -> dict[str, T]:
    """Validate each top-level part of a vocabulary file with its model; errors name the file, the part and the
    field."""
    data = read_yaml(path)
    if not isinstance(data, dict):
        raise KnowledgeError(f"{path}: 文件顶层应为映射（部分名: 内容）")
    if unknown := [str(k) for k in data if k not in sections]:
        raise KnowledgeError(f"{path}: 不认识的部分“{unknown[0]}”（可用的是 {'、'.join(sections)}）")
    out = {}
    for name, model in sections.items():
        if name not in data:
            raise KnowledgeError(f"{path}: 缺少部分“{name}”")
        try:
            out[name] = model.model_validate(data[name])
        except ValidationError as exc:
            raise KnowledgeError(f"{path}: 条目“{name}”：{problems(exc)}") from exc
    return out


def validated_once(name: str, path: Path, load: Callable[[Path], V], code: Path) -> V:
    """`load(path)`, read back from the derived-data cache while neither the file nor the `code` validating it
    changed."""
    return cached(name, digest([path, code, Path(__file__)], pydantic.VERSION), lambda: load(path))


ZH_ERRORS = {"extra_forbidden": "不认识的字段（拼写有误？）",
             "too_short": "至少需要 {min_length} 项", "too_long": "最多 {max_length} 项",
             "string_too_short": "不能为空", "string_too_long": "太长（最多 {max_length} 个字）",
             "string_pattern_mismatch": "格式不符（应为 {pattern}）", "literal_error": "取值应为 {expected}",
             "string_type": "应为文本", "list_type": "应为列表", "dict_type": "应为映射（键: 值）",
             "int_type": "应为整数", "int_parsing": "应为整数", "bool_type": "应为 true 或 false",
             "date_from_datetime_parsing": "应为日期（例如 2023-03-01）", "date_parsing": "应为日期（例如 2023-03-01）",
             "date_type": "应为日期（例如 2023-03-01）", "greater_than_equal": "应不小于 {ge}",
             "union_tag_invalid": "type 应为 {expected_tags}", "union_tag_not_found": "缺少 type 字段"}


def problems(exc: ValidationError) -> str:
    """Pydantic's findings in Chinese for the staff who edit the files: the field, then what is wrong."""
    def one(e: dict) -> str:
        where = ".".join(map(str, e["loc"])) or "（整条）"
        if e["type"] == "missing":
            return f"缺少字段 {where}"
        template = ZH_ERRORS.get(e["type"])
        if template is None:
            return f"字段 {where}：{str(e['msg']).removeprefix('Value error, ')}"
        return f"字段 {where}：{template.format(**{k: v for k, v in (e.get('ctx') or {}).items()})}"
    return "；".join(one(e) for e in exc.errors())


def attach_english(path: Path, key: str, items: list[T], model: type[BaseModel],
                   figures: tuple[str, str] | None = None) -> list[T]:
    """Each item with its reviewed English text (field `en`) from the overlay `path`: a mapping id → fields
    under `key`; `figures` (Chinese field, English field): a pair that must state the same figures. Errors are in
    Chinese for the staff who edit the files, naming file, entry id and field."""
    if not path.exists():
        raise KnowledgeError(f"{path}: 缺少英文文件（应与中文文件同名，放在 en/ 目录下）")
    data = read_yaml(path)
    if not isinstance(data, dict) or not isinstance(data.get(key), dict):
        raise KnowledgeError(f"{path}: 文件顶层应为“{key}:”映射（条目 id → 英文字段）")
    overlay, ids = data[key], {item.id for item in items}
    if stray := [k for k in overlay if k not in ids]:
        raise KnowledgeError(f"{path}: 英文条目“{stray[0]}”没有对应的中文条目")
    out = []
    for item in items:
        if not isinstance(overlay.get(item.id), dict):
            raise KnowledgeError(f"{path}: 条目“{item.id}”缺少英文内容")
        try:
            out.append(item.model_copy(update={"en": model.model_validate(overlay[item.id])}))
        except ValidationError as exc:
            raise KnowledgeError(f"{path}: 条目“{item.id}”的英文有误：{problems(exc)}") from exc
        if figures:
            check_figures(path, item.id, figures, getattr(item, figures[0]), getattr(out[-1].en, figures[1]))
    return out


def check_figures(path: Path, item_id: str, fields: tuple[str, str], chinese: str, english: str) -> None:
    if differ := mismatch(chinese, english):
        raise KnowledgeError(f"{path}: 条目“{item_id}”的字段 en.{fields[1]} 与中文 {fields[0]} 的数字不一致（{differ}）："
                             "改了中文的数字，请同时改英文")


def check_unique(items: Iterable[tuple[Path, str]], what: str) -> None:
    seen: dict[str, Path] = {}
    for path, item_id in items:
        if item_id in seen:
            raise KnowledgeError(f"{path}: {what}编号“{item_id}”重复（已在 {seen[item_id]} 中定义）")
        seen[item_id] = path
