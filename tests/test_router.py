"""The core path: commands, buttons, intents, fallback, staff checks, bad input — through the real router."""
from __future__ import annotations

import inspect
from datetime import datetime

import pytest

from bot.clock import SHANGHAI
from bot.labels import MAX_BUTTONS
from bot.messages import Incoming
from bot.router import ROUTES, Route, Router, command_of
from bot.store import Question
from tests.devset import final_amount

BAD_INPUTS = ["", "   ", "\n\t", "😀😀😀", "\x00\x01\x02\x1b[31m", "\ud800", bytes(range(256)).decode("latin-1"),
              "What is the weather like?", "小镇 where is it 在哪 ???", "%s%n{0}<script>", "'; DROP TABLE users;--"]


@pytest.mark.parametrize("text", BAD_INPUTS)
async def test_bad_input_gets_a_clear_reply(ask, caplog, text):
    reply = await ask(text)
    assert reply.text.strip()
    assert reply.intent != "error" and "handler failed" not in caplog.text     # no handler crashed on it


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: f"{r.kind}:{r.key or r.handler.__name__}")
def test_every_handler_takes_the_services_then_the_message(route):
    params = list(inspect.signature(route.handler).parameters.values())
    assert [(p.name, p.annotation) for p in params] == [("svc", "Services"), ("msg", "Incoming")]


async def test_a_crashing_handler_is_an_error_apology_not_a_fallback(services, caplog):
    async def broken(svc, msg):
        raise RuntimeError("boom")
    routes = tuple(Route(r.kind, r.key, broken, r.staff_only) if r.kind == "text" else r for r in ROUTES)
    reply = await Router(services, routes).handle(Incoming("console", "u1", "u1", text="小镇在哪里"))
    assert reply.intent == "error" and "出了点问题" in reply.text
    assert "handler failed" in caplog.text


@pytest.mark.parametrize("payload", ["ev:show:²", "ev:show:١٢", "policy:ch:²", "bc:unschedule:³", "evadm:cancel:⁴",
                                     "ev:show:" + "9" * 400])
async def test_forged_numbers_in_button_payloads_get_a_reply_not_a_failure(ask, caplog, payload):
    reply = await ask(payload=payload, staff=True)
    assert reply.text.strip() and "出了点问题" not in reply.text
    assert "handler failed" not in caplog.text and "Traceback" not in caplog.text


async def test_empty_and_emoji_only_are_told_to_type_text(ask):
    for text in ["", "😀🎉", "\x00\x07"]:
        reply = await ask(text)
        assert reply.intent == "fallback" and "文字" in reply.text


async def test_overlong_input_is_cut_with_a_note(ask):
    reply = await ask("小镇在哪里" * 2000)
    assert reply.text.startswith("（您的消息较长")


@pytest.mark.parametrize("text,expected", [("/start", ("start", "")), ("/Help@TownBot", ("help", "")),
                                           ("/newevent a | b", ("newevent", "a | b")), ("/", None), ("hi", None)])
def test_command_parsing(text, expected):
    assert command_of(text) == expected


async def test_start_shows_menu_of_routed_commands(ask):
    reply = await ask("/start")
    commands = {r.key for r in ROUTES if r.kind == "command"}
    assert reply.intent == "help" and reply.buttons
    assert all(b.payload.lstrip("/") in commands for b in reply.buttons)


async def test_menu_button_runs_its_command(ask):
    reply = await ask(payload="/contacts")
    assert reply.intent == "contacts"


async def test_unknown_command_is_explained(ask):
    reply = await ask("/frobnicate")
    assert "/frobnicate" in reply.text and "/help" in reply.text


async def test_staff_command_refused_for_enterprise_users(ask):
    reply = await ask("/reload")
    assert "仅限" in reply.text and reply.intent == "staff"


async def test_staff_reload_reports_what_was_loaded(ask):
    reply = await ask("/reload", staff=True)
    assert "资料已重新加载" in reply.text


async def test_help_lists_staff_commands_only_to_staff(ask):
    assert "/reload" not in (await ask("/help")).text
    assert "/reload" in (await ask("/help", staff=True)).text


async def test_greeting(ask):
    reply = await ask("你好！")
    assert reply.intent == "help" and reply.buttons


async def test_cancel_without_a_dialog(ask):
    reply = await ask("取消")
    assert "没有进行中" in reply.text


