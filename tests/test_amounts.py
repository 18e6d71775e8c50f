"""Every amount form users type, read exactly; nonsense gets a clear error, never a number."""
from decimal import Decimal

import pytest

from policy_data.amounts import AmountError, figures, fmt_count, fmt_money, fmt_rate, parse_quantity


def one(text):
    found = figures(text)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize("text, value", [
    ("10亿", "1000000000"), ("10亿元", "1000000000"), ("1,000万", "10000000"), ("8000万元", "80000000"),
    ("3.5亿", "350000000"), ("五亿", "500000000"), ("两千万", "20000000"), ("100000000元", "100000000"),
    ("三点五亿", "350000000"), ("两个亿", "200000000"), ("10个亿", "1000000000"), ("1千万", "10000000"),
    ("一亿二千万", "120000000"), ("50万元", "500000"), ("0.5亿", "50000000"), ("10 亿", "1000000000"),
    ("一亿五", "150000000"), ("一万五", "15000"), ("1亿5千万", "150000000"), ("1亿5", "150000000"),
    ("1亿2000万", "120000000"), ("1亿2000", "120000000"), ("1亿5千万元", "150000000"),
    ("一个亿五", "150000000"), ("一个亿二", "120000000"), ("两个亿五千万", "250000000"), ("1个亿5", "150000000"),
    ("一个亿五千", "150000000"),
])
def test_money_forms(text, value):
    fig = one(text)
    assert (fig.kind, fig.value, fig.error) == ("money", Decimal(value), None)


def test_scientific_notation_is_a_bare_number():
    fig = one("1.2e8")
    assert fig.kind == "number" and fig.value == Decimal("120000000")


@pytest.mark.parametrize("text, value", [
    ("2%", "0.02"), ("百分之二", "0.02"), ("千分之五", "0.005"), ("0.05%", "0.0005"), ("百分之零点五", "0.005"),
    ("万分之五", "0.0005"),
])
def test_rates(text, value):
    fig = one(text)
    assert (fig.kind, fig.value) == ("rate", Decimal(value))


@pytest.mark.parametrize("text, value, unit", [
    ("2项", 2, "项"), ("两项", 2, "项"), ("三张", 3, "张"), ("200万次", 2000000, "次"), ("1000笔", 1000, "笔"),
])
def test_counts(text, value, unit):
    fig = one(text)
    assert (fig.kind, fig.value, fig.unit) == ("count", Decimal(value), unit)


@pytest.mark.parametrize("text, value", [("排名第5", 5), ("排第三", 3), ("第12名", 12), ("排名前10名", 10), ("名列第二十五", 25), ("增量第25", 25)])
def test_ranks(text, value):
    fig = one(text)
    assert (fig.kind, fig.value) == ("rank", Decimal(value))


@pytest.mark.parametrize("text, kind, low, high", [
    ("两三张", "count", "2", "3"), ("三五个亿", "money", "300000000", "500000000"),
    ("七八千万", "money", "70000000", "80000000"), ("一两个亿", "money", "100000000", "200000000"),
    ("三四家", "count", "3", "4"),
])
def test_two_digits_side_by_side_are_a_rough_span_not_one_number(text, kind, low, high):
    fig = one(text)
    assert (fig.kind, fig.low, fig.high, fig.value) == (kind, Decimal(low), Decimal(high), Decimal(high))


@pytest.mark.parametrize("text", ["一个亿五六", "一个亿五成"])
def test_a_digit_after_an_amount_that_is_not_its_tail_leaves_it_unread(text):
    (fig, *_) = figures(text)
    assert fig.value is None and fig.error


def test_a_digit_after_a_year_is_not_the_tail_of_an_amount():
    assert [f.text for f in figures("一个亿五年内到位")] == ["一个亿"]


@pytest.mark.parametrize("text", ["实收资本很多", "第6条", "2023年3月1日", "一次性补助", "达到一定规模", "万一不行"])
def test_no_figure_in_words_dates_and_articles(text):
    assert figures(text) == []


@pytest.mark.parametrize("text, says", [
    ("-5亿", "负数"), ("负5亿", "负数"), ("−3000万", "负数"), ("10^30元", "合理范围"), ("1e30", "合理范围"),
    ("五万万", "没看懂"), ("10^99999", "太大"),
])
def test_nonsense_is_an_error_not_a_value(text, says):
    fig = one(text)
    assert fig.value is None and says in fig.error


def test_a_year_after_an_amount_is_not_read_as_part_of_it():
    assert [f.value for f in figures("10亿2023年设立")] == [Decimal("1000000000")]


def test_several_figures_keep_their_positions():
    found = figures("实收资本10亿，管理规模150亿，2项国家标准")
    assert [(f.text, f.kind) for f in found] == [("10亿", "money"), ("150亿", "money"), ("2项", "count")]
    assert found[0].end <= found[1].start


@pytest.mark.parametrize("value, text", [
    ("20000000", "2000万元"), ("1000000000", "10亿元"), ("350000000", "3.5亿元"), ("500000", "50万元"),
    ("12345678", "1234.5678万元"), ("6172.839", "6172.84元"), ("0", "0元"), ("120000000", "1.2亿元"),
    ("20000000.00", "2000万元"),
])
def test_fmt_money(value, text):
    assert fmt_money(Decimal(value)) == text


def test_fmt_rate_and_count():
    assert [fmt_rate(Decimal(v)) for v in ("0.02", "0.0005", "0.005")] == ["2%", "0.05%", "0.5%"]
    assert fmt_count(Decimal(2000000), "次") == "200万次" and fmt_count(Decimal(3), "项") == "3项"


def test_parse_quantity_for_data_files():
    assert parse_quantity("5000万") == Decimal(50000000)
    assert parse_quantity("0.05%") == Decimal("0.0005")
    assert parse_quantity("10") == Decimal(10)
    for bad in ("很多", "5000万 和 1亿", "-5亿", 0.05):
        with pytest.raises(AmountError):
            parse_quantity(bad)


@pytest.mark.parametrize("text, low, high", [
    ("增速排在十几名", 11, 19),
    ("排名二十几", 21, 29),
    ("几十名开外", 20, 90),
    ("年评级九百到一千一百笔", 900, 1100),
])
def test_a_numeral_with_ji_for_a_digit_or_a_bare_low_end_is_a_range(text, low, high):
    from policy_data.spans import loosen
    [fig] = loosen(text, figures(text))
    assert (fig.low, fig.high) == (Decimal(low), Decimal(high))


@pytest.mark.parametrize("text, kind, unit, low, below", [
    ("三百多万次", "count", "次", "3000000", "4000000"),       # 多 between the number and its place
    ("1500多笔", "count", "笔", "1500", "1600"),
    ("八十几亿", "money", "", "8000000000", "9000000000"),
    ("四千多万元", "money", "", "40000000", "50000000"),
])
def test_a_round_number_with_duo_before_its_place_reaches_from_it_to_below_the_next_step(text, kind, unit, low, below):
    [fig] = figures(text)
    assert (fig.kind, fig.unit, fig.text, fig.low) == (kind, unit, text, Decimal(low)), fig
    assert Decimal(below) * Decimal("0.99") < fig.high < Decimal(below), fig


def test_duo_shao_after_a_number_is_a_question_not_a_rough_figure():
    assert [f.text for f in figures("200多少钱")] == ["200"]
