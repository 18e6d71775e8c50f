"""The quick-check through the router: the arithmetic, caps, thresholds, tiers, counts, validity against the
clock, the multi-turn flow (missing figure or measure, cancel, timeout) and the dev set."""
from datetime import datetime
from decimal import Decimal

import pytest

from bot.clock import SHANGHAI
from bot.labels import MAX_BUTTONS
from handlers.calc_dialog import CalcDialog
from policy_data.amounts import figures
from tests.devset import calc_exact, final_amount, load_calc_devset

EXPIRED = "已于2026-02-28到期"


async def test_the_headline_example(ask):
    reply = await ask("新设金融总部，实收资本10亿，能拿多少？")
    assert reply.intent == "calc" and reply.confidence == 1.0
    assert "10亿元 × 2% = 2000万元，未超过单家上限5000万元 → 最高可获 2000万元（第6条）" in reply.text
    assert EXPIRED in reply.text and "市地方金融监管局确认" in reply.text
    assert reply.sources == ["杭政办〔2023〕2号·第6条"]
    assert reply.as_json()["intent"] == "calc"


@pytest.mark.parametrize("question, says", [
    ("新设金融总部，实收资本30亿，能拿多少", "30亿元 × 2% = 6000万元，超过单家上限5000万元 → 最高可获 5000万元（第6条）"),
    ("新设金融总部，实收资本25亿，能拿多少", "25亿元 × 2% = 5000万元，未超过单家上限5000万元 → 最高可获 5000万元"),
    ("实收资本3000万的持牌机构金融科技子公司能拿多少", "实收资本3000万元，未达到5000万元（含）门槛，不符合"),
    ("银行总部新设的金融科技子公司实收资本5000万能拿多少", "实收资本5000万元，达到5000万元（含）门槛，符合"),
    ("新设资管总部管理规模150亿", "存续资产实际管理规模150亿元，达到100亿元（含）档"),
    ("新设资管总部管理规模150亿", "→ 最高可获 300万元（第13条）"),
    ("新设资管机构总部管理规模80亿能拿吗", "存续资产实际管理规模80亿元，未达到100亿元（含）门槛，不符合"),
    ("主导制定了2项国家标准", "2项国家标准 → 2 × 30万元 = 60万元 → 最高可获 60万元（第9条）"),
    ("主导制定1项国际标准和2项行业标准", "1项国际标准 × 100万元 + 2项行业标准 × 20万元 = 140万元"),
    ("拿到6张境外支付牌照能补多少", "6张境外支付业务牌照 → 6 × 20万元 = 120万元，超过年度累计上限100万元 → 最高可获 100万元"),
    ("应收账款确权融资金额5000万，增速排名第12，能拿多少", "不在前10名以内，不符合"),
    ("挂牌企业融资总额同比增长5%，超过部分5000万，能奖多少", "挂牌企业融资总额同比增长5%，未超过5%，不符合"),
    ("挂牌企业融资总额同比增长千分之五，超过部分5000万，能奖多少", "同比增长0.5%，未超过5%，不符合"),
    ("新设个人征信公司能拿多少", "最高可获 1000万元（第16条）"),
    ("我们牵头编写的一个行业标准已经发布，奖多少", "1项行业标准 → 1 × 20万元 = 20万元"),      # 的一个: a count
    ("银行新设的理财子公司，金融监管总局批准，独立法人，实收资本12亿，能补多少", "12亿元 × 2% = 2400万元"),  # a headquarters
    ("我们征信公司今年给金融机构提供服务三百多万次，奖多少", "一次性奖励 → 最高可获 20万元"),    # 三百多万: 300万 up
    ("新设的法人保险公司，实收资本十亿元，补多少", "10亿元 × 2% = 2000万元"),            # 十 is no typo of 是
])
async def test_arithmetic_caps_thresholds_tiers_counts(ask, question, says):
    reply = await ask(question)
    assert reply.intent == "calc" and says in reply.text, reply.text


@pytest.mark.parametrize("question, says", [
    ("我们公司是银行分行，实收资本10亿，新设的，能拿多少", "您提到“分行”：按原文，第6条 新设金融总部补助的支持对象是"),
    ("资管总部去年规模120亿，今年首次突破200亿，能补多少", "“120亿”“200亿”不是一个确切的数"),
    ("新设的资管总部成立时管理规模110亿，现在做到了230亿，补多少", "“110亿”“230亿”不是一个确切的数"),
    ("新设金融总部实收资本10亿，不是经国家金融管理部门批准的，能拿多少", "原文条件：经国家金融管理部门批准新设立"),
    ("我们是一家证券公司，科创企业贷款增量排名第3，能拿多少", "您提到“证券公司”：按原文，第2条 科创贷款增量奖励的支持对象是"),
    ("我司作为保险公司，科创贷款增量排第2，符合吗", "您提到“保险公司”：按原文，第2条"),
    ("我们是私募，新设金融总部实收资本5亿，能拿多少", "您提到“私募”：按原文，第6条 新设金融总部补助的支持对象是"),
    ("新设金融总部，章程写实收资本8亿，审计报告写的实缴6亿，补多少", "“8亿”“6亿”不是一个确切的数"),
    ("新设金融总部，实收资本只有20亿的一半，补多少", "“20亿”：这是另一个数的几分之几或几倍"),
    ("资管总部管理规模首次达到去年80亿的3倍，补多少", "“80亿”：这是另一个数的几分之几或几倍"),
])
async def test_no_amount_when_the_words_name_another_subject_a_part_taken_or_two_years_figures(ask, question, says):
    reply = await ask(question)
    assert reply.intent == "calc" and says in reply.text and final_amount(reply.text) is None, reply.text


@pytest.mark.parametrize("question, amount", [
    ("国际标准、国家标准各主导1项，能拿多少", "130万元"), ("国家标准和行业标准各牵头制定了2项，能拿多少", "100万元")])
async def test_a_count_after_each_and_a_verb_is_every_listed_items_count(ask, question, amount):
    reply = await ask(question)
    assert f"最高可获 {amount}（第9条）" in reply.text, reply.text


@pytest.mark.parametrize("question, amount", [
    ("我们是人民银行批准的新设企业征信机构，已备案，能补多少", "100万元"),   # 人民银行 approved it: not what the asker is
    ("我们是做私募的，资管总部，管理规模首次突破220亿，能补多少", "600万元"),   # not 第6条's subject, 第13条's
    ("基础设施项目融资30亿，其中保险资金6亿，能补多少", "300万元"),            # a part, not the same figure said twice
    ("我们银行新设的理财子公司，管理规模首次突破200亿，能补多少", "600万元"),   # the kind it set up is 第13条's
])
async def test_the_askers_own_kind_rules_out_only_measures_for_other_kinds(ask, question, amount):
    reply = await ask(question)
    assert f"最高可获 {amount}" in reply.text, reply.text


async def test_one_item_of_each_rival_fixed_sum_named_is_added_up_and_one_item_of_both_is_asked(ask):
    reply = await ask("两个金融支持共同富裕项目，一个受到国家表彰，另一个受到部委表彰，合计奖励多少")
    assert "合计（每项各自适用上限）：最高可获 70万元（第14条）" in reply.text and final_amount(reply.text) == Decimal(700000)
    both = await ask("我们的共富项目受到国家和部委表彰，一共能拿多少")       # one project: not two items
    assert final_amount(both.text) is None, both.text


async def test_a_bound_said_beside_the_rank_within_it_leaves_the_rank_as_the_figure(ask):
    reply = await ask("中征平台确权增速前十（第6名），确权融资金额15亿，奖多少")
    assert "排名第6名，在前10名以内，符合" in reply.text and "最高可获 50万元（第4条）" in reply.text, reply.text
    beyond = await ask("确权增速前十，第12名，确权融资金额15亿，奖多少")      # contradicts itself: asked again
    assert beyond.intent == "calc" and "可获" not in beyond.text and "请告诉我" in beyond.text, beyond.text


async def test_the_amount_of_a_measure_without_one_is_a_dont_know_that_still_says_what_the_article_does(ask):
    reply = await ask("科创企业贷款增量排名第5的银行能拿多少")
    assert reply.intent == "fallback" and "按贡献比例给予奖励（文件未规定具体金额）（第2条）" in reply.text
    assert reply.sources and "查看原文与条件" in [b.label for b in reply.buttons]
    board = await ask("/unanswered", staff=True)
    assert "科创企业贷款增量排名第5的银行能拿多少（1 次）" in board.text
    what = await ask("科创贷款增量奖励支持什么")        # what the measure supports, in words: an answer
    assert what.intent == "policy" and "按贡献比例给予奖励" in what.text


@pytest.mark.parametrize("figure, amount", [
    ("10亿", "2000万元"), ("10亿元", "2000万元"), ("1,000万", "20万元"), ("8000万元", "160万元"),
    ("3.5亿", "700万元"), ("五亿", "1000万元"), ("两千万", "40万元"), ("1.2e8", "240万元"),
    ("100000000元", "200万元"),
])
async def test_every_amount_form_in_a_question(ask, figure, amount):
    reply = await ask(f"新设金融总部，实收资本{figure}，能拿多少")
    assert f"最高可获 {amount}（第6条）" in reply.text


async def test_several_measures_for_one_project_are_sure_of_the_highest_and_stacking_is_not_stated(ask):
    reply = await ask("新设的资管机构总部也是金融总部，实收资本10亿，管理规模150亿，能拿多少")
    assert "最高可获 2000万元（第6条）" in reply.text and "最高可获 300万元（第13条）" in reply.text
    assert "就高不重复：符合本实施意见的同一企业、同一项目同时符合本市其他支持政策的" in reply.text
    assert "能否叠加，文件未载明；若只能享受一项，按最高一项计：2000万元（第6条）" in reply.text and "不叠加" not in reply.text


async def test_a_figure_read_without_its_name_is_said_so(ask):
    reply = await ask("新设金融总部，8亿，能拿多少")
    assert "最高可获 1600万元" in reply.text and "按实收资本理解" in reply.text and reply.confidence < 1


