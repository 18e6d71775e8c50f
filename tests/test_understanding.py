"""Reading a question the way a front-desk officer would: the entity and aspect asked, the conversation, and
an honest "the documents don't say" instead of a confident answer about something else."""
from __future__ import annotations

import pytest

from bot.clock import SHANGHAI, FixedClock
from bot.messages import Incoming
from faq.gazetteer import fold
from datetime import datetime


@pytest.mark.parametrize("question, must, must_not", [
    ("小镇规模多大啊，占地多少", "3.3平方公里", "650亿"),                      # area, not the fund scale
    ("小镇基金规模多大", "管理规模", "平方"),                                # a fund's size, not an area
    ("十三五规划的总体目标是把杭州建成什么", "新金融中心", None),               # "建成" a centre, not a founding date
    ("小镇西面以哪两条路为界", "湖墅路", None),
    ("运河财富小镇北面到哪条街", "湖州街", None),                           # 北面 is 北边: a side of the boundary
    ("康桥新能源产业园的四至范围", "沿山港", "上塘路"),                        # that platform, not the town
    ("云河才富小震在哪里", "大运河畔", None),                                  # pinyin-input typos repaired
    ("运河财富小真有几个分会", "三个分会", None),
    ("小真在哪里", "大运河畔", None),
    ("小镇金融联盟有几家外资机构", "12家外资金融机构", None),        # what is counted, in other words
    ("中国商务区联盟主席是谁", "龙永图", None),
    ("港湾计划里绿色贷款占比目标", "1个百分点", None),                     # the role is named: so is the person
    ("小镇2019年税收多少", "10.50亿元", None),
    ("我们是一家外资资管公司，刚来杭州，想问下小镇在哪、有哪些楼宇", "大运河畔", "第13条"),   # self-introduction
    ("钱塘江金融港湾到2025年目标是什么", "超过75%", "全球金融创新要素集聚区"),       # the bay plan's own targets
    ("钱塘江金融港湾核心区在哪", "钱江新城和钱江世纪城", None),
    ("运河财富小镇的定位是什么", "运河之上的高端金融产业集聚区", "第5条"),           # the town's profile, not a mention
    ("湖州在港湾计划里扮演什么角色", "湖州打造绿色低碳金融创新中心", "杭州要打造"),      # that city's role, not Hangzhou's
    ("十三五规划里“一核”在哪", "钱江新城和钱江世纪城", None),
    ("杭州金融办的人员编制够吗", "相对同类城市偏少", None),
    ("黄龙财富管理集聚区重点发展什么", "专业型财富管理", None),
    ("长三角特色小镇产业联盟哪天成立的", "2019年12月13日", None),
    ("康桥新能源产业园在哪个街道", "康桥街道", None),
    ("众创空间的具体地址", "祥园路33号", None),
    ("十三五规划里代表性的特色金融小镇是哪几个", "西溪谷互联网金融小镇", None),
    ("十三五规划支持金融从业人员考什么国际证书", "CFA", None),
    ("中大期货注册资本多少", "注册资本金1亿元", None),                 # a firm's own capital is stated
    ("联盟活动多少人参加过", "2万余人次", None),                       # 多少人 counts people, not a thing 人参加过
])
async def test_answers_the_entity_and_aspect_asked(ask, must, must_not, question):
    reply = await ask(question)
    assert reply.intent == "faq", reply.text
    assert must in reply.text
    assert must_not is None or must_not not in reply.text


async def test_a_two_part_question_gets_both_answers(ask):
    reply = await ask("小镇多大，联盟有几个分会")
    assert "3.3平方公里" in reply.text and "三个分会" in reply.text and len(reply.sources) == 2


@pytest.mark.parametrize("question, says", [
    ("英蓝中心停车费多少", "价格与收费未载明"),                 # the entity is known, the aspect is not stated
    ("小镇金融联盟会长是谁", "未载明"),
    ("上海陆家嘴金融城规划面积多大", "没有关于上海"),             # another city never gets Hangzhou facts
    ("深圳前海有多少幢甲级写字楼", "没有关于深圳"),
    ("北部软件园核心区多大", "核心区未载明"),
    ("湖州银行2020年存款余额多少", "没有关于湖州银行"),           # a bank named after a city is not the city
    ("和达希尔顿逸林酒店地址在哪", "没有关于杭州和达希尔顿逸林酒店"),   # the venue of an event, nothing more
    ("运河财富小镇管委会主任叫什么名字", "负责人姓名未载明"),
    ("小镇里有几家外资银行", "没有关于外资银行"),               # the 12 foreign institutions are not said to be banks
    ("绍兴国际金融活力城在哪个区", "绍兴国际金融活力城"),         # only mentioned in passing: its location is not stated
    ("运河财富小镇啥时候成立的", "成立时间未载明"),               # the alliance's or a task force's founding is not the town's
    ("小镇是哪一年成立的", "成立时间未载明"),
    ("中介服务业集聚区专班的牵头人是谁", "负责人姓名未载明"),   # the lead is a body (the committee), no person is named
    ("拱墅区的地区生产总值多少", "地区生产总值未载明"),         # only the finance industry's share of GDP is stated
    ("2021年拱墅区GDP是多少", "地区生产总值未载明"),           # the district's own GDP, in the words users type
    ("英蓝中心有多少员工", "员工与就业人数未载明"),              # no document counts anyone's employees
    ("小镇管委会有多少工作人员", "员工与就业人数未载明"),
    ("QDLP试点机构按2号文能拿多少钱", "文件对此没有规定补助或奖励金额"),      # a direction with no amount
    ("人才峰会一般开几个小时", "时长"),                        # nor says how long an event lasts
    ("金融知识普及讲座怎么预约", "没有可靠的答案"),              # an entry naming the lectures tells nobody how to book
    ("小镇五大博物馆是哪五个", "资料未列出各博物馆的名称"),       # "which five" asks the names the entry leaves out
    ("两地四中心是哪四个", "文件未展开其具体内容"),               # what the document does not spell out
    ("英蓝中心和绿地中央商务区哪个更适合资管公司", "推荐与比较未载明"),   # a comparison asked as advice
    ("运河法务小镇的入驻费用怎么收", "价格与收费未载明"),
    ("小镇金融联盟的组长是谁", "负责人姓名未载明"),
    ("在小镇设立一家保险公司要几个工作日", "细节信息未载明"),      # how long an approval takes
    ("金融科技创新指数最新一期是多少", "细节信息方面的记载"),      # the index is named, no issue of it is given
    ("北部软件园有什么入驻补贴", "补贴与奖励未载明"),            # an entry about the park states no subsidy of it
    ("小镇对会计师事务所有落户奖励吗", "补贴与奖励未载明"),
    ("申花产业集聚区的写字楼还有空置吗", "申花产业集聚区有"),     # vacancies are never stated
    ("2022年小镇新增了几家高端金融服务业机构", "未载明"),         # the year-end count is no increase
    ("北城智汇园顺丰生鲜基地什么时候投运", "成立时间未载明"),     # "投运后" describes the plan, not a date
    ("创联汇第十二期在哪天举办", "没有可靠的答案"),             # only the 10th roadshow is on record
    ("黄公望金融小镇在哪个街道", "街道与门牌未载明"),             # its positioning is stated, not its street
    ("上海陆家嘴有啥政策", "没有关于上海"),
    ("入驻小镇有补贴吗", "均未载明"),                         # an entry saying the documents leave it out
    ("2号文到期后会有后续政策吗", "后续政策未载明"),            # no document says what comes after another
    ("运河财富中心什么时候竣工", "成立时间未载明"),              # a project of the Shenhua cluster, not the town
    ("小镇哪栋楼适合初创企业", "推荐与比较未载明"),              # the documents recommend no building to anyone
    ("小镇五大博物馆分别叫啥名字", "资料未列出各博物馆的名称"),   # the names the entry says are not listed                     # an entry mentioning 陆家嘴 in passing answers nothing of it
])
async def test_what_the_documents_do_not_say_is_said_plainly(ask, services, question, says):
    reply = await ask(question)
    assert reply.intent == "fallback" and says in reply.text, reply.text
    assert "3.3平方公里" not in reply.text and "650亿" not in reply.text
    unanswered = await services.store.unanswered.since(datetime(2000, 1, 1, tzinfo=SHANGHAI))
    assert [u.text for u in unanswered] == [question]


