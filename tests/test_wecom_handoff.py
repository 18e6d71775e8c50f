"""A person behind the bot on WeCom, end to end with encrypted callbacks and the fake WeCom API: 微信客服
sessions handed over with kf/service_state/trans, and tickets for members of the self-built app."""
from __future__ import annotations

import pytest

from handlers.handoff import STAFF_MARK
from tests.fakes.wecom_server import BOT, PERSON, POOL
from tests.test_wecom import KF, Harness, kf_callback

CUSTOMER = "wmCustomer1"
CHAT = f"{KF}:{CUSTOMER}"


@pytest.fixture
async def start(tmp_path, kb, clock, wecom, fake_time):
    """start(**env) → a running Harness with WECOM_KF_SERVICERS=lisi,wangwu and any further settings."""
    running: list[Harness] = []

    async def _start(**env: str) -> Harness:
        harness = await Harness(tmp_path, kb, clock, wecom, fake_time, WECOM_KF_SERVICERS="lisi,wangwu",
                                **env).start()
        running.append(harness)
        return harness

    yield _start
    for harness in running:
        await harness.stop()


async def customer_says(env: Harness, text: str) -> None:
    env.wecom.kf_customer_message(KF, CUSTOMER, text)
    await kf_callback(env)


def texts(env: Harness, path: str) -> list[str]:
    """What reached the customer through `path`, as text (a msgmenu by its head)."""
    return [b["text"]["content"] if b["msgtype"] == "text" else b["msgmenu"]["head_content"]
            for b in env.wecom.sent_to(path) if b.get("touser", CUSTOMER) == CUSTOMER]


def trans_requests(env: Harness) -> list[tuple[int, str]]:
    return [(b["service_state"], b.get("servicer_userid", "")) for p, b in env.wecom.requests
            if p == "kf/service_state/trans"]


async def test_kf_handoff_to_a_servicer_then_silence_then_service_after_the_end(start):
    env = await start()
    env.wecom.servicers.update(lisi=True)
    await customer_says(env, "小镇面积多大")
    assert env.wecom.kf_state(KF, CUSTOMER) == BOT
    await customer_says(env, "转人工")
    assert trans_requests(env) == [(PERSON, "lisi")]
    assert env.wecom.kf_state(KF, CUSTOMER) == PERSON
    [told] = texts(env, "kf/send_msg_on_event")               # with the msg_code the trans returned
    assert told.startswith("已为您转接管委会工作人员")
    answered = len(env.wecom.sent_to("kf/send_msg"))

    await customer_says(env, "运河财富小镇在哪里？")             # a person serves: the bot keeps quiet
    assert len(env.wecom.sent_to("kf/send_msg")) == answered
    assert [p for p, _ in env.wecom.requests].count("kf/service_state/get") == 1

    env.wecom.kf_end_session(KF, CUSTOMER)                     # session_status_change, change_type 3
    await customer_says(env, "运河财富小镇在哪里？")
    assert "大关路" in texts(env, "kf/send_msg")[-1]


async def test_kf_servicer_not_on_duty_falls_back_to_the_pool_and_the_customer_is_told(start, caplog):
    env = await start()
    env.wecom.servicers.update(lisi=False)                     # 95018; wangwu is no servicer at all: 95014
    await customer_says(env, "我要找人工客服")
    assert trans_requests(env) == [(PERSON, "lisi"), (PERSON, "wangwu"), (POOL, "")]
    assert env.wecom.kf_state(KF, CUSTOMER) == POOL
    assert texts(env, "kf/send_msg_on_event") == ["值班的工作人员暂时都不能接待，已为您转入人工排队，"
                                                  "工作人员接入后会在这里直接回复您。"]
    assert "errcode 95018" in caplog.text and "errcode 95014" in caplog.text

    await customer_says(env, "还要等多久")                       # waiting in the pool: quiet
    env.wecom.kf_servicer_takes(KF, CUSTOMER, "lisi")
    await customer_says(env, "你好")                             # a person took it: still quiet
    assert env.wecom.sent_to("kf/send_msg") == []
    env.wecom.kf_end_session(KF, CUSTOMER)
    await customer_says(env, "小镇面积多大")
    assert len(env.wecom.sent_to("kf/send_msg")) == 1


