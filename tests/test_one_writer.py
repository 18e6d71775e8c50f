"""One writer per data folder, with real processes: the serving bot holds the folder's lock, `ask` beside
it is answered by it (local admin endpoint), a second server or an `ask` beside a console chat refuses,
kill -9 frees the folder; /metrics scraped from the running server."""
from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import sys
from datetime import timedelta
from pathlib import Path

import aiohttp
import pytest

from bot.clock import Clock
from bot.config import ROOT
from bot.local_admin import _is_loopback
from tests.records import on_disk
from tests.fakes.telegram_server import FakeBotApi

STAFF, USER = 9000, 1001
BASE_ENV = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WECOM_", "BOT_"))}
PROFILE = "/profile 我们是证券公司，实收资本20亿，计划增资扩股10亿"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
async def telegram():
    async with FakeBotApi() as fake:
        yield fake


@pytest.fixture
def env(tmp_path, telegram) -> dict:
    return {**BASE_ENV, "BOT_DATA_DIR": str(tmp_path / "data"), "BOT_STAFF": f"telegram:{STAFF}",
            "BOT_HTTP_HOST": "127.0.0.1", "BOT_HTTP_PORT": str(free_port()),
            "TELEGRAM_BOT_TOKEN": telegram.token, "TELEGRAM_API_BASE_URL": telegram.base_url}


