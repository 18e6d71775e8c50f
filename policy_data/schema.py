"""Schemas of the reviewed policy files (policy_data/data/policy_*.yaml).

A measure is data, not code: who benefits, the conditions (text to check, or a threshold on a figure),
the rule that turns figures into money (fixed, rate × base, tiers, per item, or no amount at all) and the
caps. Amounts are written as people write them ("5000万", "0.05%") and read by policy_data.amounts.
"""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
import re
from typing import Annotated, Literal, Union

from pydantic import AfterValidator, BeforeValidator, Field, model_validator

from faq.schema import ID_PATTERN, Patterns, Source, Strict
from policy_data.amounts import AmountError, parse_quantity


def _quantity(raw):
    try:
        return parse_quantity(raw)
    except AmountError as exc:
        raise ValueError(str(exc)) from None


Quantity = Annotated[Decimal, BeforeValidator(_quantity)]
Key = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
MeasureId = Annotated[str, Field(pattern=ID_PATTERN, max_length=40)]   # fits a 64-byte button payload


class EnglishPolicy(Strict):
    id: str
    number: str
    title: str
    issuer: str
    lead_department: str
    lead_text: str
    no_double_rule: str
    section: str


class PolicyDoc(Strict):
    """Document-level facts: one per policy file that holds measures."""
    id: str = Field(pattern=ID_PATTERN)
    doc: str = Field(description="id in documents.yaml")
    number: str                          # 杭政办〔2023〕2号
    title: str
    issuer: str
    dated: date                          # 成文日期: the date the document bears under its issuer
    issued: date                         # 印发日期: the date its issuer printed and issued it
    effective_from: date
    effective_to: date | None = None     # None: no expiry stated
    lead_department: str
    lead_text: str                       # the sentences naming the lead department and the detailed rules
    no_double_rule: str                  # "就高不重复" sentence
    section: str                         # where the document-level facts stand
    approval: str | None = None          # whose consent it was made with, in its words ("经市政府同意")
    publication: str | None = None       # its note on publication, in its words ("此件公开发布")
    en: EnglishPolicy | None = None

    @model_validator(mode="after")
    def _dated_before_issued(self):
        if self.issued < self.dated:
            raise ValueError("印发日期（issued）不能早于成文日期（dated）")
        return self

    def in_force(self, day: date) -> bool:
        return self.effective_from <= day and (self.effective_to is None or day <= self.effective_to)

    def whole_years(self) -> int | None:
        """How many whole years the validity spans (2023-03-01 to 2026-02-28: 3), None when not whole years."""
        if self.effective_to is None:
            return None
        start, after = self.effective_from, self.effective_to + timedelta(days=1)
        years = after.year - start.year
        return years if years > 0 and (after.month, after.day) == (start.month, start.day) else None


class Input(Strict):
    """A figure the rule or a threshold needs, and the words that name it in a question."""
    key: Key
    label: str
    kind: Literal["money", "count", "rate", "rank"]
    unit: str = ""
    cues: list[str] = Field(default_factory=list)
    # Words naming another quantity (注册资本 for 实收资本, 确权金额 for 确权融资金额, 累计 for a yearly
    # figure): a figure beside one is never this input, so the bot asks for the right one.
    not_cues: list[str] = Field(default_factory=list)
    # Words anywhere in the question that leave the figure in doubt (分期 for 实收资本, 累计 for a yearly one).
    doubt: list[str] = Field(default_factory=list)


class Condition(Strict):
    """A condition in the document's words; with `input` and one bound it is checked against a figure."""
    text: str
    input: Key | None = None
    at_least: Quantity | None = None     # ≥, the document's "（含）以上"
    more_than: Quantity | None = None    # >, "超过"
    at_most: Quantity | None = None      # ≤, rankings: "前10名"
    # Words one of which the question must contain for the condition to count as stated (e.g. the pilot's
    # level); without them the bot asks instead of computing.
    ask_unless: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _one_bound(self):
        bounds = [b for b in (self.at_least, self.more_than, self.at_most) if b is not None]
        if (self.input is None) != (not bounds) or len(bounds) > 1:
            raise ValueError("核对数字的条件须同时写明 input 和 at_least/more_than/at_most 其中之一")
        return self


