"""Browse, search and edit FAQ entries; create one (from an unanswered question or blank)."""
from __future__ import annotations

from aiohttp import web

from bot.web.base import NotFound, actor_of, console_of, log_refusal, page, see_other
from bot.web.knowledge_files import EditError, Stale, version
from bot.web.pages.forms import ids, lines, text, words
from faq.schema import FaqEntry

routes = web.RouteTableDef()
SHOWN = 50


def _form_entry(form) -> dict:
    return {"id": text(form, "id").strip(), "category": text(form, "category"), "entities": form.getall("entities", []),
            "aspects": form.getall("aspects", []), "questions": lines(form, "questions"),
            "keywords": words(form, "keywords"), "answer": text(form, "answer"),
            "source": {"doc": text(form, "doc"), "section": text(form, "section")},
            "en": {"questions": lines(form, "questions_en"), "answer": text(form, "answer_en")}}


def _choices(svc) -> dict:
    knowledge = svc.kb.knowledge
    return {"documents": knowledge.documents, "entities": knowledge.lexicon.entities,
            "aspects": knowledge.lexicon.aspects,
            "categories": list(knowledge.categories)}


def _matches(entry: FaqEntry, query: str) -> bool:
    return any(query in part for part in (entry.id, entry.category, entry.answer, *entry.questions, *entry.keywords))


@routes.get("/faq")
async def listing(request: web.Request) -> web.Response:
    svc = console_of(request).svc
    query, category = request.query.get("q", "").strip(), request.query.get("category", "")
    entries = [e for e in svc.kb.knowledge.faq
               if (not query or _matches(e, query)) and (not category or e.category == category)]
    return page(request, "faq_list.html", entries=entries[:SHOWN], found=len(entries), q=query, category=category,
                **_choices(svc))


def _form(request, entry: dict, *, new: bool, error: str = "", status: int = 200, **extra) -> web.Response:
    console = console_of(request)
    if error:
        log_refusal(request, status, error)
    return page(request, "faq_form.html", status=status, entry=entry, new=new, error=error,
                files=console.editor.faq_files(), **_choices(console.svc), **extra)


@routes.get("/faq/new")
async def new_form(request: web.Request) -> web.Response:
    question = request.query.get("question", "")
    entry = {"id": "", "category": "", "entities": [], "aspects": [], "questions": [question] if question else [],
             "keywords": [], "answer": "", "source": {"doc": "", "section": ""}, "en": {"questions": [], "answer": ""}}
    return _form(request, entry, new=True, file="", ids=request.query.get("ids", ""))


@routes.post("/faq/new")
async def create(request: web.Request) -> web.Response:
    console = console_of(request)
    form = await request.post()
    entry = _form_entry(form)
    try:
        await console.editor.save_entry(actor_of(request), entry, file=text(form, "file"))
    except EditError as exc:
        return _form(request, entry, new=True, error=str(exc), status=400, file=text(form, "file"),
                     ids=text(form, "ids"))
    await console.svc.store.unanswered.resolve(ids(form), f"faq:{entry['id']}")
    raise see_other(f"/faq/{entry['id']}?saved=1")


@routes.get("/faq/{id}")
async def edit_form(request: web.Request) -> web.Response:
    svc = console_of(request).svc
    entry = svc.kb.knowledge.entry(request.match_info["id"])
    if entry is None:
        raise NotFound("没有这个问答条目")
    return _form(request, entry.model_dump(), new=False, saved=bool(request.query.get("saved")), opened=version(entry))


@routes.post("/faq/{id}")
async def save(request: web.Request) -> web.Response:
    console = console_of(request)
    form = await request.post()
    entry = {**_form_entry(form), "id": request.match_info["id"]}
    opened = text(form, "opened") or None
    try:
        await console.editor.save_entry(actor_of(request), entry, opened=opened)
    except EditError as exc:
        return _form(request, entry, new=False, error=str(exc), status=409 if isinstance(exc, Stale) else 400,
                     opened=opened or "")
    raise see_other(f"/faq/{entry['id']}?saved=1")
