"""Staff broadcasts (compose → audience → preview → send now or at a time), their progress, and the week's
unanswered questions. Every staff action here is written to the audit log."""
from __future__ import annotations

from collections import Counter
from datetime import timedelta

from bot.audience import PLATFORMS, SEGMENTS, audience_label
from bot import tickets
from bot.events import EventError, parse_when, when_text
from bot.inputs import number
from bot.messages import Button, Incoming, Reply
from bot.store import Audit
from faq import nlp

MAX_TEXT = 1500
STATUS_SHOWN = 8
STATUS_NAMES = {"sending": "发送中", "done": "已完成", "scheduled": "定时待发", "cancelled": "已取消"}
KIND_NAMES = {"announcement": "公告", "event.published": "活动通知", "event.before": "活动提醒",
              "event.changed": "活动变更", "event.cancelled": "活动取消"}


def _reply(text: str, buttons: list[Button] | None = None) -> Reply:
    return Reply(text, intent="staff", confidence=1.0, buttons=buttons or [])


def _iso(when) -> str:
    return when.isoformat(timespec="seconds")


async def start(msg: Incoming, svc) -> Reply:
    """/broadcast [正文]"""
    text = msg.text.partition(" ")[2].strip()
    svc.dialogs.start(msg.user_key, "broadcast", stage="compose", text="")
    if not text:
        return _reply("请输入要群发的公告内容（随时输入“取消”退出）：")
    return await _composed(msg, svc, text)


async def _composed(msg: Incoming, svc, text: str) -> Reply:
    if len(text) > MAX_TEXT:
        return _reply(f"公告太长（{len(text)} 字），请控制在 {MAX_TEXT} 字以内，重新输入：")
    dialog = svc.dialogs.get(msg.user_key)
    dialog.data.update(stage="audience", text=text)
    buttons = [Button("全体用户", "bc:aud:all")]
    buttons += [Button(name, f"bc:aud:segment:{seg}") for seg, name in SEGMENTS.items()]
    buttons += [Button(f"仅{PLATFORMS.get(p, p)}", f"bc:aud:platform:{p}") for p in await svc.store.users.platforms()]
    return _reply("请选择受众：", buttons)


async def step(msg: Incoming, svc) -> Reply | None:
    dialog = svc.dialogs.get(msg.user_key)
    data = dialog.data
    payload = msg.payload
    if payload is not None and not payload.startswith(("bc:aud:", "bc:send", "bc:later")):
        return None
    svc.dialogs.touch(msg.user_key)
    if data["stage"] == "compose" and payload is None:
        return await _composed(msg, svc, msg.text.strip())
    if data["stage"] == "audience" and payload and payload.startswith("bc:aud:"):
        kind, _, value = payload.removeprefix("bc:aud:").partition(":")
        audience = {"kind": kind, "value": value} if value else {"kind": "all"}
        if kind not in ("all", "segment", "platform") or (kind == "segment" and value not in SEGMENTS):
            return _reply("请点选受众按钮。")
        count = len(await svc.store.broadcasts.recipients(audience))
        data.update(stage="preview", audience=audience)
        return _reply(f"预览（将发给{audience_label(audience)}，当前 {count} 位）：\n\n{data['text']}",
                      [Button("立即发送", "bc:send"), Button("定时发送", "bc:later")])
    if data["stage"] == "preview" and payload == "bc:send":
        svc.dialogs.end(msg.user_key)
        return await _create(msg, svc, data, due=None)
    if data["stage"] == "preview" and payload == "bc:later":
        data["stage"] = "when"
        return _reply("请输入发送时间（上海时间），例如 2026-12-01 09:00：")
    if data["stage"] == "when" and payload is None:
        try:
            due = parse_when(msg.text)
        except EventError as exc:
            return _reply(f"{exc}。请重新输入发送时间：")
        if due <= svc.clock.now():
            return _reply("这个时间已经过去了，请输入将来的时间：")
        svc.dialogs.end(msg.user_key)
        return await _create(msg, svc, data, due=due)
    return _reply("请点选上方按钮继续，或输入“取消”退出。")


async def create(svc, actor: str, text: str, audience: dict, due) -> dict:
    """Stores a staff announcement, audits it, and starts sending it (or plans it for `due`); returns it."""
    now = svc.clock.now()
    broadcast = {"kind": "announcement", "text": text, "audience": audience,
                 "status": "scheduled" if due else "sending", "created": _iso(now), "created_by": actor}
    if due:
        broadcast["due"] = _iso(due)
    action = "broadcast.schedule" if due else "broadcast.send"
    bid = await svc.store.broadcasts.create(broadcast, Audit(actor, action, now, {"audience": audience, "text": text[:200]}))
    if due:
        await svc.scheduler.schedule_broadcast(bid, due)
    else:
        svc.delivery.start(bid)
    return await svc.store.broadcasts.get(bid)


