"""Asking for a person through the router: tickets, staff replies, office hours, a restart (real TinyDB file)."""
from __future__ import annotations

import dataclasses

import pytest

from bot.config import ConfigError, load_settings
from bot.dialogs import Dialogs
from bot.messages import Incoming
from bot.router import Router
from bot.services import Services
from bot.store import Store
from handlers.faq import FALLBACK
from handlers.handoff import STAFF_MARK, WAY, asks_for_person

TYPED = "您好，已为您查询（见下）：\n  第一条 <b>不是标签</b>  ＡＢＣ１２３"


async def delivered(services) -> None:
    await services.delivery.wait()


@pytest.mark.parametrize("text", ["转人工", "人工", "我要找人工客服", "找工作人员", "人工客服！", "留言", "我要给管委会留言", "human", "Agent", "talk to a person",
                                  "I want to speak to a human", "请帮我转人工，谢谢", "我要找你们工作人员聊一下入驻的事",
                                  "找个真人聊聊", "我想找个人具体聊一下落户的事", "我要投诉", "能帮我联系一下管委会的人吗", "给管委会留言：我们想租500平办公室",
                                  "Can I speak with someone from the management committee?", "麻烦让工作人员联系我",
                                  "请管委会的人给我回个电话", "Can someone call me back?", "I want to make a complaint",
                                  "投诉", "想跟你们工作人员聊聊", "connect me to a person", "Please transfer me to a human agent"])
def test_asking_for_a_person_is_recognised(text):
    assert asks_for_person(text)


@pytest.mark.parametrize("text", ["人工智能", "人工智能企业有什么补贴", "客服中心在哪个楼", "留言板功能", "agent fees",
                                  "管委会电话是多少", "小镇面积多大", "客服电话是多少", "有没有客服热线", "怎么联系管委会",
                                  "管委会有多少工作人员", "What is the phone number of the management committee?", "联系我们",
                                  "How many staff work at the committee?", "产业园和客服中心在哪", "小镇与客服中心距离多远",
                                  "英蓝中心和人工岛什么关系", "找个人征信公司合作", "和真人秀节目合作过吗", "给管委会留言的功能在哪",
                                  "Can you connect me to the website?", "what is the complaint procedure for rent", "transfer me to the fund page"])
def test_other_questions_are_not_a_handoff(text):
    assert not asks_for_person(text)


async def test_a_ticket_from_request_to_close(ask, services, outbox):
    await ask("运河财富小镇在哪里？")
    opened = await ask("我要找人工客服")
    assert opened.intent == "handoff" and "工单 #1" in opened.text
    await delivered(services)
    [notice] = outbox.texts("staff")
    assert notice.startswith("【转人工 #1】u1（控制台 u1）请求人工服务")
    assert "· 用户：运河财富小镇在哪里？" in notice and "· 助手：" in notice and "本次：我要找人工客服" in notice
    assert "/reply 1" in notice

    relayed = await ask("小镇面积多大")                        # goes to the ticket, not to the FAQ
    assert relayed.intent == "handoff" and "工单 #1" in relayed.text and "平方" not in relayed.text
    await delivered(services)
    assert outbox.texts("staff")[-1].startswith("【工单 #1】u1（控制台 u1）留言：\n小镇面积多大\n")

    assert "（等待回复）" in (await ask("/tickets", staff=True)).text
    sent = await ask(f"/reply　1 {TYPED}", staff=True)                 # a full-width space after the command
    assert "已发送给" in sent.text
    await delivered(services)
    assert outbox.texts("u1") == [f"{STAFF_MARK}\n{TYPED}"]       # exactly as typed, full-width and all

    listing = await ask("/tickets", staff=True)
    assert "#1 u1" in listing.text and "小镇面积多大" in listing.text and "（已回复，等用户）" in listing.text
    history = await ask("/ticket 1", staff=True)
    assert "用户：我要找人工客服" in history.text and f"工作人员 console:staff：{TYPED}" in history.text

    closed = await ask("/close 1", staff=True)
    assert closed.text == "工单 #1 已结束。"
    await delivered(services)
    assert "已结束本次人工服务（工单 #1）" in outbox.texts("u1")[-1]
    answer = await ask("小镇面积多大")                          # the bot answers again
    assert answer.intent == "faq"
    assert "没有待处理" in (await ask("/tickets", staff=True)).text
    assert "已结束" in (await ask("/reply 1 还在吗", staff=True)).text


async def test_staff_see_the_saved_profile_and_ticket_messages_stay_out_of_broadcast_status(ask, services, outbox):
    await ask("/profile 我们是证券公司，实收资本20亿")
    await ask("转人工")
    await delivered(services)
    assert "单位情况：我们是证券公司" in outbox.texts("staff")[0]
    assert (await ask("/broadcast_status", staff=True)).text == "还没有群发记录。"


@pytest.mark.parametrize("word", ["结束", "结束！", "已解决。"])
async def test_the_user_ends_it_with_a_word(ask, services, outbox, word):
    await ask("/handoff")
    ended = await ask(word)
    assert "已结束人工服务" in ended.text
    await delivered(services)
    assert "已结束人工服务" in outbox.texts("staff")[-1]
    assert (await ask("小镇面积多大")).intent == "faq"


