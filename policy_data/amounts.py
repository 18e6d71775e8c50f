"""Figures the way people type them — 10亿, 1,000万, 8000万元, 3.5亿, 五亿, 两千万, 1.2e8, 2%, 百分之二,
千分之五, 3项, 排名第5 — read into exact Decimals, and money written back in 元/万元/亿元.

Chinese integers go through cn2an; decimals ("三点五亿"), units and limits are handled here so that no
float ever touches an amount. A figure that cannot be used carries a user-facing `error` instead of a value.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation


WAN, YI = Decimal(10) ** 4, Decimal(10) ** 8
LIMITS = {"money": Decimal(10) ** 15, "count": Decimal(10) ** 12, "number": Decimal(10) ** 15,
          "rate": Decimal(100), "rank": Decimal(10) ** 5}
MULTIPLIERS = {"万亿": WAN * YI, "千亿": Decimal(10) ** 11, "百亿": Decimal(10) ** 10, "十亿": Decimal(10) ** 9,
               "千万": Decimal(10) ** 7, "百万": Decimal(10) ** 6, "十万": Decimal(10) ** 5,
               "亿": YI, "万": WAN, "千": Decimal(1000), "百": Decimal(100)}
LATIN_MULTIPLIERS = {"kw": "千万", "w": "万", "e": "亿"}     # how people type 8kw, 500w, 5e on a phone
MONEY_UNITS = {"元", "块", "块钱", "人民币"}
COUNT_UNITS = {"项", "张", "次", "笔", "家", "件", "个", "名"}
SKIP_UNITS = {"年", "月", "日", "号", "条", "天", "岁", "倍"}        # dates, article numbers: not figures
CN_DIGITS = "零〇一二两三四五六七八九"
_CN_DIGIT_VALUE = {c: str(i) for i, c in enumerate("零一二三四五六七八九")} | {"〇": "0", "两": "2"}

# "一亿五", "三千五": a last digit after a place stands for the next place down (一亿五千万, 三千五百)
SPOKEN_TAIL = re.compile(r"[亿万千百][一二两三四五六七八九]$")
_NEXT_PLACE = {"亿": "千万", "万": "千", "千": "百", "百": "十"}

_AR = r"\d+\s*\^\s*\d+|\d{1,3}(?:,\d{3})+(?!\d)(?:\.\d+)?|\d+(?:\.\d+)?(?:[eE][+-]?\d+)?"
_CN = rf"[{CN_DIGITS}十][{CN_DIGITS}十百千万亿]*(?:点[{CN_DIGITS}]+)?"
_NUM = rf"(?:{_AR}|{_CN})"
_FIGURE = re.compile(
    rf"(?P<pbase>百|千|万)分之(?P<pnum>{_NUM})"
    rf"|(?:排名|排在|排)第?\s*(?P<r1>{_NUM})\s*名?|第\s*(?P<r2>{_NUM})\s*名|(?:排名)?前\s*(?P<r3>{_NUM})\s*名"
    rf"|(?:排名|排|增速|全市|全国|进了?|进入|位列|位居)前\s*(?P<r4>{_NUM})"
    rf"|(?:增速|增量|全市|全国|全省|位列|位居|名列)第\s*(?P<r5>{_NUM})(?![\d.{CN_DIGITS}十百千万亿]|\s*(?:方阵|梯队|城|批|名|条|项|年|月|日|号))"
    rf"|(?<![\d.])(?P<yi>\d+)亿(?P<rest>\d{{1,4}})(?:(?P<restmult>千万|百万|十万|万)|(?![\d.年月日号条项家个名次笔%]))"
    rf"(?:\s*(?:元|块钱|块|人民币))?"
    rf"|(?P<neg>(?<![0-9A-Za-z.万亿千百元块])[-−]|负)?(?P<num>{_NUM})\s*(?:个(?=\s*[万亿]))?\s*"
    rf"(?:(?P<mult>万亿|千亿|百亿|十亿|千万|百万|十万|亿|万|千|百)|(?P<latin>kw|w|e)(?![a-z0-9]))?"
    rf"(?:(?<=个亿)(?P<tail>[1-9一二两三四五六七八九])(?:千万|千(?!万))?(?![{CN_DIGITS}\d.十百千万亿年月日号条项家个名次笔张件天岁倍%成]))?\s*"
    rf"(?P<unit>%|个百分点|百分点|‰|元|块钱|块|人民币|项|张|次(?!性)|笔|家|件|个|名|年|月|日|号|条|天|岁|倍)?")


class AmountError(ValueError):
    """A figure that cannot be used; str(exc) is a message for the user."""


@dataclass(frozen=True)
class Figure:
    kind: str                    # "money" (元) | "count" | "rate" (fraction) | "rank" | "number" (no unit)
    value: Decimal | None        # None when `error` says why it cannot be used
    start: int
    end: int
    text: str
    unit: str = ""               # count unit as typed (项, 张, 次…)
    error: str | None = None
    low: Decimal | None = None   # a range or a rough value ("30到40亿", "约150亿"): the ends it allows
    high: Decimal | None = None

    @property
    def loose(self) -> bool:
        return self.low is not None


def _number(raw: str) -> Decimal:
    raw = raw.replace(",", "").replace(" ", "")
    if "^" in raw:
        base, power = raw.split("^")
        if int(power) > 40:
            raise AmountError(f"“{raw}”这个数太大了，请核对后输入实际数额")
        return Decimal(base) ** int(power)
    if raw[0].isdigit():
        return Decimal(raw)
    whole, _, frac = raw.partition("点")
    whole = SPOKEN_TAIL.sub(lambda t: t[0] + _NEXT_PLACE[t[0][-2]], whole)
    try:
        import cn2an      # only Chinese numerals need it; importing it costs a noticeable share of start-up
        value = Decimal(cn2an.cn2an(whole, "smart")) if whole else Decimal(0)
    except (ValueError, KeyError, IndexError):
        raise AmountError(f"没看懂“{raw}”这个数，请用数字写，例如 10亿 或 8000万元") from None
    return value + (Decimal("0." + "".join(_CN_DIGIT_VALUE[c] for c in frac)) if frac else 0)


def _classify(m: re.Match) -> tuple[str, Decimal, str] | None:
    """(kind, value, unit) of one regex match; None for dates, article numbers and bare Chinese words."""
    if m["pbase"]:
        return "rate", _number(m["pnum"]) / {"百": 100, "千": 1000, "万": 10000}[m["pbase"]], ""
    rank = m["r1"] or m["r2"] or m["r3"] or m["r4"] or m["r5"]
    if rank:
        return "rank", _number(rank), ""
    if m["yi"]:         # "1亿5千万", "1亿5" (a digit after 亿 is its 千万), "1亿2000" (万 after 亿)
        below = m["restmult"] or ("千万" if len(m["rest"]) == 1 else "万")
        return "money", Decimal(m["yi"]) * YI + Decimal(m["rest"]) * MULTIPLIERS[below], ""
    unit, raw = m["unit"] or "", m["num"]
    mult = m["mult"] or LATIN_MULTIPLIERS.get((m["latin"] or "").lower(), "")
    if unit in SKIP_UNITS:
        return None
    value = _number(raw) * MULTIPLIERS.get(mult, 1)
    if m["tail"]:        # "一个亿五", "两个亿五千万", "1个亿5": the digit after 个亿 is its 千万, as in 一亿五
        value += int(_CN_DIGIT_VALUE.get(m["tail"], m["tail"])) * MULTIPLIERS["千万"]
    if m["neg"]:
        value = -value
    if unit in ("%", "个百分点", "百分点"):
        return "rate", value / 100, ""
    if unit == "‰":
        return "rate", value / 1000, ""
    if unit in COUNT_UNITS:
        return "count", value, unit
    if unit in MONEY_UNITS or mult or (not raw[0].isdigit() and re.search("[万亿]", raw)):
        return "money", value, ""
    return ("number", value, "") if raw[0].isdigit() else None


def _check(kind: str, value: Decimal) -> str | None:
    if value < 0:
        return "数额不能是负数，请输入实际数额"
    if value > LIMITS[kind] or (kind == "rank" and value < 1):
        return "这个数超出了合理范围，请核对后重新输入"
    return None


# Financial (大写) numerals, one character for one so that positions stay: 壹拾亿 reads as 一十亿.
CAPITAL_NUMERALS = str.maketrans("壹贰貳叁參肆伍陆陸柒捌玖拾佰仟", "一二二三三四五六六七八九十百千")


# A digit right after 亿 that is neither its 千万 nor the start of a count or a span of years leaves the figure unclear.
LEFT_TAIL = re.compile(r"[一二两三四五六七八九](?![年月日号条项家个名次笔张件天岁倍])")
# "两三张", "三五个亿", "七八千万": two digits side by side, no place between, are a rough span, not 23 or 35
COUPLE = re.compile(r"^(?P<a>[一二两三四五六七八九])(?P<b>[二两三四五六七八九])(?![〇零一二两三四五六七八九])")


def _couple(m: re.Match) -> Figure | None:
    """A couple of digits as its two ends, each read with the rest of the figure ("三五个亿": 3亿 to 5亿)."""
    if not (m["num"] and (pair := COUPLE.match(m["num"]))):
        return None
    rest = m.group(0)[pair.end():]
    ends = [figures(digit + rest) for digit in (pair["a"], pair["b"])]
    if not all(len(e) == 1 and e[0].kind in ("money", "count") and e[0].value is not None for e in ends):
        return None
    low, high = ends[0][0], ends[1][0]
    if low.kind != high.kind or low.value >= high.value:
        return None
    return replace(high, start=m.start(), end=m.end(), text=m.group(0).strip(), low=low.value, high=high.value)


# "两百多万次", "200多万", "十几亿": a round number, then 多 or 几, then the place or unit it is counted in
MORE = re.compile(r"(?:多(?!少)|几)(?=\s*(?:[万亿千百]|元|块|人民币|项|张|次(?!性)|笔|家|件|个|名))")


def _more(text: str, m: re.Match) -> Figure | None:
    """"两百多万次": from the number in its unit (200万次) up to, not reaching, the next step of its last place
    (300万次)."""
    if not m["num"] or m["mult"] or m["latin"] or m["unit"] or m["tail"] or not (more := MORE.match(text, m.end())):
        return None
    try:
        number = _number(m["num"])
    except AmountError:
        return None
    tail = figures("1" + text[more.end():more.end() + 8])
    if number <= 0 or number % 1 or not tail or tail[0].start != 0:
        return None
    digits = str(int(number))
    rest = tail[0].text[1:]
    low, high = figures(m["num"] + rest), figures(f"{int(number) + 10 ** (len(digits) - len(digits.rstrip('0')))}{rest}")
    if len(low) != 1 or len(high) != 1 or low[0].value is None or high[0].value is None:
        return None
    end = more.end() + len(tail[0].text) - 1
    return replace(low[0], start=m.start(), end=end, text=text[m.start():end], low=low[0].value,
                   high=high[0].value * Decimal("0.999999"))


def figures(text: str) -> list[Figure]:
    """Every figure in `text`, in order. Unusable ones (negative, absurd, unreadable) carry an error."""
    found: list[Figure] = []
    read = text.translate(CAPITAL_NUMERALS)
    for m in _FIGURE.finditer(read):
        if (couple := _couple(m)) is not None or (couple := _more(read, m)) is not None:
            found.append(couple)
            continue
        if m.group(0).rstrip().endswith("个亿") and LEFT_TAIL.match(text, m.end()):     # "一个亿五六", "一个亿五成"
            found.append(Figure("number", None, m.start(), m.end() + 1, text[m.start():m.end() + 1].strip(),
                                error=f"没看懂“{text[m.start():m.end() + 2].strip()}”这个数，请用数字写，例如 1.5亿"))
            continue
        try:
            classified = _classify(m)
        except (AmountError, InvalidOperation, ArithmeticError) as exc:
            msg = str(exc) if isinstance(exc, AmountError) else "这个数超出了合理范围，请核对后重新输入"
            found.append(Figure("number", None, m.start(), m.end(), text[m.start():m.end()], error=msg))
            continue
        if classified is None:
            continue
        kind, value, unit = classified
        error = _check(kind, value)
        found.append(Figure(kind, None if error else value, m.start(), m.end(), text[m.start():m.end()].strip(), unit,
                            error))
    return found


def parse_quantity(text: str | int | float | Decimal) -> Decimal:
    """One figure that is the whole text ("5000万", "2%", "200万", "10"), as used in the data files."""
    if isinstance(text, (int, Decimal)):
        return Decimal(text)
    if isinstance(text, float):
        raise AmountError(f"write {text!r} as text (e.g. \"0.05%\"), not as a float")
    found = figures(str(text).strip())
    if len(found) != 1 or found[0].text != str(text).strip():
        raise AmountError(f"not a single figure: {text!r}")
    if found[0].error:
        raise AmountError(f"{text!r}: {found[0].error}")
    return found[0].value


def _plain(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def fmt_money(value: Decimal) -> str:
    """2000万元, 10亿元, 3.5亿元, 1234.5678万元, 6172.84元 — exact, never rounded above the fen."""
    value = Decimal(value)
    if abs(value) >= YI and value % WAN == 0:
        return f"{_plain(value / YI)}亿元"
    if abs(value) >= WAN and value % 1 == 0:
        return f"{_plain(value / WAN)}万元"
    return f"{_plain(value.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP))}元"


def fmt_rate(value: Decimal) -> str:
    return f"{_plain(Decimal(value) * 100)}%"


def fmt_count(value: Decimal, unit: str = "") -> str:
    value = Decimal(value)
    if value >= WAN and value % WAN == 0:
        return f"{_plain(value / WAN)}万{unit}"
    return f"{_plain(value)}{unit}"


ENGLISH_SIZES = ((WAN * YI, "trillion"), (10 * YI, "billion"), (Decimal(10) ** 6, "million"))
# "RMB 10.50亿" in an English text, and a gloss right after it ("(sixty-five billion yuan)", "(万 = ten thousand)")
_CHINESE_AMOUNT = re.compile(r"RMB (\d+(?:\.\d+)?)(万亿|亿|万)(?!元)"
                             r"(?:\s*\((?:[亿万]\s*=[^)]*|[a-z][a-z -]*(?:yuan|thousand|million|billion|trillion))\))?")


# "exceed 1600亿元 (亿 = hundred million yuan)": an amount written the Chinese way in an English text, outside brackets.
_BARE_AMOUNT = re.compile(r"(?<![\d.,\u4e00-\u9fff(（])(?<!RMB )(\d+(?:\.\d+)?)(万亿|亿|万)元(?:\s*\([亿万]\s*=[^)]*\))?")


def _in_english(match: re.Match) -> str:
    figure, unit = match.group(1), match.group(2)
    value = Decimal(figure) * MULTIPLIERS[unit]
    for size, word in ENGLISH_SIZES:
        if abs(value) >= size:
            return f"RMB {_plain(value / size)} {word} ({figure}{unit}元)"
    return f"RMB {value:,.0f} ({figure}{unit}元)"


# "1.97万 m²", "over 1万 (ten thousand) funds": a count or measure in 万 that is no amount of money, its unit and gloss
# (a Chinese figure already beside its English, "(近50万平方米)", stays as it is).
_CHINESE_QUANTITY = re.compile(r"(?<![\d.,\u4e00-\u9fff(（])(\d+(?:\.\d+)?)万(?![\u4e00-\u9fff])"
                               r"(\s*(?:m²|km²|square metres|square meters|tonnes|people|visitors|person-times)\b|\s*m²)?"
                               r"(?:\s*\((?:万\s*=[^)]*|[a-z][a-z -]*)\))?")


def _quantity_in_english(match: re.Match) -> str:
    figure, unit = match.group(1), match.group(2) or ""
    value = Decimal(figure) * WAN
    if value % 1:
        return match.group(0)
    return f"{value:,.0f}{unit} ({figure}万{unit.strip() and ' ' + unit.strip()})"


def amounts_in_english(text: str) -> str:
    """"RMB 10.50亿" or "10.50亿元" → "RMB 1.05 billion (10.50亿元)", "1.97万 m²" → "19,700 m² (1.97万 m²)": the figure
    as an English reader writes it, the Chinese figure as written beside it (the reviewed text keeps the Chinese
    figures, so its numbers stay those of the Chinese)."""
    text = _BARE_AMOUNT.sub(_in_english, _CHINESE_AMOUNT.sub(_in_english, text))
    return _CHINESE_QUANTITY.sub(_quantity_in_english, text)


def fmt_money_en(value: Decimal, chinese: bool = True) -> str:
    """"RMB 20 million (2000万元)": English words for the exact amount, the Chinese form beside it (`chinese`)."""
    value = Decimal(value)
    beside = f" ({fmt_money(value)})" if chinese else ""
    for size, word in ((10 * YI, "billion"), (Decimal(10) ** 6, "million")):
        if abs(value) >= size:
            return f"RMB {_plain(value / size)} {word}{beside}"
    return f"RMB {value.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):,.2f}".replace(".00", "") + beside
