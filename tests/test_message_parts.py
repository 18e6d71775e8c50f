"""A message asking things different routes answer: each question gets its answer, in one reply."""
from __future__ import annotations

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
    assert asked_at_spaces("资管机构总部 新设 管理规模150亿") == ["资管机构总部 新设 管理规模150亿"]


async def test_two_articles_asked_at_once_get_a_line_per_measure_of_each(ask):
    reply = await ask("第6条和第13条分别补多少")
    assert reply.intent == "policy" and len(reply.text) < 600
    assert "· 第6条 新设金融总部补助：按实收资本的2%计算，单家上限5000万元" in reply.text
    assert "· 第13条 资管机构总部补助：" in reply.text and "最高可获600万元" in reply.text