async def test_only_staff_reply_or_close(ask, services, outbox):
    await ask("转人工")
    for command in ("/reply 1 我来冒充", "/close 1", "/tickets", "/ticket 1"):
        refused = await ask(command, user="u2")
        assert refused.text == "抱歉，该功能仅限小镇管委会工作人员使用。"
    await delivered(services)
    assert outbox.texts("u1") == [] and (await services.tickets.get(1)).status == "open"


async def test_bad_staff_commands_get_a_clear_answer(ask, outbox):
    assert "用法：/reply" in (await ask("/reply", staff=True)).text
    assert "用法：/reply" in (await ask("/reply 1", staff=True)).text
    assert "没有编号为 9 的工单" in (await ask("/reply 9 你好", staff=True)).text
    assert "用法：/close" in (await ask("/close abc", staff=True)).text
    assert "没有待处理的 #9" in (await ask("/close 9", staff=True)).text


async def test_two_fallbacks_in_a_row_offer_a_person(ask, outbox):
    first = await ask("量子纠缠的猫今天吃什么")
    assert first.text == FALLBACK.format(way=WAY[True][0]) and first.buttons[-1].payload == "/handoff"
    second = await ask("火星上的房价多少")
    assert second.intent == "fallback" and second.text.startswith("连续两个问题资料里都没有完整的答案")
    assert second.buttons[0].payload == "/handoff"
    opened = await ask(payload="/handoff")
    assert "工单 #1" in opened.text


async def test_outside_office_hours_the_user_learns_when_and_the_ticket_waits(ask, services, outbox):
    # the fixed clock stands on Sunday 2026-11-22 10:00 in Shanghai
    services.settings = dataclasses.replace(
        services.settings, office_hours=load_settings({"BOT_OFFICE_HOURS": "Mon-Fri 09:00-17:30"},
                                                      env_file=None).office_hours)
    opened = await ask("转人工")
    assert "非工作时间（工作时间：周一至周五 09:00-17:30）" in opened.text and "2026年11月23日（周一）09:00" in opened.text
    await delivered(services)
    assert "非工作时间提交" in outbox.texts("staff")[0]
    assert (await services.tickets.get(1)).status == "open"
    services.clock.advance(days=1)                                  # Monday 10:00: open
    relayed = await ask("还在吗")
    assert "非工作时间" not in relayed.text


def test_office_hours_are_checked_at_start():
    with pytest.raises(ConfigError, match="^BOT_OFFICE_HOURS must look like 'Mon-Fri 09:00-17:30 Asia/Shanghai'"):
        load_settings({"BOT_OFFICE_HOURS": "weekdays 9 to 5"}, env_file=None)
    with pytest.raises(ConfigError, match="BOT_HANDOFF_TO entries must be platform:id"):
        load_settings({"BOT_HANDOFF_TO": "telegram"}, env_file=None)


async def test_an_open_ticket_survives_a_restart(settings, clock, kb, services, outbox):
    router = Router(services)
    user = Incoming("console", "u1", "u1", text="转人工", display_name="张经理")
    assert "工单 #1" in (await router.handle(user)).text
    await services.delivery.wait()
    services.store.close()

    again = Services(settings=settings, clock=clock, kb=kb, dialogs=Dialogs(clock),
                     store=Store(settings.data_dir))
    again.outboxes["console"] = outbox
    router = Router(again)
    relayed = await router.handle(dataclasses.replace(user, text="我们想了解入驻流程"))
    assert relayed.intent == "handoff" and "工单 #1" in relayed.text
    staff = Incoming("console", "staff", "staff", text="/reply 1 好的，稍后联系您", is_staff=True)
    await router.handle(staff)
    await again.delivery.wait()
    assert outbox.texts("u1")[-1] == f"{STAFF_MARK}\n好的，稍后联系您"
    assert "张经理" in outbox.texts("staff")[-1]
    again.store.close()


@pytest.mark.parametrize("command", ["/console", "/tickets", "/ticket 1", "/broadcast_status"])
async def test_staff_commands_in_a_group_are_refused_there(router, command):
    reply = await router.handle(Incoming("console", "g1", "staff", text=command, is_staff=True, is_group=True))
    assert reply.intent == "staff" and "私聊" in reply.text and "http" not in reply.text, reply.text


async def test_a_group_request_is_sent_to_the_private_chat(router):
    reply = await router.handle(Incoming("console", "g1", "u1", text="转人工", is_group=True))
    assert "私聊" in reply.text


@pytest.fixture
async def alone(tmp_path, clock, kb):
    """A router with no staff set up (no BOT_STAFF, no BOT_HANDOFF_TO): nobody could read a request."""
    settings = load_settings({"BOT_DATA_DIR": str(tmp_path / "alone")}, env_file=None)
    services = Services(settings=settings, clock=clock, kb=kb, dialogs=Dialogs(clock), store=Store(settings.data_dir))
    router = Router(services)

    async def ask(text: str = "", payload: str | None = None):
        return await router.handle(Incoming("console", "u1", "u1", text=text, payload=payload))
    yield ask, services
    services.store.close()


