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
from faq.gazetteer import Repairer
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
ASKS_WHICH = one_of(_WORDS.asks_which)    # "应该加入哪个分会": a question for the FAQ
ABOUT_NOTICES = one_of(_WORDS.about_notices)      # what TELL_ME must be about
EVENTS, NEWS, BRANCH, EVERYTHING = (one_of(w) for w in (_WORDS.events, _WORDS.news, _WORDS.branch, _WORDS.everything))
SEGMENT_NAMES = {seg: one_of(getattr(_WORDS.segments, seg)) for seg in SEGMENTS}
REGISTERING = one_of(_WORDS.registering)   # how to take part: the screen, not a subscription the user did not ask for
MINE = one_of(_WORDS.mine)                 # "我在哪个分会": the user's own choices
YES_NO, REQUESTS, UNCHANGED = one_of(_WORDS.yes_no), one_of(_WORDS.requests), one_of(_WORDS.unchanged)
SHORT_ZH, SHORT_EN = 24, 12              # a request is short (characters, words); a longer text is a question
Choice = tuple[str, str]                 # ("subscriptions", "events") or ("segments", "quasi")


def _short(text: str) -> bool:
    return len(text) <= SHORT_ZH if language.CJK.search(text) else len(text.split()) <= SHORT_EN


def _named(clause: str) -> list[Choice]:
    """The notices a clause names: each topic and branch by its words; "所有分会" every branch, "全部" alone
    everything. A bare "分会" names no branch in particular."""
    segments = [s for s, words in SEGMENT_NAMES.items() if words.search(clause)]
    topics = [t for t, words in (("events", EVENTS), ("news", NEWS)) if words.search(clause)]
    if EVERYTHING.search(clause):
        if BRANCH.search(clause) and not segments:
            segments = list(SEGMENTS)
        elif not (segments or topics or BRANCH.search(clause)):
            topics, segments = list(TOPICS), list(SEGMENTS)
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


def _had(user: User | None) -> set[Choice]:
    return {("subscriptions", t) for t in (user.subscriptions if user else ("news",))} | \
           {("segments", s) for s in (user.segments if user else ())}


def _name(msg: Incoming, choice: Choice) -> str:
    topics, segments = _names(msg)
    field, value = choice
    return topics[value] if field == "subscriptions" else segments[value] if msg.english else f"“{segments[value]}”通知"


def _said(msg: Incoming, choice: Choice, on: bool) -> str:
    """One change: "已为您退订管委会公告"."""
    name, topic = _name(msg, choice), choice[0] == "subscriptions"
    if msg.english:
        return (f"you are {'subscribed to' if on else 'unsubscribed from'} {name}" if topic
                else f"you have {'joined' if on else 'left'} the notices of {name}")
    return f"已为您{('订阅' if on else '退订') if topic else ('加入' if on else '退出')}{name}"


def _as_asked(msg: Incoming, names: list[str], on: bool) -> str:
    """Choices that were already as asked: "管委会公告照常接收"."""
    if msg.english:
        return f"you {'still receive' if on else 'were not receiving'} {', '.join(names)}"
    return f"{'、'.join(names)}照常接收" if on else f"{'、'.join(names)}您本来就没有接收"


def _sentence(msg: Incoming, parts: list[str]) -> str:
    text = msg.say("；", "; ").join(parts)
    return text[:1].upper() + text[1:]


def _done(msg: Incoming, before: User | None, changes: dict[Choice, bool]) -> str:
    """What the words changed, then what was already as asked, before the screen; nothing else was touched."""
    had = _had(before)
    parts = [_said(msg, choice, on) for choice, on in changes.items() if (choice in had) != on]
    for on in (True, False):
        if same := [_name(msg, c) if c[0] == "subscriptions" or not msg.english else f"the notices of {_name(msg, c)}"
                    for c, o in changes.items() if o is on and (c in had) == on]:
            parts.append(_as_asked(msg, same, on))
    if msg.english:
        return _sentence(msg, parts) + ". Nothing else was changed (change it below).\n\n"
    return _sentence(msg, parts) + "。其余设置没有改动，可在下方更改。\n\n"