@pytest.mark.parametrize("question", ["新设金融总部，注册资本8亿，能拿多少", "重大基础设施项目总投资50亿，有保险资金参与，能补多少"])
async def test_a_figure_named_as_another_quantity_is_never_taken_for_the_input(ask, question):
    reply = await ask(question)
    assert "请告诉我" in reply.text and "可获 " not in reply.text, reply.text


# ── validity against the clock ──────────────────────────────────────────────────────────────────────────

@pytest.mark.parametrize("day, says, not_says", [
    (datetime(2026, 11, 22), EXPIRED, "现行有效"),
    (datetime(2026, 2, 28), "现行有效（有效期2023-03-01至2026-02-28）", "到期"),
    (datetime(2026, 3, 1), "已于2026-02-28到期（今天是2026-03-01）", "现行有效"),
    (datetime(2024, 6, 1), "现行有效", "到期"),
    (datetime(2023, 2, 1), "自2023-03-01起施行，目前尚未施行", "现行有效"),
])
async def test_validity_follows_the_clock(services, ask, day, says, not_says):
    services.clock._at = day.replace(hour=10, tzinfo=SHANGHAI)
    for question in ("新设金融总部，实收资本10亿，能拿多少", "科技保险专营机构有什么补贴政策"):
        reply = await ask(question)
        assert says in reply.text and not_says not in reply.text, reply.text
    assert "最高可获 2000万元" in (await ask("新设金融总部，实收资本10亿，能拿多少")).text   # still computed


# ── multi-turn ──────────────────────────────────────────────────────────────────────────────────────────

async def test_missing_figure_is_asked_then_computed(ask, services):
    reply = await ask("新设金融总部能拿多少")
    assert "请告诉我实收资本" in reply.text and [b.payload for b in reply.buttons] == ["/cancel"]
    assert isinstance(services.dialogs.get("console:u1"), CalcDialog)
    reply = await ask("很多")
    assert "没有读到有效的数字" in reply.text
    reply = await ask("-5亿")
    assert "不能是负数" in reply.text
    reply = await ask("10亿")
    assert "最高可获 2000万元（第6条）" in reply.text and services.dialogs.get("console:u1") is None


async def test_dialogs_are_per_user(ask):
    await ask("新设金融总部能拿多少", user="a")
    reply = await ask("10亿", user="b")
    assert reply.intent != "calc"
    assert "2000万元" in (await ask("10亿", user="a")).text


async def test_missing_measure_offers_buttons_and_keeps_the_figure(ask):
    reply = await ask("持牌银行，实收资本10亿能拿多少补贴")
    payloads = [b.payload for b in reply.buttons]
    assert {"calc:hq-new", "calc:fintech-sub", "calc:national-center"} <= set(payloads) and "/cancel" in payloads
    reply = await ask(payload="calc:hq-new")
    assert "最高可获 2000万元（第6条）" in reply.text
    reply = await ask("持牌银行，实收资本10亿能拿多少补贴")
    reply = await ask(payload="calc:fintech-sub")
    assert "实收资本10亿元，达到5000万元（含）门槛，符合" in reply.text and "最高可获 100万元" in reply.text


async def test_nonsense_figures_get_a_clear_request(ask):
    assert "没有读到实收资本的具体数字" in (await ask("新设金融总部，实收资本很多，能拿多少？")).text
    assert "不能是负数" in (await ask("新设金融总部，实收资本-5亿，能拿多少")).text
    assert "合理范围" in (await ask("新设金融总部，实收资本10^30元，能拿多少")).text
    assert "没有单位" in (await ask("新设金融总部，实收资本10，能拿多少")).text
    assert "没有单位" in (await ask("新设金融总部，实收资本15000，补多少")).text        # 元 or 万元: not guessed
    assert "最高可获 2000万元" in (await ask("新设金融总部，实收资本1000000000，补多少")).text
    zero = await ask("新设金融总部，实收资本为0，能拿多少")
    assert "金额为0" in zero.text and "没有单位" not in zero.text and "可获" not in zero.text, zero.text


async def test_cancel_word_and_timeout_end_the_dialog(ask, services, clock):
    await ask("新设金融总部能拿多少")
    reply = await ask("取消")
    assert "已取消" in reply.text and services.dialogs.get("console:u1") is None
    await ask("新设金融总部能拿多少")
    clock.advance(minutes=11)
    reply = await ask("10亿")
    assert reply.intent != "calc" and services.dialogs.get("console:u1") is None


async def test_a_new_question_in_a_dialog_starts_over(ask):
    await ask("新设金融总部能拿多少")
    reply = await ask("新设资管总部管理规模200亿能拿多少")
    assert "最高可获 600万元（第13条）" in reply.text


async def test_an_unrelated_question_leaves_the_dialog(ask, services):
    await ask("新设金融总部能拿多少")
    reply = await ask("小镇在哪里？")
    assert reply.intent != "calc" and services.dialogs.get("console:u1") is None


async def test_counts_asked_by_name(ask):
    reply = await ask("主导制定国家标准能奖多少")
    assert "请告诉我国家标准的数量" in reply.text
    assert "3项国家标准 → 3 × 30万元 = 90万元" in (await ask("3项")).text


async def test_calc_command(ask):
    reply = await ask("/calc")
    assert "calc:hq-new" in [b.payload for b in reply.buttons]
    reply = await ask("新设资管总部管理规模150亿")           # typed after /calc: computed at once
    assert "最高可获 300万元" in reply.text
    reply = await ask("/calc 新设金融控股公司")
    assert "最高可获 1000万元（第6条）" in reply.text
    reply = await ask(payload="calc:no-such-measure")
    assert "不存在" in reply.text


def test_final_amount_reader():
    assert final_amount("→ 最高可获 2000万元（第6条）") == figures("2000万")[0].value
    assert final_amount("…可获 20万元 … 按最高一项计：1000万元（第16条）") == figures("1000万")[0].value


async def test_devset_exact(ask, services):
    items = load_calc_devset()
    assert len(items) >= 60
    wrong = []
    for n, item in enumerate(items):
        reply = await ask(item["q"], user=f"d{n}")
        if not calc_exact(item, reply, services.kb.policy):
            wrong.append((item["q"], reply.text[:120]))
    assert not wrong


@pytest.mark.parametrize("platform", ["telegram", "wecom", "wecom_kf", "console"])
async def test_the_router_runs_the_quick_check_alike_whatever_platform_a_message_names(router, platform):
    from bot.messages import Incoming

    async def send(text="", payload=None):
        return await router.handle(Incoming(platform, "chat9", "user9", text=text, payload=payload))

    reply = await send("实收资本10亿能拿多少补贴")
    assert "calc:hq-new" in [b.payload for b in reply.buttons]
    assert "最高可获 2000万元（第6条）" in (await send(payload="calc:hq-new")).text
    await send("新设金融总部能拿多少")
    assert "最高可获 2000万元" in (await send("10亿")).text


@pytest.mark.parametrize("question, says", [
    ("新设金融总部，实收资本1亿欧元，能拿多少", "折合人民币"),
    ("我们保险公司向社会募集20亿港元补充实收资本，补助多少", "折合人民币"),
    ("新设金融总部，实收资本0元，补助多少", "金额为0"),
    ("我们参与起草了2项金融行业标准，能奖励多少", "不满足"),
    ("我们金融控股公司2018年就成立了，不是新设的，能拿多少", "不满足"),
    ("我们是银行，向股东定向增发补充资本10亿，补多少", "您提到“向股东定向增发”"),
    ("保险公司投资了5亿股权投资产品用于重大基础设施，保险公司能拿多少", "支持对象是使用保险资金建设重大基础设施和民生工程项目的融资方"),
    ("共富项目受到浙江省政府表彰，奖多少", "您提到“省政府表彰”"),
    ("REITs项目已经申报，预计明年上市，奖多少", "您提到“预计明年上市”"),
    ("我们主导制定了一项国际标准，还在起草中没发布，能补多少", "您提到“还在起草”"),
    ("新设金融总部实收资本5000万-1亿，大概补多少", "“5000万-1亿”不是一个确切的数"),
    ("新设金融总部实收资本10亿刀，能拿多少", "折合人民币"),
    ("新设金融总部实收资本3亿美刀，能拿多少", "折合人民币"),
    ("新设金融总部实收资本10亿新币，能拿多少", "折合人民币"),
])
async def test_no_amount_on_a_foreign_currency_a_zero_or_a_ruled_out_condition(ask, question, says):
    reply = await ask(question)
    assert says in reply.text and "可获" not in reply.text and "万元" not in reply.text.split("\n")[0], reply.text


@pytest.mark.parametrize("question, says", [
    ("我们是市场运营机构，挂牌企业去年融资总额10亿，今年12亿，能奖励多少？", "最高可获 150万元"),
    ("我们运营机构的挂牌企业去年融资20亿，今年同比增长了15%，奖多少", "最高可获 200万元"),
])
async def test_growth_is_computed_from_two_figures_and_the_reward_is_on_the_part_above_the_line(ask, question, says):
    reply = await ask(question)
    assert says in reply.text and "超过5%的部分" in reply.text, reply.text


@pytest.mark.parametrize("question", ["挂牌企业融资总额去年10亿，今年10.5亿，运营机构奖励多少",     # exactly 5%: not "超过"
                                      "挂牌企业融资总额去年10亿，今年只有9亿，运营机构奖励多少"])
async def test_growth_at_or_below_a_strict_threshold_is_not_met(ask, question):
    reply = await ask(question)
    assert "不符合" in reply.text and "可获" not in reply.text, reply.text