class Cap(Strict):
    amount: Quantity
    label: str                           # 单家上限, 每个项目上限, 年度累计上限…
    # The document does not say whether the cap is the institution's once or each time ("单家…最高不超过"): an
    # institution's items of several years are then not added up, each with its own cap.
    years_unclear: bool = False


class Tier(Strict):
    at_least: Quantity
    amount: Quantity


class Item(Strict):
    input: Key
    amount: Quantity


class FixedRule(Strict):
    type: Literal["fixed"]
    amount: Quantity


class RateRule(Strict):
    type: Literal["rate"]
    base: Key
    rate: Quantity


class TieredRule(Strict):
    type: Literal["tiered"]
    input: Key
    tiers: list[Tier] = Field(min_length=1)

    @model_validator(mode="after")
    def _ascending(self):
        bounds = [t.at_least for t in self.tiers]
        if bounds != sorted(bounds) or len(set(bounds)) != len(bounds):
            raise ValueError("档次须逐档升高：每档的 at_least 大于上一档")
        return self


class ItemRule(Strict):
    type: Literal["per_item"]
    items: list[Item] = Field(min_length=1)


class UnquantifiedRule(Strict):
    """The document names no amount ("按贡献比例", "纳入…专项补贴政策"): `basis` says so honestly."""
    type: Literal["unquantified"]
    basis: str


Rule = Annotated[Union[FixedRule, RateRule, TieredRule, ItemRule, UnquantifiedRule], Field(discriminator="type")]


class Growth(Strict):
    """Growth read from two figures: last year's and this year's (or last year's and the growth rate).
    The growth rate and the part above the `over` line ("超过5%的，按超过部分") are derived from them."""
    last: Key
    this: Key
    rate: Key                            # the growth-rate input the conditions check
    excess: Key                          # the input holding this − last × (1 + over)
    over: Quantity


class EnglishInput(Strict):
    label: str
    unit: str = ""
    cues: list[str] = Field(default_factory=list)


class EnglishMeasure(Strict):
    """A measure's English text; conditions and caps in the order of the Chinese lists."""
    chapter: str
    title: str
    text: str
    beneficiary: str
    money: str
    inputs: dict[str, EnglishInput] = Field(default_factory=dict)
    conditions: list[str] = Field(default_factory=list)
    caps: list[str] = Field(default_factory=list)
    basis: str | None = None
    keywords: list[str] = Field(default_factory=list)


