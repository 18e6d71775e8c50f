"""Helpers shared by the benchmark scripts (each script is run directly: `python bench/bench_x.py`)."""
from __future__ import annotations

import statistics


def pct(values: list[float], p: int) -> float:
    """The p-th percentile (inclusive method, so p100 is the maximum)."""
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]