@pytest.mark.parametrize("question, items, total", [
    ("我们银行有3家科技支行都被认定为我市科创银行专营机构，一共能拿多少", ["50万元"] * 3, "150万元"),
    ("我们平台公司有3个重大基础设施项目用了保险资金，分别融资2亿、6亿、15亿，一共补助多少",
     ["100万元", "300万元", "500万元"], "900万元"),                        # 15亿 × 0.5% = 750万 → the 500万 per-project cap
    ("2024年新拿了6张境外支付牌照，2025年又新拿了2张，两年合计补助多少", ["100万元", "40万元"], "140万元"),  # yearly cap
    ("连续两年确权增速都进了前10名，第一年确权融资12亿，第二年6亿，两年一共能拿多少奖励", ["50万元", "30万元"], "80万元"),
])
async def test_a_total_over_several_items_is_computed_item_by_item_each_with_its_own_cap(ask, question, items, total):
    reply = await ask(question)
    lines = reply.text.splitlines()
    assert [line.rsplit("最高可获 ", 1)[1].split("（")[0] for line in lines if line.startswith("第") and "项：" in line] \
        == items, reply.text
    assert f"合计：最高可获 {total}" in reply.text


@pytest.mark.parametrize("question", ["我们有3个重大基础设施项目用了保险资金，一共补助多少",
                                      "我们两年一共新设了3家金融总部，能拿多少"])
async def test_a_total_without_each_items_figure_is_asked_item_by_item(ask, question):
    reply = await ask(question)
    assert "逐项" in reply.text and "可获" not in reply.text, reply.text


async def test_one_institutions_raises_of_two_years_are_not_added_under_a_cap_not_said_to_be_yearly(ask):
    reply = await ask("我们保险公司2024年向社会募资9亿补充实收资本，2025年又募资6亿，两年合计补多少")   # 单家 1000万
    assert final_amount(reply.text) is None and "逐项" in reply.text, reply.text



@pytest.mark.parametrize("question, asked", [
    ("我们新设了一家征信公司，能补多少", ["第16条 新设个人征信公司补助", "第16条 新设企业征信公司补助"]),
    ("我们的金融支持共同富裕项目受到了表彰，奖多少", ["第14条 共富项目国家表彰奖励", "第14条 共富项目部委表彰奖励"]),
])
async def test_a_question_that_does_not_say_which_kind_is_asked_never_given_the_higher(ask, question, asked):
    reply = await ask(question)
    assert "请问是哪一种" in reply.text and "可获" not in reply.text, reply.text
    assert [b.label for b in reply.buttons][:2] == asked


async def test_a_condition_the_question_leaves_open_is_asked_then_computed(ask):
    reply = await ask("项目入围了金融改革试点并通过验收，能奖励多少")
    assert "入围省（部）级及以上金融改革试点" in reply.text and "可获 " not in reply.text, reply.text
    reply = await ask("省级的")
    assert "最高可获 50万元（第10条）" in reply.text, reply.text


@pytest.mark.parametrize("answer, says", [("是", "最高可获 300万元（第13条）"), (None, "最高可获 300万元（第13条）"),
                                          ("不是", "不符合这一条件，不能获得该项一次性补助"), ("x", "这项措施已更新或不存在")])
async def test_a_condition_asked_about_is_answered_yes_or_no(ask, answer, says):
    reply = await ask("资管总部管理规模150亿能拿多少")
    assert "新设立，或者首次实现相应管理规模" in reply.text and "可获 " not in reply.text
    assert [b.payload for b in reply.buttons][:2] == ["calc:confirm", "calc:deny"]
    if answer == "x":                        # a stale "是" after the dialog ended
        await ask("/cancel")
        reply = await ask(payload="calc:confirm")
    else:
        reply = await ask(answer) if answer else await ask(payload="calc:confirm")
    assert says in reply.text and ("可获 " in reply.text) == (answer in ("是", None)), reply.text


@pytest.mark.parametrize("question, asked", [
    ("持牌银行总部新设金融科技子公司，能给多少补助", "条件：实收资本5000万元（含）以上。\n请告诉我实收资本"),
    ("我们在中征应收账款融资服务平台确权融资了4亿，能奖励多少",
     "条件：平台内应收账款确权金额较上一年同比增速前10名。\n请告诉我应收账款确权金额同比增速排名"),
])
async def test_a_threshold_without_its_figure_is_asked_for(ask, question, asked):
    reply = await ask(question)
    assert asked in reply.text and "可获 " not in reply.text, reply.text


@pytest.mark.parametrize("question, word", [
    ("我们券商设立了科创金融专营部门，能按专营机构拿50万吗", "券商"),
    ("分公司能拿总部补助吗", "分公司"),
])
async def test_a_measure_for_another_kind_of_institution_is_refused_with_the_reason(ask, question, word):
    reply = await ask(question)
    assert f"您提到“{word}”" in reply.text and "支持对象是" in reply.text and "可获" not in reply.text, reply.text


@pytest.mark.parametrize("question, amount", [
    ("本公司系经国家金融管理部门批准新设立之金融总部，实收资本壹拾亿元整，请问可获补助若干？", "2000万元"),
    ("新設金融總部，實收資本15億，補助多少？", "3000万元"),
    ("资管规模首次到了2百亿，我们是资产管理机构总部，补助多少", "600万元"),
    ("主导制定金融领域国际标准、国家标准、行业标准各1项，都已发布，一共奖励多少", "150万元"),
    ("主导国际、国家、行业标准各两项，都已发布，合计多少", "300万元"),          # the head noun said once
    ("我们今年主导制定的标准发布了：国际1项、国家2项、行业3项，一共最多奖多少", "220万元"),   # said before the items
    ("主导国际标准1项行业标准2项，奖多少", "140万元"),          # each count after its own noun, no separator
    ("主导2项国际标准1项行业标准，奖多少", "220万元"),          # each count before its noun
    ("海外子公司在香港、新加坡、英国各新拿了一张支付牌照（同一年），补助多少", "60万元"),   # one each: three
])
async def test_capital_numerals_traditional_characters_compound_units_and_each(ask, question, amount):
    reply = await ask(question)
    assert f"最高可获 {amount}" in reply.text, reply.text


async def test_a_count_is_never_read_as_an_amount(ask):
    reply = await ask("我们券商向社会募集了一笔资金补充实收资本，能补助多少")
    assert "可获" not in reply.text and "请告诉我向社会募集资金补充实收资本金额" in reply.text, reply.text


@pytest.mark.parametrize("question, says", [
    ("我们新设的金融总部实收资本10亿，同一个事项市里另一个政策已经给了我们300万，按就高不重复，总共能拿多少？",
     "两者按最高一项计：2000万元（杭政办〔2023〕2号 第6条），不叠加。"),
    ("新设金融总部实收资本1亿，区里的政策已经给了300万，还能拿多少", "两者按最高一项计：300万元（其他政策），不叠加，本文件不再另行给予。"),
    # what this document pays, quoted by the asker, is neither the capital nor the other policy's figure
    ("新设金融总部实缴10亿，市里按2号文能拿2000万，区里政策给3000万，最终能拿多少", "两者按最高一项计：3000万元（其他政策）"),
])
async def test_a_figure_from_another_policy_is_compared_under_the_higher_one_rule(ask, question, says):
    reply = await ask(question)
    assert says in reply.text, reply.text


async def test_the_measure_picker_offers_every_measure_page_by_page(ask, services):
    reply = await ask("/calc")
    seen, pages = [], 0
    while True:
        payloads = [b.payload for b in reply.buttons]
        seen += [p for p in payloads if p.startswith("calc:") and not p.startswith("calc:more:")]
        more = [p for p in payloads if p.startswith("calc:more:")]
        assert len(payloads) <= MAX_BUTTONS and payloads[-1] == "/cancel"             # what a phone shows
        if not more:
            break
        pages += 1
        reply = await ask(payload=more[0])
    computable = [m.id for m in services.kb.policy.measures if m.rule.type != "unquantified"]
    per_page = MAX_BUTTONS - 2                                                # beside 更多 and 取消
    assert seen == [f"calc:{i}" for i in computable] and pages == (len(computable) - 1) // per_page
    await ask("/cancel")
    assert "不存在" in (await ask(payload="calc:more:1")).text          # a page button after the dialog ended


@pytest.mark.parametrize("question, says", [
    ("征信公司，2025年为金融机构提供服务正好200万次，够不够", "达到200万次（含）门槛，符合"),
    ("征信公司，服务量150万次，能拿多少", "未达到200万次（含）门槛，不符合"),
])
async def test_a_figure_given_by_name_decides_between_rival_fixed_sums_a_shared_word_names(ask, question, says):
    reply = await ask(question)
    assert says in reply.text and "第16条 · 征信机构服务量奖励" in reply.text and "1000万" not in reply.text, reply.text


@pytest.mark.parametrize("question, says", [
    ("资管规模正好100亿算吗", "存续资产实际管理规模100亿元，达到100亿元（含）档"),
    ("资管机构总部，管理规模正好99亿，够不够", "未达到100亿元（含）门槛，不符合"),
])
async def test_whether_a_figure_qualifies_is_answered_by_the_rule(ask, question, says):
    reply = await ask(question)
    assert reply.intent == "calc" and says in reply.text, reply.text


async def test_whether_a_figure_qualifies_gives_the_tier_amount(ask):
    reply = await ask("资管规模正好100亿算吗")
    assert "→ 最高可获 300万元（第13条）" in reply.text and "还需符合：新设立" in reply.text, reply.text


@pytest.mark.parametrize("question, says", [
    ("我们是区域性股权市场运营机构，挂牌企业融资总额2024年20亿，2025年60亿，能奖多少",
     "超过每家机构每年上限200万元 → 最高可获 200万元（第12条）"),
    ("运营机构，挂牌企业融资总额2024年10亿，2025年11亿，能奖多少", "11亿元 − 10亿元 × 105% = 5000万元"),
    ("运营机构，挂牌企业融资总额2024年10亿，2025年10.4亿，能奖多少", "同比增长4%，未超过5%，不符合"),
])
async def test_growth_is_read_from_two_consecutive_years_figures(ask, question, says):
    reply = await ask(question)
    assert says in reply.text, reply.text


async def test_growth_is_not_read_from_years_that_are_not_consecutive(ask):
    reply = await ask("运营机构，挂牌企业融资总额2023年10亿，2025年20亿，能奖多少")
    assert "可获" not in reply.text and "请告诉我超过部分融资总额" in reply.text, reply.text