def _promises_a_person(reply) -> bool:
    return ("转人工" in reply.text or "/handoff" in reply.text or "Talk to a person" in reply.text
            or "会在这里回复" in reply.text or "answer you here" in reply.text
            or any(b.payload == "/handoff" for b in reply.buttons))


async def test_with_no_staff_set_up_the_bot_says_so_and_keeps_nothing(alone, caplog):
    ask, services = alone
    reply = await ask("我要投诉 物业太差了")
    assert reply.text.startswith("抱歉，这里没有接通人工服务") and "工单" not in reply.text
    assert "不替您留言" in reply.text and not _promises_a_person(reply)
    assert "/contacts" in [b.payload for b in reply.buttons]          # the next step: the committee's card, the menu
    assert (await ask("小镇面积多大")).intent == "faq"
    assert await services.tickets.waiting() == []
    assert "name no one" in caplog.text


@pytest.mark.parametrize("text", ["火星上有没有银行", "管委会怎么联系", "How do I contact the committee?", "/contacts",
                                  "律师事务所有补贴吗", "/help", "Talk to a person", "上海陆家嘴的税收"])
async def test_with_no_staff_set_up_no_reply_offers_or_promises_a_person(alone, text):
    ask, _ = alone
    reply = await ask(text)
    assert not _promises_a_person(reply), reply.text
    again = await ask(text)                     # a second fallback in a row offers no person either
    assert not _promises_a_person(again), again.text


async def test_with_no_staff_set_up_a_fallback_points_to_the_committee(alone):
    ask, _ = alone
    reply = await ask("火星上有没有银行")
    assert reply.intent == "fallback" and "小镇管委会" in reply.text and "/contacts" in [b.payload for b in reply.buttons]


async def test_with_staff_set_up_every_fallback_and_card_offers_a_person(ask):
    for text in ("火星上有没有银行", "/contacts", "律师事务所有补贴吗"):
        reply = await ask(text)
        assert "/handoff" in [b.payload for b in reply.buttons] and "转人工" in reply.text, reply.text
    assert "/handoff" in (await ask("/help")).text


async def test_with_staff_set_up_but_none_on_duty_the_message_is_kept_for_them(ask, services, caplog):
    reply = await ask("我要投诉 物业太差了")     # BOT_STAFF is console:staff, but no console channel is served
    assert reply.text.startswith("现在没有值班的工作人员在线。") and "工单 #1" in reply.text and "保存" in reply.text
    kept = await ask("我们在英蓝中心 3 楼，电话请回 0571-0000")
    assert kept.text.startswith("已保存您的留言（工单 #1）") and "没有值班" in kept.text
    [ticket] = await services.tickets.waiting()
    said = [e.text for e in ticket.history if e.role == "user"]
    assert said == ["我要投诉 物业太差了", "我们在英蓝中心 3 楼，电话请回 0571-0000"]         # exactly as typed
    listing = await ask("/tickets", staff=True)
    assert "#1 u1" in listing.text and "0571-0000" in listing.text
    assert "ticket 1 waits for /tickets" in caplog.text
    ended = await ask("算了 结束吧")
    assert "已结束人工服务" in ended.text and (await services.tickets.get(1)).status == "closed"
    listing = await ask("/tickets", staff=True)          # the message left is still the staff's to answer
    assert "#1 u1" in listing.text and "0571-0000（留言未回复，用户已结束）" in listing.text
    assert "已发送给" in (await ask("/reply 1 已收到，明天联系您", staff=True)).text
    assert (await ask("/tickets", staff=True)).text == "当前没有待处理的工单。"


async def test_a_several_part_message_in_a_ticket_reaches_staff_once_as_typed(ask, services, outbox):
    await ask("转人工")
    await delivered(services)
    typed = "小镇在哪 管委会电话多少"
    relayed = await ask(typed)
    assert relayed.intent == "handoff" and "工单 #1" in relayed.text
    await delivered(services)
    kept = [t for t in outbox.texts("staff") if t.startswith("【工单 #1】")]
    assert len(kept) == 1 and kept[0].startswith(f"【工单 #1】u1（控制台 u1）留言：\n{typed}\n")
    assert (await ask("/ticket 1", staff=True)).text.count(typed) == 1


async def test_staff_can_clear_a_ticket_its_user_ended_unanswered(ask, services, outbox):
    await ask("转人工")                           # BOT_STAFF is console:staff, but no console channel is served
    await ask("算了 结束吧")
    assert "#1 u1" in (await ask("/tickets", staff=True)).text
    assert (await ask("/close 1", staff=True)).text == "工单 #1 已结束。"
    await delivered(services)
    assert (await ask("/tickets", staff=True)).text == "当前没有待处理的工单。"
    assert not any("已结束本次人工服务" in t for t in outbox.texts("u1"))
    assert "没有待处理" in (await ask("/close 1", staff=True)).text