@pytest.mark.parametrize("question", ["2号文之后的新政策是哪个", "港湾计划以后的新政策叫啥"])
async def test_the_name_of_a_policy_after_a_document_is_not_stated(ask, question):
    reply = await ask(question)
    assert reply.intent == "fallback" and "后续政策" in reply.text, reply.text


async def test_a_follow_up_asking_what_replaced_the_document_is_not_answered_with_its_dates(ask):
    await ask("2号文的有效期到什么时候")
    reply = await ask("接续的新政策是什么")
    assert reply.intent == "fallback" and "后续政策" in reply.text, reply.text


async def test_an_issue_asked_by_its_number_is_answered_by_that_issue(ask):
    for question in ("创联汇第10期是哪天", "创联汇第十期是哪天"):
        reply = await ask(question)
        assert reply.intent == "faq" and "2019年4月26日" in reply.text, reply.text


async def test_what_an_answer_says_the_documents_leave_out_is_not_answered_by_it(ask):
    reply = await ask("小镇管委会的具体地址是什么")         # the answer: on the canal, street address not stated
    assert reply.intent == "fallback" and "未载明具体门牌地址" in reply.text, reply.text
    assert (await ask("小镇在哪", user="u2")).intent == "faq"


async def test_a_year_the_documents_do_not_cover_gets_the_nearest_dated_figure(ask):
    reply = await ask("2024年小镇在册金融机构有多少家")
    assert reply.intent == "fallback"                      # the 2024 figure is not known: counted as unanswered
    assert "没有2024年" in reply.text and "2022" in reply.text and "356" in reply.text
    count = await ask("2016年杭州有多少私募基金管理人")      # the count asked, not any entry dated 2016
    assert count.intent == "fallback" and "没有2016年" in count.text and "995家" in count.text, count.text
    bank = await ask("杭州银行2020年存款余额多少")          # the bank's own figure, not the city's
    assert bank.intent == "fallback" and "没有2020年" in bank.text and "3120.5亿元" in bank.text


async def test_a_short_follow_up_asking_its_own_thing_is_read_by_its_own_words(ask):
    await ask("2号文是什么文件")
    reply = await ask("对条款有疑问该找哪个部门")            # not the document's overview, which the document's name alone pulls up
    assert reply.intent == "faq" and "市地方金融监管局负责牵头组织实施" in reply.text, reply.text


async def test_a_question_of_its_own_after_that_is_read_by_its_own_words(ask):
    await ask("一湾五镇多点里的五镇是哪些")
    reply = await ask("那多点具体指什么")        # not the layout as a whole, which the question before pulls up
    assert reply.intent == "faq" and "延安路" in reply.text, reply.text


async def test_that_x_asks_the_answer_just_given_when_it_holds_x(ask):
    first = await ask("五镇是哪五个小镇")
    reply = await ask("那私募金融呢")          # the answer just given says which of them is to be a private-fund cluster
    assert reply.intent == "faq" and reply.text == first.text and "私募金融" in reply.text, reply.text


@pytest.mark.parametrize("question, says", [("中介专班引进了几家中介机构", "120家"),
                                           ("中介服务业专班梳理的招商资源清单有多少家", "2500余家")])
async def test_what_the_task_force_did_answers_questions_about_it(ask, question, says):
    reply = await ask(question)
    assert reply.intent == "faq" and says in reply.text, reply.text


@pytest.mark.parametrize("first, then, says", [
    ("港湾计划2025年金融业增加值占GDP比重目标是多少", "那十三五规划的目标呢", "1600亿元"),
    ("十三五规划2020年金融业增加值目标多少", "那2号文的目标呢", "3000亿元")])
async def test_the_same_target_asked_of_another_document_keeps_what_it_is_a_target_of(ask, first, then, says):
    await ask(first)
    reply = await ask(then)              # the value-added target again, not the document's general aims
    assert reply.intent == "faq" and says in reply.text, reply.text


async def test_follow_ups_resolve_against_the_last_topic(ask):
    first = await ask("康桥新能源产业园规划面积多大")
    assert "1.87" in first.text
    core = await ask("那核心区呢")
    assert core.intent == "fallback" and "康桥新能源产业园" in core.text and "1平方公里" not in core.text
    tax = await ask("税收呢")
    assert "康桥新能源" in tax.text and "运河财富小镇" not in tax.text.split("\n")[0]
    other_user = await ask("那核心区呢", user="u2")          # another user has no topic to continue
    assert "康桥" not in other_user.text


async def test_a_member_of_a_list_just_named_is_asked_about_for_itself(ask, services):
    names = await ask("五镇是哪五个")                        # the names of a list…
    assert names.intent == "faq" and "湘湖金融小镇" in names.text
    topic = services.conversations.get(Incoming("console", "u1", "u1", text="").user_key)
    assert "names" not in topic.aspects                      # …are not asked again of one of its members
    one = await ask("其中黄公望金融小镇要发展哪些业务")
    assert one.intent == "faq" and "产业基金小镇" in one.text, one.text


async def test_the_same_question_of_another_place_is_answered_by_the_list_that_answered_it(ask):
    first = await ask("港湾计划里鄞州四明金融小镇要打造成什么")
    assert "金融服务制造业创新发展" in first.text
    again = await ask("那南湖基金小镇呢")                   # the list of what each town is to become names it too
    assert again.intent == "faq" and "全国最优私募股权基金生态圈" in again.text, again.text


async def test_a_question_naming_nothing_known_leaves_no_aspect_of_its_answer_to_follow_ups(ask):
    await ask("金牌管家系统是干嘛的，哪年上线")
    buildings = await ask("服务多少幢楼")
    assert "13幢" in buildings.text
    login = await ask("系统怎么登录")               # not the core area the answer happened to mention first
    assert "大关路" not in login.text, login.text


async def test_a_bare_word_of_a_name_just_used_refers_to_that_name(ask):
    await ask("中国商务区联盟小镇啥时候加入的")
    members = await ask("联盟有多少会员")              # the 中国商务区联盟 just asked about, not the town's own 联盟
    assert "中国商务区联盟" in members.text and "分会" not in members.text, members.text
    own = await ask("联盟有多少会员", user="u2")
    assert "分会" in own.text, own.text