async def test_faq_question_is_answered_with_its_source(ask):
    reply = await ask("运河财富小镇在什么位置")
    assert reply.intent == "faq" and reply.confidence >= 0.5
    assert "大运河" in reply.text and reply.sources and "小镇简介" in reply.sources[0]


async def test_out_of_scope_falls_back_with_suggestions(ask):
    reply = await ask("明天杭州会下雨吗")
    assert reply.intent == "fallback"
    assert "管委会" in reply.text and len(reply.buttons) == 4 and reply.buttons[-1].payload == "/handoff"
    follow = await ask(payload=reply.buttons[0].payload)
    assert follow.intent == "faq" and follow.sources


async def test_faq_categories_browse_to_an_answer(ask):
    cats = await ask("/faq")
    assert cats.buttons
    listing = await ask(payload=cats.buttons[0].payload)
    assert listing.buttons
    answer = await ask(payload=listing.buttons[0].payload)
    assert answer.intent == "faq" and answer.sources


async def test_every_topic_and_question_is_reached_a_phone_screen_of_buttons_at_a_time(ask, kb):
    async def pages(first):
        page, shown = first, []
        while True:
            assert len(page.buttons) <= MAX_BUTTONS, [b.label for b in page.buttons]
            *listed, last = page.buttons
            if not last.label.startswith("更多"):
                return shown + page.buttons
            shown += listed
            page = await ask(payload=last.payload)

    topics = await pages(await ask("/faq"))
    assert [b.label for b in topics] == list(dict.fromkeys(e.category for e in kb.knowledge.faq))
    biggest = max(topics, key=lambda b: sum(e.category == b.label for e in kb.knowledge.faq))
    questions = await pages(await ask(payload=biggest.payload))
    assert [b.payload for b in questions] == [f"faq:{e.id}" for e in kb.knowledge.faq if e.category == biggest.label]
    assert all(len(b.label) <= 20 for b in questions)


async def test_stale_button_payload_is_handled(ask):
    reply = await ask(payload="faq:no-such-entry")
    assert "不存在" in reply.text


async def test_handler_crash_becomes_an_apology(services, caplog):
    async def boom(svc, msg):
        raise RuntimeError("boom")
    router = Router(services, (Route("text", "", boom),))
    reply = await router.handle(Incoming("console", "u", "u", text="随便问问"))
    assert "出了点问题" in reply.text
    assert "RuntimeError" in caplog.text and "随便问问" not in caplog.text


def test_every_main_menu_button_is_a_routed_command():
    from handlers.menu import MAIN_MENU
    routed = {r.key for r in ROUTES if r.kind == "command"}
    assert {cmd for _, _, cmd in MAIN_MENU} <= routed


# ---- stale buttons: a button whose dialog is gone, or that nothing owns -------------------------------------
STALE = "这个按钮已失效"
FLOW_BUTTONS = ["ne:publish", "ne:全体", "ee:place", "imp:confirm", "bc:aud:all", "bc:send", "bc:later"]


async def unanswered(services) -> list[Question]:
    return await services.store.unanswered.since(datetime(2000, 1, 1, tzinfo=SHANGHAI))


@pytest.mark.parametrize("payload", [*FLOW_BUTTONS, "zzz:1", "bc:", "evadm:", "ev", "faq"])
async def test_a_button_without_its_dialog_is_stale_and_not_unanswered(ask, services, payload):
    reply = await ask(payload=payload, staff=True)
    assert STALE in reply.text and reply.intent == "help" and reply.buttons
    assert await unanswered(services) == []


async def test_a_stale_button_is_said_so_in_english_too(ask, services):
    await ask("/lang en")
    reply = await ask(payload="bc:send")
    assert "no longer valid" in reply.text and await unanswered(services) == []


@pytest.mark.parametrize("command,payload", [("/newevent", "ne:publish"), ("/importevents", "imp:confirm"),
                                             ("/broadcast 年会通知", "bc:aud:all"), ("/editevent 1", "ee:place")])
async def test_a_button_pressed_after_its_dialog_expired_is_stale(ask, services, clock, command, payload):
    if command.startswith("/editevent"):
        await ask("/newevent 2026-12-01 14:00 | 讲座 | 会客厅 | 全体", staff=True)
    events, broadcasts = await services.store.events.all(), await services.store.broadcasts.all()
    opened = await ask(command, staff=True)
    assert services.dialogs.get("console:staff") is not None, opened.text
    clock.advance(minutes=11)
    reply = await ask(payload=payload, staff=True)
    assert STALE in reply.text and await unanswered(services) == []
    assert services.dialogs.get("console:staff") is None
    assert await services.store.events.all() == events and await services.store.broadcasts.all() == broadcasts