async def test_another_agencys_policy_named_in_other_words_is_compared_under_the_higher_one_rule(ask):
    reply = await ask("主导制定1项国家标准，已发布，市场监管局的标准化资助政策给同一个标准50万，能一起拿吗，一共多少")
    assert "两者按最高一项计：50万元（其他政策），不叠加，本文件不再另行给予。" in reply.text, reply.text


@pytest.mark.parametrize("question, says", [
    ("New financial HQ, paid-in capital 10, how much", "“10” has no unit; please write it out"),
    ("New financial HQ, paid-in capital RMB 1-3 billion, how much", "is not an exact figure (a range"),
])
async def test_an_unusable_figure_is_explained_in_english(ask, question, says):
    reply = await ask(question)
    assert says in reply.text and "没有单位" not in reply.text and "确切" not in reply.text, reply.text


@pytest.mark.parametrize("question, says", [
    ("同一个项目，按这个文件能拿300万，按市里另一个政策能拿500万，能一起拿吗？", "两者按最高一项计：500万元（其他政策），不叠加"),
    ("按这个文件能拿800万，区里的政策给了300万，能叠加吗", "两者按最高一项计：800万元（杭政办〔2023〕2号），不叠加。"),
    ("新设金融总部按杭政办〔2023〕2号可拿300万元，按市里另一个政策可拿500万元，实际能拿多少",     # a measure named too
     "两者按最高一项计：500万元（其他政策），不叠加"),
    ("Our HQ project qualifies for RMB 3m under 杭政办〔2023〕2号 and RMB 5m under another Hangzhou city policy. How much?",
     "the highest one applies: RMB 5 million (500万元) (the other policy)"),
])
async def test_two_amounts_quoted_of_this_and_another_policy_are_compared_under_the_higher_one_rule(ask, question, says):
    reply = await ask(question)
    assert says in reply.text and reply.sources, reply.text



@pytest.mark.parametrize("question, says, never", [
    ("我们新设当年管理规模就到了250亿，100亿那档300万和200亿那档600万是不是都能拿，一共900万？",
     "达到200亿元（含）档 → 最高可获 600万元（第13条）", "900万"),          # tiers are not added up
    ("新设金融总部，实收资本预计10亿，能拿多少", "您写的“预计10亿”是预计的数，补助按实际达到的实收资本计算", "→ 最高可获"),
    ("新设金融总部，实收资本预计明年达到10亿，能拿多少", "您写的“预计明年达到10亿”是预计的数", "→ 最高可获"),
    ("New financial HQ, paid-in capital expected to reach RMB 1 billion next year: how much?",
     "is an expected figure; the award is computed on the actual figure", "up to RMB"),
    ("新设资管总部，月均管理规模150亿，能拿多少", "您提到“月均”，这个数可能不是本条所说的存续资产实际管理规模", "→ 最高可获"),
    ("新设资管总部，管理规模250亿，300万那档和600万那档都能拿吗", "达到200亿元（含）档 → 最高可获 600万元", "不是一个确切的数"),
    ("New asset management HQ, AUM RMB 25 billion: do we get the 3 million tier and the 6 million tier, 9 million in "
     "total?", "(inclusive) tier → up to RMB 6 million (600万元) (Art. 13)", "not an exact figure"),
])
async def test_one_tier_of_a_figure_and_no_amount_on_an_expected_or_average_figure(ask, question, says, never):
    reply = await ask(question)
    assert says in reply.text and never not in reply.text, reply.text


async def test_an_expected_amount_asked_for_is_still_computed(ask):
    reply = await ask("新设金融总部，实收资本10亿，预计能拿多少")
    assert "最高可获 2000万元（第6条）" in reply.text, reply.text


@pytest.mark.parametrize("question, amount", [("共富项目受到国务院表彰，奖多少", "最高可获 50万元（第14条）"),
                                              ("我们的普惠金融助农项目获得了农业农村部的表彰，奖多少", "最高可获 20万元（第14条）")])
async def test_the_commending_body_tells_a_national_from_a_ministry_commendation(ask, question, amount):
    reply = await ask(question)
    assert amount in reply.text and final_amount(reply.text) is not None, reply.text


@pytest.mark.parametrize("question", ["共富项目获得表彰，奖多少", "征信公司补助多少"])
async def test_rules_of_cases_not_told_apart_are_set_out_with_no_amount_concluded(ask, question):
    reply = await ask(question)
    assert reply.text.count("原文：") == 2 and final_amount(reply.text) is None, reply.text


@pytest.mark.parametrize("question, says", [
    ("挂牌企业融资总额同比增长超过5%，超过部分融资总额1亿，能奖多少", "“超过5%”不是一个确切的数"),
    ("挂牌企业融资总额同比增长了5个百分点，超过部分1亿，奖多少", "同比增长5%，未超过5%，不符合"),
])
async def test_a_growth_rate_given_loosely_or_in_percentage_points_is_read_against_the_strict_threshold(ask, question, says):
    reply = await ask(question)
    assert says in reply.text and final_amount(reply.text) is None, reply.text


@pytest.mark.parametrize("question, note", [
    ("新设金融总部，实收资本10亿，另外我们去年已经拿过市里的总部补助了，能拿多少", "就高不重复：同一企业、同一项目"),
    ("New financial HQ with paid-in capital of RMB 1 billion; we already received a city HQ subsidy last year. How much?",
     "Under 就高不重复 the same enterprise or project gets only the highest one"),
])
async def test_support_already_received_elsewhere_without_its_amount_brings_the_higher_one_rule(ask, question, note):
    reply = await ask(question)
    assert "2000万元" in reply.text and note in reply.text, reply.text


@pytest.mark.parametrize("question, said", [
    ("拱墅区自己对新设的金融总部还有补贴吗，多少", "拱墅区自己对新设的金融总部还有补贴"),
    ("省政府对新设保险总部的补助是多少", "省政府对新设保险总部的补助"),
    ("Does Gongshu district give a matching subsidy to a new financial HQ?", "matching subsidy"),
])
async def test_a_subsidy_of_the_district_or_province_is_not_answered_with_the_citys(ask, question, said):
    reply = await ask(question)
    assert reply.intent == "fallback" and said[:6] in reply.text and final_amount(reply.text) is None, reply.text
    assert "杭政办〔2023〕2号" in reply.text and "/handoff" in [b.payload for b in reply.buttons], reply.text


@pytest.mark.parametrize("question, says", [
    ("REITs上市奖励是给谁的？给基金管理人吗", "支持对象是通过REITs形式在境内外交易所上市的优质基础设施项目的所属权益人（不是您提到的"),
    ("The REITs listing award goes to whom, the fund manager?", "goes to the owner of the rights and interests"),
])
async def test_who_a_measure_goes_to_asked_beside_another_kind_is_answered_not_refused(ask, question, says):
    reply = await ask(question)
    assert reply.intent == "policy" and says in reply.text and "不按它计算" not in reply.text, reply.text


async def test_a_provincial_pilot_is_no_other_policy(ask):
    reply = await ask("入围省级金融改革试点，奖励多少")
    assert "最高可获 50万元（第10条）" in reply.text and "其他政策" not in reply.text, reply.text


async def test_no_other_policy_mentioned_no_higher_one_note(ask):
    reply = await ask("新设金融总部，实收资本10亿，能拿多少")
    assert "最高可获 2000万元" in reply.text and "就高不重复：同一企业" not in reply.text, reply.text


@pytest.mark.parametrize("question, rmb, amount", [
    ("新设金融总部 实收资本 8000万港币", "折合人民币7000万", "最高可获 140万元"),
    ("New financial HQ, paid-in capital USD 20 million, how much?", "RMB 140 million", "up to RMB 2.8 million"),
    ("新设金融总部，实收资本$2000万，能拿多少", "折合人民币1.4亿", "最高可获 280万元"),      # a symbol, in Chinese too
    ("New financial HQ, paid-in capital 20 million Swiss francs, how much?", "RMB 140 million", "up to RMB 2.8 million"),
])
async def test_after_a_foreign_currency_the_rmb_figure_asked_for_is_computed(ask, question, rmb, amount):
    first = await ask(question)
    assert ("折合人民币" in first.text or "in RMB" in first.text) and "可获" not in first.text, first.text
    reply = await ask(rmb)
    assert reply.intent == "calc" and amount in reply.text, reply.text


@pytest.mark.parametrize("question, answer, amount", [
    ("我们是美资券商，新设证券公司总部，实收资本15亿，补多少", "是人民币", "最高可获 3000万元"),
    ("我们是美资券商，新设证券公司总部，实收资本15亿，补多少", "20亿元人民币", "最高可获 4000万元"),
    ("New securities HQ, paid-in capital of 1.5 billion; our parent is US-based. Subsidy?", "yes, RMB",
     "up to RMB 30 million"),
    ("Asset manager HQ with 12 billion under management, first reached this year. We're a Swiss firm.", "RMB",
     "up to RMB 3 million"),
])
async def test_an_amount_without_currency_from_a_firm_from_abroad_is_asked_about_first(ask, question, answer, amount):
    first = await ask(question)
    assert ("人民币" in first.text or "in RMB" in first.text) and final_amount(first.text) is None, first.text
    reply = await ask(answer)
    assert reply.intent == "calc" and amount in reply.text, reply.text


@pytest.mark.parametrize("question, amount", [
    ("我们是美资券商，新设证券公司总部，实收资本15亿元，补多少", "最高可获 3000万元"),      # the currency is said
    ("新设证券公司总部，实收资本15亿，补多少", "最高可获 3000万元"),                        # nothing says abroad
    ("New securities HQ, paid-in capital of RMB 1.5 billion; our parent is US-based. Subsidy?", "up to RMB 30 million"),
])
async def test_an_amount_in_rmb_or_from_a_firm_not_said_to_be_foreign_is_computed(ask, question, amount):
    reply = await ask(question)
    assert reply.intent == "calc" and amount in reply.text, reply.text