async def test_a_follow_up_asks_again_what_no_aspect_names(ask):
    await ask("2015年杭州金融业增加值占GDP比重多少")
    target = await ask("2020年目标呢")                   # the value added's target, not any 2020 target
    assert target.intent == "faq" and "1600亿元" in target.text, target.text


async def test_a_follow_up_the_last_answer_states_gets_that_answer(ask):
    await ask("港湾计划里财富港湾AUM目标")
    reply = await ask("机构数呢")            # the wealth harbour's count, stated beside its AUM target
    assert reply.intent == "faq" and "1万家" in reply.text, reply.text


async def test_which_building_a_company_is_in_is_asked_of_its_buildings(ask):
    await ask("中大期货啥时候迁到小镇的")
    reply = await ask("它在哪栋楼")           # the building it moved into, not the town's location
    assert reply.intent == "faq" and "远洋国际中心" in reply.text, reply.text


async def test_the_same_question_of_another_city_is_not_answered_with_what_mentions_it(ask):
    await ask("运河财富小镇面积多大")
    reply = await ask("那上海陆家嘴呢")          # its area: the documents only mention 陆家嘴 as a fellow member
    assert reply.intent == "fallback" and "没有关于上海" in reply.text, reply.text


async def test_the_topic_expires(ask, services, clock: FixedClock):
    await ask("康桥新能源产业园规划面积多大")
    clock.advance(minutes=11)
    reply = await ask("那核心区呢")
    assert "康桥" not in reply.text


@pytest.mark.parametrize("bare", ["7", "10亿", "12", "3000万元"])
async def test_a_bare_number_is_asked_about_not_answered(ask, bare):
    reply = await ask(bare)
    assert reply.intent == "clarify" and f"“{bare}”" in reply.text


@pytest.mark.parametrize("bare, example", [("2022", "小镇2022年"), ("10亿", "实收资本10亿"),
                                            ("那个论坛啥时候办的", "带上名称")])
async def test_the_question_back_shows_an_example_of_the_kind_of_question_it_looks_like(ask, bare, example):
    reply = await ask(bare)
    assert reply.intent == "clarify" and example in reply.text, reply.text


async def test_a_new_question_leaves_an_open_quick_check(ask):
    await ask("/calc")
    await ask("3")
    reply = await ask("联盟有几个分会")
    assert reply.intent == "faq" and "三个分会" in reply.text and "已退出补贴速算" in reply.text
    after = await ask("10亿")                                # the dialog is gone: no figure is computed
    assert after.intent == "clarify"


async def test_plans_state_their_period_and_that_it_has_ended(ask):
    reply = await ask("十三五规划的总体目标是什么")
    assert "2016—2020年" in reply.text and "已于2020-12-31结束" in reply.text


async def test_a_direction_of_support_quoting_plans_states_each_plans_ended_period(ask):
    reply = await ask("人才有补贴吗？我们有5个CFA")
    assert reply.intent == "policy" and "第18条" in reply.text, reply.text
    assert "已于2025-12-31结束" in reply.text and "已于2020-12-31结束" in reply.text and "已于2026-02-28到期" in reply.text


@pytest.mark.parametrize("words", ["退订", "取消订阅", "不要再发了"])
async def test_opting_out_in_words_takes_one_step(ask, services, words):
    await ask(payload="sub:events:on")
    reply = await ask(words)
    assert "已为您退订全部通知" in reply.text and reply.buttons
    user = await services.store.users.get("console:u1")
    assert user.subscriptions == () and user.segments == ()


@pytest.mark.parametrize("words", ["不要再给我发活动通知了", "Stop sending me event notices"])
async def test_opting_out_of_event_notices_keeps_the_announcements(ask, services, words):
    await ask(payload="sub:events:on")
    await ask(payload="sub:news:on")
    reply = await ask(words)
    assert "退订联盟活动通知" in reply.text or "unsubscribed from alliance event notices" in reply.text, reply.text
    assert (await services.store.users.get("console:u1")).subscriptions == ("news",)


async def test_opting_in_in_words(ask, services):
    reply = await ask("我要订阅活动通知")
    assert "已为您订阅联盟活动通知" in reply.text
    assert "events" in (await services.store.users.get("console:u1")).subscriptions


@pytest.mark.parametrize("question, says, must_not", [
    ("北城智汇园有多少家企业", "未载明", "三大产业"),            # "多少家" needs a count of 家, not "三大"
    ("绿地中央商务区是哪年建成的", "未载明", None),              # "哪年" needs a year
    ("远洋国际中心哪一年成立的", "未载明", "1993"),              # the year a company in it was founded is not its own
    ("锦鲤中心的开发商是哪家", "未载明", "5层"),                 # a developer asked, not a floor count
    ("西湖蚂蚁小镇的基金管理规模多少", "西湖蚂蚁小镇", "650亿"),   # another town, not 运河财富小镇
    ("小镇的五大博物馆分别叫什么", "未列出", None),              # the entry itself says the names are not listed
    ("申花产业集聚区有多少家上市公司", "未载明", "12幢"),         # a count of something else is no count of these
    ("英蓝中心有几部电梯", "未载明", None),                      # "几部" needs a count of 部
    ("英蓝中心有多高", "未载明", None),                          # a height needs metres or floors
    ("管委会在几楼", "未载明", None),
    ("小镇金融联盟什么时候换届", "未载明", "2019年1月24日"),     # what comes next is in no document
    ("凯宾斯基酒店是几星级", "未载明", "投入使用"),
    ("2号文的研发费用加计扣除比例", "未载明", None),              # a ratio asked needs a percentage
    ("北部软件园园长是谁", "未载明", "3.07"),                    # a "who is" needs the role named in the answer
    ("金杜律师事务所的合伙人是谁", "资料", "英蓝中心"),
])
async def test_an_answer_must_hold_what_is_asked_of_the_entity_asked(ask, question, says, must_not):
    reply = await ask(question)
    assert reply.intent == "fallback" and says in reply.text, reply.text
    assert must_not is None or must_not not in reply.text


@pytest.mark.parametrize("question, named", [
    ("杭州银行2020年存款余额多少", []),
    ("绍兴国际金融活力城在哪个区", []),
    ("杭州有几家银行", ["hangzhou"]),                  # a question about the city's banks is about the city
    ("杭州的银行存款余额", ["hangzhou"]),
    ("杭州英蓝中心在哪", ["yinglan"]),                 # a known entity's own name stays that entity
    ("宁波财富小镇有多少金融机构", []),               # another city's town, not 运河财富小镇
    ("杭州运河财富小镇在哪", ["town"]),
])
def test_a_longer_name_that_begins_with_a_place_is_not_that_place(services, question, named):
    gazetteer = services.kb.gazetteer
    assert gazetteer.entities(gazetteer.repairer.repair(fold(question))) == named


