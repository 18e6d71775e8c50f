"""Staff broadcasts (compose → audience → preview → send now or at a time), their progress, and the week's
unanswered questions. Every staff action here is written to the audit log."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import ClassVar, Literal

from bot import inputs, tickets
from bot.alliance.audience import PLATFORMS, SEGMENTS, audience_label, parse_audience
from bot.dialogs import DialogState
from bot.alliance.events import EventError, parse_when, when_text
from bot.inputs import number
from bot.messages import Button, Incoming, Reply
from bot.payloads import AUDIENCE, SEND_LATER, SEND_NOW, UNSCHEDULE, Payload
from bot.services import Services
from bot.store import Audience, Audit, Broadcast
from bot.store.database import iso
from faq import nlp
from handlers.menu import stale_button

MAX_TEXT = 1500
STATUS_SHOWN = 8
STATUS_NAMES = {"sending": "发送中", "done": "已完成", "scheduled": "定时待发", "cancelled": "已取消"}
KIND_NAMES = {"announcement": "公告", "event.published": "活动通知", "event.before": "活动提醒",
              "event.changed": "活动变更", "event.cancelled": "活动取消"}


@dataclass
class BroadcastDialog(DialogState):
    """/broadcast: compose → audience → preview → (when, for a scheduled one)."""
    flow: ClassVar[str] = "broadcast"
    buttons: ClassVar[tuple[Payload, ...]] = (AUDIENCE, SEND_NOW, SEND_LATER)
    stage: Literal["compose", "audience", "preview", "when"] = "compose"
    text: str = ""
    audience: Audience = field(default_factory=Audience)


def _staff_reply(text: str, buttons: list[Button] | None = None) -> Reply:
    return Reply(text, intent="staff", confidence=1.0, buttons=buttons or [])


async def start(svc: Services, msg: Incoming) -> Reply:
    """/broadcast [正文]"""
    text = inputs.arguments(msg.typed).strip()          # as typed, however long
    svc.dialogs.put(msg.user_key, BroadcastDialog())
    if not text:
        return _staff_reply("请输入要群发的公告内容（随时输入“取消”退出）：")
    return await _composed(svc, msg, text)


async def _composed(svc: Services, msg: Incoming, text: str) -> Reply:
    if len(text) > MAX_TEXT:
        return _staff_reply(f"公告太长（{len(text)} 字），请控制在 {MAX_TEXT} 字以内，重新输入：")
    state = svc.dialogs.state(msg.user_key, BroadcastDialog)
    state.stage, state.text = "audience", text
    return _staff_reply("请选择受众：", [Button(label, AUDIENCE(value)) for value, label in (await audiences(svc)).items()])


async def audiences(svc: Services) -> dict[str, str]:
    """Audience value → label, for the chat's buttons and the console's form: everyone, each 分会, each platform
    with recipients or a channel."""
    options = {"all": "全体用户", **{f"segment:{s}": name for s, name in SEGMENTS.items()}}
    platforms = sorted(set(await svc.store.users.platforms()) | set(svc.outboxes))
    return options | {f"platform:{p}": f"仅{PLATFORMS.get(p, p)}" for p in platforms}


async def step(svc: Services, msg: Incoming) -> Reply:
    state = svc.dialogs.state(msg.user_key, BroadcastDialog)
    payload = msg.payload
    svc.dialogs.touch(msg.user_key)
    if state.stage == "compose" and payload is None:
        return await _composed(svc, msg, msg.typed.strip())
    if state.stage == "audience" and payload and AUDIENCE.matches(payload):
        audience = parse_audience(AUDIENCE.arg(payload))
        if audience is None:
            return _staff_reply("请点选受众按钮。")
        count = len(await svc.store.broadcasts.recipients(audience))
        state.stage, state.audience = "preview", audience
        return _staff_reply(f"预览（将发给{audience_label(audience)}，当前 {count} 位）：\n\n{state.text}",
                      [Button("立即发送", SEND_NOW()), Button("定时发送", SEND_LATER())])
    if state.stage == "preview" and payload == SEND_NOW():
        svc.dialogs.pop(msg.user_key)
        return await _create(svc, msg, state, due=None)
    if state.stage == "preview" and payload == SEND_LATER():
        state.stage = "when"
        return _staff_reply("请输入发送时间（上海时间），例如 2026-12-01 09:00：")
    if state.stage == "when" and payload is None:
        try:
            due = parse_when(msg.text)
        except EventError as exc:
            return _staff_reply(f"{exc}。请重新输入发送时间：")
        if due <= svc.clock.now():
            return _staff_reply("这个时间已经过去了，请输入将来的时间：")
        svc.dialogs.pop(msg.user_key)
        return await _create(svc, msg, state, due=due)
    return _staff_reply("请点选上方按钮继续，或输入“取消”退出。")


async def create(svc: Services, actor: str, text: str, audience: Audience, due: datetime | None) -> Broadcast:
    """Stores a staff announcement, audits it, and starts sending it (or plans it for `due`); returns it."""
    now = svc.clock.now()
    broadcast = Broadcast("announcement", text, audience, "scheduled" if due else "sending", iso(now), actor, due=due)
    action = "broadcast.schedule" if due else "broadcast.send"
    bid = await svc.store.broadcasts.create(broadcast, Audit(actor, action, now,
                                                             {"audience": audience.row(), "text": text[:200]}))
    if due:
        svc.scheduler.schedule_broadcast(bid, due)
    else:
        svc.delivery.start(bid)
    stored = await svc.store.broadcasts.get(bid)
    assert stored is not None
    return stored


async def _create(svc: Services, msg: Incoming, state: BroadcastDialog, due: datetime | None) -> Reply:
    broadcast = await create(svc, msg.user_key, state.text, state.audience, due)
    bid = broadcast.id
    if due:
        return _staff_reply(f"公告 #{bid} 已定时，将于 {when_text(due)} 发给{audience_label(state.audience)}。"
                      "查看或取消：/broadcast_status")
    return _staff_reply(f"公告 #{bid} 开始发送给{audience_label(state.audience)}（{broadcast.total} 位）。"
                  "进度：/broadcast_status")


async def listed(svc: Services) -> list[Broadcast]:
    """Announcements and event notices, newest first; a ticket's messages belong to the ticket, not here."""
    return sorted((b for b in await svc.store.broadcasts.all() if b.kind != tickets.KIND),
                  key=lambda b: b.id, reverse=True)


