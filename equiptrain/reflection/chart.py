"""The learner's confidence change, drawn by the shared chart component (the page also shows the data as a table)."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from equiptrain import charts


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
    rows = [
        Row(n, item.text, (change.before or {}).get(item.slug), (change.after or {}).get(item.slug))
        for n, item in enumerate(items, start=1)
    ]
    before, after = _mean(r.before for r in rows), _mean(r.after for r in rows)
    summary = (
        f"Average confidence before: {before if before is not None else 'not answered'}; "
        f"after: {after if after is not None else 'not answered yet'} (scale {scale['min']} to {scale['max']})."
    )
    return {
        "module": change.module,
        "rows": rows,
        "summary": summary,
        "svg": _svg(change.module.slug, change.module.title, rows, int(scale["min"]), int(scale["max"]), summary),
    }


def _svg(key: str, title: str, rows: list[Row], low: int, high: int, summary: str) -> Markup:
    return charts.bar_chart(
        key,
        f"Your confidence before and after {title}",
        f"{summary} The table below gives every answer.",
        [row.text for row in rows],
        [
            charts.Series("Before", charts.GREY, tuple(r.before for r in rows)),
            charts.Series("After", charts.BLUE, tuple(r.after for r in rows)),
        ],
        low=0,
        high=high,
        ticks=list(range(0, high + 1)),
    )
