"""A message asking two things gets both answered, each from its own entry, or is told which part the documents
do not state; a single question holding 和 is answered once."""
from __future__ import annotations

import pytest


async def test_two_questions_joined_by_he_are_answered_each_from_its_own_entry(ask):
    reply = await ask("工业设计小镇面积和2019年营业收入")
    assert reply.intent == "faq"
    assert "1.42平方千米" in reply.text and "3.25亿元" in reply.text and len(reply.sources) == 2


async def test_a_shared_ending_asks_both_halves(ask):
    reply = await ask("在册金融机构和基金规模分别是多少")
    assert "356家" in reply.text and "650亿元" in reply.text


async def test_one_entry_giving_both_figures_answers_once(ask):
    reply = await ask("工业设计小镇税收和营收增长多少")
    assert "0.27亿元" in reply.text and "3.25亿元" in reply.text and len(reply.sources) == 1


@pytest.mark.parametrize("clause", ["杭州和达希尔顿逸林酒店在哪", "和睦路在哪"])
def test_a_name_holding_he_is_not_split(kb, clause):
    assert kb.reader_for("zh").halves(clause) == []


async def test_a_part_of_what_the_first_answer_listed_is_asked_of_the_same_document(ask):
    reply = await ask("十三五五镇有哪些，其中运河财富小镇定位是什么")
    assert "玉皇山南基金小镇" in reply.text and "非银金融集聚小镇" in reply.text


async def test_a_part_the_documents_do_not_state_is_said_to_be_unstated(ask):
    reply = await ask("杭州金融城在哪里，有多大")
    assert "三官塘路" in reply.text and "资料未载明杭州金融城的面积" in reply.text
    assert "50万平方米" not in reply.text            # the town's floor space is not the financial city's size


async def test_the_faq_part_of_a_quick_check_message_is_answered_after_it(ask):
    reply = await ask("你好，我是上海某私募的负责人，我们计划在运河财富小镇落户。请问小镇有哪些楼宇可以入驻？"
                      "另外新设资管总部管理规模150亿能补多少？")
    assert reply.intent == "calc" and "可获 300万元" in reply.text
    assert reply.text.index("可获 300万元") < reply.text.index("英蓝中心")
    assert reply.sources[0].endswith("第13条") and reply.sources[1].startswith("小镇简介"), reply.sources


async def test_enumerated_questions_after_a_colon_are_each_read(ask):
    reply = await ask("您好，我们是一家外资银行。想了解两个问题：一是小镇金融联盟对外资机构有什么安排；二是增资补充资本金有没有补助。")
    assert "第6条" in reply.text and "12家外资金融机构" in reply.text


async def test_a_heading_before_a_colon_is_what_the_questions_ask_about(ask):
    reply = await ask("财富港湾目标：机构多少家、AUM多少")
    assert "1万家" in reply.text and "4万亿元" in reply.text and "356家" not in reply.text


async def test_the_industry_alliance_founding_is_its_own(ask):
    reply = await ask("长三角特色小镇产业联盟啥时候成立，多少个乡镇组建")
    assert reply.intent == "faq" and "2019年12月13日" in reply.text and "50余个乡镇" in reply.text


async def test_asking_whether_the_clause_before_is_true_asks_that_clause(ask):
    reply = await ask("听说小镇有20幢超5A甲级写字楼，是真的吗？另外联盟有几个分会")
    assert "20幢超5A甲级商务楼宇" in reply.text and "三个分会" in reply.text


async def test_a_question_without_a_subject_asks_of_the_place_named_before(ask):
    reply = await ask("运河财富小镇是第几批省级金融特色小镇，是不是钱塘江金融港湾重点板块")
    assert "第二批" in reply.text and "运河财富小镇是浙江省钱塘江金融港湾重点发展板块" in reply.text


async def test_the_same_thing_asked_apart_of_two_groups_gets_both_figures(ask):
    reply = await ask("小镇人才总数和持证的高端人才各有多少")       # both counts of talent, each its own answer
    assert reply.intent == "faq" and "近1000名" in reply.text and "高端金融人才50名" in reply.text, reply.text
