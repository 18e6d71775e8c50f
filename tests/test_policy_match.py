"""Matching by profile (free text and /profile with real TinyDB storage), browsing with
/policy and its buttons, the documents' own facts and the directions without money."""
from datetime import datetime
from decimal import Decimal

import pytest

from bot.clock import SHANGHAI
from handlers.profile import ProfileDialog
from policy_data.matching import match
from tests.devset import final_amount

EXPIRED = "已于2026-02-28到期"


def payloads(reply):
    return [b.payload for b in reply.buttons]


async def test_what_fits_in_english_is_one_phone_screen_too_its_conditions_behind_the_buttons(ask):
    reply = await ask("We are a private fund manager in Hangzhou. Which subsidies fit us?")
    body = reply.text.split("\n\n")[0]
    assert body.splitlines()[1] == "· Art. 13 Asset manager HQ grant: up to RMB 6 million (600万元)", body
    assert len(reply.text) <= 600 and "Tap a measure below for its conditions" in body, reply.text
    assert payloads(reply)[0] == "policy:m:am-hq"


async def test_what_fits_is_one_phone_screen_with_the_best_measures_first(ask):
    reply = await ask("我们是外资保险公司，准备在杭州设科技保险专营机构")
    assert reply.intent == "policy"
    body = reply.text.split("\n\n")[0]
    assert body.splitlines()[1].startswith("· 第1条 科创专营机构补助：最高可获50万元")      # the plan's measure first
    assert "还需确认：经认定为我市科创银行、保险类专营机构" in body
    assert len(reply.text) <= 600 and "不适用" not in reply.text and "面向银行机构" not in reply.text
    assert "点下方“更多”按钮查看" in body
    assert payloads(reply)[0] == "policy:m:scitech-branch" and "policy:s:foreign-institutions" in payloads(reply)
    assert any(b.label.startswith("更多：") for b in reply.buttons)
    assert "就高不重复" in reply.text and EXPIRED in reply.text and "杭政办〔2023〕2号·第1条" in reply.sources


async def test_an_asset_manager_sees_the_asset_management_measure_first(ask):
    reply = await ask("我们是私募基金管理人，有什么补贴")
    assert reply.text.splitlines()[1].startswith("· 第13条 资管机构总部补助"), reply.text


@pytest.mark.parametrize("description, fits, fails", [
    ("我们是资产管理公司，管理规模80亿", None, "存续资产实际管理规模80亿元，未达到100亿元（含）门槛"),
    ("我们是银行的金融科技子公司，实收资本3000万", None, "实收资本3000万元，未达到5000万元（含）门槛，不符合"),
    ("我们是一家制造企业，用应收账款融资", "第4条 应收账款确权融资奖励", None),
    ("我们是新设立的资产管理公司，管理规模150亿，有哪些政策适合我们", "第13条 资管机构总部补助：最高可获 300万元（按您提供的数字测算）", None),
])
async def test_figures_in_the_description_are_checked(ask, description, fits, fails):
    reply = await ask(description)
    assert reply.intent == "policy"
    if fits:
        assert fits in reply.text.partition("不适用")[0]
    if fails:
        assert "按您提供的数字不符合：" in reply.text and fails in reply.text


@pytest.mark.parametrize("description, amount", [
    ("我们是新设立的资产管理公司，管理规模150亿", "3000000"),
    ("我司为支付机构，今年拿了3张境外支付牌照", "600000"),
    ("我们是刚获批新设的公募基金公司总部，实收资本2亿", "4000000"),
])
async def test_a_description_pricing_one_measure_is_its_quick_check_with_the_others_a_tap_away(ask, description, amount):
    reply = await ask(description)
    assert reply.intent == "calc" and final_amount(reply.text) == Decimal(amount), reply.text
    assert "可能与贵单位相关" in reply.text and len(reply.buttons) > 2
    asked = await ask(description + "，有哪些政策适合我们", user="asks")     # asking what fits still lists them
    assert asked.intent == "policy" and "最相关的支持措施" in asked.text


def test_types_reach_their_parents(services):
    result = match(services.kb.policy, "我们是城商行")
    fitting = {f.outcome.measure.id for f in result.fits}
    assert {"scitech-branch", "scitech-loans", "hq-new", "capital-raise"} <= fitting
    assert "scitech-insurance" not in fitting and "receivables" not in fitting


async def test_profile_saved_in_storage_and_used(ask, services):
    reply = await ask("/profile")
    assert "请用一句话介绍贵单位" in reply.text and isinstance(services.dialogs.get("console:u1"), ProfileDialog)
    reply = await ask("我们是证券公司，实收资本20亿，计划增资扩股10亿")
    assert "已保存您的单位情况（类型：证券公司；实收资本20亿元；向社会募集资金补充实收资本金额10亿元）" in reply.text
    assert "第6条 募资补充资本补助：最高可获 1000万元（按您提供的数字测算）" in reply.text
    stored = await services.store.users.profile("console:u1")
    assert stored.description == "我们是证券公司，实收资本20亿，计划增资扩股10亿"      # as typed
    assert stored.types == ("证券公司",) and stored.figures["实收资本"] == "20亿元"
    reply = await ask("/profile")
    assert "您保存的单位情况：我们是证券公司" in reply.text and "第6条 募资补充资本补助" in reply.text
    reply = await ask("适合我们的政策有哪些")
    assert reply.intent == "policy" and "第6条 募资补充资本补助：最高可获 1000万元" in reply.text
    assert "policy:mine" in payloads(await ask("/policy"))
    assert "第6条 募资补充资本补助" in (await ask(payload="policy:mine")).text
    assert (await ask("适合我们的政策有哪些", user="other")).text.startswith("还没有您的单位情况")


async def test_profile_command_with_text_and_without_a_type(ask, services):
    reply = await ask("/profile 我们打算做很多事")
    assert "没有看出贵单位属于哪类机构" in reply.text and isinstance(services.dialogs.get("console:u1"), ProfileDialog)
    reply = await ask("小镇在哪里？")                  # a question, not a description: answered elsewhere
    assert reply.intent != "policy" and await services.store.users.profile("console:u1") is None
    reply = await ask("/profile 我们是支付公司")
    assert "已保存" in reply.text and "第11条 境外支付牌照补助" in reply.text


