"""The quick-check computes only on the base the article means: another quantity's figure (注册资本, 确权金额,
总投资), a doubtful one (分期, 累计), a range or rough figure whose ends disagree, or two figures for one input
make it ask; an event before the policy took effect, a plan, a pending filing or an excluded subject make it
refuse; a higher tier after a grant is explained, never computed."""
from decimal import Decimal

import pytest

from policy_data import render
from policy_data.amounts import figures
from policy_data.engine import settled
from policy_data.spans import loosen
from tests.devset import final_amount


async def _no_amount(ask, question: str):
    reply = await ask(question)
    assert reply.intent == "calc", reply.text
    assert final_amount(reply.text) is None and "可获 " not in reply.text, reply.text
    return reply


@pytest.mark.parametrize("question, named, label", [
    ("新设法人银行总部，注册资本20亿，能补多少", "注册资本", "实收资本"),
    ("新设寿险公司总部，认缴资本30亿，能拿多少", "认缴", "实收资本"),
    ("新设金融总部，资本金10亿，补多少", "资本金", "实收资本"),
    ("中征平台确权增速排第3，应收账款确权金额20亿，能奖多少", "确权金额", "应收账款确权融资金额"),
    ("我们确权增速排第4，确权了8个亿的应收账款，奖多少", "确权了", "应收账款确权融资金额"),
    ("重大基础设施项目引入保险资金，项目总投资15亿，补多少", "项目总投资", "保险资金融资额"),
    ("民生工程项目，信托资金6亿，补多少", "信托资金", "保险资金融资额"),
    ("新设一家金融科技子公司，注册资本3000万，能拿多少", "注册资本", "实收资本"),   # before a condition it leaves open
    ("新设金融总部投资10亿，补助多少", "投资", "实收资本"),
    ("新设金融总部，资本10亿，能拿多少", "资本", "实收资本"),
])
async def test_a_figure_named_as_another_quantity_is_never_the_base(ask, question, named, label):
    reply = await _no_amount(ask, question)
    assert f"是“{named}”的数，不是{label}" in reply.text and f"请告诉我{label}" in reply.text


@pytest.mark.parametrize("question", [
    "挂牌企业营收去年10亿，今年12亿，奖励多少",
    "挂牌企业去年营收10亿，今年融资12亿，奖励多少",
    "挂牌企业营收增长20%，去年融资10亿，奖励多少",
    "挂牌企业去年融资10亿，今年利润增长了30%，奖励多少",
    "挂牌企业去年融资10亿，今年挂牌企业数量增长20%，奖励多少",
])
async def test_the_yearly_figures_and_growth_of_the_financing_rule_are_never_another_quantitys(ask, question):
    await _no_amount(ask, question)


async def test_after_the_right_base_is_given_the_amount_follows(ask):
    await _no_amount(ask, "新设法人银行总部，注册资本20亿，能补多少")
    reply = await ask("实收资本12亿")
    assert final_amount(reply.text) == Decimal("24000000"), reply.text


@pytest.mark.parametrize("question, word", [
    ("新设金融总部，实收资本第一期到位5亿，第二期明年到位，能拿多少", "第一期"),
    ("征信机构成立以来累计为金融机构提供服务500万次，奖多少", "累计"),
    ("信用评级机构年度评级业务1000笔，其中400笔是境外评级，奖多少", "其中"),
    ("地铁项目融资30亿，有保险资金参与，补多少", "保险资金参与"),
    ("确权增速上半年排第2，确权融资5亿，奖多少", "上半年"),
    ("我们银行IPO向社会募集资金5亿，其中3亿补充实收资本，能补多少", "其中"),
    ("保险资金融资额8亿，一半用于基础设施，补助多少", "一半"),
    ("新设法人证券公司，实收资本先到位8亿，其余年底缴足，补多少", "先到位"),
])
async def test_a_doubtful_figure_is_asked_for(ask, question, word):
    reply = await _no_amount(ask, question)
    assert f"您提到“{word}”，这个数可能不是本条所说的" in reply.text


@pytest.mark.parametrize("question, amount", [
    ("新设法人保险公司总部，实缴在30到40个亿之间，能补多少", "50000000"),        # both ends over the cap
    ("新设资管总部，管理规模120到180亿，补多少", "3000000"),                     # both ends in one tier
    ("新设资管总部，管理规模将近200亿，补多少", "3000000"),                       # below 200亿, not at it
    ("新设资管总部，管理规模200亿以上，补多少", "6000000"),
    ("征信机构去年为金融机构提供服务超过200万次，奖多少", "200000"),
])
async def test_a_range_or_rough_figure_is_computed_when_every_value_in_it_agrees(ask, question, amount):
    reply = await ask(question)
    assert final_amount(reply.text) == Decimal(amount), reply.text
    assert "在这个范围内测算结果相同" in reply.text


