"""End to end over real HTTP on 127.0.0.1: wechatpy plays WeCom and encrypts the callbacks, the product's
aiohttp server answers, the fake WeCom API records what the product sends actively."""
from __future__ import annotations

import asyncio
import base64
import json
import os

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from bot.inbound import BUSY
from bot.outbox import RecipientGone, SendError
from bot.channels.wecom.channel import WeComChannel
from bot.channels.wecom.state import MAX_IDS
from bot.config import load_settings
from bot.dialogs import Dialogs
from bot.messages import Button, Reply
from bot.router import ROUTES, Route, Router
from bot.services import Services
from bot.store import Store
from tests.fakes.wecom_callbacks import CallbackSender, FakeTime, new_aes_key
from tests.fakes.wecom_server import FakeWeCom

TOKEN, KF = "callbackToken123", "wkFakeKf0001"
LONG = "运河财富小镇" * 200            # 3600 bytes: more than one WeCom text message


class Harness:
    """The product's WeCom channel on a test HTTP server, the fake WeCom API, and WeCom's callback side."""

    def __init__(self, tmp_path, kb, clock, wecom: FakeWeCom, time: FakeTime, **env: str):
        self.kb, self.clock, self.wecom, self.time = kb, clock, wecom, time
        self.gate = asyncio.Event()
        aes_key = new_aes_key()
        self.settings = load_settings({
            "BOT_DATA_DIR": str(tmp_path / "data"), "BOT_STAFF": "wecom:boss",
            "WECOM_CORP_ID": wecom.corp_id, "WECOM_AGENT_ID": "1000002", "WECOM_SECRET": wecom.secret,
            "WECOM_TOKEN": TOKEN, "WECOM_AES_KEY": aes_key, "WECOM_KF_OPEN_KFIDS": KF,
            "WECOM_API_BASE_URL": wecom.base_url, **env}, env_file=None)
        self.side = CallbackSender(TOKEN, aes_key, wecom.corp_id)
        self.msg_ids = iter(range(10**6, 10**7))

    async def start(self, reply_within: float = 2.0) -> "Harness":
        async def slow(svc, msg):
            await self.gate.wait()
            return Reply("慢慢想好的答案", intent="faq", confidence=1.0)

        async def long(svc, msg):
            return Reply(LONG, intent="faq", confidence=1.0, buttons=[Button("常见问题", "/faq")])

        svc = Services(settings=self.settings, clock=self.clock, kb=self.kb,
                       dialogs=Dialogs(self.clock), store=Store(self.settings.data_dir))
        router = Router(svc, ROUTES + (Route("command", "slow", slow), Route("command", "long", long)))
        http = web.Application()
        self.channel = WeComChannel(self.settings, router, http, now=self.time.now, sleep=self.time.sleep,
                                    reply_within=reply_within, api_backoff=0.0)
        self.svc, self.outboxes, self.store = svc, svc.outboxes, svc.store
        self.client = TestClient(TestServer(http))
        await self.client.start_server()
        await self.channel.start()
        return self

    async def stop(self) -> None:
        await self.svc.delivery.stop()
        await self.channel.stop()
        await self.client.close()
        self.store.close()

    async def restart(self) -> None:
        await self.stop()
        await self.start()

    def stamp(self, offset: float = 0) -> str:
        return str(int(self.time.now() + offset))

    async def post(self, inner_xml: str, offset: float = 0):
        params, body = self.side.seal(inner_xml, self.stamp(offset))
        return await self.client.post("/wecom/callback", params=params, data=body)

    async def say(self, text: str, user: str = "zhangsan", msg_id: str | None = None) -> tuple[int, dict | None]:
        """Posts a text callback; returns (status, decrypted passive reply or None for an empty ack)."""
        resp = await self.post(self.side.text(user, text, msg_id or str(next(self.msg_ids))))
        body = await resp.text()
        return resp.status, (self.side.open_reply(body) if body else None)


@pytest.fixture
async def env(tmp_path, kb, clock, wecom, fake_time):
    harness = await Harness(tmp_path, kb, clock, wecom, fake_time).start()
    yield harness
    await harness.stop()


# ---- the self-built app -----------------------------------------------------------------------------------

async def test_url_verification_echoes_the_decrypted_echostr(env):
    resp = await env.client.get("/wecom/callback", params=env.side.verify_params("echo-4711", env.stamp()))
    assert resp.status == 200
    assert await resp.text() == "echo-4711"


