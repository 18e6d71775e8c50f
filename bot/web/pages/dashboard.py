"""Questions per day by outcome and by channel, the answered rate, top questions and top unanswered."""
from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from aiohttp import web

from bot.alliance.audience import PLATFORMS
from bot.store import Asked
from bot.web.base import console_of, page
from bot.web.charts import stacked_bars
from bot.web.pages.forms import bounds, day_range
from bot.web.pages.questions import grouped

routes = web.RouteTableDef()
DEFAULT_DAYS = 14
TOP = 10
OUTCOMES = (("answered", "已回答", "#2e8b57"), ("fallback", "未能回答", "#d9822b"), ("handoff", "转人工", "#3d6fb6"))
CHANNEL_COLOURS = ("#3d6fb6", "#2e8b57", "#d9822b", "#8e5ab5", "#c0392b", "#7f8c8d")


def summary(rows: list[Asked], start: date, end: date) -> dict:
    days = [start + timedelta(days=i) for i in range((end - start).days + 1)]
    by_outcome = Counter((r.at[:10], r.outcome) for r in rows)
    by_platform = Counter((r.at[:10], r.platform) for r in rows)
    totals, platforms = Counter(), Counter()
    for (_, outcome), n in by_outcome.items():
        totals[outcome] += n
    for (_, platform), n in by_platform.items():
        platforms[platform] += n
    iso = [d.isoformat() for d in days]
    labels = [d.strftime("%m-%d") for d in days]
    channel_series = [(PLATFORMS.get(p, p), CHANNEL_COLOURS[i % len(CHANNEL_COLOURS)], [by_platform[d, p] for d in iso])
                      for i, (p, _) in enumerate(platforms.most_common())]
    total = sum(totals.values())
    return {"total": total, "totals": totals, "rate": totals["answered"] / total if total else None,
            "outcomes": OUTCOMES,
            "by_outcome": stacked_bars(labels, [(name, colour, [by_outcome[d, key] for d in iso])
                                                for key, name, colour in OUTCOMES]),
            "by_channel": stacked_bars(labels, channel_series),
            "channels": [(name, colour, sum(values)) for name, colour, values in channel_series],
            "top": grouped(rows, 0, TOP)[1],
            "top_unanswered": grouped([r for r in rows if r.outcome == "fallback"], 0, TOP)[1]}


@routes.get("/")
async def dashboard(request: web.Request) -> web.Response:
    svc = console_of(request).svc
    start, end = day_range(request, svc.clock.today(), DEFAULT_DAYS)
    rows = await svc.store.analytics.between(*bounds(start, end))
    return page(request, "dashboard.html", start=start, end=end, **summary(rows, start, end))
