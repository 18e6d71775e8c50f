"""Typed configuration, read once from the environment (and a `.env` file beside main.py).

Secrets (tokens, keys) live only here and are never logged: `Settings.__repr__` masks them.
"""
from __future__ import annotations

import base64
import os
import re
from dataclasses import dataclass, fields
from datetime import date
from pathlib import Path
from typing import Mapping

from dotenv import dotenv_values

from bot.office_hours import OfficeHours

ROOT = Path(__file__).resolve().parent.parent
SECRET_FIELDS = {"telegram_bot_token", "telegram_webhook_secret", "wecom_secret", "wecom_token",
                 "wecom_aes_key", "wecom_robot_keys"}


class ConfigError(ValueError):
    """A setting is present but malformed; the message names the variable."""


def _csv(value: str) -> tuple[str, ...]:
    return tuple(v.strip() for v in value.split(",") if v.strip())


def _aes_key(value: str) -> str:
    """WECOM_AES_KEY is WeCom's EncodingAESKey: 43 base64 characters for a 32-byte AES key."""
    try:
        ok = not value or len(base64.b64decode(value + "=", validate=True)) == 32
    except ValueError:
        ok = False
    if not ok:
        raise ConfigError("WECOM_AES_KEY must be the 43-character EncodingAESKey from the WeCom admin console")
    return value


SECRET_FORMAT = re.compile(r"^[A-Za-z0-9_-]{1,256}$")     # what Telegram accepts as secret_token


def _webhook_secret(url: str, secret: str) -> str:
    if url and not SECRET_FORMAT.match(secret):
        raise ConfigError("TELEGRAM_WEBHOOK_SECRET is required with TELEGRAM_WEBHOOK_URL: "
                          "1-256 characters of A-Z, a-z, 0-9, _ and -")
    return secret


def _url(value: str) -> str:
    if value and not re.match(r"^https?://[^\s/]+", value):
        raise ConfigError(f"BOT_PUBLIC_URL must start with http:// or https://, got {value!r}")
    return value


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}") from None


def _positive(env: Mapping[str, str], name: str, default: int) -> int:
    value = _int(env, name, default)
    if value < 1:
        raise ConfigError(f"{name} must be at least 1, got {value}")
    return value


def _flag(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"{name} must be 1 or 0, got {raw!r}")


def _pacing(env: Mapping[str, str]) -> bool:
    """BOT_PACING: outbound pacing is on unless switched off by name, for load tests against fake platforms;
    any other value is refused, so a typo never sends faster than Telegram and WeCom allow."""
    raw = env.get("BOT_PACING", "").strip().lower()
    if raw in ("", "on"):
        return True
    if raw == "off":
        return False
    raise ConfigError(f"BOT_PACING must be on (the default) or off (load tests only), got {raw!r}")


def _date(env: Mapping[str, str], name: str) -> date | None:
    raw = env.get(name, "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a date like 2026-01-15 (YYYY-MM-DD), got {raw!r}") from None


def _durations(env: Mapping[str, str], name: str, default: tuple[int, ...]) -> tuple[int, ...]:
    """'1d,1h,30m,10s' → seconds, largest first."""
    raw = env.get(name, "").strip()
    if not raw:
        return default
    units = {"d": 86400, "h": 3600, "m": 60, "s": 1}
    try:
        values = [int(part[:-1]) * units[part[-1]] for part in _csv(raw.lower())]
    except (KeyError, ValueError, IndexError):
        raise ConfigError(f"{name} must be durations like 1d,1h,30m, got {raw!r}") from None
    if any(v <= 0 for v in values):
        raise ConfigError(f"{name} durations must be positive, got {raw!r}")
    return tuple(sorted(set(values), reverse=True))


def _accounts(env: Mapping[str, str], name: str) -> tuple[str, ...]:
    """'telegram:123,wecom:zhangsan' → the entries, each checked to be platform:id."""
    entries = _csv(env.get(name, ""))
    for entry in entries:
        platform, _, ident = entry.partition(":")
        if not (platform and ident):
            raise ConfigError(f"{name} entries must be platform:id (e.g. telegram:123456), got {entry!r}")
    return entries


def _office_hours(env: Mapping[str, str]) -> OfficeHours | None:
    raw = env.get("BOT_OFFICE_HOURS", "").strip()
    try:
        return OfficeHours.parse(raw) if raw else None
    except ValueError as exc:
        raise ConfigError(f"BOT_OFFICE_HOURS {exc}") from None