async def test_policy_overview_and_buttons(ask):
    reply = await ask("/policy")
    assert reply.intent == "policy" and "整理为25项措施（分布在15条中）" in reply.text and EXPIRED in reply.text
    assert payloads(reply)[:5] == [f"policy:ch:{i}" for i in range(5)] and "policy:dir" in payloads(reply)
    reply = await ask(payload="policy:ch:1")
    assert "· 第6条 新设金融总部补助：最高5000万元（按实收资本的2%计算，单家上限5000万元）" in reply.text
    assert payloads(reply) == ["policy:m:hq-new", "policy:m:fin-holding", "policy:m:capital-raise"]
    reply = await ask(payload="policy:m:hq-new")
    assert "原文：“对经国家金融管理部门批准新设立" in reply.text and "就高不重复" in reply.text
    assert EXPIRED in reply.text and payloads(reply) == ["calc:hq-new"] and reply.sources == ["杭政办〔2023〕2号·第6条"]
    assert payloads(await ask(payload="policy:m:certificates")) == []          # nothing to compute
    reply = await ask(payload="policy:dir")
    assert "policy:s:qflp-qdlp" in payloads(reply)
    reply = await ask(payload="policy:s:qflp-qdlp")
    assert "深化外商投资股权投资企业（QFLP）试点" in reply.text and EXPIRED in reply.text
    assert reply.sources[0] == "杭政办〔2023〕2号·第13条 推动创新资本持续健康发展"
    assert "整理为25项措施（分布在15条中）" in (await ask(payload="policy:m:no-such")).text
    assert "整理为25项措施（分布在15条中）" in (await ask(payload="policy:ch:99")).text


async def test_policy_command_with_a_description(ask):
    reply = await ask("/policy 我们是评级公司，年度评级业务量1200笔")
    assert "第16条 评级机构业务量奖励：最高可获100万元" not in reply.text
    assert "第16条 评级机构业务量奖励" in reply.text.partition("不适用")[0]


@pytest.mark.parametrize("question, says", [
    ("杭政办2号文什么时候到期", "有效期至2026-02-28"),
    ("它哪天失效的", "已于2026-02-28到期"),            # the document's own facts without its name
    ("这些补贴可以叠加吗", "按照就高不重复原则办理"),
    ("补贴政策的细则谁制定", "本实施意见的具体细则由市地方金融监管局牵头另行制定"),
    ("科技保险专营机构有什么补贴", "【第1条 · 科创专营机构补助】"),
    ("新设金融科技子公司需要什么条件", "实收资本5000万元（含）以上"),
    ("有哪些补贴政策", "整理为25项措施（分布在15条中）"),
])
async def test_policy_questions_in_free_text(ask, question, says):
    reply = await ask(question)
    assert reply.intent == "policy" and says in reply.text and EXPIRED in reply.text


@pytest.mark.parametrize("question", [
    "运河财富小镇在哪里", "小镇有人才补贴吗", "入驻小镇有补贴吗", "杭州金融业十三五规划是哪个文件", "4万亿资产管理规模",
    "我们为啥要把公司放到运河财富小镇", "今年新增的基金规模有多少", "征信机构支持吗", "上海陆家嘴有什么补贴",
    "广州南沙QFLP试点怎么申请", "深圳前海新设金融总部实收资本10亿能拿多少",
])
async def test_questions_outside_the_policies_are_left_alone(ask, question):
    assert (await ask(question)).intent not in ("policy", "calc")


@pytest.mark.parametrize("question, article, says", [
    ("第12条有哪些奖励", "第12条", "挂牌企业融资增长奖励"),
    ("第十八条讲了哪些内容", "第18条", "金融创新奖"),
    ("第6条有哪几项补助", "第6条", "新设金融总部补助"),
])
async def test_an_article_named_by_number_is_explained(ask, question, article, says):
    reply = await ask(question)
    assert reply.intent == "policy" and says in reply.text and any(article in s for s in reply.sources), reply.text


@pytest.mark.parametrize("question, says", [
    ("第十一条里打算建成一个什么样的结算中心，说具体点", "全球跨境支付结算中心"),
    ("请问第2条里，银行给科创企业放贷时依据的是啥原则呀", "市场化原则"),
    ("第14条讲的普惠金融那块，要探索哪几种融资办法", "农户家庭资产池增信融资"),
])
async def test_a_long_question_on_a_named_article_gets_the_articles_passage_holding_its_words(ask, question, says):
    reply = await ask(question)
    assert reply.intent == "policy" and says in reply.text.split("\n\n")[0], reply.text


@pytest.mark.parametrize("question, says", [
    ("证券公司在杭州可以享受哪些政策", ["按您的情况（证券公司）", "按实收资本的2%计算", "金额的1%计算"]),
    ("支付机构可以享受哪些补贴", ["按您的情况（支付机构）", "第11条 境外支付牌照补助"]),
    ("第6条新设总部怎么补", ["按实收资本的2%计算，单家上限5000万元"]),
    ("资管总部补助是怎么分档的", ["【第13条 · 资管机构总部补助】"]),
    ("省里已经给了我们200万，这个文件还能再给吗", ["就高不重复"]),
])
async def test_kinds_of_institution_how_a_measure_pays_and_whether_this_document_pays_again(ask, question, says):
    """A kind asking what it can get is matched; "怎么补" and "还能再给" are policy questions, not the FAQ's."""
    reply = await ask(question)
    assert reply.intent == "policy", reply.text
    assert [s for s in says if s not in reply.text] == [], reply.text


async def test_among_measures_open_to_all_institutions_one_whose_wording_names_the_kind_is_listed_first(ask):
    reply = await ask("我们是一家城商行，文件里有哪些补助")       # 第6条 募资补充资本 names 银行; the new HQ one does not
    shown = reply.text.split("\n\n")[0]
    assert "募资补充资本补助" in shown, reply.text
    assert "新设金融总部补助" not in shown or shown.index("募资补充资本补助") < shown.index("新设金融总部补助"), reply.text


