"""What an enterprise receives: event notices (opt-in), staff announcements (on unless declined), and the
announcements of the alliance branches it explicitly joins. Every choice is a button and can be undone."""
from __future__ import annotations

import re

from bot.audience import SEGMENTS, SOURCE
from bot.messages import Button, Incoming, Reply

TOPICS = {"events": "联盟活动通知", "news": "管委会公告"}


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
    buttons = [Button(("退订" if t in subs else "订阅") + label, f"sub:{t}") for t, label in TOPICS.items()]
    buttons += [Button(("退出" if s in segs else "加入") + name, f"seg:{s}") for s, name in SEGMENTS.items()]
    return buttons


def _reply(user: dict | None, prefix: str = "") -> Reply:
    return Reply(prefix + _state_text(user), intent="events", confidence=1.0, buttons=_buttons(user),
                 sources=[SOURCE])


async def show(msg: Incoming, svc) -> Reply:
    if svc.store is None:
        return Reply("订阅功能暂不可用，请稍后再试。", intent="events")
    return _reply(await svc.store.get_user(msg.user_key))


async def toggle(msg: Incoming, svc) -> Reply:
    """sub:<topic> or seg:<segment> flips that choice."""
    kind, _, value = msg.payload.partition(":")
    if svc.store is None:
        return Reply("订阅功能暂不可用，请稍后再试。", intent="events")
    names = TOPICS if kind == "sub" else SEGMENTS
    if value not in names:
        return await show(msg, svc)
    on = await svc.store.toggle(msg.user_key, "subscriptions" if kind == "sub" else "segments", value)
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
        user = await svc.store.get_user(msg.user_key)
        for field, chosen in (("subscriptions", user["subscriptions"] if user else ["news"]),
                              ("segments", user["segments"] if user else [])):
            for value in list(chosen):
                await svc.store.toggle(msg.user_key, field, value)
        return _reply(await svc.store.get_user(msg.user_key), "已为您退订全部通知，之后不会再收到推送。\n\n")
    if OPT_IN.search(text) and len(text) <= 20:
        user = await svc.store.get_user(msg.user_key)
        prefix = ""
        if "活动" in text and "events" not in (user["subscriptions"] if user else []):
            await svc.store.toggle(msg.user_key, "subscriptions", "events")
            prefix = "已为您订阅联盟活动通知。\n\n"
        return _reply(await svc.store.get_user(msg.user_key), prefix)
    return None