async def test_another_flows_button_inside_a_dialog_is_stale_and_the_dialog_goes_on(ask, services):
    await ask("/broadcast", staff=True)
    reply = await ask(payload="ne:publish", staff=True)
    assert STALE in reply.text
    reply = await ask("年终座谈会通知", staff=True)            # the broadcast dialog still takes the text
    assert "请选择受众" in reply.text


async def test_a_dialogs_own_button_goes_to_it_and_other_buttons_still_work_inside_it(ask, services):
    await ask("/broadcast 年终座谈会通知", staff=True)
    assert "常见问题" in (await ask(payload="/faq", staff=True)).text        # a menu button answers as ever
    reply = await ask(payload="bc:aud:all", staff=True)
    assert "预览" in reply.text and "年终座谈会通知" in reply.text
    reply = await ask(payload="bc:send", staff=True)
    assert "开始发送" in reply.text
    assert STALE in (await ask(payload="bc:send", staff=True)).text          # pressed again: the dialog is over
    assert len(await services.store.broadcasts.all()) == 1


async def test_another_measure_asked_elliptically_inside_a_quick_check_is_computed_for_that_measure(ask, services):
    first = await ask("新设金融总部能补多少")
    assert first.intent == "calc" and services.dialogs.get("console:u1") is not None
    again = await ask("那金融科技子公司呢")                # the same question of the 第8条 measure
    assert again.intent == "calc" and "第8条" in again.text and "第6条" not in again.text, again.text


async def test_another_amount_right_after_a_quick_check_result_computes_it_again(ask):
    first = await ask("新设金融总部实收资本10亿能拿多少")
    assert first.intent == "calc" and "2000万元" in first.text, first.text
    again = await ask("那5亿呢")                         # the same question with this amount
    assert again.intent == "calc" and "5亿元 × 2% = 1000万元" in again.text, again.text
    other = await ask("那5亿呢", user="u2")              # nothing computed before: not a quick-check
    assert other.intent != "calc"


async def test_a_question_on_the_rule_while_its_figure_is_awaited_gets_the_rule_and_the_figure_still_counts(ask):
    first = await ask("主导制定行业标准奖多少")
    assert first.intent == "calc" and "请告诉我" in first.text, first.text
    rule = await ask("那国际标准呢")                      # not the number of standards: the article's tiers
    assert rule.intent in ("policy", "faq") and "第9条" in rule.text and "100万" in rule.text, rule.text
    figure = await ask("3项")                            # the quick-check still waits for its figure
    assert figure.intent == "calc" and "60万元" in figure.text, figure.text


async def test_another_amount_with_a_remark_after_it_is_computed_again(ask):
    first = await ask("资管机构AUM首次到150亿补多少")
    assert first.intent == "calc" and "300万元" in first.text, first.text
    again = await ask("那250亿呢，是不是更多")              # the amount, then a remark on it
    assert again.intent == "calc" and "250亿元" in again.text and "600万元" in again.text, again.text


async def test_a_new_question_while_a_figure_is_awaited_is_answered_not_taken_for_the_rule(ask, services):
    first = await ask("新设金融总部能拿多少")
    assert first.intent == "calc" and "请告诉我实收资本" in first.text, first.text
    reply = await ask("小镇多大")                           # asks "多大", but of the town, not of the measure
    assert reply.intent == "faq" and "3.3" in reply.text and "已退出补贴速算" in reply.text, reply.text
    assert services.dialogs.get("console:u1") is None


async def test_a_question_the_quick_check_passes_on_gets_the_note_that_it_was_left(ask, services):
    await ask("新设金融总部能拿多少")
    reply = await ask("管委会怎么联系")
    assert reply.intent != "calc" and reply.text.startswith("（已退出补贴速算") and "管委会" in reply.text, reply.text
    assert services.dialogs.get("console:u1") is None


async def test_a_figure_still_goes_to_the_quick_check_that_asked_for_it(ask):
    await ask("新设金融总部能拿多少")
    reply = await ask("10亿")
    assert reply.intent == "calc" and "2000万元" in reply.text and "已退出" not in reply.text, reply.text