async def test_a_bare_company_is_not_a_kind_to_match(ask):
    reply = await ask("典当公司有什么政策")
    assert "按您的情况" not in reply.text


@pytest.mark.parametrize("question", ["这个政策怎么申请", "申请补贴需要什么材料", "申报截止时间是什么时候",
                                      "2号文补贴申报截止日期是哪天", "How do we apply for the subsidy?"])
async def test_how_to_apply_is_what_the_document_leaves_to_its_detailed_rules_with_a_person_to_ask(ask, question):
    reply = await ask(question)
    assert reply.intent == "fallback" and "市地方金融监管局" in reply.text, reply.text
    assert "没有载明申请流程" in reply.text or "does not state an application procedure" in reply.text
    assert "就高不重复" not in reply.text and "第9条" not in reply.text
    assert any(b.payload == "/handoff" or "人工" in b.label or "person" in b.label.lower() for b in reply.buttons)


@pytest.mark.parametrize("question, condition, intent", [("标准奖励什么时候能拿", "在标准发布后申请", "policy"),
                                                         ("金融改革试点奖励什么时候给", "项目通过验收后", "policy"),
                                                         ("新设金融总部补助怎么申请", "经国家金融管理部门批准新设立", "fallback"),
                                                         ("申请金融总部补助需要准备哪些材料", "经国家金融管理部门批准新设立", "fallback")])
async def test_when_or_how_a_named_measure_pays_is_its_conditions_and_the_unstated_procedure(ask, services, question,
                                                                                           condition, intent):
    """When it pays is in its conditions; how to apply and with what the document does not say: a "don't know"
    that says so first, with what the measure requires."""
    reply = await ask(question)
    assert reply.intent == intent and "条件：" in reply.text and condition in reply.text, reply.text
    assert "没有载明申请流程" in reply.text
    unanswered = [u.text for u in await services.store.unanswered.since(datetime(2000, 1, 1, tzinfo=SHANGHAI))]
    assert unanswered == ([question] if intent == "fallback" else [])
    if intent == "fallback":
        assert reply.text.startswith("杭政办〔2023〕2号没有载明申请流程")


@pytest.mark.parametrize("question, says", [("外资机构有补贴吗", "【引进外资金融机构】"),
                                            ("QFLP有补贴吗", "对QFLP/QDLP试点本身未规定补贴金额")])
async def test_money_asked_of_a_direction_is_the_policy_summary(ask, question, says):
    reply = await ask(question)
    assert reply.intent == "policy" and says in reply.text, reply.text


@pytest.mark.parametrize("question, says", [("QFLP试点能拿多少补贴", "【QFLP / QDLP 试点】"),
                                            ("高端金融人才的住房补贴给多少钱", "【金融人才支持】")])
async def test_an_amount_asked_of_a_direction_without_money_is_a_dont_know_with_the_text(ask, services, question, says):
    reply = await ask(question)
    assert reply.intent == "fallback" and reply.text.startswith("文件对此没有规定补助或奖励金额") and says in reply.text
    assert "万元" not in reply.text
    unanswered = [u.text for u in await services.store.unanswered.since(datetime(2000, 1, 1, tzinfo=SHANGHAI))]
    assert unanswered == [question]


@pytest.mark.parametrize("question, kind", [("律师事务所有补贴吗", "律师事务所"), ("我们是会计师事务所，有什么补贴", "会计师事务所")])
async def test_a_kind_no_measure_names_is_told_so_with_the_measures_open_to_any_organisation(ask, question, kind):
    reply = await ask(question)
    assert reply.intent == "fallback" and f"没有专门针对{kind}的资金支持条款" in reply.text, reply.text
    assert "第9条 主导制定标准奖励" in reply.text and "入驻英蓝中心" not in reply.text


@pytest.mark.parametrize("question, first, dates", [
    ("杭政办〔2023〕2号的有效期和发文单位", "杭政办〔2023〕2号已失效：有效期为2023-03-01至2026-02-28，已于2026-02-28到期（今天是2026-11-22）",
     "发文：杭州市人民政府办公厅，成文日期2023-01-19，2023-01-20印发"),
    ("Is 杭政办〔2023〕2号 still valid?", "杭政办〔2023〕2号 is no longer in force: it was valid from 1 March 2023 to "
     "28 February 2026 and expired on 2026-02-28 (today is 2026-11-22)",
     "dated 19 January 2023 (2023-01-19), printed and issued on 20 January 2023 (2023-01-20)"),
])
async def test_the_document_card_says_first_that_it_has_expired_and_bears_both_dates(ask, question, first, dates):
    reply = await ask(question)
    assert reply.intent == "policy" and reply.text.startswith(first), reply.text
    assert dates in reply.text and "印发：杭州市人民政府办公厅，2023-01-19" not in reply.text


@pytest.mark.parametrize("question, says", [
    ("文件是经谁同意制定的", "制定：原文“经市政府同意，现就我市建设现代金融创新高地，助力经济高质量发展制定如下实施意见。”"),
    ("这个文件是公开的吗，能不能直接转给股东看", "公开：文末注明“（此件公开发布）”"),
])
async def test_the_document_card_quotes_whose_consent_it_was_made_with_and_that_it_is_published(ask, question, says):
    reply = await ask(question)
    assert reply.intent == "policy" and says in reply.text and reply.sources, reply.text


async def test_the_document_card_follows_the_clock(ask, clock):
    clock.advance(days=-500)                     # 2025-07-10: in force
    reply = await ask("杭政办〔2023〕2号还有效吗")
    assert reply.text.startswith("杭政办〔2023〕2号现行有效（有效期2023-03-01至2026-02-28）") and "已失效" not in reply.text


