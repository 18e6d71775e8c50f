"""A console save that changes several files (an FAQ entry and its English overlay) goes through a journal, so a
crash between two writes leaves no pair of files that do not load together: the journal is written (atomically)
first, and a start that finds it writes its files again before the knowledge is loaded."""
from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path

from bot.storage import atomic_write, fsync_dir

log = logging.getLogger(__name__)
JOURNAL = ".pending-edit.json"


def write_all(folder: Path, texts: dict[Path, str], write: Callable[[Path, str], None]) -> None:
    """Each file written by `write`, all of them redone at the next start if this stops half way."""
    journal = folder / JOURNAL
    atomic_write(journal, json.dumps({str(p): t for p, t in texts.items()}, ensure_ascii=False).encode("utf-8"))
    for path, text in texts.items():
        write(path, text)
    journal.unlink()
    fsync_dir(folder)


def finish(folder: Path) -> list[Path]:
    """The files of a save a crash interrupted, written now; [] when none was."""
    journal = folder / JOURNAL
    if not journal.exists():
        return []
    texts = {Path(p): t for p, t in json.loads(journal.read_text("utf-8")).items()}
    for path, text in texts.items():
        atomic_write(path, text.encode("utf-8"))
    journal.unlink()
    fsync_dir(folder)
    log.warning("finished a knowledge edit interrupted by a stop: %s", ", ".join(p.name for p in texts))
    return list(texts)