async def test_a_new_question_after_a_foreign_currency_leaves_the_quick_check(ask):
    await ask("新设金融总部，实收资本1亿欧元，能拿多少")
    reply = await ask("小镇在哪")
    assert reply.intent == "faq" and "大运河畔" in reply.text, reply.text


async def test_a_growth_rate_that_the_two_years_figures_contradict_is_asked_about(ask):
    reply = await ask("挂牌企业融资从2亿增长到2.2亿，同比增长25%，奖励多少")
    assert final_amount(reply.text) is None and "增长率与两年的数" in reply.text, reply.text


@pytest.mark.parametrize("question, amount", [
    ("挂牌企业2024年融资2亿，2025年融资2.2亿，运营机构奖励多少", Decimal("100000")),    # two years, each named
    ("我们银行设了两家金融科技子公司，实收资本分别3000万和8000万，一共补多少", Decimal("1000000")),   # one meets the threshold
    ("我们银行设了两家金融科技子公司，实收资本分别6000万和8000万，一共补多少", Decimal("2000000")),
])
async def test_yearly_figures_and_each_items_own_threshold(ask, question, amount):
    reply = await ask(question)
    assert reply.intent == "calc" and final_amount(reply.text) == amount, reply.text


@pytest.mark.parametrize("question, amount", [
    ("挂牌企业融资从1亿增加到1.5亿，市场运营机构奖励多少", Decimal("450000")),          # (1.5亿 − 1.05亿) × 1%
    ("挂牌企业融资由2亿增至2.2亿，奖励多少", Decimal("100000")),
    ("去年挂牌企业融资2亿，今年多了2000万，奖励多少", Decimal("100000")),               # this year: 2亿 + 2000万
    ("挂牌企业今年融资总额2.2亿，比上年增长了2000万，奖励多少", Decimal("100000")),     # last year: 2.2亿 − 2000万
    ("挂牌企业融资增长到2.2亿，原来2亿，奖励多少", Decimal("100000")),
    ("挂牌企业融资从10亿涨到10.3亿，能奖励吗", None),                                 # 3%: not above 5%
    ("挂牌企业融资2亿→2.2亿，奖励多少", Decimal("100000")),                            # an arrow is a rise
    ("挂牌企业融资从2亿增长到2.2亿，同比增长10%，奖励多少", Decimal("100000")),          # the rate agrees
    ("挂牌企业融资去年2亿，今年2.2亿，超过5%的部分按1%奖，能拿多少", Decimal("100000")),    # the rule's line quoted
])
async def test_growth_said_as_a_rise_reads_last_year_and_this_year(ask, question, amount):
    reply = await ask(question)
    assert reply.intent == "calc" and final_amount(reply.text) == amount, reply.text
    if amount is None:
        assert "未超过5%，不符合" in reply.text, reply.text


@pytest.mark.parametrize("first, then", [
    ("主导制定标准奖励能拿多少", "文件要打造什么监管典范城市"),             # the quick-check waits for a condition
    ("新设金融总部能拿多少", "到2025年要集聚多少家金融机构和地方金融组织"),     # … or for a figure
    ("新设金融总部能拿多少", "QDLP呢，已经有了还是在争取"),
])
async def test_a_question_of_its_own_leaves_the_open_quick_check(ask, first, then):
    opened = await ask(first)
    assert opened.intent == "calc" and "请" in opened.text, opened.text
    reply = await ask(then)
    assert reply.intent != "calc", reply.text


@pytest.mark.parametrize("question, said", [
    ("我们是成立十年的老券商总部，实缴50亿，能拿新设金融总部补助吗，多少钱", "成立十年"),
    ("我们金控公司成立好多年了，新设金控补助能拿多少", "成立好多年"),
    ("老的资管机构不是新设的，管理规模150亿，能拿多少", "不是新设"),
])
async def test_an_institution_set_up_long_ago_gets_no_new_institution_amount(ask, question, said):
    reply = await ask(question)
    assert f"您提到“{said}”" in reply.text and "原文条件：" in reply.text and final_amount(reply.text) is None, reply.text


@pytest.mark.parametrize("question, amount", [
    ("上年挂牌企业融资总额1亿元，今年同比增长15%，奖励多少", Decimal("100000")),     # (1.15亿 − 1.05亿) × 1%
    ("确权金额增速全市第1，应收账款确权融资10个亿，能奖多少", Decimal("500000")),      # a rank without 名
    ("我们fintech公司主导了2项国家标准和4项行业标准，都发布了，能拿多少", Decimal("1400000")),   # the figures' measure
])
async def test_figures_named_loosely_still_find_their_measure_and_input(ask, question, amount):
    reply = await ask(question)
    assert reply.intent == "calc" and final_amount(reply.text) == amount, reply.text


async def test_a_year_word_names_a_growth_figure_only_beside_the_measure_s_own_words(ask):
    reply = await ask("我们是一家私募基金管理人，今年首次实现存续资产实际管理规模120亿元，按文件能拿多少？")
    assert final_amount(reply.text) == Decimal("3000000") and "第12条" not in reply.text, reply.text


@pytest.mark.parametrize("question, said", [
    ("我们是迁入杭州的金融总部，实收资本10亿，补助多少", "迁入"),              # moved here is not newly set up
    ("我们发行了类REITs产品上市，能拿多少", "类REITs"),                       # not an exchange-listed REIT
    ("共富项目受到行业协会表彰，奖励多少", "行业协会表彰"),                   # nor a national or ministry one
    ("我们不在中征平台上，确权融资2亿，增速第3，奖多少", "不在中征"),
])
async def test_words_of_the_asker_that_rule_a_condition_out_give_no_amount(ask, question, said):
    reply = await ask(question)
    assert f"您提到“{said}”" in reply.text and final_amount(reply.text) is None, reply.text


@pytest.mark.parametrize("question, then, says", [
    ("我们增资扩股向社会募集了5亿补充资本", "20亿", "20亿元 × 1% = 2000万元，超过单家上限1000万元"),   # no 那/呢
    ("拿了3个境外牌照能拿多少", "6个呢", "6 × 20万元 = 120万元，超过年度累计上限100万元"),    # a count
])
async def test_a_bare_figure_right_after_a_result_is_the_last_question_again_with_it(ask, question, then, says):
    first = await ask(question)
    assert first.intent == "calc", first.text
    again = await ask(then)
    assert again.intent == "calc" and says in again.text, again.text
    other = await ask(then, user="u2")                   # nothing computed before: not a quick-check
    assert other.intent != "calc"


async def test_a_new_figure_while_a_condition_is_asked_replaces_the_figure_of_the_question(ask):
    first = await ask("资管总部管理规模120亿能拿多少")
    assert first.intent == "calc" and "原文条件" in first.text, first.text
    below = await ask("那我们现在80亿")                   # not added to 120亿: the question's figure is now 80亿
    assert below.intent == "calc" and "80亿元，未达到100亿元（含）门槛" in below.text, below.text
    await ask("资管总部管理规模120亿能拿多少", user="u2")
    await ask("250亿呢", user="u2")
    yes = await ask("是", user="u2")                      # the condition met, computed for the figure said last
    assert yes.intent == "calc" and "250亿元" in yes.text and "120亿" not in yes.text, yes.text


@pytest.mark.parametrize("typed", [True, False])
async def test_a_condition_confirmed_once_holds_for_the_next_figure(ask, typed):
    await ask("我们是私募基金管理人，管理规模120亿，能拿多少补贴")
    assert final_amount((await ask("是") if typed else await ask(payload="calc:confirm")).text) == Decimal("3000000")
    again = await ask("那如果管理规模到了210亿呢")           # 新设 was confirmed: not asked again
    assert again.intent == "calc" and final_amount(again.text) == Decimal("6000000"), again.text


async def test_a_condition_confirmed_under_another_part_of_the_message_holds_for_the_next_figure(ask):
    """The measure asked about is remembered with the exchange, not read back from where its heading stands."""
    asked = await ask("管委会电话多少？我们是私募基金管理人，管理规模120亿，能拿多少补贴")
    assert asked.confirms == "am-hq" and not asked.text.startswith("【第13条"), asked.text
    assert final_amount((await ask("是")).text) == Decimal("3000000")
    again = await ask("那如果管理规模到了210亿呢")
    assert again.intent == "calc" and final_amount(again.text) == Decimal("6000000"), again.text


async def test_a_measure_pressed_in_the_picker_is_the_question_a_new_figure_repeats(ask, services):
    await ask("/calc")
    hq = next(m for m in services.kb.policy.measures if m.title == "新设金融总部补助")
    await ask(payload=f"calc:{hq.id}")
    assert final_amount((await ask("实收资本10亿")).text) == Decimal("20000000")
    again = await ask("那20亿呢")
    assert again.intent == "calc" and final_amount(again.text) == Decimal("40000000"), again.text


@pytest.mark.parametrize("question, amount", [
    ("3个共同富裕项目受到部委表彰，能奖多少", Decimal(600000)),
    ("我们有2个项目入围省级金融改革试点，通过验收了，奖多少", Decimal(1000000)),
    ("两家专营机构被认定为科创银行专营机构，能拿多少", Decimal(1000000)),
    ("我们银行有2家科技支行被认定为科创专营机构，另外保险公司1家科创保险专营机构，一共补多少", Decimal(1500000)),
    ("2个共富项目受到部委表彰", Decimal(400000)),          # the national award shares only the project's name
    ("我们有两家分别被认定为科创银行专营机构和科创保险专营机构（两个机构），最多一共多少", Decimal(1000000)),  # said twice
])
async def test_a_count_of_the_projects_or_institutions_a_fixed_sum_is_for_gives_one_sum_each(ask, question, amount):
    reply = await ask(question)
    assert "逐项计算（每项各自适用上限）" in reply.text and final_amount(reply.text) == amount, reply.text


async def test_a_count_of_something_else_is_no_count_of_items(ask):
    reply = await ask("我们有3个股东，新设金融控股公司，补多少")
    assert final_amount(reply.text) == Decimal(10000000) and "逐项" not in reply.text, reply.text