@pytest.mark.parametrize("description, says", [
    ("我们是私募，管理规模20亿美元，有哪些政策适合我们",
     "· 第13条 资管机构总部补助：可能适用。您给的存续资产实际管理规模是外币金额（“美元”），文件按人民币计算、没有规定汇率，"
     "请告诉我折合人民币的存续资产实际管理规模"),
    ("我们是新设立的资管公司，港币300亿的管理规模",
     "· 第13条 资管机构总部补助：可能适用。您给的存续资产实际管理规模是外币金额（“港币”）"),
    ("Our AUM is HKD 20 billion, we are a new asset management HQ",
     "· Art. 13 Asset manager HQ grant: may fit. Your actual assets under management (AUM) is given in a foreign "
     "currency; the document computes in RMB and sets no exchange rate, so please tell me the actual assets under "
     "management (AUM) in RMB"),
    ("We are a wealth manager with about GBP 2bn under management. What can the town offer us?",
     "· Art. 13 Asset manager HQ grant: may fit. Your actual assets under management (AUM) is given in a foreign"),
])
async def test_a_figure_in_another_currency_is_never_read_as_rmb_nor_fails_a_threshold(ask, description, says):
    reply = await ask(description)
    assert reply.intent == "policy" and says in reply.text, reply.text
    for wrong in ("按您提供的数字", "from the figures you gave", "不符合", "does not qualify", "20亿元", "RMB 2 billion"):
        assert wrong not in reply.text, reply.text


@pytest.mark.parametrize("description, fits, unstated", [
    ("我们是银行总部，实收资本20亿，有哪些政策适合我们", "第6条 新设金融总部补助：可能适用，需符合：经国家金融管理部门批准新设立（您没有说明这一点）",
     "最高可获 4000万元"),
    ("我们是新设立的银行总部，实收资本20亿，有哪些政策适合我们", "第6条 新设金融总部补助：最高可获 4000万元（按您提供的数字测算）", None),
    ("我们是资产管理公司，管理规模150亿", "第13条 资管机构总部补助：可能适用，需符合：新设立，或者首次实现相应管理规模的资产管理机构总部",
     "最高可获 300万元"),
])
async def test_a_condition_the_description_leaves_unstated_is_may_fit_if_never_priced(ask, description, fits, unstated):
    reply = await ask(description)
    assert reply.intent == "policy" and fits in reply.text, reply.text
    assert unstated is None or unstated not in reply.text


async def test_a_figure_prices_only_the_measure_it_is_the_base_of(ask):
    reply = await ask("我们是银行总部，向社会募集资金20亿补充实收资本，有哪些政策适合我们")
    assert "第6条 募资补充资本补助：最高可获 1000万元（按您提供的数字测算）" in reply.text, reply.text
    assert "4000万元" not in reply.text and "按最高一项计" not in reply.text


@pytest.mark.parametrize("question", ["我们是银行总部，向社会募集资金20亿补充实收资本，补多少",
                                      "We are a licensed bank HQ raising RMB 2 billion from the public to replenish "
                                      "paid-in capital. How much?"])
async def test_the_quick_check_prices_raised_money_only_as_raised_money(ask, question):
    reply = await ask(question)
    assert reply.intent == "calc" and ("最高可获 1000万元（第6条）" in reply.text or "up to RMB 10 million" in reply.text)
    assert "4000万" not in reply.text and "40 million" not in reply.text, reply.text


async def test_two_figures_for_two_measures_are_each_priced_and_only_the_higher_one_is_certain(ask):
    reply = await ask("保险公司增资，募集资金5亿补充实收资本，另外我们是2024年新设立的总部实收资本20亿")
    body = reply.text.split("\n\n")[0]
    assert "· 第6条 募资补充资本补助：最高可获 500万元（按您提供的数字测算）" in body, reply.text
    assert "· 第6条 新设金融总部补助：最高可获 4000万元（按您提供的数字测算）" in body
    assert "能否叠加，文件未载明；若只能享受一项，按最高一项计：4000万元（第6条）" in reply.text
    assert "policy:m:hq-new" in payloads(reply)[:3]


@pytest.mark.parametrize("question, items, total", [
    ("新设了两家金融总部，每家实收资本10亿", ["第1项：按实收资本计算：10亿元 × 2% = 2000万元", "第2项：按实收资本计算：10亿元 × 2% = 2000万元"],
     "合计：最高可获 4000万元（第6条）"),
    ("险资投了两个重大基础设施项目，每个融资额2亿，补多少", ["第2项：按保险资金融资额计算：2亿元 × 0.5% = 100万元"],
     "合计：最高可获 200万元（第15条）"),
])
async def test_the_quick_check_prices_each_counted_item_with_its_own_cap_and_adds_them(ask, question, items, total):
    reply = await ask(question)
    assert reply.intent == "calc" and [i for i in items if i not in reply.text] == [] and total in reply.text, reply.text
    assert "请逐项告诉我" not in reply.text


async def test_what_fits_prices_each_counted_item_and_adds_them(ask):
    reply = await ask("我们是保险集团，新设了两家金融总部，每家实收资本10亿")
    assert reply.intent == "policy"
    assert "· 第6条 新设金融总部补助：逐项计算、各自适用上限：2000万元 + 2000万元 = 合计4000万元（按您提供的数字测算）" in reply.text


async def test_two_parts_for_two_institutions_are_each_priced_and_added_up(ask):
    reply = await ask("新设金融总部实收资本10亿，另外新设了金融科技子公司实收资本1亿，一共能拿多少")
    assert reply.intent == "calc", reply.text
    assert "按实收资本计算：10亿元 × 2% = 2000万元，未超过单家上限5000万元 → 最高可获 2000万元（第6条）" in reply.text
    assert "实收资本1亿元，达到5000万元（含）门槛，符合\n一次性补助 → 最高可获 100万元（第8条）" in reply.text
    assert "各自计算、各有上限 → 合计最高可获 2100万元" in reply.text
    assert final_amount(reply.text) == Decimal(21_000_000) and "请逐项告诉我" not in reply.text
    assert reply.sources == ["杭政办〔2023〕2号·第6条", "杭政办〔2023〕2号·第8条"]