@pytest.mark.parametrize("typed, read", [
    ("小真在哪里", "小镇在哪里"),                       # a two-character name mistyped by its sound
    ("连盟口号是啥", "联盟口号是啥"),
    ("我是一家律所", "我是一家律所"),                   # no typo of 我市: a place's short name is not repaired
    ("深化改革有哪些举措", "深化改革有哪些举措"),         # a word of its own, not 申花
    ("港湾前五年建设成果", "港湾前五年建设成果"),
    ("2016年杭州有多少私募基金管理人", "2016年杭州有多少私募基金管理人"),   # a word written right stays whole
    ("杭州十三五规划里的五镇", "杭州十三五规划里的五镇"),             # nor is one cut by a repair (杭州市 + 三五)
    ("2020年杭州实际上市公司多少家", "2020年杭州实际上市公司多少家"),
    ("想了解下运河小真的面积", "想了解下运河小镇的面积"),     # 真的 is no word before the 的 of a name
    ("小镇的面积是真的吗", "小镇的面积是真的吗"),
])
def test_pinyin_typos_are_repaired_and_words_written_right_are_kept(services, typed, read):
    assert services.kb.gazetteer.repairer.repair(fold(typed)) == read


@pytest.mark.parametrize("question, must", [
    ("杭州金融城范围在哪", "三官塘路"),                 # a body the documents describe is still answered
    ("小镇2019年引进了几家金融企业", "32家"),
    ("胜利河旅游综合体有几层", "5层"),
    ("2015年杭州存款余额多少", "29863.83"),             # not the 2020 target entry that compares with 2015
    ("2015年杭州保费收入多少", "374.4亿元"),
    ("浙江网商银行是什么时候成立的", "2015年6月"),
    ("杭州第三方支付金额占全国多少", "48.7%"),
    ("康桥健康产业园核心区以哪条路为界", "马桥路"),
    ("第十届中国电子商务物流大会在哪个酒店办的", "希尔顿逸林酒店"),
])
async def test_the_figure_asked_is_answered(ask, question, must):
    reply = await ask(question)
    assert reply.intent == "faq" and must in reply.text, reply.text


async def test_each_question_of_a_message_gets_its_own_entry(ask):
    reply = await ask("小镇有多少人才，其中高端金融人才多少名")
    assert "近1000名" in reply.text and "50名" in reply.text and len(reply.sources) == 2


async def test_a_bare_year_follow_up_asks_the_same_kind_of_figure(ask):
    first = await ask("小镇2022年底在册金融机构有几家")
    assert "356家" in first.text
    reply = await ask("2019年呢")
    assert reply.intent == "faq" and "422家" in reply.text, reply.text


async def test_which_one_makes_the_answer_the_topic(ask):
    first = await ask("拱墅十大平台中哪个平台经济体量最大")
    assert "北部软件园" in first.text
    reply = await ask("它的规上企业有多少家")
    assert reply.intent == "faq" and "150余家" in reply.text, reply.text


@pytest.mark.parametrize("question", ["新设金融总部补助在哪个网站申报", "金融总部补助的公众号是什么"])
async def test_what_no_document_states_of_a_measure_gets_no_measure_answer(ask, question):
    reply = await ask(question)                 # the measure is known; the documents never give a website
    assert reply.intent == "fallback" and "5000万元" not in reply.text, reply.text


@pytest.mark.parametrize("question, says", [("金融财富联盟什么时候成立的", "2019年1月24日"),
                                            ("中介服务业集聚区专班什么时候成立的", "2022年4月"),
                                            ("When was the alliance founded?", "24 January 2019")])
async def test_a_founding_date_answers_the_body_founded(ask, question, says):
    reply = await ask(question)
    assert reply.intent == "faq" and says in reply.text, reply.text


async def test_the_town_founding_date_is_not_stated_in_english_either(ask):
    reply = await ask("When was the town founded?")
    assert reply.intent == "fallback" and "2019" not in reply.text, reply.text


async def test_an_answer_that_refers_to_a_measure_gives_its_amounts_from_the_policy_data(ask):
    reply = await ask("新设金融总部")
    assert reply.intent == "faq" and "· 第6条 新设金融总部补助：按实收资本的2%计算，单家上限5000万元" in reply.text \
        and "另行查询" not in reply.text, reply.text
    assert "calc:hq-new" in [b.payload for b in reply.buttons]


async def test_an_article_asked_of_gives_its_content_and_each_of_its_measures_amounts(ask):
    reply = await ask("What does Article 6 say?")
    assert reply.intent == "policy" and "Strengthen the clustering of financial resources" in reply.text, reply.text
    assert "2% of the paid-in capital, cap per institution RMB 50 million (5000万元)" in reply.text, reply.text


async def test_a_follow_up_referring_back_keeps_to_the_document_just_quoted(router):
    await router.handle(Incoming("console", "u1", "u1", text="十三五规划的五镇是哪些"))
    reply = await router.handle(Incoming("console", "u1", "u1", text="其中运河财富小镇定位呢"))
    assert "非银金融集聚小镇" in reply.text, reply.text
    fresh = await router.handle(Incoming("console", "u2", "u2", text="运河财富小镇的定位是什么"))
    assert "运河之上的高端金融产业集聚区" in fresh.text, fresh.text


@pytest.mark.parametrize("text", ["那30亿呢", "What about 3 billion?", "what about RMB 3 billion yuan", "RMB 300m"])
async def test_a_bare_figure_with_nothing_before_it_is_asked_about_never_answered(ask, text):
    reply = await ask(text)
    assert reply.intent == "clarify" and f"“{text.rstrip('?')}" in reply.text, reply.text


@pytest.mark.parametrize("text", ["2020年的目标呢", "谁牵头的", "2022年的呢", "356指什么"])
async def test_a_question_naming_nothing_with_nothing_before_it_is_asked_about_never_answered(ask, text):
    reply = await ask(text)        # which plan's target, which body's lead, which figure of 2022: the bot asks
    assert reply.intent == "clarify", reply.text
    named = await ask(f"运河财富小镇{text}", user="u2")
    assert named.intent != "clarify", named.text
    term = await ask("有效期到哪天截止", user="u3")      # one document's entries alone state it: answered
    assert term.intent != "clarify" and "2026" in term.text, term.text


async def test_a_rarely_stated_detail_is_answered_only_by_an_entry_saying_that_very_thing(ask):
    designer = await ask("顺丰创新中心的外观是谁设计的")            # the entry names its architect
    assert designer.intent == "faq" and "GENSLER" in designer.text, designer.text
    developer = await ask("胜利河锦鲤中心是哪家公司开发的", user="u2")   # its floors are stated, not its developer
    assert developer.intent == "fallback" and "未载明" in developer.text, developer.text
    floors = await ask("胜利河旅游综合体有几层", user="u3")
    assert floors.intent == "faq" and "5层" in floors.text, floors.text


async def test_that_document_asked_of_the_same_place_answers_what_it_says_of_that_place(ask):
    first = await ask("十三五规划里运河财富小镇定位是啥")
    assert first.intent == "faq" and "非银金融集聚小镇" in first.text, first.text
    bay = await ask("那港湾计划里呢")                     # the bay plan on the town, not on Hangzhou
    assert bay.intent == "faq" and "运河财富小镇" in bay.text and "财富管理机构集聚高地" in bay.text, bay.text


async def test_an_elliptical_follow_up_asks_of_the_year_asked_before(ask):
    first = await ask("2019年小镇新招引了多少家金融企业")
    assert first.intent == "faq" and "32家" in first.text, first.text
    total = await ask("累计呢")                           # the 2019 cumulative count, not a later register
    assert total.intent == "faq" and "422家" in total.text, total.text


