"""The product as its own process (`python main.py`, serving on 127.0.0.1), for tests and benches that time it
or kill it."""
from __future__ import annotations

import asyncio
import os
import socket
import sys
import time
from pathlib import Path
from typing import Callable

import aiohttp

ROOT = Path(__file__).resolve().parent.parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def run_product(env: dict, port: int | None = None) -> asyncio.subprocess.Process:
    """main.py with `env` on top of this process's environment; stderr is piped (its log)."""
    return await asyncio.create_subprocess_exec(
        sys.executable, "main.py", cwd=ROOT, env={**os.environ, **env, "BOT_HTTP_HOST": "127.0.0.1",
                                                  "BOT_HTTP_PORT": str(port or free_port())},
        stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)


async def wait_healthy(url: str, exited: Callable[[], int | None], timeout: float = 60) -> None:
    """Until GET `url` answers 200; `exited` returns the process's exit status once it has stopped."""
    deadline = time.monotonic() + timeout
    async with aiohttp.ClientSession() as session:
        while time.monotonic() < deadline:
            if (code := exited()) is not None:
                raise RuntimeError(f"the product exited with {code}")
            try:
                async with session.get(url) as resp:
                    if resp.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
    raise RuntimeError("the product did not become healthy")
