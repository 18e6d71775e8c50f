"""The baseline of bench/bench_wecom.py: a WeCom callback server of aiohttp and wechatpy alone.

Each POST /wecom/callback is checked and decrypted by wechatpy, parsed into a message, and its text echoed
back as wechatpy's encrypted passive reply. GET /healthz answers once it serves.

    .venv/bin/python bench/bare_wecom.py PORT TOKEN AES_KEY CORP_ID
"""
from __future__ import annotations

import sys

from aiohttp import web
from wechatpy.enterprise import create_reply, parse_message
from wechatpy.enterprise.crypto import WeChatCrypto


def make_app(token: str, aes_key: str, corp_id: str) -> web.Application:
    crypto = WeChatCrypto(token, aes_key, corp_id)

    async def callback(request: web.Request) -> web.Response:
        query = request.query
        plain = crypto.decrypt_message(await request.read(), query["msg_signature"], query["timestamp"],
                                       query["nonce"])
        message = parse_message(plain)
        reply = create_reply(message.content, message, render=True)
        return web.Response(text=crypto.encrypt_message(reply, query["nonce"], query["timestamp"]),
                            content_type="application/xml")

    async def healthz(request: web.Request) -> web.Response:
        return web.json_response({"ok": True})

    app = web.Application()
    app.router.add_post("/wecom/callback", callback)
    app.router.add_get("/healthz", healthz)
    return app


if __name__ == "__main__":
    port, token, aes_key, corp_id = sys.argv[1:5]
    web.run_app(make_app(token, aes_key, corp_id), host="127.0.0.1", port=int(port), access_log=None,
                print=None)