async def spawn(env: dict, *args: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(sys.executable, "main.py", *args, cwd=ROOT, env=env,
                                                stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
                                                stderr=asyncio.subprocess.PIPE)


async def run(env: dict, *args: str, stdin: str = "") -> tuple[int, str, str]:
    proc = await spawn(env, *args)
    out, err = await asyncio.wait_for(proc.communicate(stdin.encode()), 60)
    return proc.returncode, out.decode(), err.decode()


async def serving(env: dict, telegram: FakeBotApi) -> asyncio.subprocess.Process:
    """The bot, once it listens (admin.json names it) and long-polls Telegram."""
    proc = await spawn(env)
    admin = Path(env["BOT_DATA_DIR"]) / "admin.json"
    async with asyncio.timeout(30):
        while not (admin.exists() and json.loads(admin.read_text() or "{}").get("pid") == proc.pid
                   and telegram.calls_to("getUpdates")):        # (a long poll notifies only when it returns)
            assert proc.returncode is None, (await proc.stderr.read()).decode()
            await asyncio.sleep(0.05)
    return proc


async def stop(proc: asyncio.subprocess.Process) -> str:
    proc.send_signal(signal.SIGTERM)
    _, err = await asyncio.wait_for(proc.communicate(), 30)
    assert proc.returncode == 0, err.decode()[-2000:]
    return err.decode()


def stored(env: dict) -> dict:
    return json.loads((Path(env["BOT_DATA_DIR"]) / "store.json").read_text("utf-8"))


def user(data: dict, key: str) -> dict:
    return next(u for u in data["users"].values() if u["key"] == key)


async def test_ask_beside_the_running_bot_is_answered_by_it_and_nothing_is_lost(env, telegram):
    bot = await serving(env, telegram)
    try:
        telegram.push_message("/start", user_id=USER)
        telegram.push_callback("sub:events:on", user_id=USER)         # a subscription made in the bot
        await telegram.wait_sent(2, chat_id=USER)
        code, out, err = await run(env, "ask", "--json", PROFILE, "/unanswered")   # the bot writes for ask
        assert code == 0, err
        saved, staff_only = (json.loads(line)["text"] for line in out.splitlines())
        assert "已保存" in saved and "近 7 天" in staff_only             # the ask user is staff by default
        telegram.push_callback("sub:news:off", user_id=USER)          # and another change in the bot after it
        await telegram.wait_sent(3, chat_id=USER)

        code, _, err = await run({**env, "BOT_HTTP_PORT": str(free_port())})      # a second server
        assert code == 3 and "Traceback" not in err
        [line] = err.strip().splitlines()
        assert "正被另一个进程" in line and f"pid {bot.pid}" in line and "refusing to start a second writer" in line
    finally:
        await stop(bot)

    data = stored(env)
    assert user(data, f"telegram:{USER}")["subscriptions"] == ["events"]
    assert user(data, "console:ask")["profile"]["description"] == PROFILE.removeprefix("/profile ")
    assert not (Path(env["BOT_DATA_DIR"]) / "admin.json").exists()

    for _ in range(2):                                   # ask alone: it opens the folder itself
        code, out, err = await run(env, "ask", "小镇规划面积多大")
        assert code == 0 and "3.3" in out, err
    backups = sorted(p.name for p in (Path(env["BOT_DATA_DIR"]) / "backups").iterdir())
    assert backups == ["store.json.1"]                  # starts without a change rotate nothing
    assert json.loads((Path(env["BOT_DATA_DIR"]) / "backups" / "store.json.1").read_text("utf-8")) == data


async def scrape(url: str) -> tuple[str, str]:
    async with aiohttp.ClientSession() as session, session.get(url) as resp:
        return resp.headers["Content-Type"], await resp.text()


async def test_metrics_and_the_admin_endpoint_on_the_real_server_then_kill_9(env, telegram):
    bot = await serving(env, telegram)
    port = env["BOT_HTTP_PORT"]
    try:
        telegram.push_message("/start", user_id=USER)
        telegram.push_callback("sub:events:on", user_id=USER)
        await telegram.wait_sent(2, chat_id=USER)
        start = (Clock().now() + timedelta(days=9)).strftime("%Y-%m-%d %H:%M")
        telegram.push_message(f"/newevent {start} | FOF基金沙龙 | 英蓝中心 | 全体", user_id=STAFF)
        await telegram.wait_for(lambda: any("【活动通知】" in m["text"] for m in telegram.sent_to(USER)))

        content_type, text = await scrape(f"http://127.0.0.1:{port}/metrics")
        assert content_type.startswith("text/plain") and "version=0.0.4" in content_type
        lines = text.splitlines()
        assert 'bot_updates_total{channel="telegram",kind="message",outcome="answered"} 2.0' in lines
        assert 'bot_updates_total{channel="telegram",kind="callback",outcome="answered"} 1.0' in lines
        assert 'bot_inbound_queue_limit{channel="telegram"} 100.0' in lines
        assert any(line.startswith('bot_inbound_queue_depth{channel="telegram"}') for line in lines)
        async with asyncio.timeout(5):                   # the notice's outcome is counted once it is known
            while 'bot_deliveries_total{outcome="sent",platform="telegram"} 1.0' not in lines:
                lines = (await scrape(f"http://127.0.0.1:{port}/metrics"))[1].splitlines()
                await asyncio.sleep(0.05)

        admin = json.loads((Path(env["BOT_DATA_DIR"]) / "admin.json").read_text())
        assert os.stat(Path(env["BOT_DATA_DIR"]) / "admin.json").st_mode & 0o777 == 0o600
        async with aiohttp.ClientSession() as session:
            for headers, status in (({}, 401), ({"Authorization": "Bearer wrong"}, 401),
                                    ({"Authorization": f"Bearer {admin['token']}", "X-Forwarded-For": "1.2.3.4"}, 403),
                                    ({"Authorization": f"Bearer {admin['token']}"}, 200)):
                async with session.post(admin["url"], json={"text": "你好"}, headers=headers) as resp:
                    assert resp.status == status
            async with session.post(admin["url"], data=b"{", headers={"Authorization": f"Bearer {admin['token']}"}) \
                    as resp:
                assert resp.status == 400
    finally:
        bot.send_signal(signal.SIGKILL)
        _, err = await bot.communicate()
    assert bot.returncode == -signal.SIGKILL
    assert admin["token"] not in err.decode()

    code, out, err = await run(env, "ask", "小镇规划面积多大")   # the lock died with the process
    assert code == 0 and "3.3" in out, err


async def read_until(stream: asyncio.StreamReader, seen: list[str], marker: str) -> None:
    async with asyncio.timeout(30):
        while marker not in "".join(seen):
            chunk = await stream.read(4096)
            assert chunk, "".join(seen)
            seen.append(chunk.decode())


async def test_console_chat_shows_notices_and_ask_beside_it_refuses(tmp_path):
    env = {**BASE_ENV, "BOT_DATA_DIR": str(tmp_path / "data")}
    console = await spawn(env)
    out: list[str] = []
    try:
        await read_until(console.stdout, out, "控制台")
        start = (Clock().now() + timedelta(days=9)).strftime("%Y-%m-%d %H:%M")
        console.stdin.write(f"/subscribe\n1\n/newevent {start} | FOF基金沙龙 | 英蓝中心 | 全体\n".encode())
        await console.stdin.drain()
        await read_until(console.stdout, out, "【收到通知】")

        code, _, err = await run(env, "ask", "你好")
        assert code == 3 and "Traceback" not in err
        [line] = err.strip().splitlines()
        assert "没有开放本机管理接口" in line and "refusing to write beside it" in line
    finally:
        console.stdin.close()
        rest, _ = await asyncio.wait_for(console.communicate(), 30)
    text = "".join(out) + rest.decode()
    assert "【活动通知】" in text and "FOF基金沙龙" in text and "再见" in text
    assert "没有配置 console 渠道" not in text
    [record] = on_disk(Path(env["BOT_DATA_DIR"]), 1)
    assert record.status == "sent" and record.recipient == "console:local"


@pytest.mark.parametrize("remote, local", [("127.0.0.1", True), ("::1", True), ("::ffff:127.0.0.1", True),
                                           ("10.0.0.5", False), ("::ffff:8.8.8.8", False), (None, False)])
def test_only_this_machine_counts_as_local(remote, local):
    assert _is_loopback(remote) is local
