"""jieba's dictionary — its words and their prefixes, each with a frequency — as flat arrays instead of a dict of
hundreds of thousands of strings, which takes long to read back and much memory to hold. Keys are sorted by their
CRC-32, whose top bits index the start of each run of equal top bits, so a lookup bisects a handful of hashes; it
is exact (the key's UTF-8 bytes are compared, not only its hash), and the latest lookups are remembered (a
sentence's fragments are looked up several times each). Words added at run time (the domain dictionary) go in an
ordinary dict beside it."""
from __future__ import annotations

from array import array
from bisect import bisect_left
from functools import lru_cache
from zlib import crc32

Packed = tuple[array, array, array, bytes, array]       # hashes, runs, offsets, keys, frequencies
_MISSING = object()
_SHIFT = 16                    # runs of hashes sharing their top 16 bits: a handful of keys each
REMEMBERED = 2 ** 15           # lookups remembered


def _bytes(word: str) -> bytes:
    return word.encode("utf-8", "surrogatepass")       # user text may hold lone surrogates


def pack(freq: dict[str, int]) -> Packed:
    """The arrays a WordFrequencies reads (what the cache keeps)."""
    keyed = sorted((crc32(key := _bytes(word)), key, n) for word, n in freq.items())
    hashes = array("I", (h for h, _, _ in keyed))
    offsets = array("I", [0])
    for _, key, _ in keyed:
        offsets.append(offsets[-1] + len(key))
    runs = array("I", (bisect_left(hashes, top << _SHIFT) for top in range(2 ** (32 - _SHIFT) + 1)))
    return hashes, runs, offsets, b"".join(key for _, key, _ in keyed), array("q", (n for _, _, n in keyed))


def _finder(packed: Packed):
    """word → its frequency, or None (a closure: jieba looks up every fragment of every sentence)."""
    hashes, runs, offsets, blob, freqs = packed

    def find(word: str) -> int | None:
        key = _bytes(word)
        h = crc32(key)
        end = runs[(h >> _SHIFT) + 1]
        i = bisect_left(hashes, h, runs[h >> _SHIFT], end)
        while i < end and hashes[i] == h:
            if blob[offsets[i]:offsets[i + 1]] == key:
                return freqs[i]
            i += 1
        return None
    return find


class WordFrequencies:
    """The mapping jieba's tokenizer keeps as `FREQ`: `in`, `[]`, `get` and `[]=` as on a dict."""

    def __init__(self, packed: Packed):
        self._added: dict[str, int] = {}
        self._stored = lru_cache(maxsize=REMEMBERED)(_finder(packed))

    def get(self, word: str, default=None):
        found = self._added.get(word, _MISSING)
        if found is _MISSING:
            found = self._stored(word)
            return default if found is None else found
        return found

    def __contains__(self, word: str) -> bool:
        return word in self._added or self._stored(word) is not None

    def __getitem__(self, word: str) -> int:
        found = self.get(word, _MISSING)
        if found is _MISSING:
            raise KeyError(word)
        return found

    def __setitem__(self, word: str, freq: int) -> None:
        self._added[word] = freq
