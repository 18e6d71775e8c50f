"""Alliance events: enterprises list and read upcoming events; staff publish, edit, cancel and import them.

Publishing, editing and cancelling go through svc.scheduler (scheduler/reminders.py), which stores the
change with its notice and reminders in one write and sends the notice to the event's audience.
"""
from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import dataclass, field
from typing import ClassVar

from bot import inputs
from bot.alliance.audience import SEGMENTS, segment_label
from bot.dialogs import DialogState
from bot.alliance.events import (FIELD_NAMES, TYPES, EventError, edited, event_text, parse_one_line, parse_yaml,
                                 split_fields, validate, when_text)
from bot.messages import Button, Incoming, Reply
from bot.phrases import phrases
from bot.payloads import CANCEL_EVENT, EDIT_FIELD, EVENT, IMPORT_CONFIRM, NEW_EVENT, Payload
from bot.services import Services
from bot.store import Event
from faq.schema import one_of
from handlers import subscribe
from scheduler.reminders import span_text

log = logging.getLogger(__name__)

SOURCE = "小镇管委会发布的联盟活动"
LIST_LIMIT = 10
ASKS_FOR_EVENTS = one_of(phrases().events.asks, re.IGNORECASE)
IMPORT_DIR = "imports"
SKIP_WORDS = {"跳过", "无", "没有", "不填", "skip", "-"}
STEPS = (  # guided /newevent: (field, question)
    ("title", "请输入活动标题："),
    ("type", "请选择活动类型："),
    ("start", "请输入开始时间（上海时间），例如 2026-12-01 14:00："),
    ("place", "请输入活动地点："),
    ("audience", "请选择受众："),
    ("signup", "请输入报名链接（http 开头，可回复“跳过”）："),       # the one-line form's order: 报名链接 | 简介
    ("description", "请输入活动简介（可回复“跳过”）："),
)
CHOICES = {"type": list(TYPES), "audience": ["all", *SEGMENTS]}


@dataclass
class NewEventDialog(DialogState):
    """Guided /newevent: the answers so far; at step len(STEPS) the preview waits for “发布”."""
    flow: ClassVar[str] = "newevent"
    buttons: ClassVar[tuple[Payload, ...]] = (NEW_EVENT,)
    step: int = 0
    fields: dict[str, str] = field(default_factory=dict)


@dataclass
class EditEventDialog(DialogState):
    """/editevent N: the field to change, once picked."""
    flow: ClassVar[str] = "editevent"
    buttons: ClassVar[tuple[Payload, ...]] = (EDIT_FIELD,)
    event: int
    field: str | None = None


@dataclass
class ImportDialog(DialogState):
    """/importevents: the parsed events waiting for “确认导入” (none until a YAML list was sent)."""
    flow: ClassVar[str] = "importevents"
    buttons: ClassVar[tuple[Payload, ...]] = (IMPORT_CONFIRM,)
    events: list[Event] = field(default_factory=list)


def _event_reply(text: str, buttons: list[Button] | None = None, *, staff: bool = False) -> Reply:
    return Reply(text, intent="staff" if staff else "events", confidence=1.0, buttons=buttons or [],
                 sources=[] if staff else [SOURCE])


async def _upcoming(svc: Services) -> list[Event]:
    now = svc.clock.now()
    return sorted((e for e in await svc.store.events.all() if e.status == "scheduled" and e.start > now),
                  key=lambda e: e.start)


async def list_upcoming(svc: Services, msg: Incoming) -> Reply:
    events = (await _upcoming(svc))[:LIST_LIMIT]
    user = await svc.store.users.get(msg.user_key)
    notices = (Button(msg.say("通知设置", "Notification settings"), "/subscribe")
               if user and "events" in user.subscriptions else subscribe.button("sub", "events", True, msg))
    if not events:
        return _event_reply(msg.say("近期暂无已发布的联盟活动。订阅活动通知后，新活动发布时会第一时间告诉您。",
                              "No alliance events have been announced yet. Subscribe to event notices and you will "
                              "hear about new ones first."), [notices])
    lines = [msg.say("近期联盟活动（点选查看详情）：", "Upcoming alliance events (tap one for details; events are "
                                                    "published in Chinese):")]
    for i, e in enumerate(events, 1):
        lines.append(f"{i}. {when_text(e.start)} 【{e.type}】{e.title} · 面向{segment_label(e.audience)}")
    buttons = [Button(e.title if len(e.title) <= 20 else e.title[:19] + "…", EVENT(e.id)) for e in events]
    return _event_reply("\n".join(lines), [*buttons, notices])