class Measure(Strict):
    id: MeasureId
    article: int = Field(ge=1)
    chapter: str
    title: str = Field(max_length=16)    # short: it labels buttons
    text: str                            # the original sentence(s), verbatim
    beneficiary: str                     # who benefits, in the document's words
    beneficiaries: list[str] = Field(min_length=1)   # ids in the beneficiary vocabulary
    money: Literal["一次性补助", "一次性奖励", "奖励", "补贴"]
    keywords: list[str] = Field(min_length=1)
    not_when: list[str] = Field(default_factory=list)   # words naming another subject ("子公司" is not the HQ)
    # Measures for another kind of the same thing (个人/企业征信, 国家/部委表彰): a question that names the
    # thing but not the kind is asked which one, never given the higher amount.
    versus: list[MeasureId] = Field(default_factory=list)
    # What it rewards, where another measure rewards the same ("新设总部": the 2% grant and the asset manager's tier;
    # "实收资本": the 2% grant and the 1% for capital raised): of those met at once only the highest is sure.
    # Measures sharing none add up.
    matters: list[str] = Field(default_factory=list)
    inputs: list[Input] = Field(default_factory=list)
    conditions: list[Condition] = Field(default_factory=list)
    rule: Rule
    caps: list[Cap] = Field(default_factory=list)
    growth: Growth | None = None
    en: EnglishMeasure | None = None

    @property
    def up_to(self) -> bool:
        """The document says "（最高）不超过": the bot then says "最高可获"."""
        return "不超过" in self.text

    def input(self, key: str) -> Input:
        return next(i for i in self.inputs if i.key == key)

    def own_figures(self) -> frozenset[Decimal]:
        """The amounts and bounds the measure itself states: a question quoting one ("是300万还是600万", "差一点到
        200亿") is citing the rule, not giving a figure of its own."""
        return frozenset(value for _, value in self.stated_figures())

    def stated_figures(self) -> frozenset[tuple[bool, Decimal]]:
        """(in money?, value) of each amount and bound the measure states: 200万次 is not the cap of 200万元."""
        rule = self.rule
        found = [(True, c.amount) for c in self.caps] + [(True, getattr(rule, "amount", None))]
        found += [(self.input(c.input).kind == "money", b) for c in self.conditions if c.input
                  for b in (c.at_least, c.more_than, c.at_most)]
        if isinstance(rule, TieredRule):
            found += [(self.input(rule.input).kind == "money", t.at_least) for t in rule.tiers]
        found += [(True, x.amount) for x in getattr(rule, "tiers", []) + getattr(rule, "items", [])]
        return frozenset(f for f in found if f[1] is not None)

    def rule_inputs(self) -> list[str]:
        rule = self.rule
        if isinstance(rule, RateRule):
            return [rule.base]
        if isinstance(rule, TieredRule):
            return [rule.input]
        if isinstance(rule, ItemRule):
            return [i.input for i in rule.items]
        return []

    @model_validator(mode="after")
    def _inputs_declared(self):
        declared = {i.key for i in self.inputs}
        if len(declared) != len(self.inputs):
            raise ValueError("inputs 的 key 不能重复")
        used = self.rule_inputs() + [c.input for c in self.conditions if c.input]
        if missing := [k for k in used if k not in declared]:
            raise ValueError(f"用到但未在 inputs 中声明：{'、'.join(missing)}")
        kinds = {"rate": "money", "tiered": None, "per_item": "count"}
        want = kinds.get(self.rule.type)
        if want and any(self.input(k).kind != want for k in self.rule_inputs()):
            raise ValueError(f"{self.rule.type} 规则的 inputs 须为 {want} 类")
        if self.rule.type == "unquantified" and self.caps:
            raise ValueError("unquantified（文件未规定金额）的措施不能有 caps")
        return self


class EnglishSummary(Strict):
    title: str
    keywords: list[str] = Field(default_factory=list)
    text: str
    sources: list[str] = Field(default_factory=list)


class Summary(Strict):
    """A support direction without money (QFLP/QDLP pilots, talent, the town's positioning)."""
    id: str = Field(pattern=ID_PATTERN, max_length=40)
    title: str
    keywords: list[str] = Field(min_length=1)
    text: str
    sources: list[Source] = Field(min_length=1)
    en: EnglishSummary | None = None


class BeneficiaryType(Strict):
    """Who an enterprise is, and the words that say so ("外资保险公司" → insurer)."""
    id: str = Field(pattern=ID_PATTERN)
    label: str
    words: list[str] = Field(default_factory=list)
    is_a: list[str] = Field(default_factory=list)
    # So broad ("公司") that a more specific kind named beside it ("做征信的公司") decides what fits first.
    generic: bool = False
    en: "EnglishType | None" = None


class EnglishType(Strict):
    label: str
    words: list[str] = Field(default_factory=list)


BeneficiaryType.model_rebuild()


def _regex(raw: str) -> str:
    """A pattern that is also valid inside the one alternation all patterns of a list are joined into: no global
    flags, no back-references (their group numbers change once joined)."""
    try:
        compiled = re.compile(f"(?:{raw})")
    except re.error as exc:
        raise ValueError(f"不是有效的正则表达式（{exc}；不能使用 (?i) 这类全局标记）") from None
    if compiled.groups and re.search(r"\\[1-9]|\(\?P=", raw):
        raise ValueError("不能使用反向引用（\\1、(?P=name)）：各条表达式会合并为一个")
    return raw


Pattern = Annotated[str, Field(min_length=1), AfterValidator(_regex)]


