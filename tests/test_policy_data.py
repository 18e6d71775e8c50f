"""The policy data against the source documents: every measure verbatim, in the right article, with the
amounts the document states; every money measure of 杭政办〔2023〕2号 present; broken files named clearly;
new files picked up by /reload."""
import re
import shutil
from datetime import datetime
from decimal import Decimal

import pytest

from faq.knowledge import POLICY_DIR, load_knowledge
from faq.knowledge_base import KnowledgeBase
from faq.schema import KnowledgeError
from policy_data.amounts import fmt_count, fmt_money, fmt_rate
from policy_data.extract import read
from policy_data.loader import load_policy_book
from policy_data.schema import FixedRule, ItemRule, RateRule, TieredRule

HEADING = re.compile(r"(?<![\d.])(\d{1,2})\.(?=[\u4e00-\u9fff])")


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def documents():
    return load_knowledge().documents


@pytest.fixture(scope="module")
def book(documents):
    return load_policy_book(documents)


@pytest.fixture(scope="module")
def source(documents, seeds_dir):
    return {doc_id: squeeze((seeds_dir / d.file).read_text(encoding="utf-8")) for doc_id, d in documents.items()}


def article_at(text: str, position: int) -> int:
    return int([m for m in HEADING.finditer(text) if m.start() < position][-1].group(1))


def test_every_measure_is_verbatim_and_under_its_article(book, source):
    for m in book.measures:
        doc = source[book.policy(m).doc]
        where = doc.find(squeeze(m.text))
        assert where >= 0, f"{m.id}: text not found verbatim in the document"
        assert article_at(doc, where) == m.article, m.id
        assert squeeze(m.chapter) in doc, m.id


def _stated(m) -> list[str]:
    """Every figure the data states for a measure, written as the document writes it."""
    rule, figures = m.rule, []
    if isinstance(rule, FixedRule):
        figures.append(fmt_money(rule.amount))
    if isinstance(rule, RateRule):
        figures.append(fmt_rate(rule.rate))
    if isinstance(rule, TieredRule):
        figures += [fmt_money(t.at_least) for t in rule.tiers] + [fmt_money(t.amount) for t in rule.tiers]
    if isinstance(rule, ItemRule):
        figures += [fmt_money(i.amount) for i in rule.items]
    figures += [fmt_money(c.amount) for c in m.caps]
    for c in m.conditions:
        if c.input:
            inp, bound = m.input(c.input), c.at_least if c.at_least is not None else c.more_than
            if c.at_most is not None:
                figures.append(f"前{fmt_count(c.at_most)}名")
            elif inp.kind == "money":
                figures.append(fmt_money(bound))
            elif inp.kind == "rate":
                figures.append(fmt_rate(bound))
            else:
                figures.append(fmt_count(bound, inp.unit))
    return [f.removesuffix("元") for f in figures]


def test_every_amount_rate_and_threshold_is_in_the_sentence(book):
    for m in book.measures:
        for figure in _stated(m):
            assert figure in squeeze(m.text), f"{m.id}: {figure} not in its sentence"


def test_up_to_follows_the_wording(book):
    for m in book.measures:
        assert m.up_to == ("不超过" in m.text)
    assert book.measure("hq-new").up_to and not book.measure("scitech-loans").up_to


def test_every_money_article_has_measures(book, source):
    doc = source["opinions-2023"]
    body = doc[doc.find("二、推进重点任务"):doc.find("三、加强组织保障")]
    heads = list(HEADING.finditer(body))
    covered = {m.article for m in book.measures if book.policy_of[m.id] == "hz-2023-2"}
    for head, nxt in zip(heads, heads[1:] + [None]):
        paragraph = body[head.start():nxt.start() if nxt else len(body)]
        grants = len(re.findall(r"给予[^。；]*?(?:奖励|补助)", paragraph))
        if grants or "补贴政策" in paragraph or "创新奖" in paragraph:
            assert int(head.group(1)) in covered, f"article {head.group(1)} has support but no measure"
            count = sum(1 for m in book.measures if m.article == int(head.group(1)))
            assert count >= grants, f"article {head.group(1)}: {count} measures for {grants} grants"
    assert covered == {1, 2, 3, 4, 6, 8, 9, 10, 11, 12, 13, 14, 15, 16, 18}