async def test_url_verification_with_a_wrong_signature_is_refused(env):
    params = {**env.side.verify_params("echo-4711", env.stamp()), "msg_signature": "0" * 40}
    resp = await env.client.get("/wecom/callback", params=params)
    assert resp.status == 403
    assert "echo-4711" not in await resp.text()


async def test_text_question_is_answered_passively_with_an_encrypted_reply(env):
    status, reply = await env.say("运河财富小镇在哪里？")
    assert status == 200
    assert reply["MsgType"] == "text"
    assert reply["ToUserName"] == "zhangsan" and reply["FromUserName"] == env.wecom.corp_id
    assert "大关路" in reply["Content"] and "来源：小镇简介" in reply["Content"]
    assert env.wecom.sent == []                      # nothing needed sending actively


async def test_buttons_become_numbered_choices_answered_by_number(env):
    _, menu = await env.say("/start")
    assert "1. 常见问题" in menu["Content"] and "回复序号" in menu["Content"]
    _, categories = await env.say("1")
    assert categories["Content"].startswith("常见问题分类")


async def test_slow_answer_is_acknowledged_then_sent_actively(tmp_path, kb, clock, wecom, fake_time):
    env = await Harness(tmp_path, kb, clock, wecom, fake_time).start(reply_within=0.05)
    try:
        status, reply = await env.say("/slow", user="lisi")
        assert (status, reply) == (200, None)         # acknowledged within WeCom's 5 seconds
        assert env.wecom.sent == []
        env.gate.set()
        await env.channel.idle()
        [sent] = env.wecom.sent_to("message/send")
        assert sent["touser"] == "lisi" and sent["agentid"] == 1000002
        assert sent["text"]["content"] == "慢慢想好的答案"
    finally:
        await env.stop()


async def test_long_answer_is_split_and_sent_actively_in_order(env):
    status, reply = await env.say("/long")
    assert (status, reply) == (200, None)
    await env.channel.idle()
    parts = [s["text"]["content"] for s in env.wecom.sent_to("message/send")]
    assert len(parts) == 2 and all(len(p.encode()) <= 2048 for p in parts)
    assert "".join(parts).startswith(LONG) and "1. 常见问题" in parts[-1]


async def test_same_msgid_three_times_gets_one_reply_even_across_a_restart(env):
    first = await env.say("小镇面积多大", msg_id="777")
    again = [await env.say("小镇面积多大", msg_id="777") for _ in range(2)]
    assert first[0] == 200 and "3.3" in first[1]["Content"]
    assert again == [(200, None), (200, None)]
    await env.restart()
    assert await env.say("小镇面积多大", msg_id="777") == (200, None)
    assert env.wecom.sent == []
    assert (await env.say("小镇面积多大", msg_id="778"))[1] is not None     # a new message is answered


async def test_a_byte_identical_replay_is_not_answered_while_its_timestamp_would_be_accepted(env):
    start = env.time.t
    params, body = env.side.seal(env.side.text("zhangsan", "/subscribe", "880"), env.stamp(offset=290))
    first = await env.client.post("/wecom/callback", params=params, data=body)
    assert first.status == 200 and await first.text()
    for later in (130, 300, 580):                  # the signed timestamp is accepted until 590 s from now
        env.time.t = start + later
        again = await env.client.post("/wecom/callback", params=params, data=body)
        assert (again.status, await again.text()) == (200, "")
    env.time.t = start + 591
    late = await env.client.post("/wecom/callback", params=params, data=body)
    assert late.status == 403 and env.wecom.sent == []


async def test_a_full_store_of_kf_ids_after_a_restart_still_lets_app_messages_be_answered_once(
        tmp_path, kb, clock, wecom, fake_time):
    env = Harness(tmp_path, kb, clock, wecom, fake_time)
    held = {f"kf:msg{i}": fake_time.now() + 3 * 86400 for i in range(MAX_IDS)}
    env.settings.data_dir.mkdir(parents=True, exist_ok=True)
    (env.settings.data_dir / "wecom_state.json").write_text(json.dumps({"kf_cursors": {}, "ids": held}))
    await env.start()
    try:
        for msg_id in ("901", "902", "903"):
            status, reply = await env.say("小镇面积多大", msg_id=msg_id)
            assert status == 200 and "3.3" in reply["Content"]
            assert await env.say("小镇面积多大", msg_id=msg_id) == (200, None)
        await env.restart()
        assert [await env.say("小镇面积多大", msg_id=m) for m in ("901", "902", "903")] == [(200, None)] * 3
        assert env.channel.state.seen(f"kf:msg{MAX_IDS - 1}")
    finally:
        await env.stop()


