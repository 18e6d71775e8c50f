"""Office hours: reading the setting, and when a person is next there."""
from __future__ import annotations

from datetime import datetime

import pytest

from bot.clock import SHANGHAI
from bot.office_hours import OfficeHours

FRIDAY_EVENING = datetime(2026, 11, 27, 18, 0, tzinfo=SHANGHAI)


def test_next_opening_skips_the_weekend():
    hours = OfficeHours.parse("Mon-Fri 09:00-17:30 Asia/Shanghai")
    assert not hours.is_open(FRIDAY_EVENING)
    assert hours.next_opening(FRIDAY_EVENING) == datetime(2026, 11, 30, 9, 0, tzinfo=SHANGHAI)
    inside = datetime(2026, 11, 30, 11, 0, tzinfo=SHANGHAI)
    assert hours.is_open(inside) and hours.next_opening(inside) == inside


def test_several_ranges_days_and_another_zone():
    hours = OfficeHours.parse("Mon-Fri 09:00-12:00,13:30-17:30; Saturday 09:00-12:00 UTC")
    assert hours.describe() == "周一至周五 09:00-12:00、13:30-17:30；周六 09:00-12:00"
    lunch = datetime(2026, 11, 30, 12, 30, tzinfo=hours.zone)
    assert not hours.is_open(lunch) and hours.next_opening(lunch).hour == 13
    assert hours.is_open(FRIDAY_EVENING.replace(hour=19))          # 19:00 in Shanghai is 11:00 UTC
    assert hours.next_opening(datetime(2026, 11, 28, 13, 0, tzinfo=hours.zone)).weekday() == 0


@pytest.mark.parametrize("spec", ["", "Mon-Fri", "weekdays 09:00-17:00", "Mon 17:00-09:00", "Mon 9:00-17:00",
                                  "Mon-Fri 09:00-17:30 Mars/Olympus", "Mon-Fri 09:00-17:30 extra"])
def test_what_cannot_be_read_is_refused(spec):
    with pytest.raises(ValueError, match="must look like 'Mon-Fri 09:00-17:30 Asia/Shanghai'"):
        OfficeHours.parse(spec)