async def test_kf_the_next_servicer_is_tried(start):
    env = await start()
    env.wecom.servicers.update(lisi=False, wangwu=True)
    await customer_says(env, "人工")
    assert trans_requests(env) == [(PERSON, "lisi"), (PERSON, "wangwu")]
    assert env.wecom.kf_state(KF, CUSTOMER) == PERSON


async def test_kf_silence_survives_a_restart_and_entering_anew_brings_the_bot_back(start):
    env = await start()
    env.wecom.servicers.update(lisi=True)
    await customer_says(env, "转人工")
    await env.restart()
    await customer_says(env, "小镇面积多大")
    env.wecom.kf_enter_session(KF, CUSTOMER)         # re-entering while a person serves: no welcome
    await kf_callback(env)
    assert env.wecom.sent_to("kf/send_msg") == [] and len(env.wecom.sent_to("kf/send_msg_on_event")) == 1
    env.wecom.kf_end_session(KF, CUSTOMER)
    code = env.wecom.kf_enter_session(KF, CUSTOMER)   # the end event and the new entry come in one pull
    await kf_callback(env)
    assert env.wecom.sent_to("kf/send_msg_on_event")[-1]["code"] == code
    await customer_says(env, "小镇面积多大")
    assert len(env.wecom.sent_to("kf/send_msg")) == 1


async def test_kf_outside_office_hours_goes_to_the_pool_with_the_next_opening(start):
    env = await start(BOT_OFFICE_HOURS="Mon-Fri 09:00-17:30 Asia/Shanghai")    # the clock: Sunday 10:00
    env.wecom.servicers.update(lisi=True)
    await customer_says(env, "有没有人工客服")
    assert trans_requests(env) == [(POOL, "")]
    [told] = texts(env, "kf/send_msg_on_event")
    assert told.startswith("已为您转入人工排队") and "2026年11月23日（周一）09:00" in told


async def test_kf_when_even_the_pool_refuses_a_ticket_keeps_the_request(start):
    env = await start()
    env.wecom.fail("kf/service_state/trans", errcode=95016, times=3)
    await customer_says(env, "转人工")
    assert "工单 #1" in texts(env, "kf/send_msg")[-1]
    await env.svc.delivery.wait()
    [notice] = [b["text"]["content"] for b in env.wecom.sent_to("message/send") if b["touser"] == "boss"]
    assert notice.startswith("【转人工 #1】") and "微信客服" in notice


# ---- the self-built app: a ticket ----------------------------------------------------------------------

async def test_app_member_ticket_staff_reply_and_close(start):
    env = await start()
    _, opened = await env.say("转人工", user="zhangsan")
    assert "工单 #1" in opened["Content"]
    await env.svc.delivery.wait()
    [notice] = [b["text"]["content"] for b in env.wecom.sent_to("message/send") if b["touser"] == "boss"]
    assert notice.startswith("【转人工 #1】zhangsan（企业微信 zhangsan）")

    _, ack = await env.say("我们想咨询入驻流程", user="zhangsan")
    assert "工单 #1" in ack["Content"] and "入驻" not in ack["Content"]

    _, refused = await env.say("/reply 1 冒充", user="lisi")
    assert refused["Content"] == "抱歉，该功能仅限小镇管委会工作人员使用。"
    _, sent = await env.say("/reply 1 您好，入驻请带营业执照（复印件）。", user="boss")
    assert "已发送给" in sent["Content"]
    await env.svc.delivery.wait()
    to_user = [b["text"]["content"] for b in env.wecom.sent_to("message/send") if b["touser"] == "zhangsan"]
    assert to_user == [f"{STAFF_MARK}\n您好，入驻请带营业执照（复印件）。"]

    await env.say("/close 1", user="boss")
    _, answer = await env.say("小镇面积多大", user="zhangsan")
    assert "工单" not in answer["Content"] and "来源" in answer["Content"]
