"""The WeCom building blocks on their own: protocol interop with wechatpy, rendering within WeCom's byte
limits, pacing, the API client's token rules, and channel wiring."""
from __future__ import annotations

import random

import pytest
import xmltodict
from aiohttp import web
from wechatpy.crypto import _get_signature
from wechatpy.enterprise.crypto import PrpCrypto, WeChatCrypto

from bot.app import make_channels
from bot.outbox import SendError
from bot.channels.pacing import Pacer
from bot.channels.wecom.api import ApiError, WeComApi
from bot.channels.wecom.crypto import CallbackError, WeComCrypto, parse_xml, to_xml
from bot.channels.wecom.render import kf_messages, split_bytes
from bot.config import ConfigError, load_settings
from bot.messages import Button, Reply
from bot.router import Router
from tests.fakes.wecom_callbacks import FakeTime, new_aes_key
from tests.fakes.wecom_server import FakeWeCom

CORP = "wwcorp0001"


@pytest.fixture
def keys():
    aes_key = new_aes_key()
    return WeComCrypto("tok", aes_key, CORP), WeChatCrypto("tok", aes_key, CORP), aes_key


# ---- protocol ---------------------------------------------------------------------------------------------

def test_signature_matches_wechatpy(keys):
    ours, _, _ = keys
    assert ours.signature("1764000000", "abc", "ENCRYPTED") == _get_signature("tok", "1764000000", "abc",
                                                                               "ENCRYPTED")


def test_wechatpy_ciphertext_decrypts_and_ours_decrypts_in_wechatpy(keys):
    ours, theirs, _ = keys
    message = "<xml><Content>运河财富小镇 " + "x" * 100 + "</Content></xml>"
    assert ours.decrypt(PrpCrypto(theirs.key).encrypt(message, CORP).decode()) == message.encode()
    assert PrpCrypto(theirs.key).decrypt(ours.encrypt(message.encode()), CORP) == message


def test_sealed_reply_escapes_what_would_break_xml(keys):
    ours, theirs, _ = keys
    text = "a < b && c ]]> d\x07 e"
    sealed = ours.seal(to_xml({"MsgType": "text", "Content": text}), "1764000000", "nonce1")
    envelope = xmltodict.parse(sealed)["xml"]
    plain = theirs.decrypt_message(sealed, envelope["MsgSignature"], envelope["TimeStamp"], envelope["Nonce"])
    assert xmltodict.parse(plain)["xml"]["Content"] == "a < b && c ]]> d e"


@pytest.mark.parametrize("value, text", [
    ("wwcorp0001", "wwcorp0001"), (1764000000, "1764000000"), ("小镇在哪\n大关路", "小镇在哪\n大关路"),
    ("a<b>&c", "a&lt;b&gt;&amp;c"), ("bell\x07 and \ufffe gone", "bell and  gone"), ("<\x00>", "&lt;&gt;"),
])
def test_xml_text_is_kept_as_given_unless_it_must_be_escaped_or_cleaned(value, text):
    assert to_xml({"Content": value}) == f"<xml><Content>{text}</Content></xml>"
    assert parse_xml(to_xml({"Content": value}))["Content"] == text.replace("&lt;", "<").replace("&gt;", ">") \
        .replace("&amp;", "&").strip()


def test_url_verification_survives_an_unencoded_plus(keys):
    ours, theirs, _ = keys
    encrypt = next(e for e in (PrpCrypto(theirs.key).encrypt(f"echo{i}", CORP).decode() for i in range(100))
                   if "+" in e)
    query = {"msg_signature": _get_signature("tok", "1000", "n", encrypt), "timestamp": "1000", "nonce": "n",
             "echostr": encrypt.replace("+", " ")}
    assert ours.verify_url(query, now=1000).startswith(b"echo")


def test_timestamp_window_is_five_minutes_either_side(keys):
    ours, _, _ = keys
    sig = ours.signature("1000", "n", "E")
    ours.check(sig, "1000", "n", "E", now=1300)
    for now in (1301, 699):
        with pytest.raises(CallbackError) as refused:
            ours.check(sig, "1000", "n", "E", now=now)
        assert refused.value.status == 403


@pytest.mark.parametrize("bad", ["too-short", "*" * 43, new_aes_key()[:-1] + "!"])
def test_a_malformed_aes_key_stops_start_up_with_a_clear_message(bad):
    with pytest.raises(ConfigError, match="WECOM_AES_KEY"):
        load_settings({"WECOM_AES_KEY": bad}, env_file=None)
    with pytest.raises(ValueError, match="WECOM_AES_KEY"):
        WeComCrypto("tok", bad, CORP)


def test_parse_xml_is_size_capped_before_parsing():
    with pytest.raises(CallbackError) as refused:
        parse_xml(b"<xml>" + b"a" * 100 + b"</xml>", limit=50)
    assert refused.value.status == 413
    assert parse_xml("<xml><A> 1 </A><B/></xml>") == {"A": "1", "B": ""}


def test_parse_xml_keeps_each_fields_own_text():
    assert parse_xml("<xml>\n <Content><![CDATA[ a<b ]]>&amp;&#20013;</Content>\n <MsgId>7</MsgId></xml>") == \
        {"Content": "a<b &中", "MsgId": "7"}
    # a nested field keeps only its text before its first child; a repeated field its last value
    assert parse_xml("<xml><Info>head<Item>x</Item>tail</Info><A>1</A><A>2</A></xml>") == {"Info": "head", "A": "2"}
    assert parse_xml('<xml xmlns:n="urn:x"><n:A>1</n:A></xml>') == {"{urn:x}A": "1"}
    for bad in ("<xml><A>&undefined;</A></xml>", "<xml><n:A/></xml>", "<!DOCTYPE x><xml/>", ""):
        with pytest.raises(CallbackError) as refused:
            parse_xml(bad)
        assert refused.value.status == 400