async def _create(msg: Incoming, svc, data: dict, due) -> Reply:
    broadcast = await create(svc, msg.user_key, data["text"], data["audience"], due)
    bid = broadcast["id"]
    if due:
        return _reply(f"公告 #{bid} 已定时，将于 {when_text(due)} 发给{audience_label(data['audience'])}。"
                      "查看或取消：/broadcast_status")
    return _reply(f"公告 #{bid} 开始发送给{audience_label(data['audience'])}（{broadcast['total']} 位）。"
                  "进度：/broadcast_status")


async def status(msg: Incoming, svc) -> Reply:
    """/broadcast_status — recent broadcasts with sent / failed / pending; /broadcast_status 12 — failure reasons."""
    arg = msg.text.partition(" ")[2].strip().lstrip("#")
    await svc.store.audit.record(msg.user_key, "broadcast.status", svc.clock.now(), broadcast=arg or None)
    broadcasts = sorted((b for b in await svc.store.broadcasts.all() if b["kind"] != tickets.KIND),
                        key=lambda b: b["id"], reverse=True)
    if (wanted := number(arg)) is not None:
        broadcasts = [b for b in broadcasts if b["id"] == wanted]
    else:
        broadcasts = broadcasts[:STATUS_SHOWN]
    if not broadcasts:
        return _reply("还没有群发记录。" if not arg else f"没有编号为 {arg} 的群发。")
    counts = await svc.store.broadcasts.counts(b["id"] for b in broadcasts)
    lines, buttons = ["群发记录（已发送 / 失败 / 待发送）："], []
    for b in broadcasts:
        c = counts[b["id"]]
        when = b.get("due") if b["status"] == "scheduled" else b["created"]
        lines.append(f"#{b['id']} {KIND_NAMES.get(b['kind'], b['kind'])} · {when[:16].replace('T', ' ')} · "
                     f"{audience_label(b['audience'])}：{c['sent']} / {c['failed']} / {c['pending']}"
                     + (f"，{c['skipped']} 位控制台用户未显示" if c["skipped"] else "")
                     + f"（{STATUS_NAMES.get(b['status'], b['status'])}）")
        if b["status"] == "scheduled":
            buttons.append(Button(f"取消定时 #{b['id']}", f"bc:unschedule:{b['id']}"))
    if wanted is not None:
        reasons = await svc.store.broadcasts.failure_reasons(wanted)
        if reasons:
            lines.append("失败原因：" + "；".join(f"{r}（{n}）" for r, n in reasons.most_common(5)))
    return _reply("\n".join(lines), buttons)


async def admin_payload(msg: Incoming, svc) -> Reply:
    """bc:unschedule:<id> — cancels a scheduled broadcast that has not started."""
    _, action, arg = (msg.payload.split(":") + ["", ""])[:3]
    bid = number(arg) if action == "unschedule" else None
    if bid is None:
        return _reply("这个按钮已失效，请重新查看 /broadcast_status。")
    if not await svc.store.broadcasts.cancel_scheduled(int(bid), Audit(msg.user_key, "broadcast.unschedule", svc.clock.now())):
        return _reply(f"群发 #{bid} 不是待发送的定时群发（可能已开始或已取消）。")
    return _reply(f"定时群发 #{bid} 已取消。")


async def unanswered(msg: Incoming, svc) -> Reply:
    """/unanswered — the week's most frequent questions the bot could not answer (to improve the FAQ)."""
    now = svc.clock.now()
    await svc.store.audit.record(msg.user_key, "unanswered.view", now)
    rows = await svc.store.unanswered.since(now - timedelta(days=7))
    if not rows:
        return _reply("近 7 天没有未能回答的问题。")
    counts: Counter = Counter()
    example: dict[str, str] = {}
    for row in rows:
        key = nlp.normalise(row["text"]) or row["text"]
        counts[key] += 1
        example.setdefault(key, row["text"])
    lines = [f"近 7 天未能回答的问题共 {len(rows)} 条，最常见的："]
    lines += [f"{i}. {example[k][:60]}（{n} 次）" for i, (k, n) in enumerate(counts.most_common(10), 1)]
    lines.append("可在网页控制台（/console）的“未答问题”页把它们加为问法或新建问答，"
                 "或在 faq/data/*.yaml 中补充后发送 /reload。")
    return _reply("\n".join(lines))