async def test_a_follow_up_asking_what_the_documents_do_not_state_of_that_place_says_so(ask):
    first = await ask("湘湖金融小镇定位是什么")
    assert first.intent == "faq" and "股权投资基金小镇" in first.text, first.text
    where = await ask("它在哪")                           # the plan gives its role, not where it lies
    assert where.intent == "fallback" and "湘湖金融小镇" in where.text and "位置未载明" in where.text, where.text


async def test_a_message_pointing_back_at_nothing_talked_about_is_asked_back(ask):
    alone = await ask("那里有停车场吗")                    # no place named, none talked about
    assert alone.intent == "clarify" and "那里有停车场吗" in alone.text, alone.text
    await ask("小镇在哪", user="u2")
    after = await ask("它有多大", user="u2")              # the town just talked about
    assert after.intent == "faq" and "3.3平方公里" in after.text, after.text


async def test_the_members_of_a_counted_group_asked_by_name_are_given_only_when_the_documents_list_them(ask):
    branches = await ask("联盟的三个分会分别是哪些")            # all three are named
    assert branches.intent == "faq" and "重点企业行业分会" in branches.text, branches.text
    towns = await ask("五镇是哪五个", user="u2")
    assert towns.intent == "faq" and "黄公望金融小镇" in towns.text, towns.text
    streets = await ask("专班那4个街道分别是哪些", user="u3")   # only their number is stated
    assert streets.intent == "fallback", streets.text
    buildings = await ask("小镇20幢超5A楼宇具体都有哪些", user="u4")   # three named, "等20幢"
    assert buildings.intent == "fallback", buildings.text


async def test_this_year_is_todays_year_and_an_older_record_says_which_year_it_is(ask):
    reply = await ask("小镇去年税收多少")                  # today is 2026-11-22: "去年" is 2025
    assert reply.intent == "faq" and reply.text.startswith("（“去年”是2025年：资料中没有2025年的记载") \
        and "10.50亿元" in reply.text, reply.text


async def test_a_relative_year_in_a_self_introduction_is_not_the_year_asked(ask):
    reply = await ask("您好，我是某保险经纪公司的小王，我们公司去年刚搬到运河财富小镇，请问小镇的总面积有多大？")
    assert reply.intent == "faq" and "3.3平方公里" in reply.text and "“去年”" not in reply.text, reply.text


async def test_a_detail_the_documents_never_give_is_named_in_the_reply_even_with_nothing_close(ask):
    bus = await ask("小镇门口有哪几路公交")
    assert bus.intent == "fallback" and "运河财富小镇" in bus.text and "未载明" in bus.text, bus.text
    fee = await ask("金牌管家系统收费吗", user="u2")           # no place named: what is not stated is still said
    assert fee.intent == "fallback" and "价格与收费" in fee.text, fee.text


async def test_a_year_compared_with_is_not_a_year_asked_of(ask):
    reply = await ask("2015年末杭州信贷不良率比2010年高了多少")    # the 2015 figure, against 2010
    assert reply.intent == "faq" and "0.94个百分点" in reply.text and "没有2010年" not in reply.text, reply.text


async def test_a_short_figure_follow_up_keeps_the_year_asked_before(ask):
    await ask("2015年杭州金融业增加值多少")
    share = await ask("占比多少")                      # the 2015 share, not a target for another year
    assert share.intent == "faq" and "9.2%" in share.text, share.text


async def test_a_bare_year_the_documents_do_not_cover_keeps_the_question_and_says_so(ask):
    await ask("2015年杭州金融业增加值多少")
    await ask("占比多少")
    earlier = await ask("2014年呢")                     # the same figure of 2014: not on record, the 2015 one shown
    assert earlier.intent == "fallback" and "没有2014年" in earlier.text and "9.2%" in earlier.text, earlier.text
    await ask("2022年底小镇在册金融机构多少家", user="u2")
    register = await ask("2021年呢", user="u2")
    assert register.intent == "fallback" and "没有2021年" in register.text and "356家" in register.text, register.text


async def test_a_short_follow_up_asking_a_date_the_last_answer_gives_gets_that_answer(ask):
    await ask("小镇哪年通过景区验收")
    day = await ask("具体哪天公告的")                   # nothing else ranks close: the answer just given says 12月9日
    assert day.intent == "faq" and "12月9日" in day.text, day.text


async def test_a_follow_up_asking_a_fee_or_a_detail_the_documents_never_give_says_so_of_that_place(ask):
    await ask("小镇金融联盟有几个分会")
    fee = await ask("加入要交钱吗")                    # not the branches again
    assert fee.intent == "fallback" and "小镇金融联盟" in fee.text, fee.text
    await ask("胜利河旅游综合体总投资多少", user="u2")
    shops = await ask("有多少商户", user="u2")          # the documents list no shops in it
    assert shops.intent == "fallback" and "胜利河旅游综合体" in shops.text, shops.text


async def test_a_short_follow_up_whose_own_best_answer_is_about_something_else_continues_the_topic(ask):
    await ask("乐富智汇园在哪")
    firms = await ask("入驻了多少企业")                 # of that park, not of another platform
    assert firms.intent == "faq" and "乐富智汇园" in firms.text and "汽车互联网" not in firms.text, firms.text


async def test_a_count_of_a_kind_within_a_total_is_not_answered_with_the_total(ask):
    part = await ask("引进的那120家中介机构里面，会计师事务所有几家")    # the documents count the whole only
    assert part.intent == "fallback" and "120家" not in part.text, part.text
    await ask("中介服务业专班到2022年底引进了多少家机构", user="u2")
    firms = await ask("其中律所有多少家", user="u2")
    assert firms.intent == "fallback" and "120家" not in firms.text, firms.text
    total = await ask("小镇超5A楼宇一共有几幢", user="u3")    # "一共" is no thing counted
    assert total.intent == "faq" and "20幢" in total.text, total.text


async def test_a_subsidy_asked_of_counted_talent_is_not_answered_with_the_count(ask):
    reply = await ask("小镇的高端金融人才每年能领多少人才补贴")     # the documents count them, and pay them nothing stated
    assert reply.intent == "fallback" and "50名" not in reply.text, reply.text


async def test_a_question_naming_nothing_asks_of_what_the_clause_before_it_names(ask):
    reply = await ask("你好，我是做私募的，听说中大期货把注册地址迁进了小镇，想问迁到了哪座楼")
    assert reply.intent == "faq" and "远洋国际中心" in reply.text, reply.text


async def test_a_short_name_another_entity_holds_means_that_one_when_the_answer_is_about_it(ask):
    reply = await ask("五区中的申花是做什么的")    # the 2016 plan's 申花金融中介服务集聚区, not the 申花产业集聚区
    assert reply.intent == "faq" and "金融中介服务" in reply.text, reply.text
    own = await ask("申花产业集聚区规划面积多大", user="u2")
    assert own.intent == "faq" and "4.3平方千米" in own.text, own.text


async def test_each_part_of_a_two_part_question_gets_its_own_answer(ask):
    counted = await ask("上塘电商小镇占地多大，2019年集聚了多少企业")   # the profile names some firms, not 2019's count
    assert "3.86平方千米" in counted.text and "809家" in counted.text, counted.text
    introduced = await ask("我们财务部问：小镇高端人才多少？总人才多少？", user="u2")   # an introduction is no heading
    assert "50名" in introduced.text and "近1000名" in introduced.text, introduced.text