async def test_a_callback_whose_claim_cannot_be_saved_gets_a_503_and_its_retry_is_answered(env, caplog):
    journal = env.channel.state.journal
    journal.unlink(missing_ok=True)
    journal.mkdir()                                  # the claim cannot be written
    resp = await env.post(env.side.text("zhangsan", "小镇面积多大", "990"))
    assert resp.status == 503 and "saving" in caplog.text and "Traceback" not in caplog.text
    journal.rmdir()
    status, reply = await env.say("小镇面积多大", msg_id="990")
    assert status == 200 and "3.3" in reply["Content"]


@pytest.mark.parametrize("typed, chosen", [("２", True), ("²", True), ("١", False), ("𝟚", True)])
async def test_choices_take_ascii_and_full_width_digits_and_other_digits_as_text(env, caplog, typed, chosen):
    await env.say("/start")
    _, second = await env.say("2")
    await env.say("/start")
    status, reply = await env.say(typed)
    assert status == 200 and (reply["Content"] == second["Content"]) == chosen
    assert "Traceback" not in caplog.text


async def test_staff_flag_comes_from_bot_staff(env):
    _, refused = await env.say("/unanswered", user="zhangsan")
    _, allowed = await env.say("/unanswered", user="boss")
    assert "仅限" in refused["Content"] and "仅限" not in allowed["Content"]


async def test_subscribe_event_gets_the_welcome_and_enter_agent_gets_nothing(env):
    resp = await env.post(env.side.event("wangwu", "subscribe"))
    assert "企业服务助手" in env.side.open_reply(await resp.text())["Content"]
    resp = await env.post(env.side.event("wangwu", "enter_agent", create_time=1764000001))
    assert resp.status == 200 and await resp.text() == ""


async def test_token_expiry_mid_run_is_refreshed_and_the_send_succeeds(env):
    app = env.outboxes["wecom"]
    await app.send("zhangsan", Reply("第一条", intent="help"))
    env.wecom.expire_tokens()
    await app.send("zhangsan", Reply("第二条", intent="help"))
    env.wecom.fail("message/send", errcode=40014)
    await app.send("zhangsan", Reply("第三条", intent="help"))
    assert [s["text"]["content"] for s in env.wecom.sent_to("message/send")] == ["第一条", "第二条", "第三条"]
    assert env.wecom.token_requests == 3


async def test_concurrent_sends_share_one_token_refresh(env):
    app = env.outboxes["wecom"]
    await asyncio.gather(*(app.send(f"user{i}", Reply("通知", intent="help")) for i in range(10)))
    assert env.wecom.token_requests == 1 and len(env.wecom.sent) == 10


async def test_system_busy_and_5xx_are_retried_a_bounded_number_of_times(env):
    app = env.outboxes["wecom"]
    env.wecom.fail("message/send", errcode=-1)
    env.wecom.fail("message/send", status=502)
    await app.send("zhangsan", Reply("重试后送达", intent="help"))
    assert len(env.wecom.sent) == 1
    env.wecom.fail("message/send", status=503, times=3)
    with pytest.raises(SendError) as failure:
        await app.send("zhangsan", Reply("送不到", intent="help"))
    assert not failure.value.permanent and len(env.wecom.sent) == 1
    assert len([p for p, _ in env.wecom.requests if p == "message/send"]) == 6


async def test_user_not_found_raises_recipient_gone(env):
    env.wecom.gone.add("left-the-company")
    with pytest.raises(RecipientGone):
        await env.outboxes["wecom"].send("left-the-company", Reply("通知", intent="help"))


async def test_per_member_limit_queues_instead_of_losing(env):
    """WeCom silently drops a member's 31st message within a minute; the outbox waits for a slot instead."""
    start = env.time.now()
    await asyncio.gather(*(env.outboxes["wecom"].send("zhangsan", Reply(f"第{i}条", intent="help")) for i in range(35)))
    assert len(env.wecom.sent) == 35 and env.wecom.dropped == []
    assert [s["text"]["content"] for s in env.wecom.sent_to("message/send")] == [f"第{i}条" for i in range(35)]
    assert env.time.now() - start >= 60