async def answer(svc: Services, msg: Incoming) -> Reply | None:
    """Free text such as “最近有什么活动”."""
    return await list_upcoming(svc, msg) if ASKS_FOR_EVENTS.search(msg.folded) else None


async def _event_arg(svc: Services, args: str, command: str) -> Event | Reply:
    m = re.match(r"^#?(\d+)\b", args.strip())
    if m is None:
        return _event_reply(f"请写明活动编号，例如 {command} 3（编号见 /events 的活动详情）。", staff=True)
    eid = inputs.number(m.group(1))
    event = await svc.store.events.get(eid) if eid is not None else None
    if event is None:
        return _event_reply(f"没有编号为 {m.group(1)[:20]} 的活动，请查看 /events 的活动详情中的编号。", staff=True)
    return event


async def by_payload(svc: Services, msg: Incoming) -> Reply:
    eid = inputs.number(EVENT.arg(msg.payload))
    if eid is not None and (event := await svc.store.events.get(eid)):
        user = await svc.store.users.get(msg.user_key)
        subscribed = bool(user and "events" in user.subscriptions)
        buttons = [subscribe.button("sub", "events", not subscribed, msg), Button(msg.say("全部活动", "All events"), "/events")]
        if msg.is_staff and event.status == "scheduled":
            buttons += [Button("编辑活动", f"/editevent {event.id}"), Button("取消活动", f"/cancelevent {event.id}")]
        return _event_reply(event_text(event, msg.lang), buttons)
    return await list_upcoming(svc, msg)


# ---- staff: publish --------------------------------------------------------------------------------------
async def new_event(svc: Services, msg: Incoming) -> Reply:
    args = inputs.arguments(msg.typed).strip()
    if args:
        try:
            event = parse_one_line(args, svc.clock.now())
        except EventError as exc:
            return _event_reply(f"未发布：{exc}", staff=True)
        return await _publish(svc, msg, [event])
    svc.dialogs.put(msg.user_key, NewEventDialog())
    return _ask_step(0, "发布新活动（随时输入“取消”退出）。\n")


def _ask_step(step: int, prefix: str = "") -> Reply:
    field, question = STEPS[step]
    labels = {"all": "全体企业", **SEGMENTS}
    buttons = [Button(labels.get(v, v), NEW_EVENT(v)) for v in CHOICES.get(field, [])]
    return _event_reply(prefix + question, buttons, staff=True)


async def new_event_step(svc: Services, msg: Incoming) -> Reply:
    state = svc.dialogs.state(msg.user_key, NewEventDialog)
    value = NEW_EVENT.arg(msg.payload) if msg.payload else msg.typed.strip()
    svc.dialogs.touch(msg.user_key)
    if state.step >= len(STEPS):                                 # at the preview
        if value != "publish":
            return _event_reply("请点“发布”，或输入“取消”放弃。", [Button("发布", NEW_EVENT("publish"))], staff=True)
        svc.dialogs.pop(msg.user_key)
        try:
            event = validate(state.fields, svc.clock.now())
        except EventError as exc:
            return _event_reply(f"未发布：{exc}\n请用 /newevent 重新开始。", staff=True)
        return await _publish(svc, msg, [event])
    field_name, question = STEPS[state.step]
    if field_name in ("description", "signup") and value.lower() in SKIP_WORDS:
        value = ""
    try:                                       # check this one field now, with the others still unknown
        validate({"title": "x", "start": "2999-01-01 00:00", "place": "x", **state.fields, field_name: value},
                 svc.clock.now())
    except EventError as exc:
        return _event_reply(f"{exc}\n{question}", _ask_step(state.step).buttons, staff=True)
    state.fields[field_name] = value
    state.step += 1
    if state.step < len(STEPS):
        return _ask_step(state.step)
    preview = validate(state.fields, svc.clock.now())
    return _event_reply("请确认活动信息：\n\n" + event_text(preview),
                  [Button("发布", NEW_EVENT("publish"))], staff=True)


