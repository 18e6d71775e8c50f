"""The one HTTP server as main.py runs it: compressed request bodies are refused before they are read, on
every path, and /healthz keeps answering meanwhile."""
from __future__ import annotations

import asyncio
import gzip
import os
import zlib

import aiohttp
import psutil
import pytest

from tests.fakes.product import ProductProcess, wecom_env
from tests.fakes.wecom_callbacks import new_aes_key

MB = 1 << 20


@pytest.fixture
async def product(tmp_path):
    process = ProductProcess(wecom_env(tmp_path / "data", corp_id="wwhttp", token="t", aes_key=new_aes_key(),
                                       api_base_url="http://127.0.0.1:9"))
    await process.start()
    yield process
    await process.stop()


async def test_compressed_bodies_get_415_unread_on_any_path_and_healthz_keeps_answering(product):
    bodies = [("deflate", zlib.compress(os.urandom(MB))), ("gzip", gzip.compress(os.urandom(MB))),
              ("br", os.urandom(MB)), ("deflate", zlib.compress(bytes(64 * MB), 9))]   # the last inflates 1000×
    server = psutil.Process(product.proc.pid)
    cpu = sum(server.cpu_times()[:2])
    async with aiohttp.ClientSession() as http:
        async def post(path: str, encoding: str, body: bytes) -> int:
            async with http.post(product.base + path, data=body, headers={"Content-Encoding": encoding}) as resp:
                return resp.status

        posts = [asyncio.ensure_future(post(path, encoding, body)) for path in ("/wecom/callback", "/nowhere")
                 for encoding, body in bodies for _ in range(2)]
        async with http.get(product.base + "/healthz") as resp:
            assert resp.status == 200
        assert await asyncio.gather(*posts) == [415] * 16
        async with http.post(product.url, data=b"<xml/>", headers={"Content-Encoding": "identity"}) as resp:
            assert resp.status == 400                       # not compressed: checked as usual (no Encrypt)
    used = sum(server.cpu_times()[:2]) - cpu
    assert used < 1.0, f"the server spent {used:.2f} s of CPU on bodies it refused"
    log = await product.log()
    assert log.count("refused (415): Content-Encoding") == 16 and "Traceback" not in log