async def test_hourly_member_limit_also_paces(env):
    app = env.outboxes["wecom"]
    start = env.time.now()
    for i in range(1001):
        await app.send("zhangsan", Reply(str(i), intent="help"))
    assert len(env.wecom.sent) == 1001 and env.wecom.dropped == []
    assert env.time.now() - start >= 3600


async def test_kf_outbox_and_app_outbox_are_registered(env):
    assert {"wecom", "wecom_kf"} <= set(env.outboxes)


# ---- bad input: a clear 4xx, logged, and the server keeps working ---------------------------------------

def _raw_ciphertext(env, plain: bytes) -> str:
    key = base64.b64decode(env.side.aes_key + "=")
    encryptor = Cipher(algorithms.AES(key), modes.CBC(key[:16])).encryptor()
    return base64.b64encode(encryptor.update(plain) + encryptor.finalize()).decode()


def _bad_padding(env) -> str:
    return _raw_ciphertext(env, os.urandom(63) + b"\x00")


def _no_receive_id_room(env) -> str:
    return _raw_ciphertext(env, os.urandom(16) + b"\x00\x00\x10\x00" + b"x" * 11 + bytes([1]))


BILLION_LAUGHS = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
                  '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
                  '<xml><Encrypt>&lol2;</Encrypt></xml>')
BOGUS_ENCODING = b'<?xml version="1.0" encoding="x-bogus"?><xml/>'
EXTERNAL_ENTITY = ('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
                   '<xml><Encrypt>&xxe;</Encrypt></xml>')


async def _post_encrypt(env, encrypt: str, offset: float = 0):
    params = env.side.signed(encrypt, env.stamp(offset))
    return await env.client.post("/wecom/callback", params=params, data=f"<xml><Encrypt>{encrypt}</Encrypt></xml>")


@pytest.mark.parametrize("case, status", [
    ("wrong signature", 403), ("stale timestamp", 403), ("future timestamp", 403), ("wrong corp id", 403),
    ("bad base64", 400), ("bad padding", 400), ("truncated plaintext", 400), ("malformed outer XML", 400),
    ("malformed inner XML", 400), ("no Encrypt", 400), ("entity expansion", 400), ("external entity", 400),
    ("inner DTD", 400), ("oversized body", 413), ("no query", 403), ("bogus outer encoding", 400),
    ("bogus inner encoding", 400), ("codec that is no text encoding", 400),
    ("Arabic-Indic timestamp", 403), ("full-width timestamp", 403), ("superscript timestamp", 403),
])
async def test_bad_callbacks_get_a_4xx_and_nothing_breaks(env, case, status, caplog):
    other = CallbackSender(TOKEN, env.side.aes_key, "wwSomeOtherCorp")
    good = env.side.text("zhangsan", "小镇在哪", "1")
    post = env.client.post
    if case == "wrong signature":
        params, body = env.side.seal(good, env.stamp())
        resp = await post("/wecom/callback", params={**params, "msg_signature": "f" * 40}, data=body)
    elif case in ("stale timestamp", "future timestamp"):
        resp = await env.post(good, offset=-301 if case.startswith("stale") else 301)
    elif case == "wrong corp id":
        params, body = other.seal(good, env.stamp())
        resp = await post("/wecom/callback", params=params, data=body)
    elif case == "bad base64":
        resp = await _post_encrypt(env, "not*base64!")
    elif case == "bad padding":
        resp = await _post_encrypt(env, _bad_padding(env))
    elif case == "truncated plaintext":
        resp = await _post_encrypt(env, _no_receive_id_room(env))
    elif case == "malformed outer XML":
        params, _ = env.side.seal(good, env.stamp())
        resp = await post("/wecom/callback", params=params, data=b"<xml><Encrypt>abc</Encr")
    elif case == "malformed inner XML":
        resp = await _post_encrypt(env, env.side.encrypt("<xml><Content>unclosed</xml"))
    elif case == "no Encrypt":
        resp = await post("/wecom/callback", params=env.side.signed("", env.stamp()), data=b"<xml><A>1</A></xml>")
    elif case == "entity expansion":
        resp = await post("/wecom/callback", params=env.side.signed("x", env.stamp()), data=BILLION_LAUGHS)
    elif case == "external entity":
        resp = await post("/wecom/callback", params=env.side.signed("x", env.stamp()), data=EXTERNAL_ENTITY)
    elif case == "inner DTD":
        resp = await _post_encrypt(env, env.side.encrypt(BILLION_LAUGHS))
    elif case == "bogus outer encoding":
        resp = await post("/wecom/callback", params=env.side.signed("x", env.stamp()), data=BOGUS_ENCODING)
    elif case == "bogus inner encoding":
        resp = await _post_encrypt(env, env.side.encrypt(BOGUS_ENCODING.decode()))
    elif case == "codec that is no text encoding":
        resp = await _post_encrypt(env, env.side.encrypt('<?xml version="1.0" encoding="rot13"?><xml/>'))
    elif case.endswith("timestamp"):
        digits = {"Arabic-Indic": "٠١٢٣٤٥٦٧٨٩", "full-width": "０１２３４５６７８９", "superscript": "⁰¹²³⁴⁵⁶⁷⁸⁹"}
        stamp = env.stamp().translate(str.maketrans("0123456789", digits[case.split()[0]]))
        encrypt = env.side.encrypt(good)
        resp = await post("/wecom/callback", params=env.side.signed(encrypt, stamp),
                          data=f"<xml><Encrypt>{encrypt}</Encrypt></xml>")
    elif case == "oversized body":
        resp = await post("/wecom/callback", params=env.side.signed("x", env.stamp()), data=b"<xml>" + b"a" * 70_000)
    else:
        resp = await post("/wecom/callback", data=env.side.seal(good, env.stamp())[1])
    assert resp.status == status
    assert caplog.text.count("wecom callback refused") == 1 and "Traceback" not in caplog.text
    assert env.wecom.sent == []
    code, reply = await env.say("小镇面积多大")               # the server still answers
    assert code == 200 and "3.3" in reply["Content"]


