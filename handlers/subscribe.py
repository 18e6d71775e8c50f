"""What an enterprise receives: event notices (opt-in), staff announcements (on unless declined), and the
announcements of the alliance branches it explicitly joins. Every choice is a button and can be undone.

Buttons name the state they set (`sub:events:on`, `seg:quasi:off`), so a repeated or replayed press changes
nothing. Buttons sent before that (`sub:events`, no state) show the settings again instead of guessing."""
from __future__ import annotations

from functools import lru_cache

from bot.alliance.audience import SEGMENTS, SEGMENTS_EN, SOURCE
from bot.messages import Button, Incoming, Reply
from bot.payloads import SEGMENT, SUBSCRIBE
from bot.phrases import phrases
from bot.services import Services
from bot.store import User
from faq import language
from faq.schema import one_of

TOPICS = {"events": "联盟活动通知", "news": "管委会公告"}
TOPICS_EN = {"events": "alliance event notices", "news": "committee announcements"}
STATES = {"on": True, "off": False}


def _names(msg: Incoming | None) -> tuple[dict, dict]:
    return (TOPICS_EN, SEGMENTS_EN) if msg is not None and msg.english else (TOPICS, SEGMENTS)


def button(kind: str, value: str, on: bool, msg: Incoming | None = None) -> Button:
    """The button that switches `value` (a topic for "sub", a segment for "seg") on or off."""
    topics, segments = _names(msg)
    if msg is not None and msg.english:
        label = (("Get " if on else "Stop ") + topics[value] if kind == "sub"
                 else ("Join " if on else "Leave ") + segments[value].split(" (")[0])
    else:
        label = ("订阅" if on else "退订") + topics[value] if kind == "sub" else ("加入" if on else "退出") + segments[value]
    return Button(label, (SUBSCRIBE if kind == "sub" else SEGMENT)(f"{value}:{'on' if on else 'off'}"))


def every_button() -> list[Button]:
    """Every choice's buttons, on and off, in both languages, for a label typed back."""
    return [button(kind, value, on, Incoming("", "", "", lang=lang)) for lang in ("zh", "en")
            for kind, names in (("sub", TOPICS), ("seg", SEGMENTS)) for value in names for on in (True, False)]


def _state_text(msg: Incoming, user: User | None) -> str:
    subs = set(user.subscriptions) if user else {"news"}
    segs = set(user.segments) if user else set()
    topics, segments = _names(msg)
    lines = [msg.say("您当前的通知设置：", "Your notifications:")]
    lines += [f"{'✅' if t in subs else '⬜'} {label}" for t, label in topics.items()]
    lines.append(msg.say("分会通知（按您所属的小镇金融联盟分会选择，可多选、可随时退出）：",
                         "Branch notices (choose the branches of the Town Financial Alliance you belong to; any number, "
                         "leave any time):"))
    lines += [f"{'✅' if s in segs else '⬜'} {name}" for s, name in segments.items()]
    lines.append(msg.say("点下方按钮即可订阅或退订。", "Tap a button below to switch one on or off."))
    return "\n".join(lines)


def _buttons(msg: Incoming, user: User | None) -> list[Button]:
    subs = set(user.subscriptions) if user else {"news"}
    segs = set(user.segments) if user else set()
    return ([button("sub", t, t not in subs, msg) for t in TOPICS]
            + [button("seg", s, s not in segs, msg) for s in SEGMENTS])


def _settings_screen(msg: Incoming, user: User | None, prefix: str = "") -> Reply:
    return Reply(prefix + _state_text(msg, user), intent="events", confidence=1.0, buttons=_buttons(msg, user),
                 sources=[SOURCE])


async def show(svc: Services, msg: Incoming) -> Reply:
    return _settings_screen(msg, await svc.store.users.get(msg.user_key))


async def choose(svc: Services, msg: Incoming) -> Reply:
    """sub:<topic>:on|off or seg:<segment>:on|off sets that choice."""
    kind, _, rest = msg.payload.partition(":")
    value, _, state = rest.partition(":")
    names = _names(msg)[0 if kind == "sub" else 1]
    if value not in names or state not in STATES:
        return await show(svc, msg)
    on = STATES[state]
    await svc.store.users.choose(msg.user_key, "subscriptions" if kind == "sub" else "segments", value, on)
    if msg.english:
        done = f"{'Subscribed to' if on else 'Unsubscribed from'} {names[value]}." if kind == "sub" else \
            f"{'Joined' if on else 'Left'} the notices of {names[value]}."
    elif kind == "sub":
        done = f"已订阅{names[value]}。" if on else f"已退订{names[value]}。"
    else:
        done = f"已加入“{names[value]}”通知。" if on else f"已退出“{names[value]}”通知。"
    return _settings_screen(msg, await svc.store.users.get(msg.user_key), done + "\n\n")


_WORDS = phrases().subscribe
CLAUSES = one_of(_WORDS.clauses)
OPT_OUT, OPT_IN, KEEP, TELL_ME = (one_of(w) for w in (_WORDS.opt_out, _WORDS.opt_in, _WORDS.keep, _WORDS.tell_me))
JOINS, LEAVES, ASKS_HOW = one_of(_WORDS.joins), one_of(_WORDS.leaves), one_of(_WORDS.asks_how)
ABOUT_NOTICES = one_of(_WORDS.about_notices)      # what TELL_ME must be about
EVENTS, NEWS, BRANCH, EVERYTHING = (one_of(w) for w in (_WORDS.events, _WORDS.news, _WORDS.branch, _WORDS.everything))
SEGMENT_NAMES = {seg: one_of(getattr(_WORDS.segments, seg)) for seg in SEGMENTS}
REGISTERING = one_of(_WORDS.registering)   # how to take part: the screen, not a subscription the user did not ask for
SHORT_ZH, SHORT_EN = 24, 12              # a request is short (characters, words); a longer text is a question
Choice = tuple[str, str]                 # ("subscriptions", "events") or ("segments", "quasi")