async def test_two_parts_for_one_institution_are_sure_of_the_higher_one_only(ask):
    reply = await ask("银行向社会募集资金5亿补充实收资本，另外我们是新设立的银行总部实收资本20亿，一共能拿多少")
    assert "5亿元 × 1% = 500万元" in reply.text and "20亿元 × 2% = 4000万元" in reply.text, reply.text
    assert "能否叠加，文件未载明；若只能享受一项，按最高一项计：4000万元（第6条）" in reply.text and "合计" not in reply.text


async def test_a_part_without_its_own_measure_is_asked_about_item_by_item(ask):
    reply = await ask("总部实收10亿，另外新设金融科技子公司实收1亿，一共能拿多少")
    assert "请逐项告诉我" in reply.text and "万元" not in reply.text


@pytest.mark.parametrize("question, says", [("QFLP有补贴吗", "对QFLP/QDLP试点本身未规定补贴金额"),
                                            ("QFLP有什么支持", "对QFLP/QDLP试点本身未规定补贴金额"),
                                            ("外资股权投资企业有什么支持", "【QFLP / QDLP 试点】")])
async def test_support_asked_of_a_direction_is_the_policy_summary_that_names_it_most_closely(ask, question, says):
    reply = await ask(question)
    assert reply.intent == "policy" and says in reply.text, reply.text


@pytest.mark.parametrize("question, says", [
    ("100亿含不含", ["【第13条 · 资管机构总部补助】", "100亿元（含）以上"]),
    ("超过5%是怎么算的", ["【第12条 · 挂牌企业融资增长奖励】", "同比增长超过5%"]),
    ("5000万含本数吗", ["【第6条 · 新设金融总部补助】", "【第8条 · 金融科技子公司补助】", "5000万元（含）以上"]),
])
async def test_a_figure_the_measures_state_is_answered_with_the_measures_that_state_it(ask, question, says):
    reply = await ask(question)
    assert reply.intent == "policy" and all(s in reply.text for s in says), reply.text
    assert "【第16条" not in reply.text


@pytest.mark.parametrize("question, says", [("征信200万次含不含200万次", "【第16条 · 征信机构服务量奖励】")])
async def test_a_count_quoted_is_matched_to_the_measure_counting_it_not_to_a_cap_of_as_many_yuan(ask, question, says):
    reply = await ask(question)
    assert reply.intent == "policy" and says in reply.text and "【第12条" not in reply.text, reply.text


@pytest.mark.parametrize("question", ["5000万", "拱墅那十个产业平台都叫啥名字", "会议小镇那十个里有没有咱们运河财富"])
async def test_a_bare_figure_or_a_number_outside_the_policy_is_not_read_as_quoting_a_measure(ask, question):
    reply = await ask(question)
    assert reply.intent != "policy", reply.text


async def test_a_question_naming_several_measures_alike_sets_out_each(ask):
    reply = await ask("征信公司有什么补贴")
    assert "第16条 新设个人征信公司补助" in reply.text and "第16条 新设企业征信公司补助" in reply.text, reply.text
    assert "1000万" in reply.text and "100万" in reply.text


async def test_a_specific_kind_beside_a_bare_company_decides_what_fits_first(ask):
    reply = await ask("做征信的公司有什么补贴")
    first = reply.text.split("\n")[1]
    assert reply.intent == "policy" and first.startswith("· 第16条"), reply.text


@pytest.mark.parametrize("question, says", [("有问题咨询哪个部门", "牵头部门：市地方金融监管局"),
                                            ("这个政策哪个部门牵头，什么时候发文的", "成文日期2023-01-19，2023-01-20印发")])
async def test_the_documents_own_facts_answer_what_the_faq_does_not(ask, question, says):
    reply = await ask(question)
    assert reply.intent == "policy" and says in reply.text and "成文日期2023-01-19，2023-01-20印发" in reply.text, reply.text


@pytest.mark.parametrize("question, says", [("施行日期是哪天", "施行：2023-03-01起，有效期至2026-02-28（共3年）"),
                                            ("政策执行几年", "（共3年）"),
                                            ("这个政策什么时候截止", "有效期至2026-02-28"),
                                            ("杭政办〔2023〕2号现在还能用吗", "已于2026-02-28到期"),
                                            ("那明年还能申请吗", "已于2026-02-28到期")])
async def test_a_question_on_the_validity_alone_gets_the_validity_not_the_whole_card(ask, question, says):
    reply = await ask(question)
    assert reply.intent == "policy" and says in reply.text, reply.text
    assert "成文日期" not in reply.text and "公开：" not in reply.text and len([line for line in reply.text.splitlines() if line.strip()]) <= 4, reply.text


async def test_next_year_asked_of_the_validity_is_the_year_after_today(ask):
    reply = await ask("明年这个政策还能用吗")
    assert "2027年不在其有效期内（2023-03-01至2026-02-28）。" in reply.text and "已失效" in reply.text, reply.text


@pytest.mark.parametrize("question", ["能和区里的补贴一起拿吗", "这个政策可以叠加吗"])
async def test_a_question_on_stacking_alone_gets_the_rule_explained(ask, question):
    reply = await ask(question)
    assert reply.intent == "policy" and "就高不重复" in reply.text and "不能叠加、重复享受" in reply.text, reply.text
    assert "已失效" in reply.text and "成文日期" not in reply.text


async def test_a_branch_describing_itself_is_not_offered_the_headquarters_measure(ask):
    reply = await ask("我们是外资银行的杭州分行，按照这个实施意见，有没有可以申请的补贴？")
    assert reply.intent == "policy" and "第1条 科创专营机构补助" in reply.text, reply.text
    assert "新设金融总部补助" not in reply.text


@pytest.mark.parametrize("question, says", [("2024年政策还有效吗", "2024年全年在其有效期内。"),
                                            ("2027年政策还有效吗", "2027年不在其有效期内（2023-03-01至2026-02-28）。")])
async def test_a_year_asked_about_is_compared_with_the_validity_whatever_today_is(ask, question, says):
    reply = await ask(question)
    assert reply.intent == "policy" and says in reply.text and "已失效" in reply.text, reply.text


