"""Settings: environment over .env, typed values, clear errors, secrets never shown."""
from __future__ import annotations

import pytest

from bot.config import ConfigError, load_settings


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
