"""Contacts: staff fill in the phone, address and office hours the documents do not give."""
from __future__ import annotations

from aiohttp import web

from bot.web.base import NotFound, actor_of, console_of, page, see_other
from bot.web.pages.forms import text

routes = web.RouteTableDef()
FIELDS = ("phone", "address", "hours")


def _contact(request: web.Request):
    contact = next((c for c in console_of(request).svc.kb.knowledge.contacts if c.id == request.match_info["id"]),
                   None)
    if contact is None:
        raise NotFound("没有这个联系机构")
    return contact


@routes.get("/contacts")
async def listing(request: web.Request) -> web.Response:
    query = request.query.get("q", "").strip()
    contacts = [c for c in console_of(request).svc.kb.knowledge.contacts
                if not query or any(query in (part or "") for part in (c.name, c.role, *c.contact_for, c.phone))]
    return page(request, "contacts_list.html", contacts=contacts, q=query)


@routes.get("/contacts/{id}")
async def edit_form(request: web.Request) -> web.Response:
    return page(request, "contact_form.html", contact=_contact(request), saved=bool(request.query.get("saved")))


@routes.post("/contacts/{id}")
async def save(request: web.Request) -> web.Response:
    contact = _contact(request)
    form = await request.post()
    fields = {name: text(form, name) or None for name in FIELDS}     # an emptied field is "not published"
    await console_of(request).editor.save_contact(actor_of(request), contact.id, fields)
    raise see_other(f"/contacts/{contact.id}?saved=1")
