"""An English text states the figures of its Chinese one: the digits of both are the same, an amount in English units
beside its Chinese figure ("RMB 74.345 billion (743.45亿元)") counting as that figure when the conversion holds. Checked
at load, so that a Chinese text changed without its English (in a file or in the web console) is refused, not served
to English readers with the old figure."""
from __future__ import annotations

import re
from decimal import Decimal

NUMBER = re.compile(r"\d+(?:\.\d+)?")
IN_ENGLISH_UNITS = re.compile(r"RMB (\d+(?:\.\d+)?) (billion|million) \((\d+(?:\.\d+)?)亿元\)")
TO_YI = {"billion": Decimal(10), "million": Decimal("0.01")}


def _numbers(text: str) -> set[str]:
    return set(NUMBER.findall(text.replace(",", "")))


def mismatch(chinese: str, english: str) -> str | None:
    """What differs, in Chinese for the staff who edit the files; None when the figures are the same."""
    for value, unit, yi in IN_ENGLISH_UNITS.findall(english):
        if Decimal(value) * TO_YI[unit] != Decimal(yi):
            return f"英文“RMB {value} {unit}”与括号中的“{yi}亿元”不相等"
    zh, en = _numbers(chinese), _numbers(IN_ENGLISH_UNITS.sub(lambda m: f"({m.group(3)}亿元)", english))
    said = [f"中文有 {'、'.join(sorted(zh - en))}，英文没有" if zh - en else "",
            f"英文有 {'、'.join(sorted(en - zh))}，中文没有" if en - zh else ""]
    return "；".join(s for s in said if s) or None
