"""What a question is about, read strictly: the period and the part of a year it asks of, what it counts, and
words of an aspect that ask none; an honest "not on record" where the documents do not cover it."""
from __future__ import annotations

import pytest

from faq.reading import years_given


async def test_a_count_of_measures_is_answered_by_the_entry_counting_them_not_by_an_article_number(ask):
    reply = await ask("2号文一共几条措施")             # "重点任务共18条"; "第9条" counts nothing
    assert reply.intent == "faq" and "18条" in reply.text and "第9条" not in reply.text, reply.text


async def test_an_ordinal_question_is_no_count(ask):
    reply = await ask("小镇是第几批特色小镇")
    assert reply.intent == "faq" and "第二批" in reply.text, reply.text


async def test_within_the_town_s_area_asks_no_boundaries(ask):
    reply = await ask("小镇范围里有几个历史街区 几个博物馆")
    assert reply.intent == "faq" and "三大历史街区" in reply.text and "五大博物馆" in reply.text, reply.text
    assert "四至" not in reply.text


def test_a_figure_of_part_of_a_year_is_none_of_the_whole_year():
    said = "2023年一季度以来，小镇已引进机构7家；2019年，引进金融企业32家。"
    assert years_given(said) == {2019, 2023}
    assert years_given(said, whole=True) == {2019}


async def test_a_year_end_figure_is_not_answered_with_one_of_part_of_that_year(ask):
    reply = await ask("小镇2023年全年一共引进了多少家机构")
    assert reply.intent == "fallback" and "没有2023年全年" in reply.text, reply.text
    quarter = await ask("2023年一季度小镇引进了多少家机构", user="u2")
    assert quarter.intent == "faq" and "7家" in quarter.text, quarter.text
    await ask("2022年底小镇基金管理规模多少", user="u3")
    later = await ask("2023年底呢", user="u3")
    assert later.intent == "fallback" and "没有2023年" in later.text, later.text


@pytest.mark.parametrize("question", ["杭州十五五金融规划对运河财富小镇怎么定位", "十五五规划里小镇的目标是什么"])
async def test_a_plan_period_the_documents_do_not_cover_is_not_answered_from_another(ask, question):
    reply = await ask(question)
    assert reply.intent == "fallback" and "“十五五”时期" in reply.text and "十四五" not in reply.text, reply.text


@pytest.mark.parametrize("question, must", [
    ("十四五规划里小镇是什么定位", "一核、三镇"),          # the entry names that period
    ("十三五规划里运河财富小镇定位是什么", "非银金融集聚小镇"),   # the entry's document is of that period
    ("十二五期间杭州金融业增加值是多少", "941.47亿元"),
])
async def test_a_plan_period_the_documents_cover_is_answered(ask, question, must):
    reply = await ask(question)
    assert reply.intent == "faq" and must in reply.text, reply.text


async def test_a_boundary_asked_of_nothing_named_with_nothing_said_before_is_the_town_s(ask):
    reply = await ask("北边界是哪条街")
    assert reply.intent == "faq" and "湖州街" in reply.text, reply.text


async def test_a_figure_asked_of_nothing_named_after_a_topic_is_not_the_town_s(ask):
    await ask("康桥新能源产业园在哪")
    reply = await ask("北边界是哪条路")
    assert "湖州街" not in reply.text, reply.text


async def test_another_city_s_own_target_is_never_answered_with_a_document_mentioning_it(ask):
    await ask("2号文要发布哪些指数")
    await ask("那到2025年跨境支付结算目标呢")
    reply = await ask("那上海的目标呢")
    assert reply.intent == "fallback" and "没有关于上海" in reply.text, reply.text
    linked = await ask("港湾计划怎么对接上海国际金融中心", user="u2")     # what the bay plan itself says of it
    assert linked.intent == "faq" and "开放港湾" in linked.text, linked.text


