"""Start-up imports only what answering needs: the HTTP server side comes in when a server starts."""
from __future__ import annotations

import subprocess
import sys

from bot.config import ROOT

ANSWERING = """
import asyncio, sys, tempfile
from bot.app import build_services
from bot.config import load_settings
from bot.messages import Incoming
from bot.router import Router
svc = build_services(load_settings({"BOT_DATA_DIR": tempfile.mkdtemp()}, env_file=None))
reply = asyncio.run(Router(svc).handle(Incoming("console", "u", "u", text="小镇在哪里")))
print(reply.intent, *sorted(m for m in ("aiohttp", "jinja2", "aiohttp_jinja2", "telegram") if m in sys.modules))
"""


def test_building_the_services_and_answering_imports_no_http_server_or_channel():
    out = subprocess.run([sys.executable, "-c", ANSWERING], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["faq"]