async def status(svc: Services, msg: Incoming) -> Reply:
    """/broadcast_status — recent broadcasts with sent / failed / pending; /broadcast_status 12 — failure reasons."""
    arg = msg.text.partition(" ")[2].strip().lstrip("#")
    await svc.store.audit.record(msg.user_key, "broadcast.status", svc.clock.now(), broadcast=arg or None)
    broadcasts = await listed(svc)
    if (wanted := number(arg)) is not None:
        broadcasts = [b for b in broadcasts if b.id == wanted]
    else:
        broadcasts = broadcasts[:STATUS_SHOWN]
    if not broadcasts:
        return _staff_reply("还没有群发记录。" if not arg else f"没有编号为 {arg} 的群发。")
    counts = await svc.store.broadcasts.counts(b.id for b in broadcasts)
    lines, buttons = ["群发记录（已发送 / 失败 / 待发送）："], []
    for b in broadcasts:
        c = counts[b.id]
        when = iso(b.due) if b.status == "scheduled" and b.due else b.created
        lines.append(f"#{b.id} {KIND_NAMES.get(b.kind, b.kind)} · {when[:16].replace('T', ' ')} · "
                     f"{audience_label(b.audience)}：{c['sent']} / {c['failed']} / {c['pending']}"
                     + (f"，{c['skipped']} 位控制台用户未显示" if c["skipped"] else "")
                     + f"（{STATUS_NAMES.get(b.status, b.status)}）")
        if b.status == "scheduled":
            buttons.append(Button(f"取消定时 #{b.id}", UNSCHEDULE(b.id)))
    if wanted is not None:
        reasons = await svc.store.broadcasts.failure_reasons(wanted)
        if reasons:
            lines.append("失败原因：" + "；".join(f"{r}（{n}）" for r, n in reasons.most_common(5)))
    return _staff_reply("\n".join(lines), buttons)


async def unschedule(svc: Services, msg: Incoming) -> Reply:
    """bc:unschedule:<id> — cancels a scheduled broadcast that has not started."""
    bid = number(UNSCHEDULE.arg(msg.payload))
    if bid is None:
        return stale_button(msg)
    if not await svc.store.broadcasts.cancel_scheduled(int(bid), Audit(msg.user_key, "broadcast.unschedule", svc.clock.now())):
        return _staff_reply(f"群发 #{bid} 不是待发送的定时群发（可能已开始或已取消）。")
    return _staff_reply(f"定时群发 #{bid} 已取消。")


async def unanswered(svc: Services, msg: Incoming) -> Reply:
    """/unanswered — the week's most frequent questions the bot could not answer (to improve the FAQ)."""
    now = svc.clock.now()
    await svc.store.audit.record(msg.user_key, "unanswered.view", now)
    rows = await svc.store.unanswered.since(now - timedelta(days=7))
    if not rows:
        return _staff_reply("近 7 天没有未能回答的问题。")
    counts: Counter = Counter()
    example: dict[str, str] = {}
    for row in rows:
        key = nlp.normalise(row.text) or row.text
        counts[key] += 1
        example.setdefault(key, row.text)
    lines = [f"近 7 天未能回答的问题共 {len(rows)} 条，最常见的："]
    lines += [f"{i}. {example[k][:60]}（{n} 次）" for i, (k, n) in enumerate(counts.most_common(10), 1)]
    lines.append("可在网页控制台（/console）的“未答问题”页把它们加为问法或新建问答，"
                 "或在 faq/data/*.yaml 中补充后发送 /reload。")
    return _staff_reply("\n".join(lines))
