"""What every console page shares: the console's state, rendering, refusals."""
from __future__ import annotations

import logging
from dataclasses import dataclass

import aiohttp_jinja2
from aiohttp import web

from bot.services import Services
from bot.web.knowledge_files import KnowledgeEditor
from bot.sign_in_links import SignInLinks
from bot.web.sessions import BadLinkLimit, Session, Sessions, StaffList

log = logging.getLogger("bot.web")
COOKIE = "console_session"
PREFIX = "/console"


SESSION = web.RequestKey("console_session", Session)      # set by the guard for signed-in requests
SESSION_TOKEN = web.RequestKey("console_session_token", str)


class Invalid(ValueError):
    """Bad input to a console page: shown to the staff member as a 400 page, logged in one line."""
    status = 400


class NotFound(Invalid):
    """A page of something that does not exist (an old link, a mistyped number): a 404 page, one log line."""
    status = 404


@dataclass
class Console:
    svc: Services
    staff: StaffList
    links: SignInLinks
    sessions: Sessions
    limiter: BadLinkLimit
    editor: KnowledgeEditor
    secure: bool                 # the public URL is https: the cookie is Secure

    def is_staff(self, actor: str) -> bool:
        return actor in self.staff()


CONSOLE = web.AppKey("console", Console)


def console_of(request: web.Request) -> Console:
    return request.config_dict[CONSOLE]


def actor_of(request: web.Request) -> str:
    return request[SESSION].actor


def page(request: web.Request, template: str, status: int = 200, **context) -> web.Response:
    session = request.get(SESSION)
    shared = {"session": session, "csrf": session.csrf if session else "", "path": request.path, "prefix": PREFIX}
    return aiohttp_jinja2.render_template(template, request, {**shared, **context}, status=status)


def refuse(request: web.Request, status: int, message: str) -> web.Response:
    """A 4xx page with one plain log line (no traceback, and the route's pattern, so no sign-in token)."""
    log_refusal(request, status, message)
    return page(request, "message.html", status=status, message=message)


def log_refusal(request: web.Request, status: int, message: str) -> None:
    """One plain line, with the route's pattern rather than the path (so no sign-in token)."""
    route = request.match_info.route.resource
    log.info("console %s %s → %d: %s", request.method, route.canonical if route else request.path, status,
             message.splitlines()[0] if message else "")


def see_other(path: str) -> web.HTTPSeeOther:
    return web.HTTPSeeOther(f"{PREFIX}{path}")


async def once(request: web.Request, act) -> web.HTTPSeeOther:
    """Runs `act()` (→ the path it made) for a form's one-time token only once; a repeat goes to that path."""
    session, token = request[SESSION], str((await request.post()).get("once", ""))
    if token not in session.forms:
        raise Invalid("表单已过期或已提交，请重新打开页面再操作")
    if (made := session.forms[token]) is None:
        made = session.forms[token] = await act()
    return see_other(made)