@pytest.mark.parametrize("question", ["受到国家表彰和部委表彰的共同富裕项目各一个 奖励多少",
                                      "共同富裕项目受到国家表彰1个、部委表彰1个，奖励多少"])
async def test_one_project_commended_at_each_level_is_paid_both_sums(ask, question):
    reply = await ask(question)
    assert final_amount(reply.text) == Decimal(700000) and "合计（每项各自适用上限）" in reply.text, reply.text


@pytest.mark.parametrize("question, amount", [("国家表彰的共富项目1个，部委表彰的2个", 900000),
                                              ("共富项目受国家表彰的有2个，受部委表彰的有1个，一共奖多少", 1200000)])
async def test_projects_counted_at_each_level_are_each_paid(ask, question, amount):
    reply = await ask(question)
    assert final_amount(reply.text) == Decimal(amount) and "合计（每项各自适用上限）" in reply.text, reply.text


async def test_a_project_commended_at_both_levels_is_asked_about_not_paid_the_lower_sum(ask):
    reply = await ask("我们的共富项目受到国家和部委表彰，能拿多少")
    assert final_amount(reply.text) is None and {"calc:prosperity-national", "calc:prosperity-ministerial"} <= {
        b.payload for b in reply.buttons}, reply.text


@pytest.mark.parametrize("question, says, then, amount", [
    ("新设金融总部补助最高多少", "最高可获 5000万元（第6条；实收资本达到25亿元时达到上限", "10亿", 20000000),
    ("险资融杭每个项目最高补多少", "最高可获 500万元（第15条；保险资金融资额达到10亿元时达到上限", "6亿", 3000000),
    ("资管机构总部补助最高多少", "最高可获 600万元（第13条；存续资产实际管理规模200亿元（含）以上档）", "150亿", 3000000),
])
async def test_the_most_a_rate_or_tiered_rule_gives_asked_without_a_figure_is_its_ceiling(ask, question, says, then,
                                                                                          amount):
    reply = await ask(question)
    assert reply.intent == "calc" and says in reply.text, reply.text
    computed = await ask(then)           # the figure it is computed on may follow
    assert final_amount(computed.text) == Decimal(amount), computed.text


async def test_without_asking_for_the_most_a_rate_rule_asks_for_its_figure(ask):
    reply = await ask("新设金融总部补助多少")
    assert final_amount(reply.text) is None and "请告诉我实收资本" in reply.text, reply.text


@pytest.mark.parametrize("question, says", [
    ("新设消金公司23年2月开业，实缴10亿，能补多少", "早于杭政办〔2023〕2号的施行日"),
    ("我们是22年新设的券商，实缴15亿，补多少", "早于杭政办〔2023〕2号的施行日"),
    ("新设券商26年3月开业，实缴15亿，补多少", "晚于杭政办〔2023〕2号的有效期"),
])
async def test_a_year_written_in_two_digits_is_checked_against_the_validity(ask, question, says):
    reply = await ask(question)
    assert says in reply.text and final_amount(reply.text) is None, reply.text
    within = await ask(question.replace("2月", "5月").replace("22年", "24年").replace("26年3月", "25年3月"))
    assert final_amount(within.text) is not None, within.text


async def test_several_projects_of_a_reward_to_their_holder_are_asked_one_by_one(ask):
    reply = await ask("两个基础设施项目通过REITs上市，奖励多少")
    assert "请逐项告诉我" in reply.text and final_amount(reply.text) is None, reply.text


@pytest.mark.parametrize("question", [
    "我们有1个金融支持共同富裕项目受国家表彰，1个受部委表彰，一共奖多少",
    "我们有两个金融支持共富项目，一个2024年受国家表彰，一个2025年受人民银行（部委）表彰，一共能拿多少",
])
async def test_one_project_of_each_commendation_named_by_its_own_words_is_added_up(ask, question):
    reply = await ask(question)
    assert "合计（每项各自适用上限）：最高可获 70万元（第14条）" in reply.text, reply.text


@pytest.mark.parametrize("question, says", [
    ("试点奖励要求什么级别的试点", "入围省（部）级及以上金融改革试点"),
    ("区域股权市场那个奖励每家每年最高多少", "最高可获 200万元（第12条"),
    ("新拿境外支付牌照补多少，钱给谁", "支持对象：新获得境外支付业务牌照的支付机构的境内控股公司"),
])
async def test_a_measure_named_in_short_answers_its_rule_and_whom_it_pays(ask, question, says):
    reply = await ask(question)
    assert reply.intent in ("policy", "calc") and says in reply.text, reply.text


async def test_a_filed_credit_company_is_the_enterprise_one_never_the_personal_one(ask):
    personal = await ask("新设个人征信公司，已在人民银行备案，能拿多少")
    assert final_amount(personal.text) is None and "您提到“备案”" in personal.text, personal.text
    filed = await ask("征信公司已备案，能补多少", user="u2")
    assert final_amount(filed.text) == Decimal(1000000), filed.text


@pytest.mark.parametrize("question", ["新设证券公司总部，成立20年了，实缴10亿，能补多少",
                                      "一家25年的老券商新设金融总部，实缴10亿，补多少"])
async def test_a_count_of_years_is_not_read_as_a_year(ask, question):
    reply = await ask(question)
    assert "施行日" not in reply.text and "有效期内" not in reply.text.split("\n")[0], reply.text
    assert "年份" not in reply.text.split("\n")[0], reply.text


async def test_a_company_an_hq_set_up_is_not_paid_as_the_hq(ask):
    await ask("我们在筹建金融科技子公司 实收资本8000万")
    reply = await ask("已经设立了 实收资本8000万 持牌券商总部设立的")
    assert final_amount(reply.text) is None and "160万" not in reply.text, reply.text


async def test_every_year_after_a_result_is_answered_of_that_measure_from_its_wording(ask):
    await ask("新设金融总部，实收资本10亿，能拿多少")
    once = await ask("每年都能拿吗")
    assert once.text.startswith("第6条 新设金融总部补助：原文为一次性补助，文件没有规定每年给予"), once.text
    await ask("第4条应收账款确权融资奖励是什么", user="u2")
    yearly = await ask("每年都有吗", user="u2")
    assert yearly.text.startswith("第4条 应收账款确权融资奖励：原文按年度给予"), yearly.text


async def test_two_measures_asked_in_one_message_are_each_answered_and_the_figure_asked_for_answers_its_own(ask):
    both = await ask("新设金融总部能补多少？此外资管总部管理规模首次突破200亿补多少？")
    assert "请告诉我实收资本" in both.text and "最高可获 600万元（第13条）" in both.text, both.text
    figure = await ask("5亿")
    assert "最高可获 1000万元（第6条）" in figure.text, figure.text


@pytest.mark.parametrize("question", ["我行科创企业贷款增量名列第二十五，能拿奖励吗", "我们银行科创贷款增量第25，符合吗"])
async def test_a_rank_beyond_the_bound_is_said_to_fail_the_condition(ask, question):
    reply = await ask(question)
    assert "排名第25名，不在前20名以内，不符合" in reply.text and final_amount(reply.text) is None, reply.text


@pytest.mark.parametrize("question, amount", [
    ("我们不是私募，是新设立的证券公司总部，实收资本10亿，能拿多少", Decimal("20000000")),
    ("我们并非分支机构，是新设的保险公司总部，实收资本5亿，能拿多少", Decimal("10000000")),
    ("我们不是子公司，是新设的金融控股公司，补助多少", Decimal("10000000")),
    ("Our bank's sci-tech branch was recognised as a Hangzhou sci-tech specialist institution. How much?",
     Decimal("500000")),
])
async def test_words_said_not_to_hold_or_naming_the_beneficiary_itself_rule_nothing_out(ask, question, amount):
    reply = await ask(question)
    assert reply.intent == "calc" and final_amount(reply.text) == amount, reply.text


@pytest.mark.parametrize("question, says", [
    ("是不是分公司也能拿总部补助，实收资本10亿", "您提到“分公司”"),
    ("We are a bank branch, paid-in capital RMB 1 billion, how much HQ subsidy?", "You mention “branch”"),
    ("我们是分公司，不是子公司，新设金融总部实收资本10亿能拿多少", "分公司"),
])
async def test_a_question_about_a_kind_or_a_kind_said_beside_a_negation_still_rules_out(ask, question, says):
    reply = await ask(question)
    assert says in reply.text and final_amount(reply.text) is None, reply.text


@pytest.mark.parametrize("turns", [
    ["险资融杭和清算中心，8亿，能拿多少"],
    ["险资融杭和测评中心能拿多少", "8亿"],
])
async def test_one_bare_figure_is_never_read_as_the_amounts_of_several_measures(ask, turns):
    for text in turns:
        reply = await ask(text)
    assert "没有说明是哪一项措施的数额" in reply.text and final_amount(reply.text) is None, reply.text
    assert {b.payload for b in reply.buttons} >= {"calc:insurance-funds", "calc:national-center"}
    picked = await ask(payload="calc:national-center")
    assert final_amount(picked.text) == Decimal("20000000") and "按实收资本理解" in picked.text, picked.text


async def test_figures_each_given_by_name_price_several_measures(ask):
    reply = await ask("险资融杭和测评中心能拿多少")
    reply = await ask("保险资金融资8亿用于基础设施项目，实收资本3亿")
    assert "没有说明是哪一项措施的数额" not in reply.text and "8亿元 × 0.5% = 400万元" in reply.text, reply.text


@pytest.mark.parametrize("question, says", [
    ("我们是存量机构，实收资本10亿，总部补助多少", "您提到“存量机构”"),
    ("我们是杭州营业部，实收资本5亿，总部补助能拿吗", "您提到“营业部”"),
    ("我们公司开了好几年了，实收资本10亿，新设总部补助多少", "您提到“开了好几年了”"),
    ("我们是出资方，保险资金3亿投给地铁建设项目，补多少", "您提到“出资方”"),
    ("确权融资增速排在十几名，融资1亿，奖多少", "不在前10名以内，不符合"),
    ("我们是新设的资管公司总部，规模快到100亿了，能补多少", "未达到100亿元（含）门槛"),
])
async def test_colloquial_words_that_a_condition_is_not_met_give_no_amount(ask, question, says):
    reply = await ask(question)
    assert says in reply.text and final_amount(reply.text) is None, reply.text