async def test_the_year_of_a_document_number_is_no_year_asked(ask):
    reply = await ask("杭政办〔2023〕2号还有效吗")
    status = reply.text.split("\n\n")[0]            # today's status and a line per year asked
    assert status.startswith("杭政办〔2023〕2号已失效") and "在其有效期内" not in status, reply.text


@pytest.mark.parametrize("description, ruled, kept", [
    ("我们是资管公司，规模100亿，不是新设的，也不是首次达到，有补助吗", ["第13条 资管机构总部补助", "第6条 新设金融总部补助"], None),
    ("我们是资管公司，规模100亿，不是新设的，有补助吗", ["第6条 新设金融总部补助"], "第13条 资管机构总部补助：可能适用"),
])
async def test_conditions_the_description_rules_out_are_not_met(ask, description, ruled, kept):
    reply = await ask(description)
    fits, _, denied = reply.text.partition("按您所说不符合：")
    denied = denied.splitlines()[0]
    for name in ruled:
        assert name in denied and name not in fits, reply.text
    assert "您提到“不是新设的”" in denied and "按您提供的数字测算" not in reply.text
    if kept:                     # one alternative of "新设立，或者首次实现…" denied: the other is still open
        assert kept in fits and "您没有说明这一点" in fits
    else:
        assert "“也不是首次达到”" in denied


async def test_a_quote_of_the_askers_words_never_ends_on_a_bare_negation(ask):
    reply = await ask("我们是新设的金融总部，但不是经国家金融管理部门批准的，是地方金融监管局批准的，实收资本5亿，能拿多少")
    assert "您提到“但不是经国家金融管理部门批准的”" in reply.text and "可获" not in reply.text, reply.text


@pytest.mark.parametrize("question, fits", [
    ("我们基金公司今年首次管理规模突破250亿，有补助吗", "第13条 资管机构总部补助：最高可获 600万元（按您提供的数字测算）"),
    ("我们银行实收资本20亿，有补助吗", "第6条 新设金融总部补助：可能适用，需符合：经国家金融管理部门批准新设立"),
])
async def test_a_kind_giving_a_measures_own_figure_and_asking_support_is_matched_not_sent_to_the_faq(ask, question, fits):
    reply = await ask(question)
    assert reply.intent == "policy" and fits in reply.text, reply.text


@pytest.mark.parametrize("question, says, not_says", [
    ("我们公司在杭州滨江，不在运河财富小镇，能享受杭政办2号文的补助吗", "没有限定只适用于某个小镇或区", "上海"),
    ("这个政策适用于上海吗", "它不是上海的政策", "没有限定"),
    ("Does the policy apply to Shanghai?", "is Hangzhou's policy", "not limited"),
])
async def test_where_the_document_applies_is_the_city_it_is_issued_by(ask, question, says, not_says):
    reply = await ask(question)
    assert reply.intent == "policy" and says in reply.text and not_says not in reply.text, reply.text
    assert "杭州市人民政府办公厅" in reply.text and "2026-02-28" in reply.text


def test_no_measure_is_limited_to_a_town_or_district(kb):
    """What the scope reply says of the measures holds for the data: none names a town or a district."""
    for m in kb.policy.measures:
        assert not any(w in f"{m.text}{m.beneficiary}{''.join(c.text for c in m.conditions)}"
                       for w in ("小镇", "拱墅", "上城", "滨江", "西湖区", "余杭", "萧山")), m.id


async def test_whether_the_detailed_rules_are_out_is_answered_with_what_the_document_says(ask):
    reply = await ask("2号文的细则出台了吗")
    assert reply.intent == "policy" and "本实施意见的具体细则由市地方金融监管局牵头另行制定。" in reply.text, reply.text


@pytest.mark.parametrize("question", ["2号文实施细则的具体内容是什么，哪天发布的",
                                      "When were the detailed rules of 杭政办〔2023〕2号 issued and what do they say?"])
async def test_what_the_detailed_rules_say_and_when_they_came_out_is_not_stated(ask, question):
    reply = await ask(question)
    first = reply.text.split("\n\n")[0]
    assert "本实施意见的具体细则由市地方金融监管局牵头另行制定。" in first, reply.text
    assert "资料中都没有记载" in first or "the documents don't say" in first, reply.text
    assert reply.intent == "fallback" and "/handoff" in [b.payload for b in reply.buttons]


@pytest.mark.parametrize("question", ["where do we submit the new HQ grant application, and by when each year?",
                                      "When should we file our claim for the REITs award?"])
async def test_where_and_when_to_apply_for_a_named_measure_is_a_dont_know_with_the_measure(ask, question):
    reply = await ask(question)
    assert reply.intent == "fallback" and "does not state an application" in reply.text, reply.text
    assert "一次性补助，文件没有规定每年给予" not in reply.text and "no yearly payment" not in reply.text, reply.text


async def test_who_draws_up_the_detailed_rules_is_answered(ask):
    reply = await ask("2号文的细则谁来制定，什么时候出来")
    assert reply.intent == "policy" and "市地方金融监管局牵头另行制定" in reply.text, reply.text


@pytest.mark.parametrize("question, says", [
    ("第6条的补助是每年都能拿吗", ["第6条 新设金融总部补助：原文为一次性补助，文件没有规定每年给予",
                            "第6条 募资补充资本补助：原文为一次性补助"]),
    ("科创贷款奖励每年都有吗", ["第2条 科创贷款增量奖励：原文按年度给予（“每年度对科创企业贷款增量"]),
])
async def test_one_off_or_yearly_is_read_from_the_measure(ask, question, says):
    reply = await ask(question)
    for line in says:
        assert line in reply.text.split("\n\n")[0], reply.text


@pytest.mark.parametrize("question, answered", [
    ("Is there any subsidy for REITs listing in Hong Kong?", True),
    ("What subsidy does Shanghai give for REITs?", False),
])
async def test_a_listing_abroad_is_the_measure_whose_text_covers_exchanges_at_home_and_abroad(ask, question, answered):
    reply = await ask(question)
    said = "on a domestic or overseas exchange" in reply.text and "RMB 3 million (300万元)" in reply.text
    assert said is answered and (reply.intent == "policy") is answered, reply.text