async def test_a_figure_asked_of_it_is_the_answer_just_given_when_that_gives_it(ask):
    await ask("金牌管家系统哪年推出的")
    served = await ask("它一共管多少幢")          # the system's 13 buildings, not the town's 20
    assert served.intent == "faq" and "13幢" in served.text, served.text


async def test_the_one_of_a_list_named_by_a_word_of_its_name_is_asked_of_as_one_of_them(ask):
    await ask("十三五规划里五镇有哪些")
    one = await ask("西溪那个定位呢")                 # 西溪谷互联网金融小镇, one of the five listed
    assert one.intent == "faq" and "互联网金融创新示范小镇" in one.text, one.text


async def test_an_answer_naming_none_of_what_is_asked_gives_way_to_a_close_one_that_does(ask):
    reply = await ask("十三五规划五区有哪些")           # the plan's overview names no 五区
    assert reply.intent == "faq" and "桐庐健康金融集聚区" in reply.text, reply.text
    holding = await ask("我们想新设一家金融控股公司，2号文有说法吗", user="u2")   # no article's passing mention
    assert "第17条" not in holding.text, holding.text


@pytest.mark.parametrize("question", ["十三五定的金融业增加值目标最后完成了没有", "2020年杭州存款余额最终是多少"])
async def test_the_outcome_of_a_target_is_not_answered_with_the_target(ask, question):
    reply = await ask(question)          # the documents set targets and never report the outcome
    assert reply.intent == "fallback" and "实际完成情况未载明" in reply.text, reply.text


async def test_a_period_named_in_one_part_is_asked_of_in_the_parts_after_it(ask):
    later = await ask("十五五时期的杭州金融规划发布了吗，对小镇的定位是什么")   # no document of that period
    assert later.intent == "fallback" and "运河之上" not in later.text, later.text
    first = await ask("小镇是第几批金融特色小镇，在十四五规划里是什么定位", user="u2")   # not of the part before it
    assert "第二批" in first.text and "一核、三镇" in first.text, first.text


@pytest.mark.parametrize("question, must", [
    ("英蓝中心里的法务小镇是全省第几个法律服务集聚区", "全省首个"),    # "the first in the province" is its rank
    ("中大期货是上期所的什么单位", "上海期货交易所理事单位"),         # the exchange's usual short name
])
async def test_a_rank_or_a_short_name_is_read_as_the_documents_say_it(ask, question, must):
    reply = await ask(question)
    assert reply.intent == "faq" and must in reply.text, reply.text


async def test_a_part_of_the_whole_just_answered_is_that_part_not_the_whole_again(ask):
    await ask("小镇人才有多少，截至2022年末")
    part = await ask("其中拿证的高端人才呢")           # the certified high-end talent, not all the talent again
    assert part.intent == "faq" and "50名" in part.text, part.text


async def test_a_follow_up_asks_its_aspect_of_what_was_talked_about(ask):
    await ask("小镇有几幢甲级商务楼")
    space = await ask("那总面积呢")                    # the buildings' floor space, not the town's planned area
    assert space.intent == "faq" and "50万平方米" in space.text, space.text
    await ask("小镇在哪", user="u2")
    area = await ask("总面积多大", user="u2")
    assert area.intent == "faq" and "3.3平方公里" in area.text, area.text


async def test_what_the_committee_does_is_answered_when_asked_of_the_committee(ask):
    reply = await ask("管委会是靠什么技术给楼里的企业做画像")    # the committee's big-data portraits of the buildings
    assert reply.intent == "faq" and "大数据" in reply.text, reply.text


async def test_who_leads_a_document_is_answered_by_the_entry_saying_it_in_those_words(ask):
    opening = await ask("那个2023意见由谁牵头实施")
    assert opening.intent == "faq" and "市地方金融监管局" in opening.text, opening.text
    await ask("杭政办2023年2号文从哪天起生效", user="u2")
    lead = await ask("那谁牵头", user="u2")           # not the overview saying who issued it
    assert lead.intent == "faq" and "市地方金融监管局" in lead.text, lead.text


@pytest.mark.parametrize("after, question, must, must_not", [
    ("联盟有几个分会", "金牌管家是什么", "2020年底", "三个分会"),        # one of an entry's own questions: a new one
    ("联盟有几个分会", "规划期是哪几年", None, "三个分会"),              # nothing of it is in the alliance's answer
])
async def test_a_short_question_of_its_own_after_an_answer_is_not_read_as_its_follow_up(ask, after, question, must,
                                                                                     must_not):
    await ask(after)
    reply = await ask(question)
    assert must_not not in reply.text, reply.text
    assert must is None or reply.intent == "faq" and must in reply.text, reply.text


async def test_a_follow_up_is_not_said_unstated_for_what_only_the_question_before_asked(ask):
    await ask("小镇有哪几栋重点楼宇")
    firms = await ask("那律所呢")                      # the names of the buildings were asked, not of the law firms
    assert firms.intent == "faq" and "突破口" in firms.text, firms.text


async def test_the_year_in_a_document_number_is_not_a_year_asked(ask):
    reply = await ask("杭政办2023年2号文里运河财富小镇定位是什么")
    assert reply.intent == "faq" and "第5条" in reply.text, reply.text


async def test_a_bare_year_asks_again_of_the_same_thing(ask):
    await ask("小镇有多少高端金融人才")
    earlier = await ask("2021年底呢")                   # the high-end talent of 2021: not on record
    assert earlier.intent == "fallback" and "没有2021年" in earlier.text and "50名" in earlier.text, earlier.text


@pytest.mark.parametrize("first, again, names", [
    ("智慧网谷小镇重点发展几大产业", "分别是哪几个", "数字传媒"),
    ("工业设计小镇要打造几大园区", "都叫什么", "乐富设计园"),
])
async def test_a_follow_up_asking_the_names_the_last_answer_lists_and_counts_gets_that_answer(ask, first, again, names):
    await ask(first)
    reply = await ask(again)
    assert reply.intent == "faq" and names in reply.text, reply.text


async def test_a_pronoun_after_a_question_naming_two_places_asks_which_one_then_answers_it(ask):
    await ask("泰嘉园和乐富智汇园是什么时候入选小微工业园的")
    which = await ask("它集聚了多少企业")               # either park: the bot asks instead of picking one
    assert which.intent == "clarify" and "泰嘉园" in which.text and "乐富智汇园" in which.text, which.text
    reply = await ask("乐富智汇园")                      # the question asked, of the park chosen
    assert reply.intent == "faq" and "160余家" in reply.text, reply.text
    await ask("泰嘉园在哪", user="u2")
    again = await ask("它集聚了多少企业", user="u2")     # one place named: no question back
    assert again.intent == "faq" and "300家" in again.text, again.text


@pytest.mark.parametrize("text, asked", [("占地面积多少？", "面积"), ("那税收呢", "税收"), ("北边到哪呢", "四至范围")])
async def test_a_figure_asked_of_nothing_named_first_thing_is_asked_back_naming_what_was_asked(ask, text, asked):
    reply = await ask(text)
    assert reply.intent == "clarify" and f"“{text}”" in reply.text and f"的{asked}？" in reply.text, reply.text