async def _publish(svc: Services, msg: Incoming, events: list[Event]) -> Reply:
    ids = await svc.scheduler.publish(events, msg.user_key)
    lines = [f"已发布 {len(ids)} 个活动，并向订阅者发出通知：" if len(ids) > 1 else "活动已发布，并向订阅者发出通知："]
    for eid, e in zip(ids, events):
        lines.append(f"#{eid} {when_text(e.start)} {e.title}（面向{segment_label(e.audience)}）")
    offsets = "、".join(span_text(s) for s in svc.scheduler.offsets)
    lines.append(f"开始前 {offsets} 将自动提醒。发送进度：/broadcast_status")
    return _event_reply("\n".join(lines), [Button("查看活动", EVENT(ids[0]))], staff=True)


# ---- staff: edit and cancel ------------------------------------------------------------------------------
FIELD_KEYS = {**{v: k for k, v in FIELD_NAMES.items()}, **{k: k for k in FIELD_NAMES}}


async def edit_event(svc: Services, msg: Incoming) -> Reply:
    """/editevent 3 → pick a field; /editevent 3 | 地点 | 新地点 → change it at once."""
    args = inputs.arguments(msg.typed)
    event = await _event_arg(svc, args, "/editevent")
    if isinstance(event, Reply):
        return event
    if event.status != "scheduled":
        return _event_reply(f"活动 #{event.id} 已取消，不能再编辑。", staff=True)
    parts = [p.strip() for p in split_fields(args)]
    if len(parts) == 3:
        return await _apply_edit(svc, msg, event, parts[1], parts[2])
    svc.dialogs.put(msg.user_key, EditEventDialog(event.id))
    return _event_reply(event_text(event) + "\n\n要修改哪一项？", [Button(label, EDIT_FIELD(key)) for key, label in FIELD_NAMES.items()],
                  staff=True)


async def edit_event_step(svc: Services, msg: Incoming) -> Reply:
    state = svc.dialogs.state(msg.user_key, EditEventDialog)
    event = await svc.store.events.get(state.event)
    if event is None:
        svc.dialogs.pop(msg.user_key)
        return _event_reply("找不到该活动。", staff=True)
    if msg.payload:
        state.field = EDIT_FIELD.arg(msg.payload)
        svc.dialogs.touch(msg.user_key)
        current = event.content().get(state.field) or "（无）"
        return _event_reply(f"当前{FIELD_NAMES.get(state.field, '')}：{current}\n请输入新的内容：", staff=True)
    if not state.field:
        return _event_reply("请先点选要修改的项目，或输入“取消”。", staff=True)
    svc.dialogs.pop(msg.user_key)
    return await _apply_edit(svc, msg, event, state.field, msg.typed)


async def _apply_edit(svc: Services, msg: Incoming, event: Event, field_name: str, value: str) -> Reply:
    key = FIELD_KEYS.get(field_name.strip())
    if key is None:
        return _event_reply(f"没有“{field_name}”这一项，可改：" + "、".join(FIELD_NAMES.values()), staff=True)
    if key in ("description", "signup") and value.strip() in SKIP_WORDS:
        value = ""
    try:
        checked = validate({**event.content(), key: value}, svc.clock.now())
    except EventError as exc:
        return _event_reply(f"未修改：{exc}", staff=True)
    summary = await svc.scheduler.edit(event, edited(event, checked), msg.user_key)
    if not summary:
        return _event_reply("内容没有变化，未发送变更通知。", staff=True)
    return _event_reply(f"活动 #{event.id} 已修改（{summary}），并已通知相关企业。", [Button("查看活动", EVENT(event.id))],
                  staff=True)