@pytest.mark.parametrize("question", [
    "新设金融总部，实收资本约10亿，能拿多少",
    "新设金融总部，实收资本10亿以上，补多少",
    "新设资管总部，管理规模150到250亿之间，补多少",
    "国家金融管理部门设立的数据中心，实收资本2亿左右，补多少",
    "新设金融总部，去年实收资本5亿，今年实收资本8亿，能拿多少",   # one name, two figures
    "我们牵头制定了行业标准3项，已发布2项，奖多少",                 # which count?
    "券商募集资金补充资本，大概三五个亿，补多少",                    # 3亿 to 5亿, not 35亿
    "我们境外子公司拿了支付牌照，大概两三张，补多少",                # 2 or 3, not 23
])
async def test_a_range_a_rough_figure_or_two_figures_whose_ends_disagree_are_asked_about(ask, question):
    reply = await _no_amount(ask, question)
    assert "不是一个确切的数" in reply.text


@pytest.mark.parametrize("question", ["新设资管总部，管理规模99亿，能拿300万吗", "我们主导制定了团体标准，能按国标30万奖吗"])
async def test_the_amount_hoped_for_is_never_a_figure_computed_on(ask, question):
    await _no_amount(ask, question)


async def test_a_quoted_result_is_not_a_second_figure(ask):
    reply = await ask("资管总部，前年新设，AUM刚好200亿，是300万还是600万")
    assert final_amount(reply.text) == Decimal("6000000"), reply.text


async def test_the_more_specific_name_wins_over_a_total(ask):
    reply = await ask("轨道交通项目去年融资20亿，其中保险资金8亿，银行贷款12亿，能补多少")
    assert final_amount(reply.text) == Decimal("4000000"), reply.text


@pytest.mark.parametrize("question, says", [
    ("我们银行科创专营机构是2022年认定的，能补多少", "早于杭政办〔2023〕2号的施行日（2023-03-01）"),
    ("我们的REITs是2022年上市的，能奖多少", "早于"),
    ("新设的金融总部还在筹建中，实收资本10亿，能补多少", "还在筹"),
    ("我们计划明年新设金融总部，实收资本10亿，能补多少", "计划明年新设"),
    ("我们企业征信公司还在备案中，能补多少", "还在备案"),
    ("我们银行股东增资10亿补充实收资本，补多少", "股东增资"),
    ("保险公司配股给原股东融了4亿补充实收资本，按1%补多少", "配股给原股东"),
    ("我们收购了一家持有境外支付牌照的公司，能补多少", "收购"),
    ("我们银行的科创专营机构是省里认定的，补多少", "省里认定"),
    ("中征平台确权增速排第3，但平台不是中征的，确权融资5亿，奖多少", "不是中征"),
    ("我们新设的金融总部是省地方金融监管局批准的，实收资本10亿，能补多少", "省地方金融监管局批准"),
    ("新设金融总部，实收资本10亿，但是总部在上海，杭州是分部，补多少", "总部在上海"),
    ("我们是成立二十多年的证券公司总部，实收资本50亿，新设总部补助能拿多少", "成立二十多年"),
    ("我们是老牌保险公司，实收资本20亿，新设金融总部补助有多少", "老牌"),
    ("我们企业征信公司还没完成人行备案，能拿100万吗", "还没完成人行备案"),
    ("REITs要上市了，能奖多少", "要上市了"),
    ("我们主导制定了2项团体标准，能奖多少", "团体标准"),
    ("我们牵头主导的1项行业标准目前处于报批阶段，能奖多少", "处于报批"),
    ("REITs项目只是申报了，还没在交易所上市", "还没在交易所上市"),
    ("我们的REITs还没在上交所上市，奖励多少", "还没在上交所上市"),
    ("我们小贷公司能申请科创银行专营机构50万吗", "小贷公司"),
])
async def test_an_event_outside_the_policy_or_a_condition_ruled_out_gives_no_amount(ask, question, says):
    reply = await _no_amount(ask, question)
    assert says in reply.text


@pytest.mark.parametrize("question, word", [
    ("我们是私募基金管理人，在基金业协会登记，新设总部实缴2亿，能补多少", "私募基金管理人"),
    ("我们是保险公司，给重大基础设施项目投了保险资金10亿，我们能拿多少", "我们是保险公司"),
    ("保险资金10亿用于我们的重大基础设施项目，我们是施工方，补多少", "施工方"),
    ("我们银行自己在杭州建的数据中心，实收资本3亿，补多少", "我们银行"),
    ("我们拿了一张境内支付牌照，补多少", "境内支付"),
])
async def test_a_subject_the_measure_excludes_gives_no_amount(ask, question, word):
    reply = await ask(question)
    assert final_amount(reply.text) is None and "可获 " not in reply.text, reply.text


