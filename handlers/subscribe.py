"""What an enterprise receives: event notices (opt-in), staff announcements (on unless declined), and the
announcements of the alliance branches it explicitly joins. Every choice is a button and can be undone.

Buttons name the state they set (`sub:events:on`, `seg:quasi:off`), so a repeated or replayed press changes
nothing. Buttons sent before that (`sub:events`, no state) show the settings again instead of guessing."""
from __future__ import annotations

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
OPT_OUT, OPT_IN, TELL_ME = one_of(_WORDS.opt_out), one_of(_WORDS.opt_in), one_of(_WORDS.tell_me)
ABOUT_NOTICES = one_of(_WORDS.about_notices)      # what TELL_ME must be about
EVENTS, NEWS = one_of(_WORDS.events), one_of(_WORDS.news)
REGISTERING = one_of(_WORDS.registering)   # how to take part: the screen, not a subscription the user did not ask for
SHORT_ZH, SHORT_EN = 24, 12              # a request is short (characters, words); a longer text is a question


def _short(text: str) -> bool:
    return len(text) <= SHORT_ZH if language.CJK.search(text) else len(text.split()) <= SHORT_EN


async def by_words(svc: Services, msg: Incoming) -> Reply | None:
    """"退订" / "不要再给我发公告了" opts out of everything in one step; "订阅活动通知" opts in to event notices;
    both show the subscription screen so any choice can be changed back."""
    text = msg.folded.lower()
    if OPT_OUT.search(text):
        if EVENTS.search(text) and not NEWS.search(text):       # "不要再给我发活动通知了": events only
            await svc.store.users.choose(msg.user_key, "subscriptions", "events", False)
            return _settings_screen(msg, await svc.store.users.get(msg.user_key),
                                    msg.say("已为您退订联盟活动通知；管委会公告和分会通知不变，可在下方更改。\n\n",
                                            "You are unsubscribed from alliance event notices; committee announcements "
                                            "and branch notices are unchanged (change them below).\n\n"))
        for field, names in (("subscriptions", TOPICS), ("segments", SEGMENTS)):
            for value in names:
                await svc.store.users.choose(msg.user_key, field, value, False)
        return _settings_screen(msg, await svc.store.users.get(msg.user_key),
                      msg.say("已为您退订全部通知，之后不会再收到推送。\n\n",
                              "You are unsubscribed from all notices and will receive no more messages.\n\n"))
    asks = OPT_IN.search(text) or (TELL_ME.search(text) and ABOUT_NOTICES.search(text))
    if not (asks and _short(text)):
        return None
    prefix = ""
    if REGISTERING.search(text):
        prefix = msg.say("订阅联盟活动通知后，新活动发布时会通知您。\n\n",
                         "Get alliance event notices, and you will hear of each new event when it is published.\n\n")
    elif EVENTS.search(text):
        await svc.store.users.choose(msg.user_key, "subscriptions", "events", True)
        prefix = msg.say("已为您订阅联盟活动通知。\n\n", "You are now subscribed to alliance event notices.\n\n")
    return _settings_screen(msg, await svc.store.users.get(msg.user_key), prefix)
