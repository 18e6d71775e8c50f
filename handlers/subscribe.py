"""What an enterprise receives: event notices (opt-in), staff announcements (on unless declined), and the
announcements of the alliance branches it explicitly joins. Every choice is a button and can be undone.

Buttons name the state they set (`sub:events:on`, `seg:quasi:off`), so a repeated or replayed press changes
nothing. Buttons sent before that (`sub:events`, no state) show the settings again instead of guessing."""
from __future__ import annotations

import re

from bot.audience import SEGMENTS, SOURCE
from bot.messages import Button, Incoming, Reply

TOPICS = {"events": "联盟活动通知", "news": "管委会公告"}
STATES = {"on": True, "off": False}


def button(kind: str, value: str, on: bool) -> Button:
    """The button that switches `value` (a topic for "sub", a segment for "seg") on or off."""
    if kind == "sub":
        label = ("订阅" if on else "退订") + TOPICS[value]
    else:
        label = ("加入" if on else "退出") + SEGMENTS[value]
    return Button(label, f"{kind}:{value}:{'on' if on else 'off'}")


def _state_text(user: dict | None) -> str:
    subs = set(user["subscriptions"]) if user else {"news"}
    segs = set(user["segments"]) if user else set()
    lines = ["您当前的通知设置："]
    lines += [f"{'✅' if t in subs else '⬜'} {label}" for t, label in TOPICS.items()]
    lines.append("分会通知（按您所属的小镇金融联盟分会选择，可多选、可随时退出）：")
    lines += [f"{'✅' if s in segs else '⬜'} {name}" for s, name in SEGMENTS.items()]
    lines.append("点下方按钮即可订阅或退订。")
    return "\n".join(lines)


def _buttons(user: dict | None) -> list[Button]:
    subs = set(user["subscriptions"]) if user else {"news"}
    segs = set(user["segments"]) if user else set()
    return ([button("sub", t, t not in subs) for t in TOPICS]
            + [button("seg", s, s not in segs) for s in SEGMENTS])


def _reply(user: dict | None, prefix: str = "") -> Reply:
    return Reply(prefix + _state_text(user), intent="events", confidence=1.0, buttons=_buttons(user),
                 sources=[SOURCE])


async def show(msg: Incoming, svc) -> Reply:
    if svc.store is None:
        return Reply("订阅功能暂不可用，请稍后再试。", intent="events")
    return _reply(await svc.store.get_user(msg.user_key))


async def choose(msg: Incoming, svc) -> Reply:
    """sub:<topic>:on|off or seg:<segment>:on|off sets that choice."""
    kind, _, rest = msg.payload.partition(":")
    value, _, state = rest.partition(":")
    names = TOPICS if kind == "sub" else SEGMENTS
    if svc.store is None or value not in names or state not in STATES:
        return await show(msg, svc)
    on = STATES[state]
    await svc.store.choose(msg.user_key, "subscriptions" if kind == "sub" else "segments", value, on)
    if kind == "sub":
        done = f"已订阅{names[value]}。" if on else f"已退订{names[value]}。"
    else:
        done = f"已加入“{names[value]}”通知。" if on else f"已退出“{names[value]}”通知。"
    return _reply(await svc.store.get_user(msg.user_key), done + "\n\n")


OPT_OUT = re.compile(r"退订|取消订阅|不要再(给我)?(发|推)|别再(给我)?(发|推)|不想(再)?收到|停止(推送|发送|通知)|关闭通知|unsubscribe")
OPT_IN = re.compile(r"(我要|我想|想|帮我|如何|怎么)?订阅|想收到.{0,6}通知|接收.{0,4}通知|subscribe")


async def by_words(msg: Incoming, svc) -> Reply | None:
    """"退订" / "不要再给我发公告了" opts out of everything in one step; "订阅活动通知" opts in to event notices;
    both show the subscription screen so any choice can be changed back."""
    text = msg.text.lower()
    if OPT_OUT.search(text):
        for field, names in (("subscriptions", TOPICS), ("segments", SEGMENTS)):
            for value in names:
                await svc.store.choose(msg.user_key, field, value, False)
        return _reply(await svc.store.get_user(msg.user_key), "已为您退订全部通知，之后不会再收到推送。\n\n")
    if OPT_IN.search(text) and len(text) <= 20:
        prefix = ""
        if "活动" in text:
            await svc.store.choose(msg.user_key, "subscriptions", "events", True)
            prefix = "已为您订阅联盟活动通知。\n\n"
        return _reply(await svc.store.get_user(msg.user_key), prefix)
    return None
