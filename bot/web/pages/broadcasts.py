"""Broadcasts: compose, choose the audience, preview as WeCom and Telegram show it, send now or at a time,
then watch the delivery per channel (the progress fragment is polled by static/console.js)."""
from __future__ import annotations

from datetime import datetime

from aiohttp import web
from markupsafe import Markup

from bot.alliance.audience import PLATFORMS, parse_audience
from bot.channels.telegram import render as telegram_render
from bot.channels.wecom import render as wecom_render
from bot.alliance.delivery import reply_of
from bot.alliance.events import EventError, parse_when
from bot.inputs import number
from bot.store import Audience, Audit
from bot.web.base import SESSION, Invalid, NotFound, actor_of, console_of, log_refusal, once, page, see_other
from bot.web.pages.forms import text
from handlers import broadcast as staff_broadcast

routes = web.RouteTableDef()
SHOWN = 30
FINAL = {"done", "cancelled"}


def _audience(value: str, options: dict[str, str]) -> Audience:
    if value not in options or (audience := parse_audience(value)) is None:
        raise Invalid("请选择受众")
    return audience


def _previews(body: str) -> dict:
    reply = reply_of(body)
    return {"telegram": [Markup(chunk.html) for chunk in telegram_render.render(reply)],   # escaped by the renderer
            "wecom": wecom_render.app_texts(reply), "robot": wecom_render.robot_markdown(reply)}


async def _draft(request: web.Request) -> dict[str, str]:
    form = await request.post()
    return {"text": text(form, "text"), "audience": text(form, "audience"), "due": text(form, "due"),
            "when": text(form, "when")}


async def _composed(request: web.Request) -> tuple[dict[str, str], str, Audience, datetime | None]:
    """The form as typed, its body (checked), audience and due time (None = now)."""
    svc = console_of(request).svc
    draft = await _draft(request)
    body = draft["text"]
    if not body.strip():
        raise Invalid("正文：不能为空")
    if len(body) > staff_broadcast.MAX_TEXT:
        raise Invalid(f"正文：太长（{len(body)} 字），请控制在 {staff_broadcast.MAX_TEXT} 字以内")
    audience = _audience(draft["audience"], await staff_broadcast.audiences(svc))
    due = None
    if draft["when"] == "later":
        try:
            due = parse_when(draft["due"])
        except EventError as exc:
            raise Invalid(f"发送时间：{exc}") from None
        if due <= svc.clock.now():
            raise Invalid("发送时间：这个时间已经过去了，请填写将来的时间")
    return draft, body, audience, due


@routes.get("/broadcasts")
async def listing(request: web.Request) -> web.Response:
    svc = console_of(request).svc
    broadcasts = (await staff_broadcast.listed(svc))[:SHOWN]
    counts = await svc.store.broadcasts.counts(b.id for b in broadcasts)
    return page(request, "broadcasts_list.html", broadcasts=broadcasts, counts=counts,
                kinds=staff_broadcast.KIND_NAMES, statuses=staff_broadcast.STATUS_NAMES)


async def _form(request: web.Request, draft: dict[str, str], error: str = "", **shown) -> web.Response:
    """The compose form; refused, it comes back as typed with what is wrong, so nothing written is lost."""
    if error:
        log_refusal(request, 400, error)
    return page(request, "broadcast_form.html", status=400 if error else 200, draft=draft, error=error,
                once=request[SESSION].form_token(),
                audiences=await staff_broadcast.audiences(console_of(request).svc), **{"preview": None, "count": None, **shown})


@routes.get("/broadcasts/new")
async def compose(request: web.Request) -> web.Response:
    return await _form(request, {"text": "", "audience": "all", "due": "", "when": "now"})


@routes.post("/broadcasts/preview")
async def preview(request: web.Request) -> web.Response:
    svc = console_of(request).svc
    try:
        draft, body, audience, _ = await _composed(request)
    except Invalid as exc:
        return await _form(request, await _draft(request), str(exc))
    count = len(await svc.store.broadcasts.recipients(audience))
    return await _form(request, draft, preview=_previews(body), count=count)


@routes.post("/broadcasts")
async def send(request: web.Request) -> web.Response:
    svc = console_of(request).svc
    try:
        _, body, audience, due = await _composed(request)
    except Invalid as exc:
        return await _form(request, await _draft(request), str(exc))

    async def sent() -> str:
        broadcast = await staff_broadcast.create(svc, actor_of(request), body, audience, due)
        return f"/broadcasts/{broadcast.id}"
    raise await once(request, sent)


async def _progress(request: web.Request) -> dict:
    svc = console_of(request).svc
    raw = request.match_info["id"]
    broadcast = await svc.store.broadcasts.get(bid) if (bid := number(raw)) is not None else None
    if broadcast is None:
        raise NotFound("没有这个群发")
    by_platform, reasons = await svc.store.broadcasts.by_platform(broadcast.id)
    return {"broadcast": broadcast, "platforms": PLATFORMS, "by_platform": by_platform,
            "reasons": reasons.most_common(10), "final": broadcast.status in FINAL,
            "statuses": staff_broadcast.STATUS_NAMES}


@routes.get("/broadcasts/{id}")
async def detail(request: web.Request) -> web.Response:
    return page(request, "broadcast_detail.html", **await _progress(request))


@routes.get("/broadcasts/{id}/progress")
async def progress(request: web.Request) -> web.Response:
    return page(request, "broadcast_progress.html", **await _progress(request))


@routes.post("/broadcasts/{id}/unschedule")
async def unschedule(request: web.Request) -> web.Response:
    svc = console_of(request).svc
    raw = request.match_info["id"]
    audit = Audit(actor_of(request), "broadcast.unschedule", svc.clock.now())
    if (bid := number(raw)) is None or not await svc.store.broadcasts.cancel_scheduled(bid, audit):
        raise Invalid(f"群发 #{raw} 不是待发送的定时群发（可能已开始或已取消）")
    raise see_other(f"/broadcasts/{raw}")
