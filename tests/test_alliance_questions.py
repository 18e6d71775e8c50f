"""Questions about the alliance's branches and joining it are answered about the alliance, from what the town
profile states, and say what it does not state (which branch fits whom, what a branch does, the materials)."""
from __future__ import annotations

import pytest

BRANCHES = ("传统持牌金融行业分会", "类金融行业分会", "重点企业行业分会")


@pytest.mark.parametrize("question", ["证券公司应该加入哪个分会", "重点企业行业分会负责什么", "各个分会有什么不同"])
async def test_what_a_branch_does_or_whom_it_is_for_is_not_stated(ask, question):
    reply = await ask(question)
    assert reply.intent == "fallback" and "未载明" in reply.text and "小镇管委会" in reply.text, reply.text
    assert all(name in reply.text for name in BRANCHES)


async def test_what_a_branch_does_is_not_stated_in_english(ask):
    reply = await ask("What does the key enterprises branch do?")
    assert reply.intent == "fallback" and reply.lang == "en" and "do not state" in reply.text


@pytest.mark.parametrize("question", ["加入联盟要提交什么材料", "申请入盟需要哪些资料"])
async def test_materials_for_joining_the_alliance_are_the_committees(ask, question):
    reply = await ask(question)
    assert reply.intent == "fallback" and "小镇管委会" in reply.text and "联盟" in reply.text, reply.text
    assert "杭政办" not in reply.text and "市地方金融监管局" not in reply.text


async def test_materials_for_a_subsidy_are_still_the_policys(ask):
    reply = await ask("申请补贴需要准备什么材料")
    assert "市地方金融监管局" in reply.text


async def test_the_invited_foreign_institutions_are_counted_not_named(ask):
    reply = await ask("特邀外资金融机构都是哪些")
    assert "12家" in reply.text and "未列出" in reply.text


async def test_a_procedure_of_another_body_is_not_answered_from_the_policy(ask):
    reply = await ask("在英蓝中心租办公室需要提交哪些材料")
    assert reply.intent == "fallback" and "杭政办" not in reply.text and "未载明" in reply.text, reply.text
