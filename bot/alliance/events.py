"""Alliance events: the validated shape, the one-line and YAML forms staff use, and how an event reads."""
from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from bot.alliance.audience import SEGMENTS, parse_segment, segment_label
from bot.clock import SHANGHAI
from bot.inputs import fold
from bot.store.records import Event

# The kinds of activity the alliance runs (000_8fc8d49fbf383375.txt, 小镇金融联盟), plus training and "other".
TYPES = ("项目路演", "培训", "金融知识讲座", "法律公益服务", "人才峰会", "论坛", "沙龙", "其他")
TYPE_HINTS = (("路演", "项目路演"), ("培训", "培训"), ("讲座", "金融知识讲座"), ("法律", "法律公益服务"),
              ("法务", "法律公益服务"), ("人才", "人才峰会"), ("峰会", "人才峰会"), ("论坛", "论坛"), ("沙龙", "沙龙"))
WEEKDAYS = "一二三四五六日"
FIELD_NAMES = {"title": "标题", "type": "类型", "start": "时间", "place": "地点", "audience": "受众",
               "description": "简介", "signup": "报名链接"}
ONE_LINE_HELP = ("格式：/newevent 2026-12-01 14:00 | 标题 | 地点 | 受众\n"
                 "受众：全体，或 " + "、".join(SEGMENTS.values()) + "；其后还可加 | 类型 | 报名链接 | 简介")
DATE_RE = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*"
                     r"(?:[T\s]\s*(\d{1,2})\s*[:：点时]\s*(\d{1,2})?\s*分?)?\s*$")


class EventError(ValueError):
    """Staff input that is not a valid event; the message says which field and why, in Chinese."""


def parse_when(text: str | datetime) -> datetime:
    """'2026-12-01 14:00', '2026/12/1 9:30', '2026年12月1日 14点' → aware datetime in Asia/Shanghai."""
    if isinstance(text, datetime):
        return text if text.tzinfo else text.replace(tzinfo=SHANGHAI)
    try:
        return parse_when(datetime.fromisoformat(str(text).strip()))      # stored form, '2026-12-01T14:00+08:00'
    except ValueError:
        pass
    m = DATE_RE.match(fold(str(text)))
    if not m:
        raise EventError(f"时间“{text}”看不懂，请写成 2026-12-01 14:00")
    year, month, day, hour, minute = (int(g) if g else 0 for g in m.groups())
    try:
        return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)
    except ValueError:
        raise EventError(f"时间“{text}”不是有效的日期或钟点") from None


def guess_type(title: str) -> str:
    return next((kind for word, kind in TYPE_HINTS if word in title), "其他")


class EventIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    title: str = Field(min_length=1, max_length=60)
    type: str = ""
    start: datetime
    place: str = Field(min_length=1, max_length=80)
    audience: str = "all"
    description: str = Field("", max_length=400)
    signup: str = ""

    @field_validator("title")
    @classmethod
    def _title(cls, value):
        try:
            parse_when(value)
        except EventError:
            return value
        raise ValueError("看起来是时间而不是标题，请填写活动标题（时间另填）")

    @field_validator("start", mode="before")
    @classmethod
    def _start(cls, value):
        try:
            return parse_when(value)
        except EventError as exc:
            raise ValueError(str(exc)) from None

    @field_validator("audience", mode="before")
    @classmethod
    def _audience(cls, value):
        segment = parse_segment(fold(str(value or "")))
        if segment is None:
            raise ValueError(f"受众“{value}”不认识，可选：全体、" + "、".join(SEGMENTS.values()))
        return segment

    @field_validator("type")
    @classmethod
    def _type(cls, value):
        if value and value not in TYPES:
            raise ValueError(f"类型“{value}”不认识，可选：" + "、".join(TYPES))
        return value

    @field_validator("signup")
    @classmethod
    def _signup(cls, value):
        if value and not re.match(r"^https?://\S+$", value):
            raise ValueError("报名链接须以 http:// 或 https:// 开头")
        return value

    def event(self) -> Event:
        """As a record not stored yet (id 0)."""
        return Event(self.title, self.start.astimezone(SHANGHAI).replace(microsecond=0), self.place,
                     self.type or guess_type(self.title), self.audience, self.description, self.signup)