async def test_amounts_again_in_a_row_each_replace_the_last_computed_one(ask):
    await ask("资管机构AUM首次到100亿补多少")
    assert "600万元" in (await ask("200亿呢")).text
    third = await ask("500亿呢，是不是更多")           # the question is still the first one, now with 500亿
    assert third.intent == "calc" and "500亿元" in third.text and "600万元" in third.text, third.text
    fourth = await ask("50亿呢")
    assert fourth.intent == "calc" and "50亿元" in fourth.text and "未达到" in fourth.text, fourth.text


@pytest.mark.parametrize("again, amount", [("那如果是20亿呢", "4000万元"), ("换成30亿", "5000万元"), ("要是8000万的话", "160万元")])
async def test_an_amount_again_in_everyday_words(ask, again, amount):
    await ask("新设金融总部，实收资本10亿，能拿多少？")
    reply = await ask(again)
    assert reply.intent == "calc" and f"最高可获 {amount}" in reply.text, reply.text


@pytest.mark.parametrize("first, again, computed", [
    ("保险资金用于基础设施项目融资1.2亿，补助多少", "融资额10亿呢", "10亿元 × 0.5% = 500万元"),
    ("保险资金用于基础设施项目融资8亿元，补助多少", "再问一下，如果融资额是20亿，补助多少？", "20亿元 × 0.5% = 1000万元"),
    ("我们实收资本2亿，新设的金融总部机构能补多少", "那如果实收资本30亿呢", "30亿元 × 2% = 6000万元"),
    ("我们刚设立，存续管理规模达到100亿，补多少", "首次实现200亿呢", "管理规模200亿元"),
])
async def test_an_amount_again_that_says_the_last_questions_words_again(ask, first, again, computed):
    await ask(first)
    reply = await ask(again)
    assert reply.intent == "calc" and computed in reply.text, reply.text


async def test_a_foreign_amount_again_asks_for_rmb_naming_the_currency_as_typed(ask):
    await ask("新设金融总部实收资本2亿能拿多少")
    reply = await ask("What if paid-in capital is USD 50 million?")
    assert reply.intent == "calc" and "(“USD”)" in reply.text and "最高可获" not in reply.text, reply.text
    again = await ask("那5000万美元呢")
    assert "（“美元”）" in again.text and "最高可获" not in again.text, again.text


async def test_amounts_again_in_restated_words_chain(ask):
    await ask("保险资金用于基础设施项目融资1.2亿，补助多少")
    await ask("融资额10亿呢")
    reply = await ask("2亿呢")
    assert reply.intent == "calc" and "2亿元 × 0.5% = 100万元" in reply.text, reply.text


async def test_a_condition_the_user_stated_of_itself_earlier_is_not_asked_again(ask):
    await ask("我们是新设立的私募基金管理人，准备落户运河财富小镇，有什么补贴")
    reply = await ask("我们管理规模150亿，能拿多少")
    assert reply.intent == "calc" and "最高可获 300万元" in reply.text, reply.text
    alone = await ask("我们管理规模150亿，能拿多少", user="u2")
    assert "您的问题没有说明这一点" in alone.text, alone.text


async def test_an_earlier_message_with_words_that_rule_a_condition_out_states_nothing(ask):
    await ask("我们不是新设的，是老牌资管机构")
    reply = await ask("我们管理规模150亿，能拿多少")
    assert "可获 " not in reply.text, reply.text


@pytest.mark.parametrize("said", ["我们是分公司可以吗", "还在筹建能申请吗"])
async def test_words_ruling_out_the_condition_the_quick_check_asks_about_answer_it(ask, said):
    asked = await ask("实收资本5000万的金融科技子公司呢")
    assert "您的问题没有说明这一点" in asked.text, asked.text
    reply = await ask(said)
    assert reply.intent == "calc" and "第8条" in reply.text and "不按它计算金额" in reply.text, reply.text
    assert "最高可获" not in reply.text and "分会" not in reply.text