async def test_a_branch_asking_for_the_headquarters_grant_hears_the_articles_requirement_and_that_it_is_not_met(ask):
    reply = await ask("Can a foreign bank branch get the headquarters subsidy?")
    assert reply.intent == "policy" and "You mention “branch”" in reply.text, reply.text
    assert "依法独立享有民事权利和承担民事义务" in reply.text and "does not apply" in reply.text
    assert "RMB" not in reply.text.split("⚠️")[0]            # no amount for what is not met


@pytest.mark.parametrize("question", [
    "We are a foreign asset manager. If we set up a new financial headquarters with paid-in capital of USD 200 million, "
    "how much subsidy can we get?",
    "我们今年帮三家企业发行了REITs在上交所上市，另外我们自己通过配股募集了15亿补充资本。请问我们券商能拿多少？",
])
async def test_buttons_to_several_measures_are_each_named(ask, question):
    reply = await ask(question)
    labels = [b.label for b in reply.buttons]
    assert labels and len(set(labels)) == len(labels), labels
    assert len(labels) == 1 or all(label.startswith(("Art.", "第")) for label in labels[:2]), labels


@pytest.mark.parametrize("description, said", [
    ("我们是小额贷款公司，能享受哪些扶持", "“支持小额贷款、融资担保等地方金融组织发挥自身特色，更好服务科创企业发展。”该条对此没有规定补助或奖励金额"),
    ("我们是做融资租赁的，有什么政策可以享受", None),
])
async def test_a_kind_without_measures_of_its_own_hears_so_before_the_measures_open_to_any_enterprise(
        ask, description, said):
    reply = await ask(description)
    head = reply.text.split("\n· ")[0]
    assert reply.intent == "policy" and "文件没有专门面向" in head and "以下面向各类企业或组织的措施按其条件适用" in head
    assert (said in head) if said else ("第1条" not in head), reply.text
    assert "最高可获" not in head and "· 第4条 应收账款确权融资奖励" in reply.text


async def test_measures_for_the_asker_or_its_parent_kind_need_no_such_note(ask):
    for description in ("我们是券商，有什么补贴", "我们是一家制造企业，用应收账款融资"):
        assert "文件没有专门面向" not in (await ask(description)).text


async def test_a_part_whose_measure_takes_no_figure_is_priced_beside_the_other(ask):
    reply = await ask("我们保险公司向社会募集资金8亿补充实收资本，另外新设了科技保险专营机构，一共能拿多少")
    assert "8亿元 × 1% = 800万元" in reply.text and "一次性补助 → 最高可获 50万元（第1条）" in reply.text, reply.text
    assert "合计最高可获 850万元" in reply.text and "还需符合：经认定为我市科创银行、保险类专营机构" in reply.text


async def test_an_english_denial_is_quoted_as_written_and_states_nothing(ask):
    reply = await ask("We are an asset manager with AUM of RMB 12 billion. We are not newly set up. What support fits us?")
    assert "Not met by what you say: Art. 6 New financial HQ grant (you say “We are not newly set up”" in reply.text
    art13 = next(line for line in reply.text.splitlines() if line.startswith("· Art. 13"))
    assert "may fit if" in art13 and "from the figures you gave" not in art13, reply.text


@pytest.mark.parametrize("question, says", [
    ("公募基金落户有补贴吗", "· 第13条 资管机构总部补助"),              # a kind asked yes or no: matched
    ("私募机构来杭州有没有奖励", "· 第13条 资管机构总部补助"),
    ("科创保险奖励排名前几名", "排名前10名的保险机构"),                  # the article-3 reward by its short name
])
async def test_a_kind_or_a_measure_asked_in_few_words_is_answered_from_the_policy(ask, question, says):
    reply = await ask(question)
    assert reply.intent == "policy" and says in reply.text, reply.text


@pytest.mark.parametrize("question, says", [
    ("这个政策从哪天开始执行的", "2023-03-01起"),
    ("我们拱墅区那边也有一个落户补助，跟市里这个能不能两边都拿", "就高不重复"),
    ("挂牌融资奖励每家机构每年最多多少", "200万"),
    ("资管补助看的是什么规模，募集规模吗", "存续资产实际管理规模"),
    ("供应链金融那条，奖励给哪些企业？看什么排名", "同比增速前10名"),
])
async def test_the_document_and_its_measures_asked_in_an_enterprise_s_words(ask, question, says):
    reply = await ask(question)
    assert reply.intent in ("policy", "calc") and says in reply.text, reply.text


async def test_a_whole_quick_check_question_is_read_on_its_own_while_one_is_open(ask):
    opened = await ask("我们金融支持共同富裕项目受到表彰了，能奖多少钱")        # which of the two cases?
    assert "请问是哪一种" in opened.text, opened.text
    reply = await ask("金融支持共同富裕项目受表彰奖多少")                      # the rule, not "我们…" again
    assert "最高不超过50万元、20万元" in reply.text and "请问是哪一种" not in reply.text, reply.text


@pytest.mark.parametrize("question, says, source", [
    ("文件对网贷机构怎么说", "网络借贷机构存量风险", "17.提升风险化解能力"),
    ("私募基金管理人文件里是啥态度", "私募基金管理机构健康发展", "13."),
    ("文件说区县要开展什么系列活动", "比学赶超", "加强组织保障"),
])
async def test_the_document_s_content_asked_by_a_phrase_of_it_is_quoted_with_its_source(ask, question, says, source):
    reply = await ask(question)
    assert reply.intent == "policy" and says in reply.text and any(source in s for s in reply.sources), reply


@pytest.mark.parametrize("question", ["文件里有房租补贴吗", "文件里对办公用房怎么说"])
async def test_what_the_document_does_not_say_finds_no_passage(ask, question):
    reply = await ask(question)
    assert reply.intent != "policy", reply.text