def _explain(exc: ValidationError, where: str = "") -> EventError:
    parts = []
    for err in exc.errors():
        name = FIELD_NAMES.get(str(err["loc"][0]), str(err["loc"][0])) if err["loc"] else ""
        text = err["msg"].removeprefix("Value error, ")
        if err["type"] == "missing":
            text = "缺少"
        elif err["type"] == "extra_forbidden":
            text = "不是可用的字段（可用：" + "、".join(FIELD_NAMES) + "）"
        elif err["type"] == "string_too_short":
            text = "不能为空"
        elif err["type"] == "string_too_long":
            text = f"太长（最多 {err.get('ctx', {}).get('max_length', '?')} 字）"
        parts.append(f"{name}：{text}" if name else text)
    return EventError(f"{where}{'；'.join(parts)}")


def validate(fields: dict[str, Any], now: datetime, where: str = "") -> Event:
    """Fields as staff typed them (by the names of FIELD_NAMES) → an event starting in the future (not stored
    yet), or EventError."""
    try:
        event = EventIn(**fields)
    except ValidationError as exc:
        raise _explain(exc, where) from None
    if event.start <= now:
        raise EventError(f"{where}时间：活动开始时间已经过去，请填写将来的时间")
    return event.event()


def split_fields(text: str) -> list[str]:
    """Fields separated by | or the full-width ｜ a Chinese keyboard types; each kept as typed."""
    return re.split(r"[|｜]", text)


def parse_one_line(text: str, now: datetime) -> Event:
    """'2026-12-01 14:00 | 标题 | 地点 | 受众 [| 类型 | 报名链接 | 简介]' → an event not stored yet."""
    parts = [p.strip() for p in split_fields(text)]
    if len(parts) < 4:
        raise EventError("字段不够。" + ONE_LINE_HELP)
    if len(parts) > 7:
        raise EventError("字段太多。" + ONE_LINE_HELP)
    names = ("start", "title", "place", "audience", "type", "signup", "description")
    return validate(dict(zip(names, parts)), now)


def parse_yaml(text: str, now: datetime) -> list[Event]:
    """A YAML list of events (or {events: [...]}) → events not stored yet; all valid or EventError naming the
    entry."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise EventError(f"YAML 格式有误：{exc}") from None
    if isinstance(data, dict) and "events" in data:
        data = data["events"]
    if not isinstance(data, list) or not data:
        raise EventError("YAML 应是活动列表（每项含 title、start、place，可选 type、audience、description、signup）")
    events = []
    for i, item in enumerate(data, 1):
        if not isinstance(item, dict):
            raise EventError(f"第 {i} 项不是“字段: 值”的形式")
        events.append(validate(item, now, where=f"第 {i} 项（{item.get('title', '无标题')}）"))
    return events


def when_text(start: datetime) -> str:
    return f"{start:%Y年%-m月%-d日}（周{WEEKDAYS[start.weekday()]}）{start:%H:%M}"


def event_text(event: Event, lang: str = "zh") -> str:
    """An event as staff published it; for English readers the labels are English and the text, as typed in
    Chinese, comes with a note saying so. An event not stored yet (a preview) has no number yet."""
    if lang == "en":
        lines = [f"[{event.type}] {event.title}", f"Time: {event.start:%Y-%m-%d %H:%M} ({when_text(event.start)})",
                 f"Venue: {event.place}", f"For: {segment_label(event.audience, 'en')}"]
        labels = ("Sign up: ", "(This event has been cancelled.)", "Event no.: #", "(Details as published, in Chinese.)")
    else:
        lines = [f"【{event.type}】{event.title}", f"时间：{when_text(event.start)}", f"地点：{event.place}",
                 f"面向：{segment_label(event.audience)}"]
        labels = ("报名：", "（本活动已取消）", "活动编号：#", "")
    if event.description:
        lines.append(event.description)
    if event.signup:
        lines.append(labels[0] + event.signup)
    if event.status == "cancelled":
        lines.insert(0, labels[1])
    lines.append(f"{labels[2]}{event.id or '（发布后生成）'}")
    return "\n".join(lines + [labels[3]] if labels[3] else lines)


def edited(event: Event, checked: Event) -> Event:
    """The stored `event` with what staff wrote in `checked` (a validated form of it)."""
    return replace(event, **{name: getattr(checked, name) for name in FIELD_NAMES})


def changes(old: Event, new: Event) -> str:
    """What an edit changed, for the notice: '时间：… → …；地点：… → …'."""
    shown = {"start": when_text, "audience": segment_label}
    parts = []
    for key, label in FIELD_NAMES.items():
        before, after = getattr(old, key), getattr(new, key)
        if before != after:
            show = shown.get(key, lambda v: v or "（无）")
            parts.append(f"{label}：{show(before)} → {show(after)}")
    return "；".join(parts)
