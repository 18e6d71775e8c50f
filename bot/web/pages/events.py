"""Alliance events: list, publish, edit and cancel through the same service as the chat commands (notices and
reminders included)."""
from __future__ import annotations

from aiohttp import web

from bot.alliance.audience import SEGMENTS
from bot.alliance.events import FIELD_NAMES, TYPES, EventError, edited, validate
from bot.inputs import number
from bot.store import Event
from bot.web.base import SESSION, NotFound, actor_of, console_of, log_refusal, once, page, see_other
from bot.web.pages.forms import page_number, text

routes = web.RouteTableDef()
PER_PAGE = 50
AUDIENCES = {"all": "全体企业", **SEGMENTS}


def _fields(form) -> dict[str, str]:
    return {key: text(form, key) for key in FIELD_NAMES}


def _form(request: web.Request, event: Event | None, fields: dict[str, str] | None = None, *, error: str = "",
          status: int = 200) -> web.Response:
    """The form of a stored event (None: a new one), showing `fields` as staff typed them when given."""
    if error:
        log_refusal(request, status, error)
    shown = fields or (event.content() if event else {"audience": "all"})
    return page(request, "event_form.html", status=status, event=event, fields=shown, error=error, types=TYPES,
                once=request[SESSION].form_token() if event is None else "",     # only publishing is done once
                audiences=AUDIENCES, saved=bool(request.query.get("saved")))


async def _event(request: web.Request) -> Event:
    raw = request.match_info["id"]
    event = await console_of(request).svc.store.events.get(eid) if (eid := number(raw)) is not None else None
    if event is None:
        raise NotFound("没有这个活动")
    return event


@routes.get("/events")
async def listing(request: web.Request) -> web.Response:
    svc = console_of(request).svc
    number = page_number(request)
    show = request.query.get("show", "upcoming")
    now = svc.clock.now()
    events = await svc.store.events.all()
    if show == "upcoming":
        events = sorted((e for e in events if e.status == "scheduled" and e.start > now), key=lambda e: e.start)
    else:
        events = sorted(events, key=lambda e: e.start, reverse=True)
    shown = events[(number - 1) * PER_PAGE:number * PER_PAGE]
    return page(request, "events_list.html", events=shown, show=show, page=number, found=len(events),
                pages=max(1, -(-len(events) // PER_PAGE)))


@routes.get("/events/new")
async def new_form(request: web.Request) -> web.Response:
    return _form(request, None)


@routes.post("/events/new")
async def publish(request: web.Request) -> web.Response:
    svc = console_of(request).svc
    fields = _fields(await request.post())
    try:
        event = validate(fields, svc.clock.now())
    except EventError as exc:
        return _form(request, None, fields, error=f"未发布：{exc}", status=400)

    async def published() -> str:
        [eid] = await svc.scheduler.publish([event], actor_of(request))
        return f"/events/{eid}?saved=1"
    raise await once(request, published)


@routes.get("/events/{id}")
async def edit_form(request: web.Request) -> web.Response:
    return _form(request, await _event(request))


@routes.post("/events/{id}")
async def edit(request: web.Request) -> web.Response:
    svc = console_of(request).svc
    event = await _event(request)
    if event.status != "scheduled":
        return _form(request, event, error="活动已取消，不能再修改。", status=400)
    fields = _fields(await request.post())
    try:
        checked = validate(fields, svc.clock.now())
    except EventError as exc:
        return _form(request, event, fields, error=f"未修改：{exc}", status=400)
    await svc.scheduler.edit(event, edited(event, checked), actor_of(request))     # nothing when nothing changed
    raise see_other(f"/events/{event.id}?saved=1")


@routes.post("/events/{id}/cancel")
async def cancel(request: web.Request) -> web.Response:
    svc = console_of(request).svc
    event = await _event(request)
    if event.status == "scheduled":
        await svc.scheduler.cancel(event, actor_of(request))
    raise see_other(f"/events/{event.id}")
