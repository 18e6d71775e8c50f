"""What users type that is not a knowledge question, through the real router: a button's label typed back,
a person asked for in a sentence, subscriptions in words, small talk and noise."""
from __future__ import annotations

from datetime import datetime

import pytest

from bot.clock import SHANGHAI

CANT_ANSWER = "答不上来"


async def unanswered(services) -> list:
    return await services.store.unanswered.since(datetime(2000, 1, 1, tzinfo=SHANGHAI))


async def pressed_by_someone_else(ask, payload: str, lang: str = "zh"):
    """The reply to pressing the button, for a user who has said nothing else."""
    if lang == "en":
        await ask("/lang en", user="presser")
    return await ask(payload=payload, user="presser")


# ---- button labels typed back ----------------------------------------------------------------------------

@pytest.mark.parametrize("typed, payload", [
    ("补贴速算", "/calc"), ("常见问题", "/faq"), ("政策匹配", "/policy"), ("联系方式", "/contacts"),
    ("订阅通知", "/subscribe"), ("3. 补贴速算", "/calc"), ("（2）政策匹配", "/policy"), ("常见问题。", "/faq"),
    ("联 系 方 式", "/contacts"), ("【补贴速算】", "/calc"), ("速算", "/calc"), ("补贴测算", "/calc"), ("快速测算", "/calc"),
])
async def test_a_menu_label_typed_does_what_pressing_it_does(ask, typed, payload):
    typed_reply = await ask(typed)
    assert CANT_ANSWER not in typed_reply.text
    assert typed_reply.text == (await pressed_by_someone_else(ask, payload)).text


@pytest.mark.parametrize("typed, payload", [("Quick-check", "/calc"), ("quick check", "/calc"), ("Contacts", "/contacts"),
                                            ("Notifications", "/subscribe"), ("FAQ", "/faq")])
async def test_an_english_label_typed_is_answered_in_english(ask, typed, payload):
    typed_reply = await ask(typed)
    assert typed_reply.lang == "en"
    assert typed_reply.text == (await pressed_by_someone_else(ask, payload, "en")).text


async def test_labels_of_the_last_buttons_shown_press_them(ask):
    policies = await ask("我们是外资资管公司，想在杭州设立总部，有哪些政策")
    more = next(b for b in policies.buttons if b.label.startswith("更多："))
    typed = await ask(more.label)
    assert typed.intent == "policy" and typed.text == (await ask(payload=more.payload)).text

    quick = await ask("新设金融总部，实收资本10亿，能拿多少？")
    [details] = quick.buttons
    typed = await ask(details.label)
    assert typed.intent == "policy" and typed.text == (await ask(payload=details.payload)).text


async def test_a_subscription_label_typed_changes_the_subscription(ask, services):
    await ask("订阅通知")
    reply = await ask("加入类金融行业分会")
    assert "已加入“类金融行业分会”通知" in reply.text
    assert (await services.store.users.get("console:u1")).segments == ("quasi",)
    await ask("Leave Quasi-Finance Branch")
    assert (await services.store.users.get("console:u1")).segments == ()


async def test_a_contact_name_typed_shows_its_card(ask, services):
    for contact in services.kb.knowledge.contacts:
        typed = await ask(contact.name)
        assert typed.intent == "contacts", contact.name
        assert typed.text == (await pressed_by_someone_else(ask, f"contact:{contact.id}")).text


async def test_a_label_is_not_taken_from_a_dialogs_own_text(ask):
    await ask("/broadcast", staff=True)
    audiences = await ask("联盟活动", staff=True)             # the announcement's text, not the menu's "联盟活动"
    assert "受众" in audiences.text
    preview = await ask(audiences.buttons[0].label, staff=True)     # the dialog's own button, typed
    assert preview.text.startswith("预览") and preview.text.endswith("\n\n联盟活动")


async def test_a_dialogs_label_typed_after_the_dialog_expired_is_text_again(ask, clock):
    await ask("/broadcast", staff=True)
    audiences = await ask("周五停电", staff=True)
    clock.advance(minutes=11)                                     # the dialog has expired
    reply = await ask(audiences.buttons[0].label, staff=True)
    assert "失效" not in reply.text and not reply.text.startswith("预览")


