"""The quick-check through the router: the arithmetic, caps, thresholds, tiers, counts, validity against the
clock, the multi-turn flow (missing figure or measure, cancel, timeout) and the dev set."""
from datetime import datetime

import pytest

from bot.clock import SHANGHAI
from handlers.calc import CalcDialog
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
    ("实收资本3000万的金融科技子公司能拿多少", "实收资本3000万元，未达到5000万元（含）门槛，不符合"),
    ("金融科技子公司实收资本5000万能拿多少", "实收资本5000万元，达到5000万元（含）门槛，符合"),
    ("资管总部管理规模150亿", "存续资产实际管理规模150亿元，达到100亿元（含）档"),
    ("资管总部管理规模150亿", "→ 最高可获 300万元（第13条）"),
    ("资管机构总部管理规模80亿能拿吗", "存续资产实际管理规模80亿元，未达到100亿元（含）门槛，不符合"),
    ("主导制定了2项国家标准", "2项国家标准 → 2 × 30万元 = 60万元 → 最高可获 60万元（第9条）"),
    ("主导制定1项国际标准和2项行业标准", "1项国际标准 × 100万元 + 2项行业标准 × 20万元 = 140万元"),
    ("拿到6张境外支付牌照能补多少", "6张境外支付业务牌照 → 6 × 20万元 = 120万元，超过年度累计上限100万元 → 最高可获 100万元"),
    ("应收账款确权融资金额5000万，增速排名第12，能拿多少", "不在前10名以内，不符合"),
    ("挂牌企业融资总额同比增长5%，超过部分5000万，能奖多少", "挂牌企业融资总额同比增长5%，未超过5%，不符合"),
    ("挂牌企业融资总额同比增长千分之五，超过部分5000万，能奖多少", "同比增长0.5%，未超过5%，不符合"),
    ("科创企业贷款增量排名第5的银行能拿多少", "按贡献比例给予奖励（文件未规定具体金额）（第2条）"),
    ("新设征信公司能拿多少", "按最高一项计：1000万元（第16条），不叠加"),
])
async def test_arithmetic_caps_thresholds_tiers_counts(ask, question, says):
    reply = await ask(question)
    assert reply.intent == "calc" and says in reply.text, reply.text


@pytest.mark.parametrize("figure, amount", [
    ("10亿", "2000万元"), ("10亿元", "2000万元"), ("1,000万", "20万元"), ("8000万元", "160万元"),
    ("3.5亿", "700万元"), ("五亿", "1000万元"), ("两千万", "40万元"), ("1.2e8", "240万元"),
    ("100000000元", "200万元"),
])
async def test_every_amount_form_in_a_question(ask, figure, amount):
    reply = await ask(f"新设金融总部，实收资本{figure}，能拿多少")
    assert f"最高可获 {amount}（第6条）" in reply.text


async def test_several_measures_for_one_project_take_the_highest(ask):
    reply = await ask("新设的资管机构总部也是金融总部，实收资本10亿，管理规模150亿，能拿多少")
    assert "最高可获 2000万元（第6条）" in reply.text and "最高可获 300万元（第13条）" in reply.text
    assert "就高不重复" in reply.text and "按最高一项计：2000万元（第6条），不叠加" in reply.text


async def test_a_figure_read_without_its_name_is_said_so(ask):
    reply = await ask("新设金融总部，注册资本8亿，能拿多少")
    assert "最高可获 1600万元" in reply.text and "按实收资本理解" in reply.text and reply.confidence < 1


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
    reply = await ask("实收资本10亿能拿多少补贴")
    payloads = [b.payload for b in reply.buttons]
    assert {"calc:hq-new", "calc:fintech-sub", "calc:national-center"} <= set(payloads) and "/cancel" in payloads
    reply = await ask(payload="calc:hq-new")
    assert "最高可获 2000万元（第6条）" in reply.text
    reply = await ask("实收资本10亿能拿多少补贴")
    reply = await ask(payload="calc:fintech-sub")
    assert "实收资本10亿元，达到5000万元（含）门槛，符合" in reply.text and "最高可获 100万元" in reply.text


async def test_nonsense_figures_get_a_clear_request(ask):
    assert "没有读到实收资本的具体数字" in (await ask("新设金融总部，实收资本很多，能拿多少？")).text
    assert "不能是负数" in (await ask("新设金融总部，实收资本-5亿，能拿多少")).text
    assert "合理范围" in (await ask("新设金融总部，实收资本10^30元，能拿多少")).text
    assert "没有单位" in (await ask("新设金融总部，实收资本10，能拿多少")).text


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
    reply = await ask("资管总部管理规模200亿能拿多少")
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
    reply = await ask("资管总部管理规模150亿")           # typed after /calc: computed at once
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
async def test_the_same_flow_on_every_channel(router, platform):
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


@pytest.mark.parametrize("question", ["我们银行有3家科技支行都被认定为我市科创银行专营机构，一共能拿多少",
                                      "我们平台公司有3个重大基础设施项目用了保险资金，分别融资2亿、6亿、15亿，一共补助多少"])
async def test_a_total_over_several_institutions_or_projects_is_asked_item_by_item(ask, question):
    reply = await ask(question)
    assert "逐项" in reply.text and " → " not in reply.text, reply.text      # the rule is shown, nothing computed