@pytest.mark.parametrize("question, number", [("2号文第19条是什么", 19), ("第25条讲的啥", 25)])
async def test_an_article_past_the_last_is_said_not_to_exist(ask, question, number):
    reply = await ask(question)
    assert "共18条" in reply.text and f"没有第{number}条" in reply.text and "第1条“" not in reply.text, reply.text


@pytest.mark.parametrize("question, article", [("实缴资本按什么口径算", "【第6条 · 新设金融总部补助】"),
                                               ("存续资产规模是指什么", "【第13条 · 资管机构总部补助】")])
async def test_how_an_input_is_measured_is_answered_with_the_measure_naming_it(ask, question, article):
    reply = await ask(question)
    assert reply.intent == "policy" and reply.text.startswith(article) and "原文：“" in reply.text, reply.text
    assert "可获 " not in reply.text                 # nothing computed


async def test_asking_one_unstated_condition_names_the_others_left_unstated(ask):
    reply = await ask("改革试点入围了能拿奖励吗")
    assert "原文条件：入围省（部）级及以上金融改革试点" in reply.text and "原文还要求：项目通过验收后" in reply.text, reply.text
    stated = await ask("改革试点入围了，项目已经验收，能拿奖励吗", user="u2")
    assert "原文还要求" not in stated.text, stated.text


async def test_the_town_named_in_the_2023_policy_is_quoted_with_the_other_towns_of_its_sentence(ask):
    reply = await ask("2号文里提到运河财富小镇了吗")
    assert all(t in reply.text for t in ("玉皇山南基金小镇", "西湖蚂蚁小镇", "国际财富管理机构集聚高地")), reply.text


async def test_how_many_numbered_measures_the_document_has_is_counted_from_the_data(ask):
    reply = await ask("这个文件总共有几条具体任务")
    assert reply.intent == "policy" and reply.text.startswith("杭政办〔2023〕2号的具体措施共18条（第1—18条）"), reply.text


def test_a_kind_said_not_to_be_ones_own_does_not_rule_a_measure_out(services):
    denied = match(services.kb.policy, "我们是私募，新设立的证券公司总部")
    assert "hq-new" in {m.measure.id for m in denied.misfits}
    result = match(services.kb.policy, "我们不是私募，是新设立的证券公司总部")
    assert "hq-new" in {f.outcome.measure.id for f in result.fits}


@pytest.mark.parametrize("question, says", [
    ("2026年3月新设的金融总部还能按这个申请吗", "2026年3月不在其有效期内（2023-03-01至2026-02-28）"),
    ("2026年2月还能申请这个政策吗", "2026年2月在其有效期内"),
    ("你好 我们是一家券商 现在还能按2号文申报补助吗", "杭政办〔2023〕2号已失效"),
])
async def test_a_month_asked_is_checked_as_a_month_and_applying_now_gets_the_validity(ask, question, says):
    reply = await ask(question)
    assert reply.intent == "policy" and says in reply.text, reply.text


async def test_the_expiry_note_says_no_longer_in_force(ask):
    reply = await ask("新设金融总部，实收资本10亿，能拿多少？")
    assert "已于2026-02-28到期（今天是2026-11-22），现已失效" in reply.text, reply.text


@pytest.mark.parametrize("question, article", [
    ("我们是征信公司，哪条跟我们有关", "第16条"),
    ("我们银行增资扩股补资本，哪条", "第6条 · 募资补充资本补助"),
    ("我们支付机构新拿了境外支付牌照，对应哪条", "第11条"),
])
async def test_the_askers_kind_and_which_article_is_theirs_get_the_measure_named(ask, question, article):
    reply = await ask(question)
    assert reply.intent == "policy" and article in reply.text, reply.text


async def test_once_or_yearly_asked_of_no_measure_names_each_kind(ask):
    reply = await ask("你们这些补贴是一次性的还是每年都给")
    assert reply.intent == "policy" and "多数是一次性的" in reply.text and "第6条 新设金融总部补助" in reply.text
    assert "按年度给予" in reply.text and "第4条 应收账款确权融资奖励" in reply.text, reply.text


@pytest.mark.parametrize("question", ["这个文是谁发的，哪个单位", "这份文件全名叫啥"])
async def test_the_document_named_loosely_gets_its_card(ask, question):
    reply = await ask(question)
    assert reply.intent == "policy" and "杭州市人民政府办公厅" in reply.text and "建设现代金融创新高地" in reply.text


@pytest.mark.parametrize("question, holds", [
    ("我们是一家券商，想了解十三五规划里杭州要建成什么样的金融中心", "全国一流新金融中心"),   # a plan named: its content
    ("我们是一家私募，想问下北部软件园2019年税收多少", "4幢税收亿元以上楼宇"),         # "一家" is no figure of theirs
])
async def test_a_self_description_before_a_question_about_a_plan_or_a_place_gets_that_answer(ask, question, holds):
    reply = await ask(question)
    assert reply.intent == "faq" and holds in reply.text, reply.text


async def test_a_self_description_asking_for_support_still_gets_the_matching_measures(ask):
    reply = await ask("我们是一家私募，有哪些支持政策")
    assert reply.intent == "policy" and "第13条 资管机构总部补助" in reply.text


@pytest.mark.parametrize("question, holds", [
    ("征信公司能拿哪些补贴", ["新设个人征信公司补助", "新设企业征信公司补助", "征信机构服务量奖励"]),
    ("区域性股权市场运营机构能拿什么奖励", ["挂牌企业融资增长奖励", "创新市场试点奖励"]),
])
async def test_a_kind_asked_about_in_the_words_of_its_measures_gets_all_its_measures(ask, question, holds):
    reply = await ask(question)
    assert reply.intent == "policy" and all(h in reply.text for h in holds), reply.text


async def test_a_measure_named_by_more_than_the_kind_is_answered_alone(ask):
    reply = await ask("个人征信公司能拿哪些补贴")
    assert "新设个人征信公司补助" in reply.text and "征信机构服务量奖励" not in reply.text, reply.text
