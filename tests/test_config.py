"""Settings: environment over .env, typed values, clear errors, secrets never shown."""
from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from aiohttp import web

from bot.app import build_services
from bot.outbox import SendError
from bot.channels.telegram.channel import TelegramChannel
from bot.channels.telegram.outbox import TelegramPacing
from bot.channels.wecom.channel import WeComChannel
from bot.channels.wecom.robot import RobotChannel
from bot.clock import Clock
from bot.config import ROOT, ConfigError, load_settings
from bot.messages import Incoming, Reply
from bot.router import Router
from tests.fakes.wecom_callbacks import FakeTime, new_aes_key
from tests.fakes.wecom_server import FakeWeCom
from tests.test_cli import run


def test_defaults_enable_no_channel(tmp_path):
    s = load_settings({}, env_file=None)
    assert not s.telegram_enabled and not s.wecom_enabled and not s.any_channel
    assert load_settings({"WECOM_ROBOT_KEYS": "alliance:k"}, env_file=None).any_channel
    assert (s.http_host, s.http_port) == ("0.0.0.0", 8080)
    assert s.telegram_api_base_url == "https://api.telegram.org/bot"


def test_env_file_is_read_and_environment_wins(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("TELEGRAM_BOT_TOKEN=from-file\nBOT_HTTP_PORT=9000\nBOT_STAFF=telegram:1, wecom:zhang\n")
    s = load_settings({"BOT_HTTP_PORT": "9100"}, env_file=env_file)
    assert s.telegram_bot_token == "from-file" and s.http_port == 9100
    assert s.is_staff("telegram", "1") and s.is_staff("wecom", "zhang") and not s.is_staff("telegram", "2")


def test_bad_number_names_the_variable():
    with pytest.raises(ConfigError, match="BOT_HTTP_PORT"):
        load_settings({"BOT_HTTP_PORT": "eighty"}, env_file=None)


def test_secrets_are_masked_in_repr():
    s = load_settings({"TELEGRAM_BOT_TOKEN": "123:SECRET", "WECOM_SECRET": "s3cr3t", "WECOM_AES_KEY": "k" * 43},
                      env_file=None)
    shown = repr(s)
    assert "SECRET" not in shown and "s3cr3t" not in shown and "kkkk" not in shown and "***" in shown


@pytest.mark.parametrize("name, value", [("BOT_TODAY", "2026-13-01"), ("BOT_TODAY", "tomorrow"),
                                         ("BOT_CONSOLE_STAFF", "maybe"), ("BOT_INBOUND_QUEUE", "0")])
def test_bad_values_name_the_variable(name, value):
    with pytest.raises(ConfigError, match=name):
        load_settings({name: value}, env_file=None)


def test_console_staff_is_on_unless_switched_off():
    assert load_settings({}, env_file=None).console_staff
    assert not load_settings({"BOT_CONSOLE_STAFF": "0"}, env_file=None).console_staff


async def test_bot_today_fixes_the_policy_date_only(services):
    """The tests' clock (2026-11-22) is after the policy expired; BOT_TODAY moves only the date policy
    validity is checked against, not the clock the scheduler and delivery read."""
    question = Incoming("console", "u1", "u1", text="/policy")
    assert "已于2026-02-28到期" in (await Router(services).handle(question)).text
    pinned = dataclasses.replace(services, settings=dataclasses.replace(services.settings, today=date(2026, 1, 15)))
    assert "现行有效" in (await Router(pinned).handle(question)).text
    assert pinned.clock.now() == services.clock.now() and services.clock.today() == date(2026, 11, 22)
    plan = Incoming("console", "u2", "u2", text="港湾计划的目标是什么")     # a plan's period, against the same date
    assert "已于2025-12-31结束" in (await Router(services).handle(plan)).text
    in_2025 = dataclasses.replace(services, settings=dataclasses.replace(services.settings, today=date(2025, 6, 1)))
    assert "结束" not in (await Router(in_2025).handle(plan)).text


def test_bot_today_does_not_freeze_the_product_clock(monkeypatch, tmp_path):
    monkeypatch.setattr("bot.app.KnowledgeBase", lambda: None)
    settings = load_settings({"BOT_TODAY": "2026-01-15", "BOT_DATA_DIR": str(tmp_path)}, env_file=None)
    svc = build_services(settings)
    assert type(svc.clock) is Clock and svc.policy_date() == date(2026, 1, 15)
    svc.store.close()


def test_env_example_makes_nobody_staff_and_promises_no_person():
    s = load_settings({}, env_file=ROOT / ".env.example")
    assert s.staff == frozenset() and s.console_staff
    assert s.handoff_to == () and s.office_hours is None      # examples only: copied, it sends nothing to nobody


def test_pacing_is_on_unless_switched_off_by_name():
    assert load_settings({}, env_file=None).pacing
    assert load_settings({"BOT_PACING": "on"}, env_file=None).pacing
    assert not load_settings({"BOT_PACING": "off"}, env_file=None).pacing
    assert not load_settings({"BOT_PACING": " OFF "}, env_file=None).pacing


@pytest.mark.parametrize("value", ["0", "false", "no", "1", "disabled", "of"])
def test_pacing_refuses_any_other_value(value):
    with pytest.raises(ConfigError, match=f"BOT_PACING must be on .* or off .*got {value!r}"):
        load_settings({"BOT_PACING": value}, env_file=None)


def test_a_server_with_an_unknown_pacing_value_refuses_to_start(tmp_path):
    out = run([], tmp_path=tmp_path, BOT_PACING="fast", TELEGRAM_BOT_TOKEN="123:abc", BOT_HTTP_PORT="9")
    assert out.returncode == 2 and "Traceback" not in out.stderr
    [line] = out.stderr.strip().splitlines()
    assert "BOT_PACING" in line and "'fast'" in line


async def test_pacing_off_reaches_the_telegram_and_wecom_app_outboxes(services, tmp_path):
    def channels(pacing: str) -> tuple[TelegramChannel, WeComChannel]:
        settings = load_settings({"BOT_DATA_DIR": str(tmp_path / pacing), "BOT_PACING": pacing,
                                  "TELEGRAM_BOT_TOKEN": "123:abc", "WECOM_CORP_ID": "wwcorp", "WECOM_SECRET": "s",
                                  "WECOM_TOKEN": "t", "WECOM_AES_KEY": new_aes_key(), "WECOM_AGENT_ID": "1"},
                                 env_file=None)
        router = Router(dataclasses.replace(services, settings=settings, outboxes={}))
        return TelegramChannel(settings, router), WeComChannel(settings, router, web.Application())

    telegram, wecom = channels("on")
    assert isinstance(telegram.outbox.pacer, TelegramPacing) and wecom.app._pacer is not None
    telegram, wecom = channels("off")
    assert telegram.outbox.pacer is None and wecom.app._pacer is None


@pytest.mark.parametrize("pacing", ["on", "off"])
async def test_pacing_off_lets_a_group_robot_send_past_its_limit(services, clock, pacing):
    """Paced, the 21st message within a minute waits for its slot; off, it goes at once and the platform
    refuses it (what a load test against a fake platform measures)."""
    time = FakeTime(clock.now().timestamp())
    async with FakeWeCom(robot_keys=["key-a"], now=time.now) as wecom:
        settings = load_settings({"WECOM_ROBOT_KEYS": "a:key-a", "WECOM_API_BASE_URL": wecom.base_url,
                                  "BOT_PACING": pacing}, env_file=None)
        channel = RobotChannel(settings, services, now=time.now, sleep=time.sleep)
        await channel.start()
        try:
            for i in range(20):
                await channel.outbox.send("a", Reply(f"通知{i}", intent="help"))
            assert time.slept == []
            if pacing == "on":
                await channel.outbox.send("a", Reply("第21条", intent="help"))
                assert len(wecom.sent) == 21 and sum(time.slept) >= 59
            else:
                with pytest.raises(SendError, match="45009"):
                    await channel.outbox.send("a", Reply("第21条", intent="help"))
                assert len(wecom.sent) == 20 and time.slept == []
        finally:
            await channel.stop()


@pytest.mark.parametrize("secret", [None, "bad secret!"])
def test_a_webhook_without_a_valid_secret_refuses_to_start_in_one_line(tmp_path, secret):
    extra = {} if secret is None else {"TELEGRAM_WEBHOOK_SECRET": secret}
    out = run([], tmp_path=tmp_path, TELEGRAM_BOT_TOKEN="123:abc", BOT_HTTP_PORT="9",
              TELEGRAM_WEBHOOK_URL="https://bot.example.org/telegram/webhook", **extra)
    assert out.returncode == 2 and "Traceback" not in out.stderr
    [line] = out.stderr.strip().splitlines()
    assert "TELEGRAM_WEBHOOK_SECRET" in line and (secret is None or secret not in line)
