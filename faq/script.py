"""Traditional characters (新設金融總部，實收資本15億) read as simplified ones, for matching and parsing only.

The table is opencc's character table (TSCharacters), taken one character for one so that positions in the
text do not move; characters that are also simplified characters in their own right (opencc's STCharacters
keys, or 乾 which stays 乾 in some words) are left alone.
"""
from __future__ import annotations

import hashlib
import importlib.util
from functools import lru_cache
from pathlib import Path

from faq.derived import cached


def _table(path: Path) -> dict[str, str]:
    pairs = (line.split("\t") for line in path.read_text(encoding="utf-8").splitlines() if "\t" in line)
    return {key: values.split() for key, values in pairs if len(key) == 1 and values.split()}


@lru_cache(maxsize=1)
def _translation() -> dict[int, str]:
    spec = importlib.util.find_spec("opencc")          # the data only: importing opencc itself loads far more
    if spec is None or not spec.submodule_search_locations:
        return {}
    folder = Path(spec.submodule_search_locations[0]) / "dictionary"
    sources = [folder / "STCharacters.txt", folder / "TSCharacters.txt"]
    key = "-".join([*(f"{p.stat().st_size}-{int(p.stat().st_mtime)}" for p in sources),
                    hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:12]])         # and this code
    return cached("simplified", key, lambda: _pairs(*sources))


def _pairs(st: Path, ts: Path) -> dict[int, str]:
    simplified = set(_table(st))
    return {ord(t): s[0] for t, s in _table(ts).items() if t not in simplified and t not in s and len(s[0]) == 1}


def simplified(text: str) -> str:
    """`text` with traditional characters replaced by their simplified forms (same length)."""
    return text.translate(_translation()) if not text.isascii() else text