def test_document_level_facts(book, source):
    policy = book.policies["hz-2023-2"]
    doc = source[policy.doc]
    assert (policy.effective_from.isoformat(), policy.effective_to.isoformat()) == ("2023-03-01", "2026-02-28")
    assert "自2023年3月1日起施行，有效期至2026年2月28日" in doc and "2023年1月19日" in doc
    assert (policy.dated.isoformat(), policy.issued.isoformat()) == ("2023-01-19", "2023-01-20") and policy.number in doc
    assert "杭州市人民政府办公厅2023年1月20日印发" in doc
    assert all(squeeze(sentence) in doc for sentence in policy.lead_text.split("。") if sentence)
    assert squeeze(policy.no_double_rule) in doc
    assert squeeze(policy.approval) in doc and f"（{policy.publication}）" in doc
    assert policy.lead_department == "市地方金融监管局" and "就高不重复" in policy.no_double_rule


def test_key_figures(book):
    hq = book.measure("hq-new")
    assert hq.rule.rate == Decimal("0.02") and hq.caps[0].amount == Decimal(50_000_000)
    assert [(t.at_least, t.amount) for t in book.measure("am-hq").rule.tiers] == [
        (Decimal(10 ** 10), Decimal(3_000_000)), (Decimal(2 * 10 ** 10), Decimal(6_000_000))]
    assert book.measure("fintech-sub").conditions[1].at_least == Decimal(50_000_000)
    assert book.measure("certificates").rule.type == "unquantified"


def test_summary_quotes_are_in_their_sources(book, source):
    for s in book.summaries:
        docs = [source[src.doc] for src in s.sources]
        for quote in re.findall(r"“((?:[^“”]|‘[^’]*’)+)”", s.text):
            said = squeeze(quote.replace("‘", "“").replace("’", "”"))
            assert any(said in d for d in docs), f"{s.id}: “{quote}” not in its sources"


def test_beneficiary_vocabulary(book):
    assert {"bank", "insurer", "securities", "fund_manager", "fintech_subsidiary", "payment_institution",
            "credit_reporting", "rating_agency", "market_operator", "enterprise"} <= set(book.types)
    assert book.ancestors("bank") == {"bank", "financial_institution", "organization"}


# ── broken files and reload ─────────────────────────────────────────────────────────────────────────────

@pytest.fixture
def policy_dir(tmp_path):
    for path in POLICY_DIR.glob("policy_*.yaml"):
        shutil.copy(path, tmp_path / path.name)
    shutil.copytree(POLICY_DIR / "en", tmp_path / "en")
    (tmp_path / "en" / "policy_demo.yaml").write_text(NEW_POLICY_EN, encoding="utf-8")   # read with policy_demo.yaml
    return tmp_path


NEW_POLICY = """
policy:
  id: demo-2027
  doc: opinions-2023
  number: 示例〔2027〕1号
  title: 示例政策
  issuer: 示例单位
  dated: 2027-01-01
  issued: 2027-01-01
  effective_from: 2027-01-01
  effective_to: 2029-12-31
  lead_department: 示例局
  lead_text: 由示例局负责。
  no_double_rule: 就高不重复。
  section: 附则
measures:
  - id: demo-award
    article: 1
    chapter: 示例
    title: 示例奖励
    text: 对示例机构给予最高不超过80万元的一次性奖励。
    beneficiary: 示例机构
    beneficiaries: [bank]
    money: 一次性奖励
    keywords: [示例奖励专项]
    rule: {type: fixed, amount: 80万}
"""

NEW_POLICY_EN = """
policy:
  {id: demo-2027, number: 示例〔2027〕1号, title: Demo policy, issuer: Demo office, lead_department: Demo bureau,
   lead_text: The demo bureau is responsible., no_double_rule: The higher one applies., section: Final provisions}
measures:
  demo-award: {chapter: Demo, title: Demo award, text: A one-off award of at most RMB 80万 to demo institutions.,
               beneficiary: Demo institutions, money: one-off award, keywords: [demo award]}
"""


