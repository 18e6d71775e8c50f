"""Server-side SVG charts (no script, no external library): stacked bars by day."""
from __future__ import annotations

import math

from markupsafe import Markup, escape

WIDTH, HEIGHT, LEFT, BOTTOM, TOP = 720, 200, 34, 22, 8
LABEL_WIDTH = 40           # room one date label needs


def stacked_bars(labels: list[str], series: list[tuple[str, str, list[int]]]) -> Markup:
    """One bar per label, stacked by series [(name, colour, values)]; scales to its container's width."""
    step = (WIDTH - LEFT) / max(len(labels), 1)
    bar = step * 0.75
    totals = [sum(values[i] for _, _, values in series) for i in range(len(labels))]
    top = max(totals, default=0) or 1
    scale = (HEIGHT - BOTTOM - TOP) / top
    base = HEIGHT - BOTTOM
    parts = [f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" preserveAspectRatio="xMinYMin meet" '
             f'xmlns="http://www.w3.org/2000/svg">']
    for value in sorted({0, top // 2, top}):
        y = base - value * scale
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH}" y1="{y:.1f}" y2="{y:.1f}" stroke="#dde3ea"/>'
                     f'<text x="{LEFT - 4}" y="{y + 4:.1f}" text-anchor="end" font-size="10" fill="#667">{value}</text>')
    every = max(1, math.ceil(LABEL_WIDTH / step))
    for i, label in enumerate(labels):
        x = LEFT + i * step + (step - bar) / 2
        y = base
        for name, colour, values in series:
            if values[i]:
                h = values[i] * scale
                y -= h
                parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" fill="{colour}">'
                             f'<title>{escape(label)} {escape(name)}：{values[i]}</title></rect>')
        if i % every == 0:
            parts.append(f'<text x="{x + bar / 2:.1f}" y="{HEIGHT - 6}" text-anchor="middle" font-size="10" '
                         f'fill="#667">{escape(label)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
