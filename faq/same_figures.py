"""An English text states the figures of its Chinese one: the digits of both are the same, an amount in English units
beside its Chinese figure ("RMB 74.345 billion (743.45亿元)") counting as that figure when the conversion holds. Checked
at load, so that a Chinese text changed without its English (in a file or in the web console) is refused, not served
to English readers with the old figure."""
from __future__ import annotations

import re
from decimal import Decimal

NUMBER = re.compile(r"\d+(?:\.\d+)?")
IN_ENGLISH_UNITS = re.compile(r"RMB (\d+(?:\.\d+)?) (billion|million) \((\d+(?:\.\d+)?)(亿|万)元\)")
ENGLISH_UNIT = {"billion": Decimal(10) ** 9, "million": Decimal(10) ** 6}
CHINESE_UNIT = {"亿": Decimal(10) ** 8, "万": Decimal(10) ** 4}


def _numbers(text: str) -> set[Decimal]:
    """Compared as values, so that 3.30 and 3.3 are one figure."""
    return {Decimal(n).normalize() for n in NUMBER.findall(text.replace(",", ""))}


def _shown(value: Decimal) -> str:
    return f"{value:f}"


def mismatch(chinese: str, english: str) -> str | None:
    """What differs, in Chinese for the staff who edit the files; None when the figures are the same."""
    for value, unit, figure, chinese_unit in IN_ENGLISH_UNITS.findall(english):
        if Decimal(value) * ENGLISH_UNIT[unit] != Decimal(figure) * CHINESE_UNIT[chinese_unit]:
            return f"英文“RMB {value} {unit}”与括号中的“{figure}{chinese_unit}元”不相等"
    zh, en = _numbers(chinese), _numbers(IN_ENGLISH_UNITS.sub(lambda m: f"({m.group(3)}{m.group(4)}元)", english))
    said = [f"中文有 {'、'.join(map(_shown, sorted(zh - en)))}，英文没有" if zh - en else "",
            f"英文有 {'、'.join(map(_shown, sorted(en - zh)))}，中文没有" if en - zh else ""]
    return "；".join(s for s in said if s) or None
