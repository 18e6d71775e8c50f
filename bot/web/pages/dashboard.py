"""Questions per day by outcome and by channel, the answered rate, top questions and top unanswered."""
from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from aiohttp import web

from bot.audience import PLATFORMS
from bot.web.base import console_of, page
from bot.web.charts import stacked_bars
from bot.web.pages.forms import bounds, day_range
from bot.web.pages.questions import grouped

routes = web.RouteTableDef()
DEFAULT_DAYS = 14
TOP = 10
OUTCOMES = (("answered", "已回答", "#2e8b57"), ("fallback", "未能回答", "#d9822b"), ("handoff", "转人工", "#3d6fb6"))
CHANNEL_COLOURS = ("#3d6fb6", "#2e8b57", "#d9822b", "#8e5ab5", "#c0392b", "#7f8c8d")


def summary(rows: list[dict], start: date, end: date) -> dict:
    days = [start + timedelta(days=i) for i in range((end - start).days + 1)]
    index = {d.isoformat(): i for i, d in enumerate(days)}
    by_outcome = {key: [0] * len(days) for key, _, _ in OUTCOMES}
    by_platform: dict[str, list[int]] = {}
    totals: Counter = Counter()
    for row in rows:
        i = index.get(row["at"][:10])
        if i is None:
            continue
        by_outcome.setdefault(row["outcome"], [0] * len(days))[i] += 1
        by_platform.setdefault(row["platform"], [0] * len(days))[i] += 1
        totals[row["outcome"]] += 1
    labels = [d.strftime("%m-%d") for d in days]
    total = sum(totals.values())
    platforms = sorted(by_platform, key=lambda p: -sum(by_platform[p]))
    channel_series = [(PLATFORMS.get(p, p), CHANNEL_COLOURS[i % len(CHANNEL_COLOURS)], by_platform[p])
                      for i, p in enumerate(platforms)]
    return {"total": total, "totals": totals, "rate": totals["answered"] / total if total else None,
            "outcomes": OUTCOMES,
            "by_outcome": stacked_bars(labels, [(name, colour, by_outcome[key]) for key, name, colour in OUTCOMES]),
            "by_channel": stacked_bars(labels, channel_series),
            "channels": [(name, colour, sum(values)) for name, colour, values in channel_series],
            "top": grouped(rows)[:TOP],
            "top_unanswered": grouped([r for r in rows if r["outcome"] == "fallback"])[:TOP]}


@routes.get("/")
async def dashboard(request: web.Request) -> web.Response:
    svc = console_of(request).svc
    start, end = day_range(request, svc.clock.today(), DEFAULT_DAYS)
    rows = await svc.analytics.store.analytics_between(*bounds(start, end))
    return page(request, "dashboard.html", start=start, end=end, **summary(rows, start, end))