async def test_the_second_tier_after_a_grant_explains_the_article_and_states_no_amount(ask):
    reply = await _no_amount(ask, "我们资管总部2023年新设时规模120亿拿了300万，今年规模首次到220亿，还能拿多少")
    assert "首次实现200亿元（含）以上的，对应最高不超过600万元的一次性补助" in reply.text
    assert "600万元 − 300万元 = 300万元" in reply.text and "市地方金融监管局" in reply.text


def test_the_second_tier_in_english(kb):
    am_hq = kb.policy.measure("am-hq")
    text = render.tier_upgrade(am_hq, kb.policy.policy(am_hq), "received RMB 3 million", "en")
    assert "RMB 6 million (600万元) − RMB 3 million (300万元) = RMB 3 million (300万元)" in text
    assert final_amount(text) is None


async def test_two_projects_each_with_a_total_beside_them_are_not_added_up(ask):
    await _no_amount(ask, "保险资金10亿用于重大基础设施和民生工程两个项目，各5亿，补多少")


def test_a_range_takes_the_unit_of_its_upper_end():
    text = "实缴在30到40个亿之间"
    (fig,) = loosen(text, figures(text))
    assert (fig.low, fig.high, fig.value) == (Decimal("3e9"), Decimal("4e9"), Decimal("4e9"))


def test_settled_needs_every_end_to_agree(kb):
    hq = kb.policy.measure("hq-new")
    both_capped = settled(hq, {"paid_in": Decimal("4e9")}, {"paid_in": (Decimal("3e9"), Decimal("4e9"))})
    assert both_capped is not None and both_capped.amount == Decimal("5e7")
    assert settled(hq, {"paid_in": Decimal("1e9")}, {"paid_in": (Decimal("9e8"), Decimal("1.1e9"))}) is None


@pytest.mark.parametrize("question, example", [
    ("REITs上市了两个项目，奖励多少", "（每次一个项目或一家机构）"),
    ("我们两家供应链企业应收账款确权融资，能奖多少", "（例如“应收账款确权融资金额2亿”）"),
])
async def test_several_items_are_asked_one_by_one_by_the_figure_the_measure_uses(ask, question, example):
    reply = await _no_amount(ask, question)
    assert "请逐项告诉我" + example in reply.text and ("融资" in reply.text) == ("融资" in question), reply.text


@pytest.mark.parametrize("question", [
    "我们是外资资管，规模5亿美元，另外人民币部分管理规模120亿，新设的，能拿多少",
    "新设资管总部，管理规模80亿，另有2亿美元，能拿多少",
    "新设金融总部，实收资本8亿人民币加2亿美元",
])
async def test_an_rmb_part_beside_a_foreign_one_is_no_amount_the_rmb_total_is_asked_for(ask, question):
    reply = await _no_amount(ask, question)
    assert "折合人民币" in reply.text, reply.text


@pytest.mark.parametrize("question, says", [
    ("中征平台确权融资2亿，也就是2000万，增速排第3", "“2亿”“2000万”不是一个确切的数"),
    ("主导了国际标准和国家标准一共3项，奖多少", "“3项”是几类合计的数"),
])
async def test_a_figure_restated_otherwise_or_a_total_over_several_kinds_is_asked_about(ask, question, says):
    reply = await _no_amount(ask, question)
    assert says in reply.text, reply.text


async def test_who_receives_is_answered_beside_a_total_asked_item_by_item(ask):
    reply = await _no_amount(ask, "我们今年帮三家企业发行了REITs在上交所上市，另外我们自己通过配股募集了15亿补充资本。"
                                  "请问我们券商能拿多少？REITs奖励发给谁？")
    assert "请逐项告诉我" in reply.text, reply.text
    assert "第13条 基础设施REITs上市奖励的支持对象：通过REITs形式在境内外交易所上市的优质基础设施项目的所属权益人。" in reply.text


async def test_the_paid_in_capital_inside_a_capital_raise_is_not_a_new_headquarters_figure(ask):
    reply = await ask("新设金融总部实收资本10亿，同时募集资金补充实收资本5亿，能拿多少")
    assert "按实收资本计算：10亿元 × 2% = 2000万元" in reply.text, reply.text
    assert "按向社会募集资金补充实收资本金额计算：5亿元 × 1% = 500万元" in reply.text, reply.text
