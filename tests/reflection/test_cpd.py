"""The CPD record: automatic entries from completions and attendance (idempotent), manual entries, and totals
over a 3-year window against the NMC requirements."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from sqlalchemy import select

from equiptrain import signals
from equiptrain.extensions import db
from equiptrain.reflection import cpd
from equiptrain.reflection.models import CPDEntry
from tests.reflection.helpers import make_entry, make_module

UTC = dt.UTC


def _rows(user):
    return db.session.scalars(select(CPDEntry).where(CPDEntry.user_id == user.id).order_by(CPDEntry.id)).all()


def test_module_completion_adds_individual_hours_once(build):
    user = build.user()
    module = make_module(individual=2.5)
    at = dt.datetime(2025, 3, 4, 10, tzinfo=UTC)
    signals.module_completed.send(user, module=module, at=at)
    signals.module_completed.send(user, module=module, at=at + dt.timedelta(days=1))
    [row] = _rows(user)
    assert (row.hours, row.kind, row.source, row.date) == (2.5, "individual", "module", dt.date(2025, 3, 4))
    assert row.source_ref == f"module:{module.slug}" and module.title in row.title


def test_workshop_attendance_adds_participatory_hours_once_per_workshop(build):
    user = build.user()
    at = dt.datetime(2025, 5, 1, 9, tzinfo=UTC)
    one, two = SimpleNamespace(id=101, title="Listening day"), SimpleNamespace(id=102, title="Risk day")
    for workshop in (one, one, two):
        signals.workshop_attended.send(user, workshop=workshop, module_slugs=[], hours=6.0, at=at)
    rows = _rows(user)
    assert [(r.source_ref, r.hours, r.kind) for r in rows] == [
        ("workshop:101", 6.0, "participatory"),
        ("workshop:102", 6.0, "participatory"),
    ]


def test_window_is_three_years_up_to_the_revalidation_date():
    assert cpd.window_for(dt.date(2025, 6, 30)) == (dt.date(2022, 7, 1), dt.date(2025, 6, 30))
    assert cpd.window_for(dt.date(2028, 2, 29)) == (dt.date(2025, 3, 1), dt.date(2028, 2, 29))


def test_totals_count_only_inside_the_window(build):
    user, other = build.user(), build.user()
    for date, hours, kind in [
        (dt.date(2022, 6, 30), 10, "participatory"),  # the day before the window
        (dt.date(2022, 7, 1), 4, "participatory"),  # first day
        (dt.date(2024, 1, 1), 12.5, "individual"),
        (dt.date(2025, 6, 30), 3, "participatory"),
    ]:  # last day
        cpd.add_manual(user, date=date, hours=hours, kind=kind, title="x")
    cpd.add_manual(other, date=dt.date(2024, 1, 1), hours=50, kind="participatory", title="not mine")
    totals = cpd.totals(user, dt.date(2025, 6, 30))
    assert (totals.hours, totals.participatory, totals.individual) == (19.5, 7.0, 12.5)
    assert (totals.hours_left, totals.participatory_left) == (15.5, 13.0)
    later = cpd.totals(user, dt.date(2026, 6, 30))
    assert (later.hours, later.participatory) == (15.5, 3.0)


def test_reflective_accounts_count_only_nmc_entries_in_the_window(build):
    user = build.user()
    for _ in range(2):
        make_entry(user, "nmc")
    make_entry(user, "gibbs")
    old = make_entry(user, "nmc")
    old.created_at = dt.datetime(2019, 1, 1, tzinfo=UTC)
    db.session.commit()
    totals = cpd.totals(user, dt.date.today())
    assert totals.accounts == 2 and totals.accounts_left == 3 and not totals.met


def test_requirements_met(build):
    user = build.user()
    cpd.add_manual(user, date=dt.date.today(), hours=20, kind="participatory", title="a")
    cpd.add_manual(user, date=dt.date.today(), hours=15, kind="individual", title="b")
    for _ in range(5):
        make_entry(user, "nmc")
    totals = cpd.totals(user, dt.date.today())
    assert totals.met and totals.hours_left == 0 and totals.accounts_left == 0


def test_cpd_page_shows_totals_and_what_is_left(client, login, build):
    user = build.user()
    cpd.add_manual(user, date=dt.date(2025, 1, 10), hours=7.5, kind="participatory", title="Safeguarding update")
    db.session.commit()
    login(user)
    page = client.get("/cpd/?ends=2025-06-30").get_data(as_text=True)
    assert "1 July 2022 to 30 June 2025" in page and "Safeguarding update" in page
    assert "7.5 of 35" in page and "27.5 to go" in page and "12.5 to go" in page and "5 to go" in page
    page = client.get("/cpd/?ends=2028-06-30").get_data(as_text=True)
    assert "Safeguarding update" not in page and "0 of 35" in page


def test_add_cpd_by_hand_and_remove_it(client, login, build):
    user = build.user()
    login(user)
    response = client.post(
        "/cpd/new",
        data={
            "title": "Conference",
            "date": "2025-02-03",
            "hours": "2.5",
            "kind": "participatory",
            "description": "Recovery conference",
        },
    )
    assert response.status_code == 302
    [row] = _rows(user)
    assert (row.title, row.hours, row.source) == ("Conference", 2.5, "manual")
    assert client.post(f"/cpd/{row.id}/delete").status_code == 302
    assert _rows(user) == []


def test_add_cpd_errors_say_how_to_fix(client, login, build):
    user = build.user()
    login(user)
    future = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    page = client.post("/cpd/new", data={"title": "x", "date": future, "hours": "1", "kind": "individual"})
    assert page.status_code == 200 and "cannot be in the future" in page.get_data(as_text=True)
    page = client.post("/cpd/new", data={"title": "x", "date": "2025-01-01", "hours": "0", "kind": "individual"})
    assert "between 0.25 and 100" in page.get_data(as_text=True)
    assert _rows(user) == []


def test_automatic_entries_cannot_be_removed_and_others_entries_are_forbidden(client, login, build):
    user, other = build.user(), build.user()
    signals.module_completed.send(user, module=make_module(), at=dt.datetime.now(UTC))
    mine = cpd.add_manual(other, date=dt.date(2025, 1, 1), hours=1, kind="individual", title="theirs")
    db.session.commit()
    [auto] = _rows(user)
    login(user)
    client.post(f"/cpd/{auto.id}/delete")
    assert _rows(user) == [auto]
    assert client.post(f"/cpd/{mine.id}/delete").status_code == 404
    assert db.session.get(CPDEntry, mine.id) is not None
