"""Short questions about the policy document itself and about measures without an amount: answered from the
data, never with a fallback."""
import pytest

from tests.devset import final_amount


async def test_the_article_naming_a_place_is_the_answer_to_which_article_names_it(ask):
    reply = await ask("运河财富小镇在文件第几条出现")
    assert reply.intent == "policy" and "第5条" in reply.text and "国际财富管理机构集聚高地" in reply.text, reply.text
    other = await ask("运河财富小镇在哪里")          # where the town is stays the FAQ's
    assert other.intent == "faq" and "第5条" not in other.text


async def test_the_measures_capped_per_year_are_listed_with_their_caps(ask):
    reply = await ask("哪几条补贴提到了年度封顶")
    assert reply.intent == "policy", reply.text
    for line in ("第4条 应收账款确权融资奖励：单户企业年度上限50万元", "第11条 境外支付牌照补助：年度累计上限100万元",
                 "第12条 挂牌企业融资增长奖励：每家机构每年上限200万元"):
        assert line in reply.text
    assert "第6条" not in reply.text and final_amount(reply.text) is None
    named = await ask("区域股权市场奖励每年封顶")      # one measure named: that measure's rule
    assert "【第12条" in named.text and "第4条" not in named.text


async def test_a_district_grant_beside_this_document_gets_the_no_double_rule(ask):
    reply = await ask("同一个项目拱墅区也补了 市里这个还能叠加吗")
    assert reply.intent == "policy" and "就高不重复" in reply.text, reply.text


async def test_whether_detailed_rules_exist_is_answered_by_who_draws_them_up(ask):
    reply = await ask("有没有实施细则，具体申报流程在文件里吗")
    assert reply.intent == "policy" and "另行制定" in reply.text and "没有载明申请流程" in reply.text
    procedure = await ask("申报流程是什么")           # the procedure alone the documents never state
    assert procedure.intent == "fallback"


async def test_what_the_document_supports_is_its_overview(ask):
    reply = await ask("这个文件主要扶持哪些行业")
    assert reply.intent == "policy" and "金融" in reply.text and "25项措施" in reply.text


@pytest.mark.parametrize("question, said", [
    ("数字人民币有补贴吗", "没有规定补贴或奖励金额"),
    ("我们想开金融论坛 有钱吗", "没有规定补助或奖励金额"),
])
async def test_a_direction_without_money_says_the_document_sets_none(ask, question, said):
    reply = await ask(question)
    assert reply.intent == "policy" and said in reply.text and final_amount(reply.text) is None, reply.text


@pytest.mark.parametrize("question, article", [
    ("首台套保险有奖励吗", "【第3条 · 科创保险增量奖励】"),
    ("文件总共有哪几项征信补助", "【第16条 · 新设个人征信公司补助】"),
    ("我们公募基金管理人想落户杭州，有政策吗", "第13条 资管机构总部补助"),
    ("我是做私募股权的，管理规模刚过100亿，哪条适用", "第13条 资管机构总部补助"),
])
async def test_enterprise_words_reach_their_measure(ask, question, article):
    reply = await ask(question)
    assert reply.intent == "policy" and article in reply.text, reply.text


async def test_a_rating_agency_in_its_own_words_gets_the_rating_award(ask):
    reply = await ask("我们做评级的，一年1500笔评级，有啥奖")
    assert reply.intent == "calc" and "最高可获 20万元（第16条）" in reply.text and "评级业务量1500笔" in reply.text


async def test_when_a_reward_pays_in_plain_words_is_answered_by_its_conditions(ask):
    reply = await ask("金融改革试点奖啥时候兑现")
    assert reply.intent == "policy" and "通过验收后" in reply.text and "没有载明申请流程" in reply.text, reply.text


@pytest.mark.parametrize("question, says", [
    ("金融科技子公司实收资本要求多少", "实收资本5000万元（含）以上"),
    ("区域股权市场融资增长要超过多少才奖", "同比增长超过5%"),
    ("信用评级机构年度业务量要多少笔", "1000笔（含）"),
    ("科创贷款奖励排前多少的银行", "排名前20名"),
    ("科创保险业务增量得排进前几名才有奖", "排名前10名"),
    ("境外支付牌照补助由谁认定", "境外支付业务牌照"),
    ("金融改革试点奖对试点的范围要求", "省（部）级及以上"),
    ("境外支付牌照的补助是每张还是每家算", "每张"),
    ("标准奖有上限吗，每项还是按组织封顶", "每项"),
    ("金融总部补助是按注册资本还是实缴算", "按实收资本的2%计算"),
])
async def test_what_a_measure_requires_is_answered_with_its_conditions_not_computed(ask, question, says):
    reply = await ask(question)
    assert reply.intent == "policy" and says in reply.text and final_amount(reply.text) is None, reply.text


@pytest.mark.parametrize("question", ["这个文件跟区里的政策冲突怎么办，按哪个", "如果别的市级政策给得更多，是按哪个给",
                                      "拱墅区的落户奖励和市里的2%总部补助能不能重复享受"])
async def test_another_policy_beside_this_one_gets_the_no_double_rule_not_a_quick_check(ask, question):
    reply = await ask(question)
    assert reply.intent == "policy" and "就高不重复" in reply.text and "请告诉我" not in reply.text, reply.text


async def test_how_long_the_document_runs_is_its_validity(ask):
    reply = await ask("这政策管几年？从哪天到哪天")
    assert reply.intent == "policy" and "2023-03-01" in reply.text and "2026-02-28" in reply.text, reply.text


async def test_a_kind_asking_which_measures_is_told_them_not_asked_to_pick_or_for_a_figure(ask):
    credit = await ask("征信公司能拿哪些补贴")
    assert credit.intent == "policy" and final_amount(credit.text) is None, credit.text
    assert "第16条 新设个人征信公司补助" in credit.text and "第16条 新设企业征信公司补助" in credit.text
    assert "第16条 征信机构服务量奖励" in credit.text, credit.text
    operator = await ask("区域性股权市场运营机构能拿什么奖励")
    assert operator.intent == "policy" and "请告诉我" not in operator.text and "200万元" in operator.text, operator.text


async def test_has_an_award_asked_of_a_measure_gets_its_rule(ask):
    reply = await ask("共富项目受省里表彰有奖吗")
    assert reply.intent == "policy" and "国家、部委表彰" in reply.text and final_amount(reply.text) is None, reply.text


@pytest.mark.parametrize("question, says", [
    ("这份2号文是公开的文件吗，可以发给合作方吗", "此件公开发布"),
    ("一个项目同时符合市里几个支持政策，怎么处理", "就高不重复"),
])
async def test_publication_and_several_policies_for_one_project_are_answered_from_the_document(ask, question, says):
    reply = await ask(question)
    assert reply.intent in ("policy", "faq") and says in reply.text, reply.text