@pytest.mark.parametrize("yaml_text, says", [
    (NEW_POLICY.replace("rule: {type: fixed, amount: 80万}", "rule: {type: fixed, amount: 很多}"), "demo-award"),
    (NEW_POLICY.replace("beneficiaries: [bank]", "beneficiaries: [martian]"), "martian"),
    (NEW_POLICY.replace("rule: {type: fixed, amount: 80万}", "rule: {type: rate, base: paid_in, rate: 2%}"),
     "paid_in"),
    (NEW_POLICY.replace("id: demo-award", "id: hq-new"), "hq-new"),
    (NEW_POLICY.replace("doc: opinions-2023", "doc: nowhere"), "nowhere"),
    (NEW_POLICY.split("measures:")[1].join(["measures:", ""]), "policy"),
    ("measures: [\n", "无法读取 YAML"),
])
def test_a_broken_file_names_file_and_entry(policy_dir, documents, yaml_text, says):
    (policy_dir / "policy_demo.yaml").write_text(yaml_text, encoding="utf-8")
    if "id: hq-new" in yaml_text:              # the English overlay names the same (duplicate) measure
        (policy_dir / "en" / "policy_demo.yaml").write_text(NEW_POLICY_EN.replace("demo-award:", "hq-new:"), "utf-8")
    with pytest.raises(KnowledgeError) as err:
        load_policy_book(documents, policy_dir)
    assert "policy_demo.yaml" in str(err.value) and says in str(err.value)


def test_tier_and_condition_shape_errors(policy_dir, documents):
    bad = NEW_POLICY.replace("rule: {type: fixed, amount: 80万}", """inputs:
      - {key: aum, label: 管理规模, kind: money}
    conditions:
      - {text: 规模, input: aum}
    rule: {type: tiered, input: aum, tiers: [{at_least: 200亿, amount: 6万}, {at_least: 100亿, amount: 3万}]}""")
    (policy_dir / "policy_demo.yaml").write_text(bad, encoding="utf-8")
    with pytest.raises(KnowledgeError) as err:
        load_policy_book(documents, policy_dir)
    assert "demo-award" in str(err.value) and "其中之一" in str(err.value) and "逐档升高" in str(err.value)


@pytest.mark.parametrize("entry, says", [
    ("{id: typo, why: 写错的正则, zh: ['还没(上市']}", "zh.0"),
    ("{id: empty, why: 没有说法}", "至少写一条"),
    ("{id: not_the_subject, why: 重复, zh: [并非]}", "not_the_subject"),
    ("{id: flagged, why: 全局标记, en: ['(?i)undecided']}", "en.0"),          # valid alone, not once joined with the others
    ("{id: backref, why: 反向引用, zh: ['(还)没\\1']}", "反向引用"),
])
def test_a_broken_ruled_out_entry_names_file_entry_and_field(policy_dir, documents, entry, says):
    (policy_dir / "policy_extra_guards.yaml").write_text(f"ruled_out:\n  - {entry}\n", encoding="utf-8")
    with pytest.raises(KnowledgeError) as err:
        load_policy_book(documents, policy_dir)
    assert "policy_extra_guards.yaml" in str(err.value) and says in str(err.value)


def test_ruled_out_words_come_from_the_data(policy_dir, documents, book):
    question = "新设金融总部，实收资本10亿，但董事会还没拍板，能拿多少"
    assert book.ruling_out(question, english=False) is None
    (policy_dir / "policy_extra_guards.yaml").write_text(
        "ruled_out:\n  - {id: undecided, why: 尚未决定, zh: ['还没拍板'], en: ['\\bundecided\\b']}\n", encoding="utf-8")
    extended = load_policy_book(documents, policy_dir)
    assert extended.ruling_out(question, english=False) == "还没拍板"
    assert extended.ruling_out("New HQ, paid-in RMB 1bn, board still Undecided", english=True) == "Undecided"
    assert extended.ruling_out("New HQ, paid-in RMB 1bn, board still undecided", english=False) is None


WORDS = POLICY_DIR / "policy_words.yaml"


@pytest.mark.parametrize("old, new, says", [
    ("  - id: hkd\n    zh: [港元, 港币]\n", "  - id: hkd\n    zh: [港元, 港币]\n    names: [hong kong dollar]\n", "hkd"),
    ("    codes: [jpy]\n", "    codes: [JPY1]\n", "codes.0"),
    ("  - id: unnamed\n    zh: [外币, 外汇折算, 外币折算]\n", "  - id: unnamed\n", "至少写一项"),
    ("  - id: mop\n", "  - id: usd\n", "usd"),
    ("  - id: other_sources\n", "  - id: other_source\n", "other_source"),
    ("(不在|在|位于|注册在|落户)[^，,。？?]{0,10}(小镇|区|县)", "(不在|在|位于", "patterns.0"),
    ("  - id: listed_en\n", "  - id: listed\n", "listed"),
    ("  - id: scaffold\n", "  - id: every_year\n", "every_year"),
])
def test_a_broken_word_list_or_currency_names_file_entry_and_field(policy_dir, documents, old, new, says):
    text = WORDS.read_text(encoding="utf-8")
    assert old in text
    (policy_dir / WORDS.name).write_text(text.replace(old, new), encoding="utf-8")
    with pytest.raises(KnowledgeError) as err:
        load_policy_book(documents, policy_dir)
    assert WORDS.name in str(err.value) and says in str(err.value)


