"""Every reply (text, intent, buttons) to the dev, held-out and blind questions, written to a file for a diff, and one
sha256 digest per set — the sealed sets as a digest only. Run before and after a change to the matcher or the
reading: equal digests mean the users see the same replies.

    .venv/bin/python bench/reply_digest.py [out.jsonl]
"""
from __future__ import annotations

import asyncio
import hashlib
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _shown(reply) -> dict:
    return {"text": reply.text, "intent": reply.intent, "buttons": [(b.label, b.payload) for b in reply.buttons]}


async def _replies(router, name: str, data: dict):
    """(question, reply) for each case and conversation turn of a blind/sealed set, asked as its bench asks."""
    from bot.messages import Incoming
    platform, code = ("telegram", "en") if name.startswith("en") else ("console", None)
    for n, case in enumerate(data["cases"]):
        user = f"{name}{n}"
        yield case["q"], await router.handle(Incoming(platform, user, user, text=case["q"], language_code=code))
    for n, conv in enumerate(data.get("conversations", [])):
        user = f"{name}c{n}"
        for turn in conv["turns"]:
            yield turn["q"], await router.handle(Incoming(platform, user, user, text=turn["q"], language_code=code))


async def main(out: Path) -> None:
    from bench import blindsets
    from bot.app import build_services
    from bot.config import load_settings
    from bot.messages import Incoming
    from bot.router import Router
    from tests.devset import load_devset

    router = Router(build_services(load_settings({"BOT_DATA_DIR": tempfile.mkdtemp()}, env_file=None)))
    digests: dict[str, hashlib._Hash] = {}
    with out.open("w", encoding="utf-8") as file:
        for name, pattern in (("dev", "devset_*.yaml"), ("heldout", "heldout.yaml")):
            in_scope, out_of_scope = load_devset(pattern)
            digest = digests.setdefault(name, hashlib.sha256())
            for n, question in enumerate([q for q, _ in in_scope] + out_of_scope):
                reply = await router.handle(Incoming("console", f"{name}{n}", f"{name}{n}", text=question))
                line = json.dumps({"set": name, "q": question, **_shown(reply)}, ensure_ascii=False)
                digest.update(line.encode())
                file.write(line + "\n")
        for path in sorted(blindsets.BLIND.glob("*.yaml")) + sorted(blindsets.SEALED.glob("*.yaml")):
            name, readable = path.stem, path.parent == blindsets.BLIND
            digest = digests.setdefault(name, hashlib.sha256())
            async for question, reply in _replies(router, name, blindsets.load(path)):
                line = json.dumps({"set": name, "q": question, **_shown(reply)}, ensure_ascii=False)
                digest.update(line.encode())
                if readable:
                    file.write(line + "\n")
    for name, digest in digests.items():
        print(f"{name:<14} {digest.hexdigest()}")


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/replies.jsonl")))