@dataclass(frozen=True)
class Settings:
    staff: frozenset[str] = frozenset()          # "platform:user_id" entries from BOT_STAFF
    data_dir: Path = ROOT / "data"
    http_host: str = "0.0.0.0"
    http_port: int = 8080
    today: date | None = None                    # BOT_TODAY: the date policy validity is checked against (demos)
    console_staff: bool = True                   # BOT_CONSOLE_STAFF: the console / `ask` user is staff
    inbound_queue: int = 100                     # BOT_INBOUND_QUEUE: messages a channel holds before shedding
    event_reminders: tuple[int, ...] = (86400, 3600)   # BOT_EVENT_REMINDERS: seconds before an event
    handoff_to: tuple[str, ...] = ()             # BOT_HANDOFF_TO: "platform:chat_id" told of new tickets
    office_hours: OfficeHours | None = None      # BOT_OFFICE_HOURS; None: a person may answer at any time
    public_url: str = ""                         # BOT_PUBLIC_URL: where staff reach the web console
    pacing: bool = True                          # BOT_PACING=off: outbound rate limits off (load tests only)

    telegram_bot_token: str = ""
    telegram_api_base_url: str = "https://api.telegram.org/bot"
    telegram_webhook_url: str = ""
    telegram_webhook_secret: str = ""

    wecom_corp_id: str = ""
    wecom_agent_id: str = ""
    wecom_secret: str = ""
    wecom_token: str = ""
    wecom_aes_key: str = ""
    wecom_kf_open_kfids: tuple[str, ...] = ()
    wecom_kf_servicers: tuple[str, ...] = ()     # servicer userids a 微信客服 handoff tries before the pool
    wecom_robot_keys: tuple[str, ...] = ()
    wecom_api_base_url: str = "https://qyapi.weixin.qq.com"

    @property
    def telegram_enabled(self) -> bool:
        return bool(self.telegram_bot_token)

    @property
    def wecom_enabled(self) -> bool:
        return all((self.wecom_corp_id, self.wecom_secret, self.wecom_token, self.wecom_aes_key))

    @property
    def any_channel(self) -> bool:
        """False → `python main.py` opens the console chat instead of serving."""
        return self.telegram_enabled or self.wecom_enabled or bool(self.wecom_robot_keys)

    @property
    def console_url(self) -> str:
        """Base of the web console's links: BOT_PUBLIC_URL, else this machine's HTTP server."""
        return (self.public_url or f"http://127.0.0.1:{self.http_port}").rstrip("/")

    def is_staff(self, platform: str, user_id: str) -> bool:
        return f"{platform}:{user_id}" in self.staff

    @property
    def handoff_targets(self) -> tuple[str, ...]:
        """Who hears of a request for a person: BOT_HANDOFF_TO, or else every staff account."""
        return self.handoff_to or tuple(sorted(self.staff))

    def __repr__(self) -> str:
        shown = []
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name in SECRET_FIELDS and value:
                value = "***"
            shown.append(f"{f.name}={value!r}")
        return f"Settings({', '.join(shown)})"


def load_settings(environ: Mapping[str, str] | None = None, env_file: Path | None = ROOT / ".env") -> Settings:
    """Environment wins over `.env`; `.env` is optional."""
    env: dict[str, str] = {}
    if env_file is not None and env_file.exists():
        env.update({k: v for k, v in dotenv_values(env_file).items() if v is not None})
    env.update(os.environ if environ is None else environ)
    get = lambda name, default="": env.get(name, default).strip()  # noqa: E731
    data_dir = Path(get("BOT_DATA_DIR") or ROOT / "data")
    return Settings(
        staff=frozenset(_accounts(env, "BOT_STAFF")),
        data_dir=data_dir if data_dir.is_absolute() else ROOT / data_dir,
        http_host=get("BOT_HTTP_HOST") or "0.0.0.0",
        http_port=_int(env, "BOT_HTTP_PORT", 8080),
        today=_date(env, "BOT_TODAY"),
        console_staff=_flag(env, "BOT_CONSOLE_STAFF", True),
        inbound_queue=_positive(env, "BOT_INBOUND_QUEUE", 100),
        event_reminders=_durations(env, "BOT_EVENT_REMINDERS", (86400, 3600)),
        handoff_to=_accounts(env, "BOT_HANDOFF_TO"),
        office_hours=_office_hours(env),
        public_url=_url(get("BOT_PUBLIC_URL")),
        pacing=_pacing(env),
        telegram_bot_token=get("TELEGRAM_BOT_TOKEN"),
        telegram_api_base_url=get("TELEGRAM_API_BASE_URL") or "https://api.telegram.org/bot",
        telegram_webhook_url=get("TELEGRAM_WEBHOOK_URL"),
        telegram_webhook_secret=_webhook_secret(get("TELEGRAM_WEBHOOK_URL"), get("TELEGRAM_WEBHOOK_SECRET")),
        wecom_corp_id=get("WECOM_CORP_ID"),
        wecom_agent_id=get("WECOM_AGENT_ID"),
        wecom_secret=get("WECOM_SECRET"),
        wecom_token=get("WECOM_TOKEN"),
        wecom_aes_key=_aes_key(get("WECOM_AES_KEY")),
        wecom_kf_open_kfids=_csv(get("WECOM_KF_OPEN_KFIDS")),
        wecom_kf_servicers=_csv(get("WECOM_KF_SERVICERS")),
        wecom_robot_keys=_csv(get("WECOM_ROBOT_KEYS")),
        wecom_api_base_url=get("WECOM_API_BASE_URL") or "https://qyapi.weixin.qq.com",
    )
