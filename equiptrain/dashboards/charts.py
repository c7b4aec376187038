"""The dashboards' charts, drawn by the shared component (`equiptrain.charts`); each page also shows the
numbers in a table beside the chart."""

from __future__ import annotations

from equiptrain import charts

BANDS = ((0, 19), (20, 39), (40, 59), (60, 79), (80, 100))


def module_completion(team, modules, summary) -> dict | None:
    if not summary.members or not modules:
        return None
    values = tuple(summary.percent(summary.module_complete[m.id]) for m in modules)
    description = "; ".join(f"{m.title}: {v}%" for m, v in zip(modules, values, strict=True)) + "."
    return {
        "svg": charts.bar_chart(
            f"team-{team.id}-modules",
            f"Share of {team.name} who completed each module",
            description,
            [m.title for m in modules],
            [charts.Series("Complete", charts.BLUE, values)],
            high=100,
            ticks=[0, 25, 50, 75, 100],
            unit="%",
        )
    }


def team_confidence(team, confidence, items) -> dict | None:
    """Before and after, per statement, for a team: only when enough people answered (see GroupConfidence)."""
    if not confidence.shown or not confidence.items:
        return None
    labels = [text for text, _, _ in confidence.items]
    before = tuple(b for _, b, _ in confidence.items)
    after = tuple(a for _, _, a in confidence.items)
    description = (
        f"Average confidence of {confidence.people} people in {team.name} before and after their modules, "
        f"for each statement; overall change {confidence.change:+.1f} on a scale of 1 to 5."
    )
    return {
        "svg": charts.bar_chart(
            f"team-{team.id}-confidence",
            f"Confidence before and after, {team.name}",
            description,
            labels,
            [charts.Series("Before", charts.GREY, before), charts.Series("After", charts.BLUE, after)],
            high=5,
            ticks=[0, 1, 2, 3, 4, 5],
        )
    }


def organisation_completion(org, lines) -> dict | None:
    if not lines:
        return None
    counts = tuple(sum(1 for t in lines if low <= t.percent_complete <= high) for low, high in BANDS)
    labels = [f"{low}% to {high}% of staff complete" for low, high in BANDS]
    description = "; ".join(f"{label}: {n} teams" for label, n in zip(labels, counts, strict=True)) + "."
    top = max(max(counts), 1)
    return {
        "rows": list(zip(labels, counts, strict=True)),
        "svg": charts.bar_chart(
            f"org-{org.id}-completion",
            f"Teams in {org.name} by share of staff complete",
            description,
            labels,
            [charts.Series("Teams", charts.BLUE, counts)],
            high=top,
            ticks=[0, top],
        ),
    }
