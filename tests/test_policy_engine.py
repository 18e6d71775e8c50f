"""Table-driven: every measure below, at and above each threshold and cap, tiers, counts, per-year caps;
then the document's validity wording for expired, in-force and not-yet dates."""
from datetime import date
from decimal import Decimal

import pytest

from faq.knowledge import load_knowledge
from policy_data.amounts import parse_quantity
from policy_data.engine import ceiling, evaluate
from policy_data.loader import load_policy_book
from policy_data.render import estimate, outcome_lines, validity


@pytest.fixture(scope="module")
def book():
    return load_policy_book(load_knowledge().documents)


# (measure, figures, status, amount after caps, the cap that bit)
CASES = [
    # 第1条 fixed
    ("scitech-branch", {}, "ok", "50万", None),
    # 第2、3条 no amount; rank ≤ 20 / ≤ 10
    ("scitech-loans", {}, "unquantified", None, None),
    ("scitech-loans", {"rank": "19"}, "unquantified", None, None),
    ("scitech-loans", {"rank": "20"}, "unquantified", None, None),
    ("scitech-loans", {"rank": "21"}, "fail", None, None),
    ("scitech-insurance", {"rank": "9"}, "unquantified", None, None),
    ("scitech-insurance", {"rank": "10"}, "unquantified", None, None),
    ("scitech-insurance", {"rank": "11"}, "fail", None, None),
    # 第4条 0.05%, 单户企业年度上限50万 (reached at 10亿)
    ("receivables", {}, "missing", None, None),
    ("receivables", {"financing": "1亿", "rank": "3"}, "ok", "5万", None),
    ("receivables", {"financing": "9.99亿", "rank": "3"}, "ok", "49.95万", None),
    ("receivables", {"financing": "10亿", "rank": "3"}, "ok", "50万", None),
    ("receivables", {"financing": "10.01亿", "rank": "3"}, "ok", "50万", "单户企业年度上限"),
    ("receivables", {"financing": "1亿", "rank": "10"}, "ok", "5万", None),
    ("receivables", {"financing": "1亿"}, "missing", None, None),        # the top-10 condition decides: asked
    ("receivables", {"financing": "1亿", "rank": "11"}, "fail", None, None),
    # 第6条 2% of paid-in, 单家上限5000万 (reached at 25亿)
    ("hq-new", {}, "missing", None, None),
    ("hq-new", {"paid_in": "10亿"}, "ok", "2000万", None),
    ("hq-new", {"paid_in": "24.99亿"}, "ok", "4998万", None),
    ("hq-new", {"paid_in": "25亿"}, "ok", "5000万", None),
    ("hq-new", {"paid_in": "25.01亿"}, "ok", "5000万", "单家上限"),
    ("hq-new", {"paid_in": "0"}, "ok", "0", None),
    ("fin-holding", {}, "ok", "1000万", None),
    ("capital-raise", {"raised": "9.99亿"}, "ok", "999万", None),
    ("capital-raise", {"raised": "10亿"}, "ok", "1000万", None),
    ("capital-raise", {"raised": "20亿"}, "ok", "1000万", "单家上限"),
    # 第8条 thresholds 5000万（含）/ 2亿（含）
    ("fintech-sub", {}, "missing", None, None),                          # the 5000万（含） threshold decides
    ("fintech-sub", {"paid_in": "4999.99万"}, "fail", None, None),
    ("fintech-sub", {"paid_in": "5000万"}, "ok", "100万", None),
    ("fintech-sub", {"paid_in": "5000.01万"}, "ok", "100万", None),
    ("national-center", {"paid_in": "1.9999亿"}, "fail", None, None),
    ("national-center", {"paid_in": "2亿"}, "ok", "2000万", None),
    ("national-center", {"paid_in": "2.0001亿"}, "ok", "2000万", None),
    # 第9条 per item
    ("standards", {}, "missing", None, None),
    ("standards", {"national": "2"}, "ok", "60万", None),
    ("standards", {"international": "1", "industry": "2"}, "ok", "140万", None),
    ("standards", {"international": "2", "national": "1", "industry": "1"}, "ok", "250万", None),
    ("reform-pilot", {}, "ok", "50万", None),
    # 第11条 20万 each, 年度累计上限100万 (reached at 5)
    ("payment-license", {"licenses": "1"}, "ok", "20万", None),
    ("payment-license", {"licenses": "4"}, "ok", "80万", None),
    ("payment-license", {"licenses": "5"}, "ok", "100万", None),
    ("payment-license", {"licenses": "6"}, "ok", "100万", "年度累计上限"),
    # 第12条
    ("market-pilot", {}, "ok", "1000万", None),
    ("listed-financing", {"excess": "1亿"}, "ok", "100万", None),
    ("listed-financing", {"excess": "1.99亿"}, "ok", "199万", None),
    ("listed-financing", {"excess": "2亿"}, "ok", "200万", None),
    ("listed-financing", {"excess": "3亿"}, "ok", "200万", "每家机构每年上限"),
    ("listed-financing", {"excess": "1亿", "growth": "4.99%"}, "fail", None, None),
    ("listed-financing", {"excess": "1亿", "growth": "5%"}, "fail", None, None),
    ("listed-financing", {"excess": "1亿", "growth": "5.01%"}, "ok", "100万", None),
    # 第13条 tiers 100亿（含）→300万, 200亿（含）→600万
    ("am-hq", {}, "missing", None, None),
    ("am-hq", {"aum": "99.99亿"}, "fail", None, None),
    ("am-hq", {"aum": "100亿"}, "ok", "300万", None),
    ("am-hq", {"aum": "150亿"}, "ok", "300万", None),
    ("am-hq", {"aum": "199.99亿"}, "ok", "300万", None),
    ("am-hq", {"aum": "200亿"}, "ok", "600万", None),
    ("am-hq", {"aum": "1000亿"}, "ok", "600万", None),
    ("reits", {}, "ok", "300万", None),
    # 第14条
    ("prosperity-national", {}, "ok", "50万", None),
    ("prosperity-ministerial", {}, "ok", "20万", None),
    # 第15条 0.5%, 每个项目上限500万 (reached at 10亿)
    ("insurance-funds", {"financing": "5亿"}, "ok", "250万", None),
    ("insurance-funds", {"financing": "10亿"}, "ok", "500万", None),
    ("insurance-funds", {"financing": "20亿"}, "ok", "500万", "每个项目上限"),
    # 第16条
    ("personal-credit", {}, "ok", "1000万", None),
    ("enterprise-credit", {}, "ok", "100万", None),
    ("credit-services", {"services": "1999999"}, "fail", None, None),
    ("credit-services", {"services": "200万"}, "ok", "20万", None),
    ("credit-services", {"services": "250万"}, "ok", "20万", None),
    ("rating-agency", {"ratings": "999"}, "fail", None, None),
    ("rating-agency", {"ratings": "1000"}, "ok", "20万", None),
    ("rating-agency", {"ratings": "1001"}, "ok", "20万", None),
    # 第18条 no amount
    ("innovation-award", {}, "unquantified", None, None),
    ("certificates", {}, "unquantified", None, None),
]


