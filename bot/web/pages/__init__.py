"""The console's pages, one module each; ROUTES gathers them."""
from __future__ import annotations

from bot.web.pages import audit, broadcasts, contacts, dashboard, events, faq, signin, unanswered
from bot.web.pages.forms import FILTERS

ROUTES = [*signin.routes, *dashboard.routes, *unanswered.routes, *faq.routes, *contacts.routes, *events.routes,
          *broadcasts.routes, *audit.routes]
__all__ = ["ROUTES", "FILTERS"]