def test_a_missing_word_list_is_named(policy_dir, documents):
    text = WORDS.read_text(encoding="utf-8")
    kept = text.split("  - id: other_sources")[0]
    (policy_dir / WORDS.name).write_text(kept, encoding="utf-8")
    with pytest.raises(KnowledgeError) as err:
        load_policy_book(documents, policy_dir)
    assert "other_sources" in str(err.value)


def test_a_missing_pattern_is_named(policy_dir, documents):
    text = WORDS.read_text(encoding="utf-8")
    start = text.index("  - id: rules_issued")
    (policy_dir / WORDS.name).write_text(text[:start] + text[text.index("  - id: quote_asks"):], encoding="utf-8")
    with pytest.raises(KnowledgeError) as err:
        load_policy_book(documents, policy_dir)
    assert "patterns" in str(err.value) and "rules_issued" in str(err.value)


def test_patterns_and_places_elsewhere_come_from_the_data(policy_dir, documents, book):
    assert book.patterns["every_year"].search("这个补助每年都能拿吗") and book.patterns["every_year"].search("Paid EVERY year?")
    assert read("厦门的新设金融总部能拿多少", book).place == "厦门"       # faq/vocabulary.yaml's elsewhere list
    assert read("宁波的新设金融总部能拿多少", book).place == "宁波"       # and the policies' own addition
    assert read("杭州和上海都有公司，新设金融总部能拿多少", book).place is None
    text = WORDS.read_text(encoding="utf-8")
    (policy_dir / WORDS.name).write_text(text.replace("words: [宁波, ", "words: [").replace(
        "'是一次性', ", "'是一次性', '按年发', "), encoding="utf-8")
    changed = load_policy_book(documents, policy_dir)
    assert read("宁波的新设金融总部能拿多少", changed).place is None
    assert changed.patterns["every_year"].search("是按年发吗") and not book.patterns["every_year"].search("是按年发吗")


def test_currencies_and_word_lists_come_from_the_data(policy_dir, documents, book):
    assert book.foreign().search("实收资本20亿aud").group(0) == "aud"
    assert book.foreign(english=True).search("a decade of growth, 2 decades") is None     # codes as whole words
    assert book.foreign().search("paid-in 2 billion dollars") is None          # English names for English questions
    assert book.foreign(english=True).search("paid-in 2 billion dollars").group(0) == "dollars"
    assert book.foreign().search("注册资本5亿卢布").group(0) == "卢布"
    text = WORDS.read_text(encoding="utf-8")
    (policy_dir / WORDS.name).write_text(text.replace("    zh: [卢布, ", "    zh: [").replace(
        "words: [新设, ", "words: [筹建完成, 新设, "), encoding="utf-8")
    changed = load_policy_book(documents, policy_dir)
    assert changed.foreign().search("注册资本5亿卢布") is None
    assert "筹建完成" in changed.words["newly"] and "筹建完成" not in book.words["newly"]


def router_over(policy_dir, settings, clock):
    """The whole bot over the policy files in `policy_dir`."""
    from bot.dialogs import Dialogs
    from bot.router import Router
    from bot.services import Services
    from bot.store import Store
    kb = KnowledgeBase(policy_loader=lambda docs: load_policy_book(docs, policy_dir))
    return Router(Services(settings=settings, clock=clock, kb=kb, dialogs=Dialogs(clock), store=Store(settings.data_dir)))


