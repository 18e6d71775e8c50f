"""A fixed sum paid for each institution or project, asked of "几家" / "多个" of them: the number is asked for, no
total is guessed; a count given still totals item by item."""
from __future__ import annotations

import pytest

from tests.devset import final_amount


@pytest.mark.parametrize("question, vague", [
    ("科创专营机构几家通过认定了，补多少？", "几家"),
    ("我们有多家科技支行被认定为科创专营机构，能拿多少", "多家"),
    ("我们有几个共富项目获得国家表彰，奖多少", "几个"),
])
async def test_an_unknown_count_is_asked_for(ask, question, vague):
    reply = await ask(question)
    assert reply.intent == "calc" and final_amount(reply.text) is None, reply.text
    assert f"您说的“{vague}”没有确切数量" in reply.text and "请告诉我具体有几" in reply.text, reply.text


@pytest.mark.parametrize("question, amount", [
    ("3家科技支行都被认定，补多少", "150万元"),
    ("科创专营机构通过认定了，补多少？", "50万元"),
    ("几家机构里，我们1家科技支行通过认定了，补多少", "50万元"),
])
async def test_a_count_given_is_computed(ask, question, amount):
    reply = await ask(question)
    assert f"可获 {amount}" in reply.text, reply.text
