"""Derived data cached on disk under a key of everything it derives from (content hashes, versions), so a warm
start reads it in milliseconds and any change rebuilds it. Lives in the git-ignored `.cache/` of the checkout;
a cache that cannot be read or written only costs the rebuild."""
from __future__ import annotations

import gc
import hashlib
import logging
import os
import pickle
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterable, Iterator, TypeVar

log = logging.getLogger(__name__)
CACHE_DIR = Path(__file__).resolve().parent.parent / ".cache"
T = TypeVar("T")


def digest(files: Iterable[Path], *also: str) -> str:
    """A cache key of the files' names and contents (a missing file counts too) and of any other `also` text."""
    hashed = hashlib.sha256("\0".join(also).encode())
    for path in files:
        hashed.update(str(path).encode() + b"\0" + (path.read_bytes() if path.exists() else b"(missing)") + b"\0")
    return hashed.hexdigest()[:24]


def cached(name: str, key: str, build: Callable[[], T], cache_dir: Path | None = CACHE_DIR) -> T:
    """`build()`'s result, read from `cache_dir/name-key.pickle` when saved before; older keys of `name` go."""
    if cache_dir is None:
        return build()
    path = cache_dir / f"{name}-{key}.pickle"
    if path.exists():
        try:
            with gc_paused():
                return pickle.loads(path.read_bytes())
        except Exception as exc:          # written by other code (a moved class, a changed field): any failure rebuilds
            log.warning("unreadable cache %s (%s): rebuilding", path.name, exc)
    value = build()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        for old in path.parent.glob(f"{name}-*.pickle"):
            old.unlink(missing_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_bytes(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(tmp, path)
    except OSError as exc:
        log.warning("cache %s not saved (%s)", path.name, exc)
    return value


@contextmanager
def gc_paused() -> Iterator[None]:
    """The cyclic garbage collector paused: reading back or building the knowledge allocates hundreds of thousands
    of objects, none of them garbage, and each collection it would set off walks all of them."""
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


def keep_for_good() -> None:
    """Everything built so far (the knowledge snapshot, jieba's dictionary, the modules) lives as long as the process:
    moved out of the cyclic collector's reach, whose collections would otherwise walk all of it, hundreds of
    thousands of objects built while it was paused, at some message's expense. When something is frozen already,
    what it held that is now garbage (a replaced snapshot: its matchers' caches make cycles) is collected first,
    so no garbage stays frozen."""
    if gc.get_freeze_count():
        gc.unfreeze()
        gc.collect()
    gc.freeze()
