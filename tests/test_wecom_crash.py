"""A kill -9 right after answering: the product runs as its own process (main.py) on 127.0.0.1, WeCom's side
is played by wechatpy and the fake WeCom API, and the retry after the restart must get no second answer."""
from __future__ import annotations

import asyncio
import json
import time

import aiohttp
import pytest

from tests.fakes.product import ProductProcess, wecom_env
from tests.fakes.wecom_callbacks import CallbackSender, new_aes_key
from tests.fakes.wecom_server import FakeWeCom

TOKEN, KF = "crashToken", "wkFakeKf0001"


@pytest.fixture
async def product(tmp_path):
    """The product's process, with `wecom` (the fake WeCom API it calls), `side` (WeCom's callbacks) and `data_dir`."""
    aes_key = new_aes_key()
    async with FakeWeCom() as wecom:
        process = ProductProcess(wecom_env(tmp_path / "data", corp_id=wecom.corp_id, secret=wecom.secret,
                                           token=TOKEN, aes_key=aes_key, api_base_url=wecom.base_url,
                                           kf_open_kfids=KF))
        process.wecom, process.side = wecom, CallbackSender(TOKEN, aes_key, wecom.corp_id)
        process.data_dir = tmp_path / "data"
        await process.start()
        yield process
        await process.stop()


async def post(product: ProductProcess, params: dict, body: bytes) -> tuple[int, str]:
    async with aiohttp.ClientSession() as http:
        async with http.post(product.url, params=params, data=body) as resp:
            return resp.status, await resp.text()


async def wait_until(condition, timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.02)


async def test_kill_9_right_after_a_passive_reply_then_the_retry_gets_no_second_answer(product):
    params, body = product.side.seal(product.side.text("zhangsan", "小镇面积多大", msg_id="4242"),
                                     str(int(time.time())))
    status, reply = await post(product, params, body)
    assert status == 200 and "3.3" in product.side.open_reply(reply)["Content"]
    await product.kill()
    await product.start()
    assert await post(product, params, body) == (200, "")           # WeCom's retry: nothing answered
    params, body = product.side.seal(product.side.text("zhangsan", "小镇面积多大", msg_id="4243"),
                                     str(int(time.time())))
    status, reply = await post(product, params, body)
    assert status == 200 and reply                                   # a new message still is


async def test_kill_9_right_after_a_fallback_reply_then_its_question_is_logged_and_the_retry_not_answered(product):
    params, body = product.side.seal(product.side.text("lisi", "怎么办理护照", msg_id="5151"), str(int(time.time())))
    status, reply = await post(product, params, body)
    assert status == 200 and product.side.open_reply(reply)["Content"]
    await product.kill()           # the claim and the question were made durable before the reply left
    logged = [json.loads(line) for line in (product.data_dir / "unanswered.log").read_text("utf-8").splitlines()]
    assert [row["text"] for batch in logged for row in batch] == ["怎么办理护照"]
    await product.start()
    assert await post(product, params, body) == (200, "")


async def test_kill_9_while_a_kf_answer_is_out_then_the_next_pull_answers_it_no_second_time(product):
    wecom = product.wecom
    wecom.kf_customer_message(KF, "wmFirst", "小镇面积多大")
    wecom.hold("kf/send_msg")                     # the answer reaches WeCom, the product never hears back
    kick = product.side.kf_event(KF, "syncToken")
    assert await post(product, *product.side.seal(kick, str(int(time.time())))) == (200, "")
    await wait_until(lambda: wecom.sent_to("kf/send_msg"))
    await product.kill()                          # before the cursor was saved
    await product.start()
    wecom.kf_customer_message(KF, "wmSecond", "小镇面积多大")
    assert await post(product, *product.side.seal(kick, str(int(time.time())))) == (200, "")
    await wait_until(lambda: len(wecom.sent_to("kf/send_msg")) >= 2)
    await asyncio.sleep(0.3)                      # a second answer to wmFirst would come before wmSecond's
    assert [s["touser"] for s in wecom.sent_to("kf/send_msg")] == ["wmFirst", "wmSecond"]
