"""How a policy question is read: the amount an asker hopes for ("能拿300万吗") says an amount is asked and is never
a figure; the article's own words name its measure."""
from __future__ import annotations

import pytest

from policy_data.extract import read


@pytest.mark.parametrize("question", ["新设金融总部能拿300万吗", "主导制定国家标准，能按国标30万奖吗", "资管总部可以拿600万的补助吗"])
def test_a_hoped_for_amount_asks_an_amount_and_is_no_figure(services, question):
    reading = read(question, services.kb.policy)
    assert reading.asks_amount() and reading.hoped and not any(f.kind == "money" for f in reading.figures)


def test_an_amount_of_ones_own_is_a_figure_not_a_hope(services):
    reading = read("新设金融总部实收资本3亿", services.kb.policy)
    assert not reading.hoped and [f.value for f in reading.figures] == [300000000]


def test_money_raised_from_the_public_in_the_articles_words_names_the_capital_measure(services):
    reading = read("我们银行实收资本从30亿增到36亿，增加的部分全是向社会募集的，补多少", services.kb.policy)
    assert reading.candidates() == ["capital-raise"]


async def test_the_increase_of_a_rise_named_as_the_measures_amount_is_computed_and_said_so(ask):
    reply = await ask("我们银行实收资本由50亿增至58亿，新增部分全部是向社会募集的，补助多少")
    assert "最高可获 800万元（第6条）" in reply.text and "“50亿增至58亿，增加的部分”按" in reply.text, reply.text
    plain = await ask("银行实收资本从30亿增到36亿，补多少", user="u2")       # no increase named: not computed
    assert "可获 " not in plain.text, plain.text