def _short(text: str) -> bool:
    return len(text) <= SHORT_ZH if language.CJK.search(text) else len(text.split()) <= SHORT_EN


def _named(clause: str) -> list[Choice]:
    """The notices a clause speaks of; a bare "分会" or "全部" names every branch (and "全部" every topic)."""
    segments = [s for s, words in SEGMENT_NAMES.items() if words.search(clause)]
    if not segments and (BRANCH.search(clause) or EVERYTHING.search(clause)):
        segments = list(SEGMENTS)
    topics = [t for t, words in (("events", EVENTS), ("news", NEWS)) if words.search(clause)]
    if EVERYTHING.search(clause):
        topics = list(TOPICS)
    return [("subscriptions", t) for t in topics] + [("segments", s) for s in segments]


def _polarity(clause: str, named: list[Choice]) -> bool | None:
    """What a clause asks for the notices it names: off, on, or nothing (a self-introduction, a remark)."""
    branch = any(field == "segments" for field, _ in named)
    if OPT_OUT.search(clause) or (branch and LEAVES.search(clause)):
        return False
    if (OPT_IN.search(clause) or KEEP.search(clause) or (TELL_ME.search(clause) and ABOUT_NOTICES.search(clause))
            or (branch and JOINS.search(clause))):
        return True
    return None


def _wanted(text: str) -> dict[Choice, bool]:
    """Each notice named in a clause that says what to do with it: "别给我发活动通知了 公告可以继续" →
    event notices off, announcements on."""
    return dict(_wanted_in(text))


@lru_cache(maxsize=4096)          # every free text is read for subscribing words; the same texts come again
def _wanted_in(text: str) -> tuple[tuple[Choice, bool], ...]:
    wanted: dict[Choice, bool] = {}
    for clause in CLAUSES.split(text):
        named = _named(clause)
        if named and (on := _polarity(clause, named)) is not None:
            wanted.update((choice, on) for choice in named if choice not in wanted)
    return tuple(wanted.items())


def _done(msg: Incoming, before: User | None, changes: dict[Choice, bool]) -> str:
    """One line saying what the words changed (or kept), before the screen."""
    had = {("subscriptions", t) for t in (before.subscriptions if before else ("news",))} | \
          {("segments", s) for s in (before.segments if before else ())}
    topics, segments = _names(msg)
    parts = []
    for (field, value), on in changes.items():
        name = topics[value] if field == "subscriptions" else segments[value]
        kept = on and (field, value) in had
        if msg.english:
            parts.append(f"you still receive {name}" if kept else
                         f"you are {'subscribed to' if on else 'unsubscribed from'} {name}" if field == "subscriptions"
                         else f"you have {'joined' if on else 'left'} the notices of {name}")
        elif field == "subscriptions":
            parts.append(f"{name}照常接收" if kept else f"已为您{'订阅' if on else '退订'}{name}")
        else:
            parts.append(f"已为您{'加入' if on else '退出'}“{name}”通知")
    if msg.english:
        return "; ".join(parts).capitalize() + ". Everything else is unchanged (change it below).\n\n"
    return "；".join(parts) + "。其余不变，可在下方更改。\n\n"


async def _change(svc: Services, msg: Incoming, changes: dict[Choice, bool], prefix: str | None = None) -> Reply:
    before = await svc.store.users.get(msg.user_key)
    for (field, value), on in changes.items():
        await svc.store.users.choose(msg.user_key, field, value, on)
    return _settings_screen(msg, await svc.store.users.get(msg.user_key),
                            _done(msg, before, changes) if prefix is None else prefix)


async def by_words(svc: Services, msg: Incoming) -> Reply | None:
    """Opting in or out in words, in one step, of what the words name ("不要再给我发公告了": announcements only;
    "加入类金融分会": that branch's notices); "退订" naming nothing opts out of everything. Every change shows the
    subscription screen, so it can be changed back."""
    text = msg.folded.lower()
    wanted = _wanted(text)
    if OPT_OUT.search(text) and not any(on is False for on in wanted.values()):
        everything = {(field, value): False for field, names in (("subscriptions", TOPICS), ("segments", SEGMENTS))
                      for value in names}
        return await _change(svc, msg, everything, msg.say("已为您退订全部通知，之后不会再收到推送。\n\n",
                                                           "You are unsubscribed from all notices and will receive "
                                                           "no more messages.\n\n"))
    joins = any(field == "segments" for field, _ in wanted) and (JOINS.search(text) or LEAVES.search(text))
    opting_out = OPT_OUT.search(text) is not None
    asks = OPT_IN.search(text) or (TELL_ME.search(text) and ABOUT_NOTICES.search(text)) or joins   # "继续" alone asks nothing
    if not (opting_out or asks and _short(text)):
        return None
    if ASKS_HOW.search(text) and not (opting_out or OPT_IN.search(text)):
        return None               # "怎么加入类金融分会": a question about joining, for the FAQ
    if REGISTERING.search(text):
        return _settings_screen(msg, await svc.store.users.get(msg.user_key),
                                msg.say("订阅联盟活动通知后，新活动发布时会通知您。\n\n",
                                        "Get alliance event notices, and you will hear of each new event when it is "
                                        "published.\n\n"))
    if not wanted:
        return await show(svc, msg)
    return await _change(svc, msg, wanted)
