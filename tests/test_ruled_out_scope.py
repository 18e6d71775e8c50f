"""Words saying something has not happened yet rule out only a measure that is about that event: a REIT already
listed whose 扩募 is still to be published still gets the listing reward."""
from __future__ import annotations

import pytest

from tests.devset import final_amount


async def test_another_event_not_yet_done_does_not_rule_out_the_measure(ask):
    reply = await ask("我们的基础设施REITs已经在上交所上市了，扩募要发布了，能奖多少")
    assert final_amount(reply.text) == 3000000, reply.text


@pytest.mark.parametrize("question, said", [
    ("REITs要上市了，能奖多少", "要上市了"),
    ("我们REITs项目还没上市，能奖多少", "还没上市"),
    ("主导的国家标准还没发布，能拿多少", "还没发布"),
])
async def test_the_measures_own_event_not_yet_done_still_rules_it_out(ask, question, said):
    reply = await ask(question)
    assert f"您提到“{said}”" in reply.text and final_amount(reply.text) is None, reply.text


async def test_a_word_ruling_out_one_measure_said_of_another_rules_out_only_that_one(ask):
    reply = await ask("新设个人征信公司(人行批准)和新设企业征信公司(已备案)各一家，合计")
    assert final_amount(reply.text) == 11000000, reply.text
    alone = await ask("个人征信公司已备案，补多少", user="u2")
    assert "您提到“备案”" in alone.text and final_amount(alone.text) is None, alone.text