async def test_with_a_ticket_open_a_label_goes_to_the_staff(ask, services, outbox):
    await ask("转人工")
    reply = await ask("常见问题")
    assert reply.intent == "handoff" and "已转给工作人员" in reply.text
    await services.delivery.wait()
    assert outbox.texts("staff")[-1].startswith("【工单 #1】u1（控制台 u1）留言：\n常见问题\n")


@pytest.mark.parametrize("question, says", [("怎么联系管委会", "【运河财富小镇管理委员会"), ("联盟活动有哪些", "活动"),
                                            ("补贴速算怎么用", "")])
async def test_a_question_holding_a_label_is_still_a_question(ask, question, says):
    reply = await ask(question)
    assert reply.text != (await pressed_by_someone_else(ask, "/calc")).text
    assert says in reply.text and reply.intent not in ("help", "events")


# ---- asking for a person ---------------------------------------------------------------------------------

@pytest.mark.parametrize("sentence", ["我要找你们工作人员聊一下入驻的事", "找个真人聊聊", "我要投诉", "能帮我联系一下管委会的人吗",
                                      "Can I speak with someone from the management committee?"])
async def test_asking_for_a_person_in_a_sentence_opens_a_ticket(ask, services, outbox, sentence):
    reply = await ask(sentence)
    assert reply.intent == "handoff" and "#1" in reply.text
    await services.delivery.wait()
    assert f"本次：{sentence}" in outbox.texts("staff")[0]


async def test_a_message_for_the_staff_reaches_them_as_typed(ask, services, outbox):
    typed = "给管委会留言：我们想租５００平办公室，  联系人 Ｗａｎｇ"
    reply = await ask(typed)
    assert reply.intent == "handoff"
    await services.delivery.wait()
    assert f"本次：{typed}\n" in outbox.texts("staff")[0]
    assert (await services.tickets.open_of("console:u1")).history[-1].text == typed


@pytest.mark.parametrize("question", ["客服电话是多少", "有没有客服热线", "What is the hotline number?"])
async def test_asking_for_a_number_says_none_is_published_and_offers_a_person(ask, services, outbox, question):
    reply = await ask(question)
    assert reply.intent != "handoff" and await services.tickets.open_of("console:u1") is None
    assert "未公布" in reply.text or "publish no" in reply.text
    assert "/handoff" in [b.payload for b in reply.buttons]


# ---- subscribing in words --------------------------------------------------------------------------------

@pytest.mark.parametrize("words", ["我想收到联盟活动的消息", "以后有活动告诉我一声", "我要订阅活动通知", "有新活动的话通知我",
                                   "Subscribe me to event notices", "Please keep me posted about events"])
async def test_asking_for_event_notices_subscribes_and_shows_the_screen(ask, services, words):
    reply = await ask(words)
    assert reply.intent == "events" and any(b.payload == "sub:events:off" for b in reply.buttons)
    assert "events" in (await services.store.users.get("console:u1")).subscriptions


async def test_a_bare_subscribe_shows_the_screen_in_english(ask, services):
    reply = await ask("Subscribe")
    assert reply.lang == "en" and reply.text.startswith("Your notifications:")
    assert any(b.payload == "sub:events:on" for b in reply.buttons)
    assert "events" not in (await services.store.users.get("console:u1")).subscriptions    # nothing chosen yet


async def test_asking_how_to_sign_up_for_events_shows_the_screen_without_choosing(ask, services):
    reply = await ask("怎么报名活动")
    assert reply.intent == "events" and any(b.payload == "sub:events:on" for b in reply.buttons)
    assert "events" not in (await services.store.users.get("console:u1")).subscriptions


async def test_a_roadshow_is_an_event_to_be_told_of(ask, services):
    reply = await ask("以后有路演告诉我")
    assert reply.text.startswith("已为您订阅联盟活动通知") and any(b.payload == "sub:events:off" for b in reply.buttons)
    assert "events" in (await services.store.users.get("console:u1")).subscriptions


