"""Group robots: push-only markdown through webhook/send, paced at 20 messages a minute per robot."""
from __future__ import annotations

import asyncio

import pytest

from bot.outbox import RecipientGone
from bot.channels.wecom.robot import RobotChannel, robot_keys
from bot.config import load_settings
from bot.messages import Button, Reply
from tests.fakes.wecom_callbacks import FakeTime
from tests.fakes.wecom_server import FakeWeCom


@pytest.fixture
async def robots(tmp_path, services, clock):
    time = FakeTime(clock.now().timestamp())
    async with FakeWeCom(robot_keys=["key-alliance", "key-second"], now=time.now) as wecom:
        settings = load_settings({"WECOM_ROBOT_KEYS": "alliance:key-alliance,key-second",
                                  "WECOM_API_BASE_URL": wecom.base_url}, env_file=None)
        channel = RobotChannel(settings, services, now=time.now, sleep=time.sleep)
        await channel.start()
        yield channel.outbox, wecom, time, services
        await channel.stop()


def test_robot_keys_are_named_or_numbered():
    url = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=ghi-3"
    assert robot_keys(("alliance:abc-1", "def-2", url, f"staff:{url}")) == {
        "alliance": "abc-1", "robot2": "def-2", "robot3": "ghi-3", "staff": "ghi-3"}


async def test_outbox_is_registered_and_lists_its_robots(robots):
    outbox, _, _, services = robots
    assert services.outboxes["wecom_robot"] is outbox
    assert outbox.chats == ["alliance", "robot2"]


async def test_broadcast_is_throttled_at_20_a_minute_and_nothing_is_lost(robots):
    outbox, wecom, time, _ = robots
    start = time.now()
    await asyncio.gather(*(outbox.send("alliance", Reply(f"通知{i}", intent="help")) for i in range(45)))
    sent = [s for s in wecom.sent if s.key == "key-alliance"]
    assert [s.body["markdown"]["content"] for s in sent] == [f"通知{i}" for i in range(45)]
    assert max(sum(1 for t in sent if s.at - 60 < t.at <= s.at) for s in sent) == 20
    assert time.now() - start >= 120
    assert wecom.token_requests == 0                         # robots need no access token


async def test_robots_are_paced_independently(robots):
    outbox, wecom, time, _ = robots
    for i in range(20):
        await outbox.send("alliance", Reply(str(i), intent="help"))
    await outbox.send("robot2", Reply("另一个群", intent="help"))
    assert time.slept == [] and len(wecom.sent) == 21


async def test_markdown_carries_sources_in_grey_and_leaves_out_buttons(robots):
    outbox, wecom, _, _ = robots
    await outbox.send("alliance", Reply("**活动通知**", sources=["联盟章程·第三条"], buttons=[Button("报名", "x")], intent="help"))
    [body] = wecom.sent_to("webhook/send")
    assert body == {"msgtype": "markdown",
                    "markdown": {"content": '**活动通知**\n<font color="comment">来源：联盟章程·第三条</font>'}}


async def test_long_announcement_is_split_within_4096_bytes(robots):
    outbox, wecom, _, _ = robots
    await outbox.send("alliance", Reply("\n".join(["运河财富小镇联盟活动安排"] * 300), intent="help"))
    parts = [b["markdown"]["content"] for b in wecom.sent_to("webhook/send")]
    assert len(parts) == 3 and all(len(p.encode()) <= 4096 for p in parts)


async def test_unknown_or_revoked_robot_is_gone(robots):
    outbox, wecom, _, _ = robots
    with pytest.raises(RecipientGone):
        await outbox.send("nosuchgroup", Reply("通知", intent="help"))
    wecom.robot_keys.remove("key-second")              # robot removed from its group: 93000
    with pytest.raises(RecipientGone):
        await outbox.send("robot2", Reply("通知", intent="help"))
