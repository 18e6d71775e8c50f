"""The rule said where the quick-check asks about a condition, and a figure of the rule quoted and asked about
("5000万是含本数吗") answered with the rule, not computed."""
from __future__ import annotations

import pytest

from tests.devset import final_amount


async def test_a_condition_asked_about_comes_with_the_rule_and_no_amount(ask):
    reply = await ask("资管总部100亿规模补多少")
    assert "规则：按存续资产实际管理规模分档：100亿元（含）以上最高可获300万元；200亿元（含）以上最高可获600万元" in reply.text
    assert "原文条件：新设立" in reply.text and final_amount(reply.text) is None, reply.text


# a figure of the rule asked about gets the rule; counts and words of an article's content are no quick-check
@pytest.mark.parametrize("question, intent, holds", [
    ("请问金融科技子公司那条，5000万是含本数吗", "policy", "实收资本5000万元（含）以上"),
    ("资管总部规模100亿含不含", "policy", "100亿元（含）以上"),
    ("rating agency threshold for the 200k award?", "policy", "1000 (inclusive)"),
    ("有没有一个保险资金价格指数？哪条", "faq", "保险资金价格指数"),
    ("“非公开市场第一城”那条要依托哪两个平台", "faq", "创业投资基金份额转让平台"),
    ("险资融杭要帮政府融资平台公司干嘛", "faq", "市场化转型"),
])
async def test_what_the_article_says_is_answered_not_computed(ask, question, intent, holds):
    reply = await ask(question)
    assert (reply.intent, holds in reply.text, final_amount(reply.text)) == (intent, True, None), reply.text


async def test_a_figure_of_ones_own_with_an_amount_asked_is_still_computed(ask):
    reply = await ask("新设资管总部，规模100亿，能拿多少")
    assert reply.intent == "calc" and final_amount(reply.text) is not None, reply.text


async def test_items_counted_without_a_question_are_still_computed(ask):
    reply = await ask("两个项目，一个受国家表彰、一个受部委表彰，合计奖励")
    assert reply.intent == "calc" and final_amount(reply.text) == 700000, reply.text
