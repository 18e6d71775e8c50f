"""The audit log: who changed what and when, newest first, filtered by person, action and dates."""
from __future__ import annotations

from aiohttp import web

from bot.web.base import console_of, page
from bot.web.pages.forms import bounds, day_range, page_number

routes = web.RouteTableDef()
PER_PAGE = 100
DEFAULT_DAYS = 30


@routes.get("/audit")
async def listing(request: web.Request) -> web.Response:
    svc = console_of(request).svc
    start, end = day_range(request, svc.clock.today(), DEFAULT_DAYS)
    low, high = bounds(start, end)
    actor, action = request.query.get("actor", "").strip(), request.query.get("action", "").strip()
    number = page_number(request)
    log = await svc.store.audit.all()
    actions = sorted({e.action for e in log})
    entries = [e for e in reversed(log) if low <= e.when < high and (not actor or actor in e.actor)
               and (not action or e.action.startswith(action))]
    shown = entries[(number - 1) * PER_PAGE:number * PER_PAGE]
    return page(request, "audit.html", entries=shown, found=len(entries), actor=actor, action=action,
                actions=actions, start=start, end=end, page=number, pages=max(1, -(-len(entries) // PER_PAGE)))
