"""The demo: guests at the upcoming workshop, and the North CMHT's audit showing change."""

from sqlalchemy import select

from equiptrain.accounts.models import Team
from equiptrain.careaudit import queries
from equiptrain.demo import load_demo
from equiptrain.extensions import db
from equiptrain.workshops import queries as workshop_queries


def test_demo_has_guests_and_an_audit_that_shows_change(app, no_course):
    load_demo()
    team = db.session.scalar(select(Team).where(Team.name == "North Community Mental Health Team"))
    report = queries.report(team)
    assert report["baseline"] is not None and report["follow_up"] is not None and not report["waiting"]
    assert all(n >= report["minimum"] for _, n in report["rounds"])
    changes = [row["change"] for row in report["rows"]]
    assert len(changes) == 14 and all(c > 0 for c in changes)
    (counts,) = workshop_queries.guest_counts(team.organisation_id)
    assert (counts["invited"], counts["attending"]) == (3, 2)


def test_demo_has_a_closed_baseline_round_and_an_open_follow_up(app, no_course):
    from equiptrain.careaudit import measure_services

    load_demo()
    team = db.session.scalar(select(Team).where(Team.name == "North Community Mental Health Team"))
    rounds = measure_services.team_rounds(team)
    assert [r.kind.value for r in rounds] == ["baseline", "follow_up"]
    baseline, follow_up = (measure_services.result(r) for r in rounds)
    assert baseline.shown and baseline.responses == 11 and baseline.paper >= 2
    assert [g.label for g in baseline.groups] == ["Everyone", "Service users", "Carers"]
    assert not follow_up.shown and follow_up.responses == 2 and follow_up.groups == []
