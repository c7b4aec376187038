"""The one chart component: a horizontal bar chart as accessible, server-rendered SVG (no JavaScript).

Each bar is labelled with its category's full text (wrapped), the SVG carries a title and a description
(`role="img"`, `aria-labelledby`), and the page shows the same numbers in a table beside it.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

from markupsafe import Markup, escape

INK = "#212b32"
BLUE, GREY, GREEN = "#005eb8", "#768692", "#007f3b"
WIDTH, LEFT, RIGHT, BAR, GAP, LINE = 640, 8, 56, 16, 2, 17
WRAP = 78  # characters per label line at 14px across the chart's width


@dataclass(frozen=True)
class Series:
    name: str
    fill: str
    values: tuple[float | None, ...]


def _number(value: float) -> str:
    return f"{value:g}" if float(value).is_integer() else f"{value:.1f}"


def bar_chart(
    key: str,
    title: str,
    description: str,
    labels: list[str],
    series: list[Series],
    *,
    high: float,
    low: float = 0,
    ticks: list[float] | None = None,
    unit: str = "",
) -> Markup:
    """Bars for each label (one per series), on a scale from `low` to `high`. `key` makes the ids unique."""
    key = escape(key)
    span = WIDTH - LEFT - RIGHT
    legend = len(series) > 1

    def x(value: float) -> float:
        return LEFT + span * (max(low, min(high, value)) - low) / ((high - low) or 1)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} HEIGHT" role="img" '
        f'aria-labelledby="chart-{key}-title chart-{key}-desc" focusable="false">',
        f'<title id="chart-{key}-title">{escape(title)}</title>',
        f'<desc id="chart-{key}-desc">{escape(description)}</desc>',
    ]
    y = 8
    if legend:
        lx = LEFT
        for s in series:
            parts.append(
                f'<rect x="{lx}" y="{y}" width="14" height="14" fill="{s.fill}"/>'
                f'<text x="{lx + 20}" y="{y + 12}" font-size="14" fill="{INK}">{escape(s.name)}</text>'
            )
            lx += 40 + 9 * len(s.name)
        y += 30
    for i, label in enumerate(labels):
        for line in textwrap.wrap(label, WRAP) or [""]:
            y += LINE
            parts.append(f'<text x="{LEFT}" y="{y}" font-size="14" fill="{INK}">{escape(line)}</text>')
        y += 6
        for s in series:
            value = s.values[i] if i < len(s.values) else None
            if value is None:
                parts.append(
                    f'<text x="{LEFT}" y="{y + BAR - 3}" font-size="13" fill="{INK}">'
                    f"{escape(s.name) + ': ' if legend else ''}no answer</text>"
                )
            else:
                end = x(value)
                parts.append(
                    f'<rect x="{LEFT}" y="{y}" width="{end - LEFT:.1f}" height="{BAR}" fill="{s.fill}"/>'
                    f'<text x="{end + 4:.1f}" y="{y + BAR - 3}" font-size="13" fill="{INK}">'
                    f"{_number(value)}{escape(unit)}</text>"
                )
            y += BAR + GAP
        y += 8
    parts.append(f'<line x1="{LEFT}" y1="{y}" x2="{x(high):.1f}" y2="{y}" stroke="{INK}"/>')
    for tick in ticks if ticks is not None else [low, high]:
        anchor = "start" if tick == low else "end" if tick == high else "middle"
        parts.append(
            f'<text x="{x(tick):.1f}" y="{y + 18}" font-size="13" text-anchor="{anchor}" '
            f'fill="{INK}">{_number(tick)}{escape(unit)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts).replace("HEIGHT", str(y + 28), 1))