async def test_a_follow_up_naming_another_document_asks_it_the_same_question_in_its_words(ask):
    await ask("2号文有提QFLP吗")
    reply = await ask("港湾计划里呢")
    assert reply.intent == "faq" and "QFLP" in reply.text and "港湾" in " ".join(reply.sources), reply.text


@pytest.mark.parametrize("question", ["湘湖金融小镇在杭州哪个区", "黄公望金融集聚区在哪个区县"])
async def test_the_district_of_a_place_is_answered_only_by_an_answer_naming_one(ask, question):
    reply = await ask(question)
    assert reply.intent == "fallback" and "所在行政区未载明" in reply.text, reply.text


async def test_the_district_an_answer_names_is_answered(ask):
    reply = await ask("运河财富小镇具体在杭州哪个区啊")
    assert reply.intent == "faq" and "拱墅区" in reply.text, reply.text


async def test_a_body_s_office_address_is_not_answered_with_its_role(ask):
    reply = await ask("市地方金融监管局办公地址在哪")
    assert reply.intent == "fallback" and "牵头组织实施" not in reply.text, reply.text


async def test_a_side_of_the_boundary_worded_unlike_every_phrasing_is_answered_by_the_entry_declaring_it(ask):
    reply = await ask("小镇北面到哪条街为止")
    assert reply.intent == "faq" and "湖州街" in reply.text, reply.text


async def test_a_figure_no_entry_about_the_place_declares_is_still_not_stated(ask):
    reply = await ask("北部软件园核心区多大")
    assert reply.intent == "fallback" and "核心区未载明" in reply.text, reply.text


async def test_a_count_of_firms_brought_in_after_a_place_continues_that_place(ask):
    await ask("康桥新能源产业园在哪")
    reply = await ask("2019年引进多少企业")
    assert reply.intent == "faq" and "121家" in reply.text, reply.text


async def test_a_plan_s_period_is_asked_in_its_own_words(ask):
    reply = await ask("港湾规划期是哪几年")
    assert reply.intent == "faq" and "2021—2025年" in reply.text, reply.text


async def test_a_follow_up_asking_a_figure_the_answer_just_given_holds_gets_that_answer(ask):
    await ask("小镇2023年引进了几家优质机构")
    reply = await ask("增加了多少基金管理规模")       # "增加基金管理规模约15亿元", not the 2022 total
    assert reply.intent == "faq" and "15亿元" in reply.text, reply.text


@pytest.mark.parametrize("question", ["中大期货2019年利润多少", "运河会客厅栏目2020年还播吗"])
async def test_a_question_naming_what_no_close_answer_says_is_not_answered_from_the_name_alone(ask, question):
    reply = await ask(question)                  # the entry about 中大期货's move says nothing of its profit
    assert reply.intent == "fallback", reply.text


@pytest.mark.parametrize("question, must", [
    ("凯宾斯吉酒店哪年投用的", "投入使用"),              # 投用 is 投入使用
    ("中大期货啥时候迁到小镇的", "9月16日"),             # 迁到 is 迁入
    ("管委会主要职能", "管委会"),                      # 职能 asks what a body is responsible for
])
async def test_a_question_in_other_words_of_what_the_answer_says_is_answered(ask, question, must):
    reply = await ask(question)
    assert reply.intent == "faq" and must in reply.text, reply.text


async def test_a_place_asked_of_in_a_named_document_is_answered_from_that_document(ask):
    reply = await ask("港湾计划里运河财富小镇2025年要引进多少家机构")     # the bay plan sets the town no count
    assert reply.intent == "fallback" and "数智港湾" not in reply.text, reply.text
    town = await ask("浙江省那个港湾计划对运河财富小镇到2025年有啥要求", user="u2")
    assert town.intent == "faq" and "CBD+特色小镇" in town.text, town.text


async def test_a_later_version_of_a_document_is_a_successor_the_documents_do_not_give(ask):
    reply = await ask("2号文有没有2026年以后的新版 延期到哪年")
    assert reply.intent == "fallback", reply.text