@pytest.mark.parametrize("first, again", [
    ("资管总部管理规模首次突破100亿补多少", "再次突破200亿呢"),          # a new condition, not the same question
    ("资管总部管理规模首次突破100亿补多少", "~200亿呢"),                # about 200亿 could be under the tier
    ("新设金融总部实收资本2亿能拿多少", "≈5亿呢"),
    ("新设金融总部实收资本2亿能拿多少", "金融控股公司实收资本30亿呢"),
])
async def test_a_figure_with_other_words_or_marks_is_not_the_last_question_again(ask, first, again):
    before = await ask(first)
    assert before.intent == "calc" and "最高可获" in before.text, before.text
    reply = await ask(again)
    assert not (reply.intent == "calc" and "最高可获 600万元" in reply.text) and "5亿元 × 2%" not in reply.text \
        and "30亿元 × 2% = 6000万元" not in reply.text, reply.text


async def test_an_english_figure_again_with_words_not_said_before_is_not_computed(ask):
    await ask("Our asset management HQ first reached AUM of RMB 10 billion, how much?")
    reply = await ask("again reached 20 billion")
    assert "RMB 6 million" not in reply.text, reply.text


async def test_a_remark_after_the_new_figure_that_rules_a_condition_out_is_heeded(ask):
    await ask("新设金融总部实收资本2亿能拿多少")
    reply = await ask("30亿呢，不过我们是分公司")
    assert reply.intent == "calc" and "不按它计算金额" in reply.text and "最高可获" not in reply.text, reply.text


@pytest.mark.parametrize("earlier, question", [
    ("我们第一次来咨询", "我们管理规模150亿，能拿多少"),                    # not a description of the enterprise
    ("我们公司是国家级高新技术企业，刚通过消防验收", "入选金融改革试点能奖多少"),   # nothing about the pilot
])
async def test_words_met_in_passing_earlier_do_not_state_a_condition(ask, earlier, question):
    await ask(earlier)
    reply = await ask(question)
    assert "您的问题没有说明这一点" in reply.text and "可获 " not in reply.text, reply.text


async def test_an_open_question_while_a_condition_is_asked_leaves_the_quick_check(ask):
    await ask("实收资本5000万的金融科技子公司呢")
    reply = await ask("分公司能申请哪些补贴？")
    assert "已退出补贴速算" in reply.text and "第8条 金融科技子公司补助的" not in reply.text.split("\n")[1], reply.text


@pytest.mark.parametrize("again", ["注册资本30亿呢", "我们不是首次，200亿呢"])
async def test_an_amount_no_route_reads_after_a_result_is_asked_about_not_matched_on_its_digits(ask, again):
    await ask("资管总部管理规模首次突破100亿补多少")
    reply = await ask(again)
    assert reply.intent == "clarify" and "最高可获" not in reply.text, reply.text
    other = await ask("2019年小镇税收多少")           # a question of its own is answered as usual
    assert other.intent == "faq" and "10.50亿元" in other.text, other.text


async def test_an_unread_amount_after_a_result_is_asked_about_also_when_a_place_was_talked_about_before(ask):
    await ask("运河财富小镇在哪里？")
    await ask("新设金融总部，实收资本10亿，能拿多少？")
    reply = await ask("融资额20亿呢")               # 第6条 has no 融资额: not the last question again
    assert reply.intent == "clarify" and "最高可获" not in reply.text, reply.text


async def test_an_amount_again_after_a_figure_the_quick_check_asked_for(ask):
    await ask("新设金融总部能拿多少")
    await ask("10亿")
    again = await ask("20亿呢")
    assert again.intent == "calc" and "20亿元 × 2% = 4000万元" in again.text, again.text


async def test_an_english_amount_again_after_an_english_result_computes_it_again(ask):
    first = await ask("New financial HQ with paid-in capital of 1 billion, how much subsidy?")
    assert first.intent == "calc" and "RMB 20 million" in first.text, first.text
    again = await ask("what about 3 billion")
    assert again.intent == "calc" and "RMB 3 billion" in again.text and "RMB 50 million" in again.text, again.text
    other = await ask("what about 3 billion", user="u2")   # nothing computed before: a question back
    assert other.intent == "clarify"


async def test_another_kind_of_item_after_a_quick_check_result_gets_that_measures_rule(ask):
    first = await ask("主导制定2项国家标准能拿多少")
    assert first.intent == "calc" and "60万元" in first.text, first.text
    reply = await ask("行业标准呢")                  # the same article's other tier, not another part of the policy
    assert reply.intent == "policy" and "第9条" in reply.text and "20万元" in reply.text, reply.text


