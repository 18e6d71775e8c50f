"""When a person answers: weekly opening hours such as `Mon-Fri 09:00-12:00,13:30-17:30; Sat 09:00-12:00
Asia/Shanghai` (the time zone at the end, Asia/Shanghai when left out)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

FULL_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
DAY_NAMES = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
RANGE = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-4]):([0-5]\d)$")
EXAMPLE = "Mon-Fri 09:00-17:30 Asia/Shanghai"


def _day(name: str) -> int:
    for i, full in enumerate(FULL_DAYS):
        if name in (full, full[:3]):
            return i
    raise ValueError(name)


def _days(text: str) -> set[int]:
    """'Mon-Fri,Sun' → {0, 1, 2, 3, 4, 6}; a range may wrap (Sat-Mon)."""
    days: set[int] = set()
    for part in text.lower().split(","):
        first, _, last = part.partition("-")
        start, end = _day(first), _day(last or first)
        days.update(range(start, end + 1) if start <= end else [*range(start, 7), *range(0, end + 1)])
    return days


def _ranges(text: str) -> list[tuple[time, time]]:
    ranges = []
    for part in text.split(","):
        m = RANGE.match(part)
        if not m:
            raise ValueError(part)
        h1, m1, h2, m2 = map(int, m.groups())
        start = time(h1, m1)
        end = time.max if (h2, m2) >= (24, 0) else time(h2, m2)
        if end <= start:
            raise ValueError(part)
        ranges.append((start, end))
    return ranges


@dataclass(frozen=True)
class OfficeHours:
    spec: str
    zone: ZoneInfo
    week: tuple[tuple[tuple[time, time], ...], ...]      # per weekday (Mon=0): opening ranges

    @classmethod
    def parse(cls, spec: str) -> "OfficeHours":
        """Raises ValueError (with a message naming the format) for anything it cannot read."""
        words = spec.split()
        zone_name = words.pop() if words and "/" in words[-1] or words[-1:] == ["UTC"] else "Asia/Shanghai"
        try:
            zone = ZoneInfo(zone_name)
            week: list[list[tuple[time, time]]] = [[] for _ in FULL_DAYS]
            blocks = [b.split() for b in " ".join(words).split(";") if b.strip()]
            if not blocks:
                raise ValueError(spec)
            for block in blocks:
                if len(block) != 2:
                    raise ValueError(block)
                for day in _days(block[0]):
                    week[day] += _ranges(block[1])
        except (ValueError, ZoneInfoNotFoundError):
            raise ValueError(f"must look like '{EXAMPLE}', got {spec!r}") from None
        return cls(spec, zone, tuple(tuple(sorted(d)) for d in week))

    def is_open(self, when: datetime) -> bool:
        local = when.astimezone(self.zone)
        return any(start <= local.time() < end for start, end in self.week[local.weekday()])

    def next_opening(self, when: datetime) -> datetime:
        """The next moment (at or after `when`) a person is there, in the office's time zone."""
        local = when.astimezone(self.zone)
        for offset in range(8):
            day = local.date() + timedelta(days=offset)
            for start, end in self.week[day.weekday()]:
                opening = datetime.combine(day, start, self.zone)
                closing = datetime.combine(day, end, self.zone)
                if local < closing:
                    return max(opening, local)
        raise ValueError("no opening hours in the week")

    def describe(self) -> str:
        """e.g. 周一至周五 09:00-17:30."""
        groups: list[tuple[list[int], tuple]] = []
        for day, ranges in enumerate(self.week):
            if ranges and groups and groups[-1][1] == ranges and groups[-1][0][-1] == day - 1:
                groups[-1][0].append(day)
            elif ranges:
                groups.append(([day], ranges))
        parts = []
        for days, ranges in groups:
            names = DAY_NAMES[days[0]] + (f"至{DAY_NAMES[days[-1]]}" if len(days) > 1 else "")
            times = "、".join(f"{s:%H:%M}-{'24:00' if e == time.max else f'{e:%H:%M}'}" for s, e in ranges)
            parts.append(f"{names} {times}")
        return "；".join(parts)