class RuledOut(Strict):
    """Words of the asker's own that rule a condition out ("还在筹建", "分公司"): the quick-check quotes them
    and computes nothing. `zh` patterns apply to every question, `en` ones to English questions."""
    id: str = Field(pattern=ID_PATTERN)
    why: str
    zh: list[Pattern] = Field(default_factory=list)
    en: list[Pattern] = Field(default_factory=list)
    # a measure whose beneficiary holds one of these words is not ruled out by them (a 科技支行 is a branch)
    spares: list[Annotated[str, Field(min_length=1)]] = Field(default_factory=list)
    # when given, only a measure whose beneficiary or conditions hold one of these words is ruled out by them
    concerns: list[Annotated[str, Field(min_length=1)]] = Field(default_factory=list)
    # what the words say has not happened ("扩募要发布了": 发布): a measure whose text, beneficiary and conditions
    # name none of the events the words name is not ruled out by them (a REIT listed is not its 扩募's 发布)
    events: list[Annotated[str, Field(min_length=1)]] = Field(default_factory=list)

    def rules_out(self, measure) -> bool:
        """Whether these words rule `measure` out (its beneficiary is neither spared nor unconcerned)."""
        said = [measure.beneficiary, *(c.text for c in measure.conditions)]
        return not any(w in measure.beneficiary for w in self.spares) \
            and (not self.concerns or any(w in s for w in self.concerns for s in said))

    def concerns_event(self, measure, said: str) -> bool:
        """Whether the words `said` (a match of these patterns) name an event `measure` is about, or none."""
        named = [e for e in self.events if e in said]
        own = " ".join([measure.text, measure.beneficiary, *(c.text for c in measure.conditions)])
        return not named or any(e in own for e in named)

    @model_validator(mode="after")
    def _some(self):
        if not self.zh and not self.en:
            raise ValueError("zh 和 en 至少写一条")
        return self


class Currency(Strict):
    """A currency other than RMB: the documents compute in RMB and set no exchange rate. `en` names (singular)
    count in English questions only; the Chinese names, codes (whole words) and symbols in every question."""
    id: str = Field(pattern=ID_PATTERN)
    zh: list[Annotated[str, Field(min_length=1)]] = Field(default_factory=list)
    en: list[Annotated[str, Field(pattern=r"^[a-z]+( [a-z]+)*$")]] = Field(default_factory=list)
    codes: list[Annotated[str, Field(pattern=r"^[a-z]{3}$")]] = Field(default_factory=list)
    symbols: list[Annotated[str, Field(min_length=1, max_length=3)]] = Field(default_factory=list)

    @model_validator(mode="after")
    def _some(self):
        if not (self.zh or self.en or self.codes or self.symbols):
            raise ValueError("zh、en、codes、symbols 至少写一项")
        return self


WORD_LISTS = ("newly", "document_only", "other_sources", "rise_to", "rise_by", "doc_words", "doc_validity", "doc_stacking", "doc_refs", "overview", "town",
              "support", "policy_asks", "home", "abroad_is_home", "elsewhere_also",
              "restated", "total_before", "year_after", "self_words", "self_links", "part_of", "amount_asks", "yearly_cap",
              "shared_heads", "increase_part")
PATTERNS = ("applies", "doc_named_en", "local_place", "every_year", "rules_issued", "quote_asks", "scaffold", "listing_venue",
            "listed_en",
            "doc_words_en", "asks_mine", "type_asks", "procedure", "validity_asked", "basis_asked", "condition_asked", "share_of", "articles_counted",
            "negated", "which_fits", "other_policy", "article_asked", "count_unknown", "hoped_before", "hoped_after",
            "other_part", "foreign_origin", "other_issuer", "plan_asked")


class WordList(Strict):
    """Words that tell what a question says or asks (policy_words.yaml: each list's `why`)."""
    id: Literal[WORD_LISTS]
    why: str = Field(min_length=1)
    words: list[Annotated[str, Field(min_length=1)]] = Field(min_length=1)


class PhrasePattern(Strict):
    """A way of asking, as regular-expression alternatives (policy_words.yaml: each entry's `why`)."""
    id: Literal[PATTERNS]
    why: str = Field(min_length=1)
    patterns: Patterns