async def test_another_measure_after_a_quick_check_result_is_computed_for_that_measure(ask):
    first = await ask("新设企业征信公司能拿多少")
    assert first.intent == "calc" and "第16条" in first.text and "100万元" in first.text, first.text
    reply = await ask("个人征信呢")
    assert reply.intent == "calc" and "新设个人征信公司" in reply.text and "1000万元" in reply.text, reply.text


async def test_another_measure_after_a_quick_check_result_uses_no_figure_of_the_last_question(ask):
    await ask("新设金融总部实收资本10亿能拿多少")
    reply = await ask("金融控股公司呢")                  # its own fixed sum, not 10亿 × a rate
    assert reply.intent == "calc" and "新设金融控股公司" in reply.text and "1000万元" in reply.text, reply.text
    assert "10亿" not in reply.text


async def test_a_rule_question_after_a_policy_answer_on_one_measure_gets_that_measure(ask):
    await ask("金融科技子公司有补助吗")
    reply = await ask("实收资本门槛多少")
    assert reply.intent == "policy" and "第8条" in reply.text and "5000万元（含）以上" in reply.text, reply.text


@pytest.mark.parametrize("opening", ["主导制定国际标准奖多少", "主导制定2项国家标准能拿多少"])
async def test_a_kind_of_item_the_measure_does_not_list_is_said_to_be_not_stated(ask, opening):
    await ask(opening)
    reply = await ask("地方标准呢")
    assert reply.intent == "fallback" and "地方标准" in reply.text and "国际标准、国家标准、行业标准" in reply.text, reply.text
    assert "万元" not in reply.text.partition("\n")[2]


async def test_a_follow_up_whose_words_rule_out_the_measure_just_computed_gets_no_amount(ask):
    await ask("主导制定2项国家标准能拿多少")
    reply = await ask("只是参与起草的呢")             # the article rewards leading the drafting only
    assert reply.intent == "calc" and "不按它计算金额" in reply.text and "主导制定" in reply.text, reply.text
    assert final_amount(reply.text) is None


async def test_follow_ups_on_one_measure_keep_to_it_through_several_turns(ask):
    await ask("新设金融总部机构按实收资本几个点补助")
    cap = await ask("上限呢")
    assert cap.intent == "policy" and "5000万元" in cap.text, cap.text
    other = await ask("金融控股公司呢")                  # the measure beside it in the same article
    assert other.intent == "policy" and "新设金融控股公司" in other.text and "1000万元" in other.text, other.text


async def test_who_gets_it_after_a_quick_check_result_gets_the_measures_beneficiary(ask):
    await ask("基础设施REITs上市奖励多少")
    reply = await ask("奖给谁")
    assert reply.intent == "policy" and "第13条" in reply.text and "权益人" in reply.text, reply.text


async def test_a_bare_figure_after_two_parts_that_each_asked_for_one_is_asked_about(ask):
    first = await ask("新设金融总部能补多少？另外资管总部首次突破的能补多少？")
    assert "请告诉我实收资本" in first.text and "请告诉我存续资产实际管理规模" in first.text, first.text
    reply = await ask("300亿")                    # 实收资本 of 第6条 or AUM of 第13条: either
    assert reply.intent == "clarify" and "最高可获" not in reply.text, reply.text


@pytest.mark.parametrize("changes", [
    {"text": "小镇在哪"}, {"lang": "en", "typed": "Where?"}, {"payload": "/faq"}, {"user_id": "u2"}, {},
])
def test_a_copy_of_a_message_with_changes_is_what_replace_makes(changes):
    from dataclasses import asdict, replace
    msg = Incoming("wecom", "c1", "u1", text="／Ｆａｑ 小镇", is_staff=True, reply_to="9")
    assert (msg.user_key, msg.folded) == ("wecom:u1", "/Faq 小镇")      # worked out before the copy
    copy, made = msg.but(**changes), replace(msg, **changes)
    assert asdict(copy) == asdict(made) and copy.reading is made.reading
    assert (copy.user_key, copy.folded) == (made.user_key, made.folded)
    with pytest.raises(TypeError):
        msg.but(txt="x")


def test_every_worked_out_property_of_a_message_names_real_fields():
    from bot.messages import _DERIVED, _FIELDS
    assert set(_DERIVED) == {"user_key", "folded"} and all(reads and reads <= _FIELDS for reads in _DERIVED.values())
