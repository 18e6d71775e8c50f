"""A message asking things different routes answer: each question gets its answer, in one reply."""
from __future__ import annotations

import pytest

from faq.reading import asked_at_spaces

INTRO = ("我们是一家外地的资管公司，最近在考虑杭州的布局，听说运河财富小镇不错。小镇有哪些楼宇？我们想新设一个金融总部，"
         "实收资本20亿，能拿多少补助？另外管委会怎么联系？")


async def test_a_place_and_a_contact_are_both_answered(ask):
    reply = await ask("小镇在哪 管委会电话多少")
    assert "大运河" in reply.text and "【运河财富小镇管理委员会（小镇管委会）】" in reply.text
    assert "暂未公布" in reply.text          # the number is not published: said, never made up


async def test_buildings_a_quick_check_and_a_contact_after_an_introduction(ask):
    reply = await ask(INTRO)
    assert "英蓝中心" in reply.text
    assert "20亿元 × 2% = 4000万元" in reply.text and "最高可获 4000万元" in reply.text
    assert "小镇管委会" in reply.text
    assert reply.text.count("有效期为") == 1      # the validity note once, last
    assert reply.text.rstrip().endswith("现行政策请向市地方金融监管局确认。")


async def test_two_counts_at_a_space_are_each_answered(ask):
    reply = await ask("小镇几个历史街区 几个博物馆")
    assert "三大历史街区" in reply.text and "五大博物馆" in reply.text


async def test_two_measures_each_with_its_own_figure_are_priced_apart(ask):
    reply = await ask("资管机构总部 新设 管理规模150亿 另外实收资本2亿 新设金融总部")
    assert "不是一个确切的数" not in reply.text
    assert "最高可获 300万元（第13条）" in reply.text
    assert "2亿元 × 2% = 400万元" in reply.text and "最高可获 400万元（第6条）" in reply.text
    assert "就高不重复" in reply.text
    assert len({b.label for b in reply.buttons}) == len(reply.buttons)


async def test_a_second_measure_without_a_figure_stays_one_question(ask):
    reply = await ask("新设金融总部实收资本30亿能拿多少 另外金融控股公司呢")
    assert "最高可获 5000万元" in reply.text and "最高可获 1000万元" in reply.text


def test_a_clause_splits_at_a_space_only_between_two_questions():
    assert asked_at_spaces("小镇在哪 管委会电话多少") == ["小镇在哪", "管委会电话多少"]
    assert asked_at_spaces("杭州英蓝中心 在哪条路") == ["杭州英蓝中心 在哪条路"]
    assert asked_at_spaces("请问 小镇在哪") == ["请问 小镇在哪"]
    assert asked_at_spaces("小镇在哪 多大 有几栋甲级楼") == ["小镇在哪", "多大", "有几栋甲级楼"]     # 多大 asks on its own
    assert asked_at_spaces("资管机构总部 新设 管理规模150亿") == ["资管机构总部 新设 管理规模150亿"]


async def test_two_articles_asked_at_once_get_a_line_per_measure_of_each(ask):
    reply = await ask("第6条和第13条分别补多少")
    assert reply.intent == "policy" and len(reply.text) < 600
    assert "· 第6条 新设金融总部补助：按实收资本的2%计算，单家上限5000万元" in reply.text
    assert "· 第13条 资管机构总部补助：" in reply.text and "最高可获600万元" in reply.text


async def test_three_questions_each_get_their_answer(ask):
    reply = await ask("小镇核心区在哪？小镇有几个博物馆？联盟有几个分会？")
    assert "大关路" in reply.text and "五大博物馆" in reply.text and "三个分会" in reply.text, reply.text


async def test_three_questions_at_spaces_after_an_introduction_each_get_their_answer(ask):
    reply = await ask("您好 我们是一家律所 想问问 小镇有几个博物馆 联盟有几个分会 核心区多大")
    assert "五大博物馆" in reply.text and "三个分会" in reply.text and "面积1平方公里" in reply.text, reply.text
    assert "联盟的核心区" not in reply.text          # the core area is the town's, named before the alliance


async def test_a_question_the_documents_do_not_answer_is_named_by_its_number(ask):
    reply = await ask("小镇在哪？英蓝中心租金多少？")
    assert "大运河" in reply.text and "第2问：资料未载明杭州英蓝中心的价格与收费。" in reply.text, reply.text


async def test_questions_beyond_what_one_reply_answers_are_named_not_dropped(ask):
    reply = await ask("小镇在哪？小镇多大？有几个博物馆？联盟几个分会？")
    assert "大运河" in reply.text and "3.3平方公里" in reply.text and "五大博物馆" in reply.text
    assert "第4问请单独再发一次" in reply.text and "三个分会" not in reply.text, reply.text


async def test_two_measures_asked_without_figures_each_get_their_own(ask):
    reply = await ask("金融科技子公司有补助吗？REITs上市有奖励吗？")
    assert "【第8条 · 金融科技子公司补助】" in reply.text and "【第13条 · 基础设施REITs上市奖励】" in reply.text, reply.text
    assert reply.text.count("就高不重复：") == 1 and reply.text.count("有效期为") == 1
    assert reply.text.index("就高不重复：") > reply.text.index("【第13条")     # said once, after both


async def test_support_asked_of_a_direction_beside_a_town_figure_is_answered_too(ask):
    reply = await ask("小镇有多少高端金融人才？另外人才有没有补贴？")
    assert "高端金融人才50名" in reply.text and "金融证书专项补贴" in reply.text, reply.text


async def test_a_count_an_earlier_answer_gave_is_not_said_again(ask):
    reply = await ask("小镇的历史文化怎么样，有几个历史街区？")
    assert reply.text.count("三大历史街区") == 1, reply.text


async def test_which_alliances_asks_of_alliances_not_of_the_towns_own(ask):
    reply = await ask("2019年小镇获得了哪些荣誉，加入了哪些联盟？")
    assert "入盟申请" not in reply.text and "长三角特色小镇产业联盟" in reply.text, reply.text


@pytest.mark.parametrize("text", ["小镇在哪 管委会电话多少 有几个博物馆", "有几个博物馆 管委会电话多少"])
async def test_a_question_beside_a_contact_question_is_not_lost_to_the_contact_card(ask, text):
    reply = await ask(text)
    assert "五大博物馆" in reply.text and "【运河财富小镇管理委员会（小镇管委会）】" in reply.text, reply.text


async def test_a_question_beside_a_total_is_answered_as_well_as_the_total(ask):
    reply = await ask("我们有2家科创保险专营机构都经认定，一共能拿多少？另外这个政策是哪个部门牵头？")
    assert "合计：最高可获 100万元" in reply.text and "牵头部门：市地方金融监管局" in reply.text, reply.text
    total = await ask("新设金融总部实收资本25亿，另外募集资金补充资本5亿，一共多少", user="u2")
    assert "【第6条 · 新设金融总部补助】" in total.text and "牵头部门" not in total.text, total.text


async def test_a_size_asked_between_spaces_is_answered_not_said_unstated(ask):
    reply = await ask("小镇在哪 多大 有几栋甲级楼")
    assert "大关路" in reply.text and "3.3平方公里" in reply.text and "20幢" in reply.text, reply.text
    assert "未载明运河财富小镇的面积" not in reply.text