async def cancel_event(svc: Services, msg: Incoming) -> Reply:
    event = await _event_arg(svc, msg.text.partition(" ")[2], "/cancelevent")
    if isinstance(event, Reply):
        return event
    if event.status != "scheduled":
        return _event_reply(f"活动 #{event.id} 已经取消过了。", staff=True)
    return _event_reply(f"确认取消以下活动？取消后将通知已收到通知的企业。\n\n{event_text(event)}",
                  [Button("确认取消活动", CANCEL_EVENT(event.id))], staff=True)


async def cancel_confirmed(svc: Services, msg: Incoming) -> Reply:
    """evadm:cancel:<id> — the confirmation button of /cancelevent."""
    event_id = inputs.number(CANCEL_EVENT.arg(msg.payload))
    event = await svc.store.events.get(event_id) if event_id is not None else None
    if event is None:
        return _event_reply("找不到该活动。", staff=True)
    if event.status != "scheduled":
        return _event_reply(f"活动 #{event.id} 已经取消过了。", staff=True)
    await svc.scheduler.cancel(event, msg.user_key)
    return _event_reply(f"活动 #{event.id}「{event.title}」已取消，取消通知已发出。", staff=True)


# ---- staff: import ---------------------------------------------------------------------------------------
IMPORT_HELP = ("请发送 YAML 活动列表（或 data/imports/ 下的文件名），例如：\n"
               "- title: 2026 年度金融项目路演\n  type: 项目路演\n  start: 2026-12-01 14:00\n"
               "  place: 小镇会客厅\n  audience: 类金融行业分会\n  signup: https://example.org/signup")


async def import_events(svc: Services, msg: Incoming) -> Reply:
    body = inputs.arguments(msg.typed).strip()
    if not body:
        svc.dialogs.put(msg.user_key, ImportDialog())
        return _event_reply(IMPORT_HELP, staff=True)
    return await _import(svc, msg, body)


async def import_step(svc: Services, msg: Incoming) -> Reply:
    if msg.payload is None:
        return await _import(svc, msg, msg.typed)
    state = svc.dialogs.state(msg.user_key, ImportDialog)
    svc.dialogs.pop(msg.user_key)
    if not state.events:
        return _event_reply("没有待导入的活动。", staff=True)
    return await _publish(svc, msg, state.events)


async def _import(svc: Services, msg: Incoming, body: str) -> Reply:
    if len(body) >= inputs.MAX_CHARS - 20:
        return _event_reply(f"内容太长，聊天里最多 {inputs.MAX_CHARS} 字。请把 YAML 文件放到数据目录的 {IMPORT_DIR}/ 下，"
                      "再发送 /importevents 文件名。", staff=True)
    if re.fullmatch(r"[\w\-.]+\.ya?ml", body):
        path = svc.settings.data_dir / IMPORT_DIR / body
        if not path.is_file():
            return _event_reply(f"找不到文件 {IMPORT_DIR}/{body}。", staff=True)
        try:
            body = await asyncio.to_thread(path.read_text, "utf-8")
        except (UnicodeDecodeError, OSError) as exc:
            log.info("event import %s unreadable: %s", body, type(exc).__name__)
            return _event_reply(f"无法读取 {IMPORT_DIR}/{body}：文件须为 UTF-8 编码的 YAML 文本。", staff=True)
    try:
        events = parse_yaml(body, svc.clock.now())
    except EventError as exc:
        svc.dialogs.pop(msg.user_key)
        return _event_reply(f"未导入（全部未导入）：{exc}", staff=True)
    svc.dialogs.put(msg.user_key, ImportDialog(events))
    lines = [f"将导入 {len(events)} 个活动并通知订阅者："]
    lines += [f"· {when_text(e.start)} {e.title}（{segment_label(e.audience)}）" for e in events]
    return _event_reply("\n".join(lines), [Button("确认导入", IMPORT_CONFIRM())], staff=True)