def _all_off(msg: Incoming, before: User | None) -> str:
    """"退订" naming nothing: what it switched off, by name."""
    was_on = [_name(msg, c) for c in _had(before)
              if c in {(f, v) for f, names in (("subscriptions", TOPICS), ("segments", SEGMENTS)) for v in names}]
    order = [_name(msg, (f, v)) for f, names in (("subscriptions", TOPICS), ("segments", SEGMENTS)) for v in names]
    was_on.sort(key=order.index)
    if not was_on:
        return msg.say("您目前没有订阅任何通知，不会收到推送。\n\n", "You receive no notices, so nothing will be sent to you.\n\n")
    return msg.say(f"已为您退订全部通知（{'、'.join(was_on)}），之后不会再收到推送。\n\n",
                   f"You are unsubscribed from all notices ({'; '.join(was_on)}) and will receive no more "
                   "messages.\n\n")


async def _change(svc: Services, msg: Incoming, changes: dict[Choice, bool], everything: bool = False) -> Reply:
    before = await svc.store.users.get(msg.user_key)
    for (field, value), on in changes.items():
        await svc.store.users.choose(msg.user_key, field, value, on)
    return _settings_screen(msg, await svc.store.users.get(msg.user_key),
                            _all_off(msg, before) if everything else _done(msg, before, changes))


def _joined(msg: Incoming, user: User | None) -> str:
    """"我在哪个分会": the branches whose notices the user chose; membership itself is the committee's record."""
    _, segments = _names(msg)
    mine = [segments[s] for s in SEGMENTS if user and s in user.segments]
    if msg.english:
        chosen = f"You receive the notices of: {'; '.join(mine)}." if mine else "You have joined no branch's notices."
        return (f"{chosen} I only keep which branch notices you chose here; which branch of the alliance your "
                "institution belongs to is not in the documents — the Town Management Committee (小镇管委会) keeps "
                "that.\n\n")
    chosen = f"您在这里选择接收的分会通知：{'、'.join(mine)}。" if mine else "您还没有选择接收任何分会的通知。"
    return (f"{chosen}我只记录您选了哪些分会的通知；贵单位在小镇金融联盟中属于哪个分会，资料中没有记载，"
            "以小镇管委会的登记为准。\n\n")


async def _asked(svc: Services, msg: Incoming, text: str) -> Reply | None:
    """A question about notices is answered, not acted on: "怎么退订" / "能订阅活动通知吗" get the screen where one
    tap does it; "怎么加入类金融分会" how branches work here; "能加入特邀外资金融机构吗" is the FAQ's."""
    branch = (JOINS.search(text) or LEAVES.search(text)) and (BRANCH.search(text) or _wanted(text))
    if ASKS_WHICH.search(text) or not (OPT_OUT.search(text) or OPT_IN.search(text) or branch and ASKS_HOW.search(text)):
        return None
    user = await svc.store.users.get(msg.user_key)
    if branch and not (OPT_OUT.search(text) or OPT_IN.search(text)):
        return _settings_screen(msg, user, _how(msg))
    return _settings_screen(msg, user, msg.say("点下方按钮即可订阅或退订，点一下就生效，随时可以改回。\n\n",
                                               "Tap a button below to switch a notice on or off; it takes one tap "
                                               "and can be changed back any time.\n\n"))