# ---- 微信客服 ----------------------------------------------------------------------------------------------

async def kf_callback(env, token: str = "syncToken1"):
    resp = await env.post(env.side.kf_event(KF, token))
    assert (resp.status, await resp.text()) == (200, "")
    await env.channel.idle()


async def test_kf_event_pulls_the_message_and_answers_it(env):
    env.wecom.kf_customer_message(KF, "wmCustomer1", "运河财富小镇在哪里？")
    await kf_callback(env, token="tokenFromCallback")
    [sync] = [b for p, b in env.wecom.requests if p == "kf/sync_msg"]
    assert sync["token"] == "tokenFromCallback" and sync["open_kfid"] == KF and "cursor" not in sync
    [sent] = env.wecom.sent_to("kf/send_msg")
    assert sent["touser"] == "wmCustomer1" and sent["open_kfid"] == KF and sent["msgtype"] == "text"
    assert "大关路" in sent["text"]["content"] and "来源：" in sent["text"]["content"]


async def test_kf_cursor_survives_a_restart_so_nothing_is_answered_twice_or_skipped(env):
    env.wecom.kf_customer_message(KF, "wmCustomer1", "小镇面积多大")
    await kf_callback(env)
    await env.restart()
    env.wecom.kf_customer_message(KF, "wmCustomer2", "运河财富小镇在哪里？")   # arrives while we restart
    await env.channel.idle()                                                 # start-up resumes the pull
    syncs = [b for p, b in env.wecom.requests if p == "kf/sync_msg"]
    assert syncs[-1]["cursor"] == "1"
    await kf_callback(env)                                                   # a late callback changes nothing
    answered = [s["touser"] for s in env.wecom.sent_to("kf/send_msg")]
    assert answered == ["wmCustomer1", "wmCustomer2"]


async def test_kf_message_pulled_again_after_a_lost_cursor_is_not_answered_twice(env):
    env.wecom.kf_customer_message(KF, "wmCustomer1", "小镇面积多大")
    await kf_callback(env)
    env.channel.state.set_cursor(KF, "")            # as if we crashed after answering, before saving the cursor
    await kf_callback(env)
    assert len(env.wecom.sent_to("kf/send_msg")) == 1


async def test_kf_pulls_every_page(env):
    env.wecom.kf_page = 2
    for i in range(5):
        env.wecom.kf_customer_message(KF, f"wmCustomer{i}", "小镇面积多大")
    await kf_callback(env)
    assert [s["touser"] for s in env.wecom.sent_to("kf/send_msg")] == [f"wmCustomer{i}" for i in range(5)]
    assert [b.get("cursor") for p, b in env.wecom.requests if p == "kf/sync_msg"] == [None, "2", "4"]
    assert env.channel.state.cursor(KF) == "5"


