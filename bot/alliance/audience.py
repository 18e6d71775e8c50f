"""Who a notice or broadcast is for: everyone, one branch (分会) of the 小镇金融联盟, or one platform.

The branches are those the town profile names (000_8fc8d49fbf383375.txt, 小镇金融联盟): 传统持牌金融行业分会,
类金融行业分会, 重点企业行业分会, and the foreign financial institutions in Hangzhou admitted as 特邀联盟单位.
"""
from __future__ import annotations

from bot.store.records import Audience, User

SOURCE = "运河财富小镇简介（000_8fc8d49fbf383375.txt）·小镇金融联盟"
SEGMENTS = {                         # stable id (kept in storage and button payloads) → name shown
    "licensed": "传统持牌金融行业分会",
    "quasi": "类金融行业分会",
    "key": "重点企业行业分会",
    "foreign": "特邀外资金融机构",
}
SEGMENTS_EN = {"licensed": "Traditional Licensed Finance Branch (传统持牌金融行业分会)",
               "quasi": "Quasi-Finance Branch (类金融行业分会)", "key": "Key Enterprises Branch (重点企业行业分会)",
               "foreign": "Specially invited foreign financial institutions (特邀外资金融机构)"}
ALIASES = {"licensed": ("传统持牌", "持牌"), "quasi": ("类金融",), "key": ("重点企业",),
           "foreign": ("特邀联盟单位", "外资金融", "外资", "特邀")}
ALL_WORDS = ("all", "全部", "全体", "所有", "全体企业", "所有企业", "")
PLATFORMS = {"telegram": "Telegram", "wecom": "企业微信", "wecom_kf": "微信客服", "wecom_robot": "企业微信群机器人",
             "console": "控制台"}


def parse_segment(text: str) -> str | None:
    """'类金融行业分会' / '类金融' / 'quasi' → 'quasi'; 'all' words → 'all'; None when unknown."""
    text = text.strip()
    if text.lower() in ALL_WORDS:
        return "all"
    if text in SEGMENTS:
        return text
    for seg, name in SEGMENTS.items():
        if text == name:
            return seg
    for seg, words in ALIASES.items():       # 类金融 before 金融 words: the alias lists do not overlap
        if any(w in text for w in words):
            return seg
    return None


def segment_label(segment: str, lang: str = "zh") -> str:
    if lang == "en":
        return "all enterprises" if segment == "all" else SEGMENTS_EN.get(segment, segment)
    return "全体企业" if segment == "all" else SEGMENTS.get(segment, segment)


def audience_label(audience: Audience) -> str:
    kind, value = audience.kind, audience.value
    if kind == "segment":
        return SEGMENTS.get(value, value)
    if kind == "platform":
        return f"{PLATFORMS.get(value, value)}上的全部用户"
    if kind == "event":
        return f"活动订阅者（{segment_label(value)}）"
    return "全体用户"


def told_event(audience: Audience) -> int | None:
    """The event whose earlier notices' recipients belong to this audience too (see `reaches`)."""
    return audience.event if audience.kind == "event" else None


def reaches(audience: Audience, user: User, told: frozenset[str] = frozenset()) -> bool:
    """Whether an active user is in an audience: "all" (everyone taking announcements), "segment" (that
    segment's members), "platform" (that platform's users taking announcements), or "event" (event-notice
    subscribers of a segment or "all", plus `told`: whoever was already sent a notice of that event, so edits
    and cancellations reach the same people). A "direct" audience names its accounts instead (`direct_keys`)."""
    kind, value = audience.kind, audience.value
    if kind == "all":
        return "news" in user.subscriptions
    if kind == "segment":
        return value in user.segments
    if kind == "platform":
        return user.platform == value and "news" in user.subscriptions
    if kind == "event":
        return user.key in told or ("events" in user.subscriptions and (value == "all" or value in user.segments))
    raise ValueError(f"unknown audience {audience!r}")


def direct_keys(audience: Audience) -> list[str] | None:
    """The accounts a "direct" audience names, whatever they subscribe to, known to the bot or not; None for
    the other kinds."""
    return list(audience.keys) if audience.kind == "direct" else None


def parse_audience(value: str) -> Audience | None:
    """A staff choice ('all', 'segment:quasi', 'platform:wecom') → its audience; None when it names none."""
    kind, _, rest = value.partition(":")
    if kind == "all" and not rest:
        return Audience()
    if (kind == "segment" and rest in SEGMENTS) or (kind == "platform" and rest):
        return Audience(kind, rest)
    return None