def _how(msg: Incoming) -> str:
    """"怎么加入类金融分会" / "怎么退出分会": how it is done here."""
    return msg.say("在这里加入或退出分会，就是选择接收哪些分会的通知：点下方“加入…”“退出…”按钮，或直接发"
                   "“加入类金融分会”“退出类金融分会”，随时可以改回。成为联盟分会成员的手续和条件，资料中没有记载，"
                   "请向小镇管委会咨询。\n\n",
                   "Here, joining or leaving a branch means choosing whose notices you receive: tap “Join …” or "
                   "“Leave …” below, or write e.g. “Join the quasi-finance branch” / “Leave the quasi-finance "
                   "branch”; you can change it back any time. How an institution becomes a member of a branch is "
                   "not stated in the documents; ask the Town Management Committee (小镇管委会).\n\n")


@lru_cache(maxsize=1)
def _sounds() -> Repairer:
    return Repairer((), short=phrases().subscribe.sounds)


def _repaired(text: str) -> str:
    """"订月活动通知" read as 订阅活动通知: the words of subscribing, with pinyin-input homophones repaired."""
    return _sounds().repair(text) if language.CJK.search(text) else text


async def by_words(svc: Services, msg: Incoming) -> Reply | None:
    """Opting in or out in words, in one step, of exactly what the words name ("不要再给我发公告了":
    announcements only; "加入类金融分会": that branch's notices; "退出所有分会": every branch, nothing else);
    "退订" naming nothing opts out of everything. Every change shows the subscription screen, so it can be
    changed back; "我在哪个分会" and "怎么退出分会" get the screen with what it means here."""
    text = _repaired(msg.folded.lower())
    if MINE.search(text) and _short(text):
        return _settings_screen(msg, user := await svc.store.users.get(msg.user_key), _joined(msg, user))
    if UNCHANGED.search(text):            # "我不想退订", "上次不小心退订了": nothing to switch; the screen to check
        return _settings_screen(msg, await svc.store.users.get(msg.user_key),
                                msg.say("您的通知设置没有改动，当前设置如下；如需恢复或更改，点一下下方按钮即可。\n\n",
                                        "Nothing was changed; here are your current settings. Tap a button below to "
                                        "change one.\n\n"))
    if (ASKS_HOW.search(text) or YES_NO.search(text)) and not REQUESTS.search(text):
        return await _asked(svc, msg, text)
    wanted = _wanted(text)
    if OPT_OUT.search(text) and not any(on is False for on in wanted.values()):
        everything = {(field, value): False for field, names in (("subscriptions", TOPICS), ("segments", SEGMENTS))
                      for value in names}
        return await _change(svc, msg, everything, everything=True)
    branch_move = (JOINS.search(text) or LEAVES.search(text)) and (
        BRANCH.search(text) or any(field == "segments" for field, _ in wanted))
    opting_out = OPT_OUT.search(text) is not None
    asks = OPT_IN.search(text) or (TELL_ME.search(text) and ABOUT_NOTICES.search(text)) or branch_move
    if not (opting_out or asks and _short(text)):
        return None               # "继续" alone asks nothing; a long text is a question
    if ASKS_WHICH.search(text) and not (opting_out or OPT_IN.search(text)):
        return None               # "保险公司应该加入哪个分会": what the documents say of the branches
    if ASKS_HOW.search(text) and not (opting_out or OPT_IN.search(text)):
        if branch_move:           # "怎么加入类金融分会": how it is done here, not done for the user
            return _settings_screen(msg, await svc.store.users.get(msg.user_key), _how(msg))
        return None
    if REGISTERING.search(text):
        return _settings_screen(msg, await svc.store.users.get(msg.user_key),
                                msg.say("订阅联盟活动通知后，新活动发布时会通知您。\n\n",
                                        "Get alliance event notices, and you will hear of each new event when it is "
                                        "published.\n\n"))
    if not wanted:                # "加入分会", naming none: the screen to choose from
        return _settings_screen(msg, await svc.store.users.get(msg.user_key),
                                msg.say("请点下方按钮选择分会。\n\n", "Choose the branch with the buttons below.\n\n")
                                if branch_move else "")
    return await _change(svc, msg, wanted)