@pytest.mark.parametrize("measure_id, given, status, amount, cap", CASES)
def test_measure_table(book, measure_id, given, status, amount, cap):
    measure = book.measure(measure_id)
    outcome = evaluate(measure, {k: parse_quantity(v) for k, v in given.items()})
    assert outcome.status == status
    assert outcome.amount == (parse_quantity(amount) if amount is not None else None)
    assert (outcome.cap.label if outcome.cap else None) == cap
    assert outcome_lines(outcome)[0] == f"【第{measure.article}条 · {measure.title}】"


def test_every_measure_is_in_the_table(book):
    assert {m.id for m in book.measures} == {c[0] for c in CASES}


def test_figures_for_other_measures_are_ignored(book):
    outcome = evaluate(book.measure("hq-new"), {"paid_in": Decimal(10 ** 9), "aum": Decimal(1)})
    assert outcome.facts == {"paid_in": Decimal(10 ** 9)}


def test_open_conditions_are_listed(book):
    outcome = evaluate(book.measure("fintech-sub"), {})
    assert [c.text for c in outcome.open_conditions][-1] == "实收资本5000万元（含）以上"
    assert "还需符合" in outcome_lines(outcome)[-1]


@pytest.mark.parametrize("measure_id, top, text", [
    ("hq-new", "5000万", "最高5000万元（按实收资本的2%计算，单家上限5000万元）"),
    ("am-hq", "600万", "最高600万元（按存续资产实际管理规模分档：100亿元（含）以上最高可获300万元；"),
    ("payment-license", "100万", "最高100万元（按数量计：每张境外支付业务牌照最高可获20万元，年度累计上限100万元）"),
    ("fin-holding", "1000万", "最高可获1000万元"),
    ("standards", None, "每项国际标准最高可获100万元"),
    ("scitech-loans", None, "按贡献比例给予奖励（文件未规定具体金额）"),
])
def test_ceiling_and_estimate(book, measure_id, top, text):
    measure = book.measure(measure_id)
    assert ceiling(measure) == (parse_quantity(top) if top else None)
    assert text in estimate(measure)


@pytest.mark.parametrize("today, says", [
    (date(2026, 11, 22), "已于2026-02-28到期（今天是2026-11-22）"),
    (date(2026, 2, 28), "现行有效（有效期2023-03-01至2026-02-28）"),
    (date(2023, 3, 1), "现行有效"),
    (date(2023, 2, 28), "自2023-03-01起施行，目前尚未施行"),
])
def test_validity(book, today, says):
    text = validity(book.policies["hz-2023-2"], today)
    assert says in text and "市地方金融监管局" in text
