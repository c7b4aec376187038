"""The learner's confidence change as an accessible SVG bar chart (the page also shows the data as a table)."""
from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

BEFORE_FILL, AFTER_FILL, INK = "#768692", "#005eb8", "#212b32"
LEFT, WIDTH, ROW, BAR = 70, 560, 46, 16


@dataclass(frozen=True)
class Row:
    number: int
    text: str
    before: int | None
    after: int | None

    @property
    def change(self) -> int | None:
        return None if self.before is None or self.after is None else self.after - self.before


def _mean(values) -> float | None:
    values = [v for v in values if v is not None]
    return round(sum(values) / len(values), 1) if values else None


def module_chart(change, items, scale: dict) -> dict:
    """{module, rows, summary, svg} for one module's before/after answers."""
    rows = [Row(n, item.text, (change.before or {}).get(item.slug), (change.after or {}).get(item.slug))
            for n, item in enumerate(items, start=1)]
    before, after = _mean(r.before for r in rows), _mean(r.after for r in rows)
    summary = (f"Average confidence before: {before if before is not None else 'not answered'}; "
               f"after: {after if after is not None else 'not answered yet'} (scale {scale['min']} to {scale['max']}).")
    return {"module": change.module, "rows": rows, "summary": summary,
            "svg": _svg(change.module.slug, change.module.title, rows, int(scale["min"]), int(scale["max"]), summary)}


def _svg(key: str, title: str, rows: list[Row], low: int, high: int, summary: str) -> Markup:
    height = 40 + ROW * len(rows) + 30
    span = WIDTH - LEFT - 40

    def x(value: int) -> float:
        return LEFT + span * value / high

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" role="img" '
             f'aria-labelledby="chart-{escape(key)}-title chart-{escape(key)}-desc" focusable="false">',
             f'<title id="chart-{escape(key)}-title">Your confidence before and after {escape(title)}</title>',
             f'<desc id="chart-{escape(key)}-desc">{escape(summary)} The table below gives every answer.</desc>',
             f'<rect x="{LEFT}" y="8" width="14" height="14" fill="{BEFORE_FILL}"/>'
             f'<text x="{LEFT + 20}" y="20" font-size="14" fill="{INK}">Before</text>'
             f'<rect x="{LEFT + 90}" y="8" width="14" height="14" fill="{AFTER_FILL}"/>'
             f'<text x="{LEFT + 110}" y="20" font-size="14" fill="{INK}">After</text>']
    for i, row in enumerate(rows):
        top = 40 + i * ROW
        parts.append(f'<text x="{LEFT - 8}" y="{top + BAR + 4}" font-size="14" text-anchor="end" fill="{INK}">'
                     f'Item {row.number}</text>')
        for j, (value, fill) in enumerate(((row.before, BEFORE_FILL), (row.after, AFTER_FILL))):
            y = top + j * (BAR + 2)
            if value is not None:
                parts.append(f'<rect x="{LEFT}" y="{y}" width="{x(value) - LEFT:.1f}" height="{BAR}" fill="{fill}"/>'
                             f'<text x="{x(value) + 4:.1f}" y="{y + BAR - 3}" font-size="13" fill="{INK}">'
                             f'{value}</text>')
    axis_y = 40 + ROW * len(rows)
    parts.append(f'<line x1="{LEFT}" y1="{axis_y}" x2="{x(high):.1f}" y2="{axis_y}" stroke="{INK}"/>')
    for tick in range(low, high + 1):
        parts.append(f'<text x="{x(tick):.1f}" y="{axis_y + 18}" font-size="13" text-anchor="middle" '
                     f'fill="{INK}">{tick}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