@pytest.mark.parametrize("words, segment", [("我们是类金融 想加入类金融行业分会", "quasi"), ("加入类金融分会", "quasi"),
                                            ("我是外资机构 想收特邀外资金融机构的通知", "foreign")])
async def test_joining_a_branch_in_words_joins_its_notices(ask, services, words, segment):
    reply = await ask(words)
    assert reply.intent == "events" and any(b.payload == f"seg:{segment}:off" for b in reply.buttons)    # the undo
    assert (await services.store.users.get("console:u1")).segments == (segment,)
    left = await ask("退出类金融分会" if segment == "quasi" else "退出特邀外资金融机构分会")
    assert "已为您退出" in left.text and (await services.store.users.get("console:u1")).segments == ()


async def test_announcements_off_and_on_again_leave_event_notices_alone(ask, services):
    await ask(payload="sub:events:on")
    off = await ask("不要再给我发公告了")
    assert off.text.startswith("已为您退订管委会公告") and any(b.payload == "sub:news:on" for b in off.buttons)
    assert (await services.store.users.get("console:u1")).subscriptions == ("events",)
    again = await ask("我又想收公告了")
    assert again.text.startswith("已为您订阅管委会公告")
    assert set((await services.store.users.get("console:u1")).subscriptions) == {"events", "news"}


@pytest.mark.parametrize("words", ["别给我发活动通知了 公告可以继续", "Stop sending me event notices but keep the announcements"])
async def test_event_notices_off_with_announcements_kept(ask, services, words):
    await ask(payload="sub:events:on")
    reply = await ask(words)
    assert "已为您退订联盟活动通知；管委会公告照常接收" in reply.text or "you still receive committee announcements" in reply.text
    assert (await services.store.users.get("console:u1")).subscriptions == ("news",)


@pytest.mark.parametrize("question", ["联盟活动有哪些", "最近有什么活动", "审批结果出来请通知我", "联盟搞过多少活动",
                                      "怎么加入小镇金融联盟", "联盟有几个分会"])
async def test_questions_about_events_are_not_subscriptions(ask, services, question):
    reply = await ask(question)
    assert not any(b.payload.startswith("seg:") for b in reply.buttons)
    assert "events" not in (await services.store.users.get("console:u1")).subscriptions


# ---- small talk and noise --------------------------------------------------------------------------------

@pytest.mark.parametrize("said, lang", [("谢谢", "zh"), ("好的", "zh"), ("好的，谢谢！", "zh"), ("收到", "zh"),
                                        ("ok thanks", "en"), ("Thank you very much", "en"), ("Thanks!", "en"),
                                        ("谢谢，再见", "zh"), ("bye", "en"), ("好的，十分感谢您的详细回答！", "zh"),
                                        ("谢谢你们的帮助", "zh"), ("Thanks a lot for your help", "en")])
async def test_small_talk_gets_a_short_friendly_reply(ask, services, said, lang):
    reply = await ask(said)
    assert reply.intent == "help" and reply.lang == lang and len(reply.text) < 60
    assert CANT_ANSWER not in reply.text and "Sorry" not in reply.text
    assert await unanswered(services) == []


@pytest.mark.parametrize("text", ["你好", "菜单", "主菜单"])
async def test_a_greeting_or_asking_for_the_menu_is_welcomed_with_the_menu(ask, services, text):
    reply = await ask(text)
    assert reply.intent == "help" and "您好" in reply.text and reply.buttons and await unanswered(services) == []


async def test_ending_with_nothing_open_neither_apologises_nor_repeats(ask):
    previous = await ask("我想问一下入驻流程")
    reply = await ask("结束")
    assert "连续两个问题" not in reply.text and previous.text not in reply.text
    assert reply.intent == "help" and "没有进行中" in reply.text


@pytest.mark.parametrize("noise", ["小镇" * 3000, "哈哈哈哈哈哈", "hello " * 40])
async def test_one_word_repeated_gets_a_clear_reply(ask, services, noise):
    reply = await ask(noise)
    assert reply.intent == "clarify" and ("重复" in reply.text or "repeats" in reply.text)
    assert await unanswered(services) == []
