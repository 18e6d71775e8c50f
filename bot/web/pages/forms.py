"""Reading forms and query strings, and the template filters the pages share."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from aiohttp import web

from bot.inputs import number
from bot.alliance.audience import audience_label, segment_label
from bot.clock import SHANGHAI
from bot.store import Audience
from bot.web.base import Invalid

MAX_DAYS = 366


def text(form, name: str) -> str:
    """A text field as typed (browsers send line ends as CRLF: those become LF)."""
    return str(form.get(name, "")).replace("\r\n", "\n")


def lines(form, name: str) -> list[str]:
    return [line for line in text(form, name).split("\n") if line.strip()]


def words(form, name: str) -> list[str]:
    """A list typed as '甲、乙, 丙' or one per line."""
    raw = text(form, name)
    for sep in ("、", "，", "\n"):
        raw = raw.replace(sep, ",")
    return [w.strip() for w in raw.split(",") if w.strip()]


def ids(form, name: str = "ids") -> list[int]:
    """Record ids carried in a hidden field as '3,17,42'."""
    return [n for i in text(form, name).split(",") if (n := number(i)) is not None]


def day_range(request: web.Request, today: date, default_days: int) -> tuple[date, date]:
    """?from=YYYY-MM-DD&to=YYYY-MM-DD (inclusive), default the last `default_days` days."""
    try:
        end = date.fromisoformat(request.query.get("to") or today.isoformat())
        start = date.fromisoformat(request.query.get("from") or (end - timedelta(days=default_days - 1)).isoformat())
    except ValueError:
        raise Invalid("日期格式应为 2026-11-01") from None
    if start > end:
        raise Invalid("开始日期不能晚于结束日期")
    if (end - start).days >= MAX_DAYS:
        raise Invalid(f"日期范围最多 {MAX_DAYS} 天")
    return start, end


def bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """The instants [start 00:00, the day after end 00:00) in Asia/Shanghai."""
    return (datetime.combine(start, time(), SHANGHAI), datetime.combine(end + timedelta(days=1), time(), SHANGHAI))


def page_number(request: web.Request) -> int:
    raw = request.query.get("page", "1")
    if (n := number(raw)) is None or n < 1:
        raise Invalid("页码应为正整数")
    return n


def _when(value: str | datetime | None) -> str:
    """A stored time as staff read it: '2026-12-01 14:00'."""
    if isinstance(value, datetime):
        return f"{value:%Y-%m-%d %H:%M}"
    return value[:16].replace("T", " ") if value else ""


def _detail(detail: dict) -> str:
    """An audit entry's details as staff read them: an audience by its name, not its stored form."""
    shown = (f"{k}={audience_label(Audience.of(v)) if k == 'audience' and isinstance(v, dict) else v}"
             for k, v in detail.items())
    return "；".join(shown)


FILTERS = {"when": _when, "audience": audience_label, "segment": segment_label, "detail": _detail}
