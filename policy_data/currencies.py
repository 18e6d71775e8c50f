"""The patterns that find an amount in another currency than RMB, built from the one list in
policy_data/data/policy_words.yaml (names, codes, symbols)."""
from __future__ import annotations

import re
from collections.abc import Iterable

from policy_data.schema import Currency


def _either(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


def _word(words: Iterable[str], plural: bool = False) -> str:
    """Latin words whole ("cad" is not in "cadre"), optionally with a plural s."""
    either = _either(words)
    return rf"(?<![a-z])(?:{either}){'s?' if plural else ''}(?![a-z])" if either else ""


def marks(currencies: Iterable[Currency], english: bool) -> re.Pattern:
    """Any name, code or symbol; English names only for an English question."""
    currencies = list(currencies)
    parts = [_either(w for c in currencies for w in c.zh), _word(c for cur in currencies for c in cur.codes),
             _either(s for c in currencies for s in c.symbols)]
    if english:
        parts.append(_word((n for c in currencies for n in c.en), plural=True))
    return re.compile("|".join(f"(?:{p})" for p in parts if p), re.IGNORECASE)


def codes_and_symbols(currencies: Iterable[Currency]) -> str:
    """A code or symbol, as a regex source for the English amount reader (lower-case text)."""
    currencies = list(currencies)
    either = _either([*(c for cur in currencies for c in cur.codes), *(s for c in currencies for s in c.symbols)])
    return f"(?:{either})" if either else "(?!)"