@pytest.mark.parametrize("question, amount", [
    ("我们公司成立5年了，确权融资2亿，增速排名第3，能拿多少", Decimal("100000")),   # 第4条 asks nothing of newness
    ("按杭政办2023年2号文，新设金融总部实收资本10亿能拿多少", Decimal("20000000")),
])
async def test_words_about_age_rule_out_only_measures_for_the_new(ask, question, amount):
    reply = await ask(question)
    assert final_amount(reply.text) == amount, reply.text


@pytest.mark.parametrize("question, says", [
    ("我们的改革试点入围市级，奖多少", "您提到“入围市级”"),
    ("我们企业征信公司没备案，能拿100万吗", "您提到“没备案”"),
    ("信托贷款给基础设施项目3亿，不是险资，补0.5%吗", "您提到“不是险资”"),
    ("新设金融总部，没拿到批文，实收资本10亿", "没拿到"),
    ("评级机构年评级八百到一千二百笔，奖多少", "不是一个确切的数"),
])
async def test_more_words_that_a_condition_is_not_met_or_unsure_give_no_amount(ask, question, says):
    reply = await ask(question)
    assert says in reply.text and final_amount(reply.text) is None, reply.text


@pytest.mark.parametrize("question, asked", [
    ("金融科技子公司补多少", "请告诉我实收资本"),
    ("国家金融管理部门设的清算中心，补多少", "请告诉我实收资本"),
])
async def test_a_fixed_sum_above_a_figure_not_given_asks_for_that_figure(ask, question, asked):
    reply = await ask(question)
    assert asked in reply.text and final_amount(reply.text) is None, reply.text


async def test_the_most_a_fixed_sum_above_a_figure_pays_is_still_said_when_asked(ask):
    reply = await ask("金融科技子公司补助上限是多少")
    assert "100万元" in reply.text and "请告诉我实收资本" not in reply.text, reply.text


@pytest.mark.parametrize("question, amount", [
    ("2家科技支行都认定了，最多能拿多少", Decimal("1000000")),
    ("银行科创专营机构1家+保险科创专营机构1家，都经认定", Decimal("1000000")),
])
async def test_institutions_counted_after_their_noun_or_with_the_most_asked_are_each_paid(ask, question, amount):
    reply = await ask(question)
    assert final_amount(reply.text) == amount, reply.text


@pytest.mark.parametrize("question, amount", [
    ("新设保险总部 实收资本25亿 补助多少", Decimal("50000000")),
    ("总部新设 实收资本 5亿 能补多少", Decimal("10000000")),
    ("证券公司配股补实收资本3亿，补多少", Decimal("3000000")),
    ("确权增速第10名，融资金额10亿，奖多少", Decimal("500000")),
    ("应收帐款确权增速第4，融资金额3亿，奖多少", Decimal("150000")),
])
async def test_measures_named_the_way_enterprises_type_them(ask, question, amount):
    reply = await ask(question)
    assert final_amount(reply.text) == amount, reply.text


async def test_an_hq_set_up_years_ago_gets_no_amount(ask):
    reply = await ask("已设立多年的金融总部，实收资本20亿，能拿多少")
    assert final_amount(reply.text) is None and "设立多年" in reply.text, reply.text


@pytest.mark.parametrize("question, amount", [
    ("主导制定的国家标准发布了，1项", Decimal("300000")),
    ("我们主导的金融行业标准已发布，2项", Decimal("400000")),
])
async def test_a_count_said_apart_from_the_one_kind_named_counts_that_kind(ask, question, amount):
    reply = await ask(question)
    assert final_amount(reply.text) == amount, reply.text


@pytest.mark.parametrize("statement, amount", [
    ("我们的项目入围了部级金融改革试点，已经通过验收", Decimal("500000")),
    ("我们的金融支持共同富裕项目受到了部委表彰", Decimal("200000")),
])
async def test_a_statement_of_what_happened_for_a_fixed_sum_is_computed(ask, statement, amount):
    reply = await ask(statement)
    assert reply.intent == "calc" and final_amount(reply.text) == amount, reply.text


async def test_a_statement_with_a_question_or_of_a_rate_measure_is_not_taken_as_asking_an_amount(ask):
    reply = await ask("新设金融总部已经获批了")
    assert final_amount(reply.text) is None, reply.text


async def test_a_rule_asked_of_another_measure_while_a_figure_is_awaited_gets_that_measure(ask):
    waiting = await ask("主导制定国家标准奖励多少")
    assert "请告诉我国家标准的数量" in waiting.text, waiting.text
    other = await ask("REITs上市奖励多少")
    assert "【第13条" in other.text and "300万元" in other.text and "第9条" not in other.text, other.text


async def test_asking_for_a_figure_states_the_rule_with_its_source_and_expiry(ask):
    reply = await ask("新设金融总部能拿多少")
    assert "请告诉我实收资本" in reply.text and "已于2026-02-28到期" in reply.text, reply.text
    assert reply.sources == ["杭政办〔2023〕2号·第6条"], reply.sources


@pytest.mark.parametrize("typed, amount", [
    ("新设金融总布，实收资本4亿，补贴多少", "800万元"),          # 总布 → 总部
    ("新设金融总部 实手资本12亿 能补多少啊", "2400万元"),       # 实手 → 实收
])
async def test_pinyin_typos_of_policy_words_are_repaired_by_sound(ask, typed, amount):
    reply = await ask(typed)
    assert reply.intent == "calc" and f"最高可获 {amount}" in reply.text, reply.text


async def test_a_place_word_is_no_repair_of_what_the_asker_says_they_are(ask):
    reply = await ask("我是一家省级金融科技公司的战略部经理，想问港湾计划里的七大金融科技产业群有哪些")
    assert reply.intent == "faq" and "智能移动支付" in reply.text, reply.text


async def test_a_changed_condition_in_an_open_quick_check_reevaluates_the_same_measure(ask):
    await ask("金融科技子公司实收资本2亿，能补多少", user="unlicensed")          # asks whether it is 持牌
    denied = await ask("没有持牌呢", user="unlicensed")
    assert denied.intent == "calc" and "第8条" in denied.text and "没有持牌" in denied.text, denied.text
    assert final_amount(denied.text) is None
    await ask("资管总部100亿规模补多少", user="new-am")                         # asks whether it is 新设 / 首次
    met = await ask("如果是新设的呢", user="new-am")
    assert met.intent == "calc" and final_amount(met.text) == Decimal("3000000"), met.text
    await ask("资管总部100亿规模补多少", user="old-am")
    not_new = await ask("如果不是新设的呢", user="old-am")
    assert "不是新设" in not_new.text and final_amount(not_new.text) is None, not_new.text


async def test_a_changed_condition_after_a_computed_amount_is_read_against_that_measure(ask):
    first = await ask("持牌金融机构总部新设金融科技子公司，实收资本2亿，能补多少", user="fintech")
    assert final_amount(first.text) == Decimal("1000000")
    reply = await ask("没有持牌呢", user="fintech")
    assert "第8条" in reply.text and "没有持牌" in reply.text and final_amount(reply.text) is None, reply.text


@pytest.mark.parametrize("question, amount", [
    ("险资股权投资计划20亿投水利工程", "5000000"),     # a 股权投资计划 is the funds' product, not a plan; 水利 is infrastructure
    ("险资投基建 融资 十亿零一千万", "5000000"),
    ("金融支持共同富裕项目获国家表彰", "500000"),       # what happened, of a fixed sum: the quick-check
])
async def test_enterprise_words_for_a_condition_or_an_event_compute(ask, question, amount):
    reply = await ask(question)
    assert reply.intent == "calc" and final_amount(reply.text) == Decimal(amount), reply.text


async def test_a_planned_figure_is_still_asked_again(ask):
    reply = await ask("新设金融总部，实收资本计划10亿，能拿多少")
    assert "是预计的数" in reply.text and final_amount(reply.text) is None


async def test_figures_for_two_kinds_of_institution_naming_only_one_kind_ask_which_it_is(ask):
    reply = await ask("我们征信公司去年给金融机构服务了300万次，还做了1500笔评级业务，帮忙测一下")
    assert final_amount(reply.text) is None and "不同类型的机构" in reply.text, reply.text
    both = await ask("征信机构年服务量260万次，信用评级机构年评级1100笔，分别能拿多少", user="u2")
    assert both.text.count("最高可获 20万元") == 2, both.text
    rule = await ask("征信机构和评级机构的奖励最高各多少", user="u3")       # the rule asked, not a case
    assert rule.text.count("20万元") >= 2 and "不同类型的机构" not in rule.text, rule.text


async def test_clauses_for_two_institutions_each_with_its_figure_are_added_up(ask):
    reply = await ask("我们征信机构服务量250万次，旗下评级机构评级1200笔，两家各能拿多少合计")
    assert reply.intent == "calc" and final_amount(reply.text) == Decimal("400000"), reply.text
    assert "分属不同主体" in reply.text


async def test_two_projects_of_one_kind_in_clauses_are_not_taken_for_one_project(ask):
    reply = await ask("一个共富项目获国家表彰，另一个项目获部委表彰")
    assert final_amount(reply.text) in (None, Decimal("700000")), reply.text     # never the higher one of one project


async def test_a_description_of_no_known_kind_giving_a_measures_base_is_its_quick_check(ask):
    reply = await ask("我们是新设立的金融租赁总部，实收资本一亿五千万")
    assert reply.intent == "calc" and final_amount(reply.text) == Decimal("3000000"), reply.text
    asked = await ask("我们是新设立的金融租赁总部，有什么政策吗", user="asks")     # no figure: not computed
    assert final_amount(asked.text) is None


async def test_the_cap_of_a_fixed_grant_asked_as_its_ceiling_is_the_quick_check(ask):
    reply = await ask("新成立的金控公司一次性补助上限")
    assert reply.intent == "calc" and final_amount(reply.text) == Decimal("10000000"), reply.text