# ---- rendering --------------------------------------------------------------------------------------------

def test_split_bytes_respects_the_limit_and_loses_nothing():
    rng = random.Random(7)
    alphabet = "运河财富小镇abc 123\n。，"
    for _ in range(200):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 3000)))
        limit = rng.choice((7, 64, 2048))
        parts = split_bytes(text, limit)
        assert all(0 < len(p.encode()) <= limit for p in parts)
        assert "".join("".join(parts).split()) == "".join(text.split())      # every visible character kept


def test_split_prefers_line_ends():
    assert split_bytes("甲" * 10 + "\n" + "乙" * 10, 40) == ["甲" * 10, "乙" * 10]


def test_kf_long_text_with_buttons_becomes_texts_then_a_menu():
    buttons = [Button("很长的选项" * 20, f"faq:{i}") for i in range(12)]
    bodies = kf_messages(Reply("说明" * 600, buttons=buttons, sources=["小镇简介·开篇"], intent="help"))
    assert [b["msgtype"] for b in bodies] == ["text", "text", "msgmenu"]
    menu = bodies[-1]["msgmenu"]
    assert menu["head_content"] == "请选择：" and menu["tail_content"] == "来源：小镇简介·开篇"
    assert len(menu["list"]) == 10 and all(len(i["click"]["content"].encode()) <= 128 for i in menu["list"])


# ---- pacing -----------------------------------------------------------------------------------------------

async def test_pacer_waits_for_the_tightest_window():
    time = FakeTime(0.0)
    pacer = Pacer(((2, 10.0), (3, 100.0)), now=time.now, sleep=time.sleep)
    for _ in range(4):
        async with pacer.slot("u"):
            pass
    assert time.slept == [10.0, 90.0]


# ---- API client -------------------------------------------------------------------------------------------

async def test_token_is_cached_until_shortly_before_expiry(clock):
    time = FakeTime(clock.now().timestamp())
    async with FakeWeCom(now=time.now) as wecom:
        api = WeComApi(wecom.base_url, wecom.corp_id, wecom.secret, now=time.now)
        await api.start()
        try:
            first = await api.token()
            time.t += 7200 - 301
            assert await api.token() == first
            time.t += 2
            assert await api.token() != first and wecom.token_requests == 2
        finally:
            await api.close()


async def test_wrong_secret_and_bad_requests_are_permanent_errors(clock):
    async with FakeWeCom() as wecom:
        api = WeComApi(wecom.base_url, wecom.corp_id, "wrong-secret", backoff=0)
        await api.start()
        try:
            with pytest.raises(ApiError) as refused:
                await api.call("message/send", {})
            assert refused.value.errcode == 40001 and refused.value.permanent
        finally:
            await api.close()
        api = WeComApi(wecom.base_url, wecom.corp_id, wecom.secret, backoff=0)
        await api.start()
        try:
            with pytest.raises(ApiError) as refused:
                await api.call("message/send", {"touser": "a", "agentid": 1, "msgtype": "text",
                                                "text": {"content": "字" * 700}})
            assert refused.value.errcode == 45002 and refused.value.permanent
            wecom.fail("message/send", errcode=45009)
            with pytest.raises(SendError) as limited:
                await api.call("message/send", {})
            assert not limited.value.permanent and limited.value.retry_after == 60
        finally:
            await api.close()


# ---- wiring -----------------------------------------------------------------------------------------------

def test_make_channels_adds_wecom_kf_and_robots(tmp_path, services):
    settings = load_settings({"BOT_DATA_DIR": str(tmp_path), "WECOM_CORP_ID": CORP, "WECOM_SECRET": "s",
                              "WECOM_TOKEN": "t", "WECOM_AES_KEY": new_aes_key(), "WECOM_AGENT_ID": "1000002",
                              "WECOM_KF_OPEN_KFIDS": "wk1", "WECOM_ROBOT_KEYS": "k1"}, env_file=None)
    http = web.Application()
    channels = make_channels(settings, Router(services), http)
    assert [type(c).__name__ for c in channels] == ["WeComChannel", "RobotChannel"]
    assert {"wecom", "wecom_kf", "wecom_robot"} <= set(services.outboxes)
    assert {r.resource.canonical for r in http.router.routes()} == {"/wecom/callback"}


def test_make_channels_without_wecom_settings_adds_none(services, settings):
    assert make_channels(settings, Router(services), web.Application()) == []


class _Body:
    """A request whose body is `sent`, declared as `declared` bytes long."""

    def __init__(self, sent: bytes, declared: int | None):
        import asyncio
        self.content_length, self._sent = declared, sent

        class Content:
            async def readexactly(_, n):
                if len(sent) < n:
                    raise asyncio.IncompleteReadError(sent, n)
                return sent[:n]

            async def iter_chunked(_, size):
                for start in range(0, len(sent), size):
                    yield sent[start:start + size]
        self.content = Content()


async def test_a_callback_body_is_read_whole_and_refused_when_short_or_too_large():
    from bot.channels.wecom.channel import read_capped
    assert await read_capped(_Body(b"<xml>1</xml>", 12)) == b"<xml>1</xml>"
    assert await read_capped(_Body(b"<xml>1</xml>", None)) == b"<xml>1</xml>"
    for body, status in ((_Body(b"<xml>", 12), 400), (_Body(b"x" * 100, 100), 413), (_Body(b"x" * 100, None), 413)):
        with pytest.raises(CallbackError) as refused:
            await read_capped(body, limit=50)
        assert refused.value.status == status