async def test_kf_first_sync_does_not_answer_old_history(env):
    env.wecom.kf_customer_message(KF, "wmOld", "三天前的问题", send_time=env.time.now() - 2 * 86400)
    env.wecom.kf_customer_message(KF, "wmNew", "小镇面积多大")
    await kf_callback(env)
    assert [s["touser"] for s in env.wecom.sent_to("kf/send_msg")] == ["wmNew"]


async def test_kf_enter_session_welcome_is_a_msgmenu_and_a_click_comes_back_as_payload(env):
    code = env.wecom.kf_enter_session(KF, "wmCustomer1")
    await kf_callback(env)
    [welcome] = env.wecom.sent_to("kf/send_msg_on_event")
    assert welcome["code"] == code and welcome["msgtype"] == "msgmenu"
    items = {i["click"]["content"]: i["click"]["id"] for i in welcome["msgmenu"]["list"]}
    assert items["常见问题"] == "/faq"
    env.wecom.kf_customer_message(KF, "wmCustomer1", "常见问题", menu_id=items["常见问题"])
    await kf_callback(env)
    [answer] = env.wecom.sent_to("kf/send_msg")
    assert answer["msgtype"] == "msgmenu" and answer["msgmenu"]["head_content"].startswith("常见问题分类")


async def test_kf_reply_window_limits_are_respected(env):
    kf = env.outboxes["wecom_kf"]
    env.wecom.kf_customer_message(KF, "wmCustomer1", "小镇面积多大")
    await kf_callback(env)                                               # answer no. 1
    for i in range(4):
        await kf.send(f"{KF}:wmCustomer1", Reply(f"补充{i}", intent="help"))             # answers no. 2-5
    with pytest.raises(SendError) as sixth:
        await kf.send(f"{KF}:wmCustomer1", Reply("第六条", intent="help"))
    assert sixth.value.permanent and len(env.wecom.sent_to("kf/send_msg")) == 5
    env.wecom.kf_customer_message(KF, "wmCustomer2", "小镇面积多大")
    await kf_callback(env)
    env.time.t += 49 * 3600
    with pytest.raises(SendError):
        await kf.send(f"{KF}:wmCustomer2", Reply("两天后", intent="help"))
    assert len(env.wecom.sent_to("kf/send_msg")) == 6       # refused locally: no request was made


async def test_kf_gone_customer_raises_recipient_gone(env):
    env.wecom.gone.add("wmDeleted")
    with pytest.raises(RecipientGone):
        await env.outboxes["wecom_kf"].send(f"{KF}:wmDeleted", Reply("通知", intent="help"))


async def test_kf_event_for_an_unconfigured_account_is_ignored(env, caplog):
    resp = await env.post(env.side.kf_event("wkSomeoneElse", "t"))
    await env.channel.idle()
    assert resp.status == 200 and "not in WECOM_KF_OPEN_KFIDS" in caplog.text
    assert not [p for p, _ in env.wecom.requests if p == "kf/sync_msg"]


async def test_a_full_inbound_queue_answers_busy_at_once_and_once_per_user(env, caplog):
    env.channel.inbound.depth = env.channel.inbound.limit                  # as many answers under way as allowed
    status, reply = await env.say("运河财富小镇在哪里？")
    assert status == 200 and reply["Content"] == BUSY
    status, again = await env.say("小镇多大")                              # the same user within the window: no repeat
    assert status == 200 and again is None
    assert sum("inbound queue full" in r.getMessage() for r in caplog.records) == 1
    env.channel.inbound.depth = env.channel.inbound.limit // 2 + 1
    env.channel.inbound.leave()                                             # drained to half: answers again
    assert not env.channel.inbound.shedding
    status, answered = await env.say("运河财富小镇在哪里？", user="lisi")
    assert "大关路" in answered["Content"]


async def test_english_is_decided_in_the_core_on_the_app_and_in_kf(env):
    _, reply = await env.say("Where is 运河财富小镇?")
    assert "Gongshu" in reply["Content"] and "Sources: Town profile" in reply["Content"]
    _, menu = await env.say("/start")                       # the user's language answers a command
    assert menu["Content"].startswith("Hello!") and "1. FAQ" in menu["Content"] and "Reply with a number" in menu["Content"]
    env.wecom.kf_customer_message(KF, "wmCustomer2", "What is the total planned area of Canal Wealth Town?")
    await kf_callback(env, token="tokenFromCallback")
    [sent] = env.wecom.sent_to("kf/send_msg")
    assert "3.3" in sent["text"]["content"] and "Sources:" in sent["text"]["content"]