async def test_reload_picks_up_a_new_policy_file_and_keeps_the_old_on_error(policy_dir, settings, clock):
    from bot.messages import Incoming
    router = router_over(policy_dir, settings, clock)

    async def ask(text, staff=False):
        user = "staff" if staff else "u1"
        return await router.handle(Incoming("console", user, user, text=text, is_staff=staff))

    assert (await ask("示例奖励专项能拿多少")).intent != "calc"
    (policy_dir / "policy_demo.yaml").write_text(NEW_POLICY, encoding="utf-8")
    reply = await ask("/reload", staff=True)
    assert "26 项政策措施" in reply.text
    reply = await ask("示例奖励专项能拿多少")
    assert reply.intent == "calc" and "最高可获 80万元（第1条）" in reply.text
    assert "示例〔2027〕1号自2027-01-01起施行，目前尚未施行" in reply.text       # today is 2026-11-22
    (policy_dir / "policy_demo.yaml").write_text(NEW_POLICY.replace("amount: 80万", "amount: -80万"), "utf-8")
    reply = await ask("/reload", staff=True)
    assert "policy_demo.yaml" in reply.text and "demo-award" in reply.text and "仍使用原资料" in reply.text
    assert router.svc.kb.policy.measure("demo-award").rule.amount == Decimal(800_000)


# ── more than one policy document: the one in force is used, and said ───────────────────────────────────

SUCCESSOR = """
policy:
  id: demo-successor
  doc: opinions-2023
  number: 示例〔2026〕9号
  title: 示例后续政策
  issuer: 示例单位
  dated: 2026-02-01
  issued: 2026-02-01
  effective_from: 2026-03-01
  effective_to: 2028-12-31
  lead_department: 示例局
  lead_text: 由示例局负责。
  no_double_rule: 就高不重复。
  section: 附则
measures:
  - id: demo-hq
    article: 3
    chapter: 示例
    title: 新设金融总部补助
    text: 对新设立的金融总部机构，按其实收资本1%的比例给予一次性补助，单家最高补助不超过3000万元。
    beneficiary: 新设立的金融总部机构
    beneficiaries: [financial_institution]
    money: 一次性补助
    keywords: [金融总部机构, 金融总部, 新设总部]
    inputs:
      - {key: paid_in, label: 实收资本, kind: money, cues: [实收资本, 实缴]}
    conditions:
      - text: 新设立的金融总部机构
    rule: {type: rate, base: paid_in, rate: 1%}
    caps:
      - {amount: 3000万, label: 单家上限}
"""

SUCCESSOR_EN = """
policy:
  {id: demo-successor, number: 示例〔2026〕9号, title: Demo successor, issuer: Demo office, lead_department: Demo bureau,
   lead_text: The demo bureau is responsible., no_double_rule: The higher one applies., section: Final provisions}
measures:
  demo-hq: {chapter: Demo, title: New HQ grant, text: One-off grant of 1% of paid-in capital up to RMB 3000万.,
            beneficiary: New financial HQs, money: one-off grant, inputs: {paid_in: {label: paid-in capital}},
            conditions: [Newly established financial HQ], caps: [cap per institution]}
"""


@pytest.mark.parametrize("day, says, not_says", [
    (datetime(2026, 11, 22), ["10亿元 × 1% = 1000万元", "示例〔2026〕9号现行有效"], ["2000万元"]),
    (datetime(2025, 6, 1), ["10亿元 × 2% = 2000万元", "杭政办〔2023〕2号现行有效"], ["1000万元"]),
])
async def test_the_document_in_force_on_the_day_is_used_and_named(policy_dir, settings, day, says, not_says):
    from bot.clock import SHANGHAI, FixedClock
    from bot.messages import Incoming
    (policy_dir / "policy_successor.yaml").write_text(SUCCESSOR, encoding="utf-8")
    (policy_dir / "en" / "policy_successor.yaml").write_text(SUCCESSOR_EN, encoding="utf-8")
    router = router_over(policy_dir, settings, FixedClock(day.replace(tzinfo=SHANGHAI)))
    reply = await router.handle(Incoming("console", "u1", "u1", text="新设金融总部，实收资本10亿，能拿多少？"))
    assert all(s in reply.text for s in says) and not any(s in reply.text for s in not_says), reply.text
    # a measure the successor does not carry is still explained from the expired document, with the notice
    reply = await router.handle(Incoming("console", "u2", "u2", text="主导制定了2项国家标准，能奖多少"))
    assert "最高可获 60万元（第9条）" in reply.text
    assert ("已于2026-02-28到期" in reply.text) == (day > datetime(2026, 2, 28)), reply.text