async def test_a_figure_asked_of_something_named_or_after_a_topic_is_answered(ask):
    named = await ask("申花税收呢")
    assert named.intent == "faq" and "4.02亿元" in named.text, named.text
    await ask("小镇在哪", user="u2")
    after = await ask("面积多少", user="u2")
    assert after.intent == "faq" and "3.3平方公里" in after.text, after.text
    document = await ask("有效期到什么时候？", user="u3")       # no figure of a place: the policy's own term
    assert document.intent == "faq" and "2026年2月28日" in document.text, document.text


async def test_the_names_of_a_counted_few_the_documents_do_not_list_are_not_answered_with_the_count(ask):
    reply = await ask("注册资金亿元以上的那4家机构叫什么名字")
    assert reply.intent == "fallback" and "4家" not in reply.text, reply.text


async def test_homes_for_sale_are_a_price_question_the_documents_never_answer(ask):
    reply = await ask("钱塘江金融城有哪些可售楼盘")
    assert reply.intent == "fallback" and "价格与收费" in reply.text, reply.text


async def test_a_place_elsewhere_asked_together_with_the_town_gets_what_the_town_s_entry_says_of_both(ask):
    both = await ask("小镇和上海陆家嘴有关系吗")
    assert both.intent == "faq" and "中国商务区联盟会员单位" in both.text, both.text
    alone = await ask("上海陆家嘴有啥政策", user="u2")          # that place alone: the documents say nothing of it
    assert alone.intent == "fallback" and "没有关于上海" in alone.text, alone.text


@pytest.mark.parametrize("text", ["十大产业平台哪个面积最大", "十大产业平台中税收最高的是哪个"])
async def test_which_platform_leads_in_a_figure_no_document_ranks_is_declined_not_answered_with_a_total(ask, text):
    reply = await ask(text)
    assert reply.intent == "fallback" and "42.45亿元" not in reply.text, reply.text


async def test_the_platform_a_document_calls_the_largest_economy_is_still_named(ask):
    reply = await ask("哪个产业平台经济体量最大")
    assert reply.intent == "faq" and "北部软件园" in reply.text and "经济体量最大" in reply.text, reply.text


def test_an_entry_covers_the_entities_it_is_about_and_their_wholes_only(kb):
    gz = kb.gazetteer
    entities = list(gz.lexicon.entities)
    for entry in kb.knowledge.faq:
        wholes = {e for d in entry.entities for e in (d, *gz.lexicon.ancestors(d))}
        assert {e for e in entities if gz.covers(entry.entities, e)} == wholes & set(entities)
        assert gz.covers(list(entry.entities), entry.entities[0])


async def test_it_after_a_place_asked_of_in_a_document_is_the_place_not_the_document(ask, services):
    await ask("玉皇山南基金小镇十三五规划定位是啥")
    await ask("它在港湾计划里要打造成什么")
    assert services.conversations.get("console:u1").entities[0] == "yuhuang"
    reply = await ask("它在哪个区")                        # of 玉皇山南基金小镇, which the bay plan places in 上城
    assert reply.intent == "faq" and "上城玉皇山南基金小镇" in reply.text, reply.text


async def test_it_asked_of_in_another_document_gets_what_that_document_says_of_the_place(ask):
    await ask("玉皇山南基金小镇十三五规划定位是啥")
    reply = await ask("它在港湾计划里要打造成什么")           # 玉皇山南's role in the bay plan, not the town's
    assert reply.intent == "faq" and "世界级基金小镇" in reply.text and "运河财富小镇" not in reply.text, reply.text


@pytest.mark.parametrize("first, then, says, not_said", [
    ("财富港湾2025年目标是什么", "普惠港湾呢", "20%", "占GDP的比重"),       # each harbour of the bay plan by its name
    ("普惠港湾目标", "那绿色港湾呢", "1个百分点", "小微企业"),
    ("南太湖绿色金融中心在哪", "多大", "5平方公里", None),                   # a platform the bay plan names
    ("南太湖绿色金融中心在哪", "持牌机构入驻目标呢", "20家", None),
    ("汽车互联网产业发展大会哪天开的", "在哪开的", "海外海纳川大酒店", "通益路"),   # the conference, not the town
])
async def test_a_follow_up_continues_a_named_part_of_a_plan_or_platform(ask, first, then, says, not_said):
    await ask(first)
    reply = await ask(then)
    assert reply.intent == "faq" and says in reply.text, reply.text
    assert not_said is None or not_said not in reply.text


async def test_it_asked_with_words_of_its_own_is_not_asked_the_aspect_before_again(ask):
    await ask("康桥健康产业园规划面积多少")
    await ask("核心区呢")
    reply = await ask("它引进了哪家医院")                  # the hospital, not the core area once more
    assert reply.intent == "faq" and "邵逸夫医院大运河分院" in reply.text, reply.text


async def test_a_plan_named_in_a_follow_up_is_asked_in_its_own_period(ask):
    await ask("港湾计划到2025年累计上市公司目标多少")
    reply = await ask("十三五规划呢")                      # the 2016 plan's 2020 target, not "no 2025 figure"
    assert reply.intent == "faq" and "218家" in reply.text and "没有2025年" not in reply.text, reply.text


@pytest.mark.parametrize("question, not_said", [
    ("小镇2022年全年税收总额多少", "绿地中央商务区"),          # a building's tax growth is not the town's tax
    ("运河财富小镇2019年营业收入比上年增长多少", "98.54亿元"),   # a growth the documents do not give, not the amount
])
async def test_a_figure_of_the_town_is_not_answered_with_a_part_s_or_with_another_figure(ask, question, not_said):
    reply = await ask(question)
    assert reply.intent == "fallback" and not_said not in reply.text, reply.text


@pytest.mark.parametrize("question, says", [
    ("工业设计小镇2019年实缴税金多少，增长多少", "42.1%"),
    ("绿地中央商务区上线金牌管家后2022年整体税收增长多少", "9.16%"),
    ("杭州2025年金融业增加值年均增长目标", "7.5%"),           # the growth target, not the 2025 amount
])
async def test_a_growth_asked_is_answered_by_the_entry_giving_it(ask, question, says):
    reply = await ask(question)
    assert reply.intent == "faq" and says in reply.text, reply.text


async def test_a_follow_up_asks_its_figure_of_what_the_last_answer_was_about(ask):
    await ask("金牌管家系统是什么")
    reply = await ask("上线后税收增长多少")                 # the buildings the system serves, not the town as a whole
    assert reply.intent == "faq" and "9.16%" in reply.text, reply.text


@pytest.mark.parametrize("question", [
    "那个小镇面积有多大啊",                  # a pointer at a kind of thing, nothing talked about before
    "拱墅那个省级特色小镇2019年税收多少？",    # the district it is in does not say which of its towns
    "乐富那个园区有多少家企业",              # a word two parks' names share
    "园区四至范围到哪几条路",                # a question opening with a kind and naming nothing
    "项目主体施工进度到多少了",
])
async def test_a_question_naming_only_a_kind_of_thing_is_asked_which_one(ask, question):
    reply = await ask(question)
    assert reply.intent == "clarify" and "运河财富小镇总规划面积" not in reply.text, reply.text


