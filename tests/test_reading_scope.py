"""What a question is about, read strictly: the period and the part of a year it asks of, what it counts, the
place and document it names, and words of an aspect that ask none; an honest "not on record" where the documents
do not cover it."""
from __future__ import annotations

import pytest

from faq.reading import years_given


@pytest.mark.parametrize("question, must, must_not", [
    ("2号文一共几条措施", "18条", "第9条"),                          # "第9条" counts nothing
    ("小镇是第几批特色小镇", "第二批", None),                         # an ordinal question is no count
    ("小镇范围里有几个历史街区 几个博物馆", "五大博物馆", "四至"),        # within the area asks no boundaries
    ("十四五规划里小镇是什么定位", "一核、三镇", None),                 # the entry names that period
    ("十三五规划里运河财富小镇定位是什么", "非银金融集聚小镇", None),      # its document is of that period
    ("十二五期间杭州金融业增加值是多少", "941.47亿元", None),
    ("运河财富小镇具体在杭州哪个区啊", "拱墅区", None),                 # the answer names a district
    ("北边界是哪条街", "湖州街", None),                              # nothing named, nothing said before: the town
    ("小镇北面到哪条街为止", "湖州街", None),                          # worded unlike every phrasing, declared
    ("港湾规划期是哪几年", "2021—2025年", None),
    ("凯宾斯吉酒店哪年投用的", "投入使用", None),                       # 投用 is 投入使用
    ("中大期货啥时候迁到小镇的", "9月16日", None),                      # 迁到 is 迁入
    ("管委会主要职能", "管委会", None),                               # 职能 asks what a body is responsible for
    ("浙江省那个港湾计划对运河财富小镇到2025年有啥要求", "CBD+特色小镇", None),
    ("港湾计划怎么对接上海国际金融中心", "开放港湾", None),               # what the bay plan itself says of it
])
async def test_answers_what_is_asked(ask, question, must, must_not):
    reply = await ask(question)
    assert reply.intent == "faq" and must in reply.text, reply.text
    assert must_not is None or must_not not in reply.text, reply.text


@pytest.mark.parametrize("question, says, must_not", [
    ("杭州十五五金融规划对运河财富小镇怎么定位", "“十五五”时期", "十四五"),    # a period not covered
    ("十五五规划里小镇的目标是什么", "“十五五”时期", "十四五"),
    ("小镇2023年全年一共引进了多少家机构", "没有2023年全年", None),       # not a quarter's figure
    ("湘湖金融小镇在杭州哪个区", "所在行政区未载明", None),
    ("黄公望金融集聚区在哪个区县", "所在行政区未载明", None),
    ("市地方金融监管局办公地址在哪", "", "牵头组织实施"),                   # its role is not its address
    ("北部软件园核心区多大", "核心区未载明", None),
    ("中大期货2019年利润多少", "未载明", "注册地址迁入"),                  # its move says nothing of profit
    ("运河会客厅栏目2020年还播吗", "", "玉皇山南"),
    ("港湾计划里运河财富小镇2025年要引进多少家机构", "", "数智港湾"),       # the plan sets the town no count
    ("2号文有没有2026年以后的新版 延期到哪年", "", None),                 # a successor is never given
])
async def test_says_what_the_documents_do_not_state(ask, question, says, must_not):
    reply = await ask(question)
    assert reply.intent == "fallback" and says in reply.text, reply.text
    assert must_not is None or must_not not in reply.text, reply.text


def test_a_figure_of_part_of_a_year_is_none_of_the_whole_year():
    said = "2023年一季度以来，小镇已引进机构7家；2019年，引进金融企业32家。"
    assert years_given(said) == {2019, 2023}
    assert years_given(said, whole=True) == {2019}


async def test_a_year_end_figure_is_not_answered_with_one_of_part_of_that_year(ask):
    quarter = await ask("2023年一季度小镇引进了多少家机构")
    assert quarter.intent == "faq" and "7家" in quarter.text, quarter.text
    await ask("2022年底小镇基金管理规模多少", user="u2")
    later = await ask("2023年底呢", user="u2")
    assert later.intent == "fallback" and "没有2023年" in later.text, later.text


async def test_a_figure_asked_of_nothing_named_after_a_topic_is_not_the_town_s(ask):
    await ask("康桥新能源产业园在哪")
    reply = await ask("北边界是哪条路")
    assert "湖州街" not in reply.text, reply.text


async def test_another_city_s_own_target_is_never_answered_with_a_document_mentioning_it(ask):
    await ask("2号文要发布哪些指数")
    await ask("那到2025年跨境支付结算目标呢")
    reply = await ask("那上海的目标呢")
    assert reply.intent == "fallback" and "没有关于上海" in reply.text, reply.text


@pytest.mark.parametrize("first, then, must", [
    ("2号文有提QFLP吗", "港湾计划里呢", "QFLP"),                  # that document asked the same words
    ("康桥新能源产业园在哪", "2019年引进多少企业", "121家"),          # a count of firms continues the place
    ("小镇2023年引进了几家优质机构", "增加了多少基金管理规模", "15亿元"),  # what the answer just given holds
])
async def test_a_follow_up_is_answered_of_what_was_talked_about(ask, first, then, must):
    await ask(first)
    reply = await ask(then)
    assert reply.intent == "faq" and must in reply.text, reply.text
