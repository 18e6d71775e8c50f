"""Figures given loosely — a range ("30到40个亿", "120-180亿") or a rough value ("约150亿", "将近200亿",
"超过30亿") — become one figure that carries both ends it allows, so that the quick-check computes only
when every value in between gives the same answer.
"""
from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal

from policy_data.amounts import LIMITS, Figure, figures

RANGE_JOIN = re.compile(r"\s*(?:到|至|~|～|-|—|－|或)\s*")
RISE_FROM = re.compile(r"(?:从|由)\s*$")          # "融资从8亿到12亿": a rise from one figure to the other, no range
_LEADING_NUMBER = re.compile(r"^[\d.,零〇一二两三四五六七八九十百千点]+")
# (words before, words after, (low, high) as multiples of the figure; None: no upper end given)
ROUGH = (
    (re.compile(r"(?:大约|大概|大致|约|差不多|估计|预估|粗略|好像|似乎|貌似|应该|可能)(?:是|为|有|在)?\s*$"), None,
     (Decimal("0.9"), Decimal("1.1"))),                # "好像是8亿", "应该有8亿吧": not sure of it either
    (None, re.compile(r"^\s*(?:左右|上下|前后)"), (Decimal("0.9"), Decimal("1.1"))),
    (re.compile(r"(?:将近|接近|不到|不足|小于|低于|近|快到|快要到|快要|快|马上到|马上就到|就快到|即将到|即将达到)\s*$"), None,
     (Decimal("0.9"), Decimal("0.999999"))),
    (re.compile(r"(?:超过|超出|多于|高于|大于|不低于|不少于|至少)了?\s*$"), None, (Decimal(1), None)),
    (None, re.compile(r"^\s*(?:多(?!少)|出头|以上|开外)"), (Decimal(1), None)),       # "12亿多少钱" asks, "12亿多" is rough
)


def _with_unit_of(low: Figure, high: Figure) -> Decimal | None:
    """"30到40个亿": the bare 30 takes the unit of 40个亿."""
    if low.kind == high.kind and low.value is not None:
        return low.value
    if low.kind != "number" or low.error and "单位" not in low.error:
        return None
    tail = _LEADING_NUMBER.sub("", high.text)
    found = figures(low.text + tail)
    return found[0].value if len(found) == 1 and found[0].kind == high.kind else None


def _rough(text: str, fig: Figure) -> tuple[tuple[Decimal, Decimal | None], str] | None:
    """The ends a rough figure allows, and the figure with its qualifier ("约150亿", "200亿以上")."""
    before, after = text[max(0, fig.start - 6):fig.start], text[fig.end:fig.end + 3]
    for lead, trail, ends in ROUGH:
        if lead and (m := lead.search(before)):
            return ends, before[m.start():] + fig.text
        if trail and (m := trail.match(after)):
            return ends, fig.text + m.group(0)
    return None


# "九百到一千一百笔": a bare Chinese numeral before a range joint is the low end, in the unit of the figure after it
BARE_LOW = re.compile(r"(?<![\d零〇一二两三四五六七八九十百千万亿点])([零〇一二两三四五六七八九十百千万点]+)" + RANGE_JOIN.pattern + "$")


def _bare_low(text: str, fig: Figure) -> Decimal | None:
    if fig.value is None or not (m := BARE_LOW.search(text[:fig.start])):
        return None
    found = figures(m.group(1) + _LEADING_NUMBER.sub("", fig.text))
    return found[0].value if len(found) == 1 and found[0].kind == fig.kind and found[0].value is not None \
        and found[0].value < fig.value else None


def _some(text: str, fig: Figure) -> tuple[Decimal, Decimal, str] | None:
    """"十几名", "二十几项" (11–19, 21–29) and "几十名" (20–90): a numeral with 几 for a digit, as its two ends."""
    if fig.value is None or fig.value <= 0 or fig.kind not in ("count", "number", "rank"):
        return None
    if fig.text.endswith("十") and text[fig.end:fig.end + 1] == "几":
        return fig.value + 1, fig.value + 9, fig.text + "几"
    if text[max(0, fig.start - 1):fig.start] == "几" and re.match(r"[十百千]", fig.text):
        return fig.value * 2, fig.value * 9, "几" + fig.text
    return None


def loosen(text: str, found: list[Figure]) -> list[Figure]:
    """The figures with ranges merged into one (its value the upper end) and rough values given both ends."""
    merged: list[Figure] = []
    n = 0
    while n < len(found):
        fig = found[n]
        nxt = found[n + 1] if n + 1 < len(found) else None
        if nxt is not None and nxt.value is not None and RANGE_JOIN.fullmatch(text[fig.end:nxt.start]) \
                and not RISE_FROM.search(text[:fig.start]) \
                and (low := _with_unit_of(fig, nxt)) is not None and low < nxt.value:
            merged.append(replace(nxt, start=fig.start, text=text[fig.start:nxt.end], low=low, high=nxt.value))
            n += 2
            continue
        if (low := _bare_low(text, fig)) is not None:
            start = BARE_LOW.search(text[:fig.start]).start()
            fig = replace(fig, start=start, text=text[start:fig.end], low=low, high=fig.value)
        elif some := _some(text, fig):
            low, high, said = some
            fig = replace(fig, text=said, low=low, high=high)
        elif fig.value is not None and fig.kind in ("money", "count", "number", "rate") and (rough := _rough(text, fig)):
            (low, high), said = rough
            top = (fig.high if fig.loose else fig.value) * high if high is not None else LIMITS[fig.kind]
            fig = replace(fig, text=said, low=(fig.low if fig.loose else fig.value) * low, high=top)     # "大概两三张": 2×0.9 to 3×1.1
        merged.append(fig)
        n += 1
    return merged
