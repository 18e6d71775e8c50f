"""Questions the bot could not answer, each with the nearest FAQ entries: add it as a phrasing of one, start a
new entry from it, or set it aside."""
from __future__ import annotations

from aiohttp import web

from bot.alliance.audience import PLATFORMS
from bot.web.base import Invalid, actor_of, console_of, page, see_other
from bot.web.pages.forms import bounds, day_range, ids, page_number, text
from bot.web.pages.questions import grouped

routes = web.RouteTableDef()
DEFAULT_DAYS = 30
PER_PAGE = 10
NEAREST = 3


class Nearest:
    """The nearest entries of each question, kept until the knowledge is reloaded (ranking is what the page
    would otherwise spend its time on)."""

    def __init__(self, size: int = 5000):
        self.size, self._matcher, self._hits = size, None, {}

    def __call__(self, matcher, question: str) -> list:
        if matcher is not self._matcher:
            self._matcher, self._hits = matcher, {}
        if question not in self._hits:
            if len(self._hits) >= self.size:
                self._hits.clear()
            self._hits[question] = matcher.rank(question, limit=NEAREST)
        return self._hits[question]


nearest = Nearest()


@routes.get("/unanswered")
async def listing(request: web.Request) -> web.Response:
    svc = console_of(request).svc
    start, end = day_range(request, svc.clock.today(), DEFAULT_DAYS)
    number = page_number(request)
    rows = [r for r in await svc.store.unanswered.between(*bounds(start, end)) if not r.resolved]
    groups, shown = grouped(rows, (number - 1) * PER_PAGE, number * PER_PAGE)
    items = [(g, nearest(svc.kb.faq, g.text)) for g in shown]
    return page(request, "unanswered.html", items=items, start=start, end=end, page=number,
                pages=max(1, -(-groups // PER_PAGE)), total=len(rows), groups=groups,
                platforms=PLATFORMS, saved=request.query.get("saved", ""))


@routes.post("/unanswered/phrasing")
async def add_phrasing(request: web.Request) -> web.Response:
    console = console_of(request)
    form = await request.post()
    entry_id, question = text(form, "entry"), text(form, "question")
    if not entry_id:
        raise Invalid("请先选择要把这个问题加到哪个条目")
    await console.editor.add_phrasing(actor_of(request), entry_id, question)
    await console.svc.store.unanswered.resolve(ids(form), f"faq:{entry_id}")
    raise see_other(f"/unanswered?saved={entry_id}")


@routes.post("/unanswered/dismiss")
async def dismiss(request: web.Request) -> web.Response:
    console = console_of(request)
    form = await request.post()
    chosen = ids(form)
    await console.svc.store.unanswered.resolve(chosen, "dismissed")
    await console.svc.store.audit.record(actor_of(request), "unanswered.dismiss", console.svc.clock.now(),
                                  question=text(form, "question"), count=len(chosen))
    raise see_other("/unanswered")
