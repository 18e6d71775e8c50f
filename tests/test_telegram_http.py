"""The aiohttp transport under python-telegram-bot: connection limit, timeouts and errors, on 127.0.0.1.
(Every other Telegram test runs through it too, against the fake Bot API.)"""
from __future__ import annotations

import asyncio
import socket

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from telegram import Bot
from telegram.error import NetworkError, TimedOut

from bot.channels.telegram.http import AiohttpRequest
from tests.fakes import FakeBotApi

TOKEN = "123456:SECRET-token-part"


@pytest.fixture
async def slow_api():
    """(state, getMe URL) of a Bot API that answers after state["delay"] s and counts requests in progress."""
    state = {"delay": 0.0, "now": 0, "most": 0}

    async def get_me(request: web.Request) -> web.Response:
        state["now"] += 1
        state["most"] = max(state["most"], state["now"])
        try:
            await asyncio.sleep(state["delay"])
        finally:
            state["now"] -= 1
        return web.json_response({"ok": True, "result": {"id": 1, "is_bot": True, "first_name": "b",
                                                         "username": "b_bot"}})

    app = web.Application()
    app.router.add_post(f"/bot{TOKEN}/getMe", get_me)
    async with TestServer(app, host="127.0.0.1") as server:
        yield state, f"http://127.0.0.1:{server.port}/bot{TOKEN}/getMe"


async def test_no_more_requests_at_once_than_connections(slow_api):
    state, url = slow_api
    state["delay"] = 0.05
    async with AiohttpRequest(3, pool_timeout=5) as request:
        answers = await asyncio.gather(*(request.post(url) for _ in range(12)))
    assert state["most"] == 3 and all(a["username"] == "b_bot" for a in answers)


async def test_a_slow_answer_or_a_full_pool_is_timed_out(slow_api):
    state, url = slow_api
    state["delay"] = 1.0
    async with AiohttpRequest(1, read_timeout=0.1, pool_timeout=0.05) as request:
        with pytest.raises(TimedOut):
            await request.post(url)
        first = asyncio.create_task(request.post(url, read_timeout=0.5))
        await asyncio.sleep(0.05)
        with pytest.raises(TimedOut):                 # the one connection is busy for 0.5 s
            await request.post(url, read_timeout=0.5)
        with pytest.raises(TimedOut):
            await first


async def test_an_unreachable_or_malformed_api_url_is_a_network_error_without_the_token():
    with socket.socket() as probe:                    # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    async with AiohttpRequest(1) as request:
        with pytest.raises(NetworkError) as refused:
            await request.post(f"http://127.0.0.1:{port}/bot{TOKEN}/getMe")
        with pytest.raises(NetworkError) as malformed:                # aiohttp quotes the whole URL
            await request.post(f"http://127.0.0.1:99999/bot{TOKEN}/getMe")
    assert "aiohttp.ClientConnectorError" in refused.value.message and "SECRET" not in refused.value.message
    assert malformed.value.message == "aiohttp.InvalidUrlClientError: <Bot API URL>"


async def test_file_uploads_are_refused_clearly():
    async with FakeBotApi() as api, Bot(api.token, base_url=api.base_url, request=AiohttpRequest(1)) as bot:
        with pytest.raises(NetworkError, match="uploads no files"):
            await bot.send_document(1001, document=b"%PDF-1.4")
        await bot.send_message(1001, "仍可发送")          # the transport is still usable
    assert [m["text"] for m in api.sent_to(1001)] == ["仍可发送"]
