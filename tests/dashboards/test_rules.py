"""Deadlines, status and overdue rules; the spreadsheet-cell guard; the shared chart component."""

from __future__ import annotations

import datetime as dt

from equiptrain import charts
from equiptrain.dashboards import requirements as rules
from equiptrain.dashboards.exports import safe_cell

D = dt.date


def test_deadline_is_the_later_of_the_organisation_team_and_joiner_dates():
    p = rules.Requirements(1, deadline=D(2027, 3, 31), joiner_days=60, mandatory_module_ids=frozenset({1}))
    assert p.deadline_for(D(2026, 1, 1)) == D(2027, 3, 31)  # joined long before: the organisation's date
    assert p.deadline_for(D(2027, 3, 1)) == D(2027, 4, 30)  # joined a month before: 60 days after joining
    assert p.deadline_for(D(2026, 1, 1), team_deadline=D(2027, 6, 30)) == D(2027, 6, 30)
    only_days = rules.Requirements(1, joiner_days=30, core_mandatory=True)
    assert only_days.deadline_for(D(2027, 1, 1)) == D(2027, 1, 31)


def test_no_requirements_means_no_deadline():
    assert rules.Requirements(1, deadline=D(2027, 3, 31)).deadline_for(D(2026, 1, 1)) is None


def test_status_and_overdue():
    assert rules.person_status(2, 2, 2, False, False) == rules.COMPLETE
    assert rules.person_status(2, 2, 2, False, True) == rules.IN_PROGRESS  # core workshop still to attend
    assert rules.person_status(0, 0, 2, False, True) == rules.NOT_STARTED
    assert rules.person_status(0, 0, 2, True, True) == rules.IN_PROGRESS
    today = D(2027, 4, 1)
    assert rules.is_overdue(D(2027, 3, 31), rules.IN_PROGRESS, today)
    assert not rules.is_overdue(D(2027, 4, 1), rules.IN_PROGRESS, today)  # due today is not late
    assert not rules.is_overdue(D(2027, 3, 31), rules.COMPLETE, today)
    assert not rules.is_overdue(None, rules.NOT_STARTED, today)


def test_expiry_adds_months_and_keeps_to_the_month_end():
    assert rules.add_months(D(2026, 5, 14), 12) == D(2027, 5, 14)
    assert rules.add_months(D(2027, 1, 31), 1) == D(2027, 2, 28)
    assert rules.add_months(D(2028, 1, 31), 1) == D(2028, 2, 29)


def test_each_mandatory_module_and_the_core_expire_on_their_own_months():
    p = rules.Requirements(
        1, mandatory_module_ids=frozenset({7, 8, 9}), module_expiry_months={7: 12, 8: 36}, core_expiry_months=24
    )
    assert p.expires
    assert p.module_expiry(7, D(2026, 5, 14)) == D(2027, 5, 14)
    assert p.module_expiry(8, D(2026, 5, 14)) == D(2029, 5, 14)
    assert p.module_expiry(9, D(2026, 5, 14)) is None  # mandatory, given no expiry
    assert p.module_expiry(5, D(2026, 5, 14)) is None  # not mandatory
    assert p.module_expiry(7, None) is None
    assert p.core_expiry(D(2026, 5, 14)) == D(2028, 5, 14)
    # An expiry left on a module no longer mandatory does not count.
    assert rules.Requirements(1, module_expiry_months={7: 12}).module_expiry(7, D(2026, 5, 14)) is None
    none = rules.Requirements(1)
    assert not none.expires and none.core_expiry(D(2026, 5, 14)) is None


def test_safe_cell_neutralises_formulas():
    for bad in ('=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\tTab", "\rReturn"):
        assert safe_cell(bad) == "'" + bad
    assert safe_cell("Sam Okafor") == "Sam Okafor"
    assert safe_cell(-3) == -3 and safe_cell(None) is None
    assert safe_cell(D(2027, 1, 1)) == D(2027, 1, 1)


def test_chart_labels_bars_with_their_text_and_escapes_it():
    svg = charts.bar_chart(
        "k",
        "Title <b>",
        "Description",
        ["I can explain what <involvement> means"],
        [charts.Series("Before", charts.GREY, (2,)), charts.Series("After", charts.BLUE, (None,))],
        high=5,
    )
    assert 'role="img"' in svg and '<title id="chart-k-title">Title &lt;b&gt;</title>' in svg
    assert "I can explain what &lt;involvement&gt; means" in svg and "Item 1" not in svg
    assert "After: no answer" in svg