@pytest.mark.parametrize("question, says", [
    ("那个运河财富小镇面积多大", "3.3平方公里"),              # the name is said
    ("双创周那个路演主题是什么", "双创周"),                   # a word of one event says which
    ("做光伏储能的新能源企业，康桥那个园区具体在哪", "康桥新能源产业园"),   # the rest of the message tells which park
    ("文件是哪天印发的", "2023年1月20日"),          # "the document" is the policy enterprises ask about
])
async def test_a_pointer_with_what_says_which_one_is_answered(ask, question, says):
    reply = await ask(question)
    assert reply.intent == "faq" and says in reply.text, reply.text


async def test_a_pointer_at_a_kind_continues_what_was_talked_about(ask):
    await ask("小镇金融联盟有几个分会")
    reply = await ask("那个联盟是什么时候成立的")           # the alliance just talked about
    assert reply.intent == "faq" and "2019年1月24日" in reply.text, reply.text


@pytest.mark.parametrize("question, says, not_said", [
    ("黄龙财富管理集聚区要做成什么", "财富管理核心区", None),            # 做成: what it is to become
    ("南湖基金小镇要做成啥", "全国最优私募股权基金生态圈", "科技型企业贷款"),   # the town's role, not Jiaxing's targets
    ("胜利河旅游综合体起了个什么名字", "胜利河·锦鲤中心", None),          # the name it was given
])
async def test_what_a_place_is_to_become_or_is_named_is_answered_of_it(ask, question, says, not_said):
    reply = await ask(question)
    assert reply.intent == "faq" and says in reply.text, reply.text
    assert not_said is None or not_said not in reply.text


@pytest.mark.parametrize("question, not_said", [
    ("港湾计划里宁波市金融业增加值年均增长目标多少", "全球前8名"),     # a growth rate that city's targets do not give
    ("私募基金管理人在中基协登记一般要多久", "1万亿元"),             # "到2025年" is a year, not how long it takes
])
async def test_a_rate_or_a_duration_is_not_answered_with_another_figure(ask, question, not_said):
    reply = await ask(question)
    assert reply.intent == "fallback" and not_said not in reply.text, reply.text


async def test_a_document_named_in_a_follow_up_is_asked_what_was_asked_before(ask):
    await ask("十三五规划里财富管理规模目标多少")
    reply = await ask("港湾计划里呢")                      # the bay plan's wealth-management target, not another one
    assert reply.intent == "faq" and "4万亿元" in reply.text, reply.text


async def test_where_the_asker_works_is_not_what_is_asked_about(ask):
    reply = await ask("我在英蓝中心上班，小镇基金管理规模多少")
    assert reply.intent == "faq" and "650亿元" in reply.text, reply.text


def test_a_mistyped_asking_word_is_repaired(services):
    assert services.kb.gazetteer.repairer.repair(fold("运河财富小镇啥时侯成立的")) == fold("运河财富小镇啥时候成立的")


async def test_the_town_is_not_counted_by_a_motto_that_calls_it_one_family(ask):
    reply = await ask("小镇有多少家企业")
    assert "联盟是一家" not in reply.text, reply.text


@pytest.mark.parametrize("question, says", [
    ("2023意见里到2025年金融业增加值目标", "3000亿元"),
    ("2016年的规划里小镇定位是什么", "非银金融集聚小镇"),
    ("2023政策里运河财富小镇要打造成什么", "国际财富管理机构集聚高地"),    # 2023政策 names the 2023 opinions
])
async def test_the_year_that_names_a_document_is_not_the_year_asked_of_it(ask, question, says):
    reply = await ask(question)
    assert reply.intent == "faq" and says in reply.text and "资料中没有" not in reply.text, reply.text


@pytest.mark.parametrize("question, year", [("小镇2030年计划引进多少家金融机构", "2030"), ("小镇2025年计划完成多少税收", "2025")])
async def test_a_year_before_planning_to_is_the_year_asked(ask, question, year):
    """计划 here is to plan: the year is asked, and the documents have no figure for it."""
    reply = await ask(question)
    assert f"资料中没有{year}年的这项数据" in reply.text, reply.text


@pytest.mark.parametrize("question, not_said", [
    ("小镇近1000名人才里有多少博士", "近1000名"),                    # a count of doctors, not of all the talent
    ("CFA持证人个人能拿多少补贴", "50名"),                           # a subsidy, not how many hold the title
    ("金杜智源知识产权公司的注册资本多少", "亿元以上机构4家"),        # a firm's capital, not a count by capital
])
async def test_a_count_of_something_the_answer_does_not_count_is_not_answered(ask, question, not_said):
    reply = await ask(question)
    assert reply.intent == "fallback" and not_said not in reply.text, reply.text


@pytest.mark.parametrize("first, then, must", [
    ("2015年杭州金融业增加值", "不良率呢", "1.84%"),                 # the rate the plan gives, not the value added again
    ("港湾计划金融特色小镇目标", "私募规模呢", "1万亿元"),
])
async def test_a_follow_up_naming_a_figure_gets_the_answer_that_says_it(ask, first, then, must):
    await ask(first)
    reply = await ask(then)
    assert reply.intent == "faq" and must in reply.text, reply.text


@pytest.mark.parametrize("question", ["小镇有多少家企业", "小镇有多少家机构"])
async def test_a_count_of_the_town_s_firms_gets_the_count_of_its_institutions(ask, question):
    reply = await ask(question)
    assert reply.intent == "faq" and "356家" in reply.text, reply.text


@pytest.mark.parametrize("question", [
    "中国商务区联盟的入会条件是什么",          # membership conditions of another alliance: not its founding story
    "2026年3月以后杭州新出的金融政策是什么",    # a successor policy, not the 2023 policy's validity
    "QDLP试点杭州最后拿到了没有",              # whether it was granted, not what the policy strives for
    "运河会客厅节目在哪能看回放",              # replays, not the broadcast dates
])
async def test_an_aspect_the_documents_never_give_is_said_to_be_unstated(ask, question):
    reply = await ask(question)
    assert reply.intent == "fallback", reply.text


async def test_who_may_join_the_alliance_gets_what_the_documents_say_of_its_members(ask):
    reply = await ask("哪些企业可以加入联盟")
    assert reply.intent == "faq" and "悉数纳入" in reply.text, reply.text


async def test_an_unmarked_follow_up_naming_a_figure_gets_the_answer_that_says_it(ask):
    await ask("港湾计划普惠小微贷款占比目标")
    reply = await ask("信用贷款")                         # the credit-loan share, not the plan's issue date
    assert reply.intent == "faq" and "信用贷款" in reply.text and "15%" in reply.text, reply.text


async def test_another_town_after_a_document_s_word_on_the_town_gets_that_document_s_word_on_it(ask):
    await ask("2023政策里运河财富小镇定位")
    reply = await ask("玉皇山南呢")
    assert reply.intent == "faq" and "世界级基金小镇" in reply.text, reply.text


async def test_a_second_question_of_a_thing_no_name_says_is_not_asked_of_the_town(ask):
    reply = await ask("FOF基金沙龙是哪天办的，在哪个楼")      # the salon's venue, not where the town is
    assert reply.intent == "fallback" and "大运河畔" not in reply.text, reply.text


async def test_a_plan_s_period_in_a_question_is_no_two_years_asked_of(ask):
    reply = await ask("宁波2021-2025年新型离岸国际贸易额目标")
    assert reply.intent == "faq" and "没有2021年" not in reply.text and "宁波" in reply.text, reply.text