async def test_a_count_over_a_span_of_years_is_asked_year_by_year_under_a_yearly_cap(ask):
    asked = await ask("2024到2025年一共新拿了8张境外支付牌照，补多少")
    assert final_amount(asked.text) is None and "请分别告诉我每年的境外支付业务牌照数量" in asked.text, asked.text
    split = await ask("2024年5张，2025年3张，一共多少")
    assert final_amount(split.text) == Decimal("1600000"), split.text


async def test_a_measure_and_the_figure_it_needs_written_like_a_form_asks_for_the_figure(ask):
    asked = await ask("新设金融总部 实收资本")              # no figure, no question: the quick-check asks for it
    assert asked.intent == "calc" and "请告诉我实收资本" in asked.text, asked.text
    assert final_amount((await ask("10亿")).text) == Decimal("20000000")
    overview = await ask("新设金融总部", user="u2")          # the measure alone is still described
    assert overview.intent != "calc", overview.text


@pytest.mark.parametrize("question, amount", [
    ("新设的法人信托公司，实收资本三十亿，能拿几千万", "50000000"),
    ("刚获批的新设货币经纪公司，独立法人，实收资本2亿元人民币，一次性补助", "4000000"),
    ("HQ新设，实收资本40亿RMB，能拿多少", "50000000"),
    ("资管总部新设立，实际管理规模一百二十亿，补多少", "3000000"),
    ("区域性股权市场挂牌企业融资总额：上一年3个亿，这一年6个亿，奖励？", "2000000"),
    ("你好 我们是城商行 两家科创专营支行被认定 能补多少", "1000000"),
])
async def test_the_names_enterprises_give_their_kind_choose_the_measure(ask, question, amount):
    reply = await ask(question)
    assert reply.intent == "calc" and final_amount(reply.text) == Decimal(amount), reply.text


async def test_a_date_after_expiry_is_said_to_be_past_the_validity(ask):
    reply = await ask("2027年打算设立金融科技子公司，100万补助还有没有")
    assert "已过有效期" in reply.text and final_amount(reply.text) is None, reply.text


@pytest.mark.parametrize("question, amount", [
    ("公募总部新设，存续规模199.9亿", "3000000"),          # 总部新设 names 第6条; the figure is 第13条's
    ("我们是刚获批新设的公募基金公司总部，实收资本2亿", "4000000"),   # its own figure keeps 第6条
])
async def test_a_figure_named_for_another_measure_than_the_keyword_chose_prices_that_measure(ask, question, amount):
    reply = await ask(question)
    assert reply.intent == "calc" and final_amount(reply.text) == Decimal(amount), reply.text


@pytest.mark.parametrize("question, computed, left", [
    ("新设金控公司，另外向社会募资补充资本金20亿，分别补多少", "1000万元", "第6条 新设金融控股公司补助"),
    ("How much for 2 sci-tech branches? Also a REITs listing", "RMB 1 million", "Art. 13 Infrastructure REITs listing award"),
    ("A new asset manager HQ with AUM of 25 billion yuan, plus a REITs listing. What's the total?", "RMB 6 million",
     "Art. 13 Infrastructure REITs listing award"),
])
async def test_a_second_measure_the_quick_check_does_not_compute_is_named_with_its_button(ask, question, computed, left):
    reply = await ask(question)
    assert reply.intent == "calc" and computed in reply.text and left in reply.text, reply.text
    assert any(left in b.label for b in reply.buttons), [b.label for b in reply.buttons]


async def test_saying_only_one_subsidy_was_applied_for_rules_nothing_out(ask):
    reply = await ask("我们只申请了科技支行这一项补贴，新设科技支行能拿多少")
    assert "最高可获 50万元" in reply.text, reply.text


async def test_not_listed_at_home_but_listed_abroad_is_still_listed(ask):
    """The measure is for listings 境内外: 没在境内上市 beside a Hong Kong listing rules nothing out."""
    reply = await ask("我们的REITs没在境内上市，在香港交易所上市了，奖励多少")
    assert "最高可获 300万元" in reply.text, reply.text


async def test_a_round_figure_with_duo_across_a_tier_line_asks_for_the_exact_figure(ask):
    reply = await ask("新设资管总部，存续管理规模一百多亿，补多少")       # 100亿 up to below 200亿: the 300万 tier
    assert final_amount(reply.text) == Decimal("3000000"), reply.text
    reply = await ask("新设金融总部，实收资本五百多万，补多少", user="u2")   # 2% of 500万 to 600万: not one amount
    assert final_amount(reply.text) is None and "不是一个确切的数" in reply.text, reply.text


async def test_a_count_in_another_unit_is_not_the_inputs_count(ask):
    reply = await ask("评级和征信这两项奖励具体各多少钱")       # 两项 counts the awards, not 评级业务 (笔)
    assert "评级业务量2笔" not in reply.text and "不符合" not in reply.text, reply.text


@pytest.mark.parametrize("question", ["新设法人银行，实收资本好像是12亿，补多少", "新设的保险总部实收资本应该有6亿吧，能补多少"])
async def test_a_figure_the_asker_is_unsure_of_is_asked_for_when_the_amount_depends_on_it(ask, question):
    reply = await ask(question)
    assert final_amount(reply.text) is None and "不是一个确切的数" in reply.text, reply.text


@pytest.mark.parametrize("question, amount", [
    ("境外支付牌照：英国一张、卢森堡一张，能补多少", None),             # two counts alike are two, not one: asked
    ("我们在英国与卢森堡各新获得了1张境外支付牌照，补多少", Decimal("400000")),
    ("今年新获得4张境外支付牌照（英国、卢森堡、日本、澳门各一张），补多少", Decimal("800000")),   # restated in brackets
])
async def test_counts_said_place_by_place_are_not_taken_for_one(ask, question, amount):
    reply = await ask(question)
    assert final_amount(reply.text) == amount, reply.text


@pytest.mark.parametrize("question, says", [
    ("新设金融总部实收资本15亿，区里对同一事项给了4000万，最后按多少", "两者按最高一项计：4000万元（其他政策）"),
    ("新设资管总部存续规模240亿，区里给同一事项350万，能拿多少", "两者按最高一项计：600万元"),
])
async def test_the_districts_amount_for_the_same_matter_is_compared_under_the_higher_one_rule(ask, question, says):
    reply = await ask(question)
    assert says in reply.text, reply.text


@pytest.mark.parametrize("question, amount", [
    ("新设法人银行实收资本20亿，还主导了2项行业标准且已发布，能拿多少", Decimal("40400000")),      # 4000万 + 2 × 20万
    ("new licensed insurer HQ, paid-in RMB 1bn, and we also led 2 national finance standards (published). total?",
     Decimal("20600000")),
])
async def test_measures_for_different_things_done_are_added_up(ask, question, amount):
    reply = await ask(question)
    assert final_amount(reply.text) == amount, reply.text


async def test_measures_for_the_same_new_headquarters_are_not_added_up(ask):
    reply = await ask("新设基金管理公司总部，证监会批准，独立法人，实收资本5亿，新设时存续管理规模也有150亿，能拿多少")
    assert "不同事项" not in reply.text, reply.text


async def test_parts_for_different_things_of_one_enterprise_are_added_up(ask):
    reply = await ask("我们的REITs上市了，我们是项目权益人；另外民生工程用了险资融资4亿，总共能拿多少")   # 300万 + 200万
    assert final_amount(reply.text) == Decimal("5000000") and "不同事项" in reply.text, reply.text


@pytest.mark.parametrize("question, amount, left", [
    ("我们主导制定了国际标准1项，参与了国家标准2项，能拿多少", Decimal("1000000"), "参与了国家标准2项"),
    ("作为牵头单位发布了3项行业标准；此外参与起草了1项国际标准，奖励多少", Decimal("600000"), "此外参与起草了1项国际标准"),
])
async def test_items_led_are_priced_and_a_clause_of_items_only_taken_part_in_is_left_out(ask, question, amount, left):
    reply = await ask(question)
    assert final_amount(reply.text) == amount and f"“{left}”按原文不满足第9条的条件，未计入" in reply.text, reply.text


@pytest.mark.parametrize("question", ["我们主导的3项行业标准里有1项还没发布，能奖多少",
                                      "主导了3项行业标准，1项行业标准还在报批"])     # may be one of the three
async def test_a_part_of_a_count_ruled_out_leaves_the_whole_count_asked_about(ask, question):
    reply = await ask(question)
    assert final_amount(reply.text) is None, reply.text


async def test_items_of_a_kind_the_article_does_not_list_are_left_out_of_the_others(ask):
    reply = await ask("我们牵头制定1项国际标准，此外还有2项团体标准，能奖多少")
    assert final_amount(reply.text) == Decimal("1000000") and "未计入" in reply.text, reply.text


async def test_one_project_and_another_of_the_rival_kinds_are_one_of_each(ask):
    reply = await ask("我们一个普惠金融项目拿了部委表彰，另一个拿了国家表彰，合计奖多少")
    assert final_amount(reply.text) == Decimal("700000"), reply.text


async def test_an_article_named_picks_the_measure_a_figure_belongs_to(ask):
    reply = await ask("获证监会批准在杭新设的公募基金管理公司，实缴4亿，第6条补多少")     # 实缴: 第6条 and 第8条 use it
    assert final_amount(reply.text) == Decimal("8000000") and "第6条" in reply.text, reply.text


async def test_a_space_typed_beside_chinese_is_no_distance_between_a_cue_and_its_figure(ask):
    reply = await ask("保险公司向社会公开募资补充实缴资本 2个亿，补多少")
    assert final_amount(reply.text) == Decimal("2000000"), reply.text


async def test_a_rise_from_one_figure_to_another_is_last_years_and_this_years(ask):
    reply = await ask("运营机构，挂牌企业融资总额同比从6亿到9亿，奖多少")        # 9亿 − 6.3亿 = 2.7亿 → 270万 → cap
    assert final_amount(reply.text) == Decimal("2000000") and "由6亿元增至9亿元" in reply.text, reply.text
