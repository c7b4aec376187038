"""The care-plan audit: rounds, scoring against every criterion, privacy of excerpts, the k-limited report."""

from __future__ import annotations

import pytest
from sqlalchemy import func, inspect, select

from equiptrain.careaudit import queries, services
from equiptrain.careaudit.models import AuditedPlan, RoundKind
from equiptrain.content.models import AuditCriterion
from equiptrain.content.sync import sync_course
from equiptrain.errors import ServiceError
from equiptrain.extensions import db
from equiptrain.trainers.models import TrainerKind
from tests.careaudit.helpers import SHIPPED, make_criteria, make_round, score_plans
from tests.content.trees import write_valid_tree
from tests.guests.helpers import make_guest
from tests.workshops.helpers import make_workshop


@pytest.fixture
def team_world(build):
    """A team with a manager, members, a delivering professional and lived-experience trainer, and the criteria."""
    org = build.org()
    team = build.team(org)
    manager = build.user("manager", team=team)
    members = [build.user("learner", team=team) for _ in range(3)]
    trainer = build.user("trainer", org=org)
    le_trainer = build.user("trainer", org=org, trainer_kind=TrainerKind.SERVICE_USER)
    workshop = make_workshop(build, org=org, teams=[team], facilitators=[trainer, le_trainer])
    return {
        "org": org,
        "team": team,
        "manager": manager,
        "members": members,
        "trainer": trainer,
        "le_trainer": le_trainer,
        "workshop": workshop,
        "criteria": make_criteria(),
    }


def test_no_column_can_hold_an_identifier_of_a_service_user(app):
    inspector = inspect(db.engine)
    assert {c["name"] for c in inspector.get_columns("audited_plans")} == {
        "id",
        "round_id",
        "auditor_id",
        "excerpt",
        "created_at",
        "sample_position",  # a place on the team's own sorted list, meaningless outside it
        "second_of_id",  # the blind second scoring of the same plan
    }
    assert {c["name"] for c in inspector.get_columns("audited_plan_scores")} == {
        "id",
        "plan_id",
        "criterion_id",
        "score",
    }
    assert {c["name"] for c in inspector.get_columns("audit_rounds")} == {
        "id",
        "team_id",
        "label",
        "kind",
        "starts_on",
        "ends_on",
        "state",
        "created_by_id",
        "created_at",
        "closed_at",
        "caseload_size",
        "sample_size",
        "sample_seed",
        "sample_positions",
        "double_share",
    }


def test_sync_loads_the_criteria_by_slug_and_retires_removed_ones(tmp_path):
    root = write_valid_tree(tmp_path / "course")
    text = SHIPPED.read_text(encoding="utf-8")
    (root / "audit.yaml").write_text(text, encoding="utf-8")
    report = sync_course(root)
    assert report.counts["audit criterion"]["created"] == 14 and "audit criteria: 14 created" in str(report)
    first = db.session.scalar(select(AuditCriterion).where(AuditCriterion.slug == "own-words"))
    assert "0" in first.scores and first.guidance_html.startswith("<p>")
    # reword one criterion, drop the last: same row updated, the dropped one retired, not deleted
    cut_at, resume = text.index("  - slug: usable-copy"), text.index("  - slug: outcomes")
    (root / "audit.yaml").write_text(
        (text[:cut_at] + text[resume:]).replace(
            "title: The person's own words and perspective", "title: The person's own words"
        ),
        encoding="utf-8",
    )
    report = sync_course(root)
    # one reworded, and the six after the dropped one moved up a place
    assert report.counts["audit criterion"]["updated"] == 7 and report.counts["audit criterion"]["retired"] == 1
    assert db.session.get(AuditCriterion, first.id).title == "The person's own words"
    assert db.session.scalar(select(AuditCriterion).where(AuditCriterion.slug == "usable-copy")).retired_at


@pytest.mark.parametrize(
    "excerpt, kind",
    [
        ("Plan for 943 476 5919 says", "possible NHS number"),
        ("DOB 04/07/1961, lives alone", "possible date of birth"),
        ("Ring her on 07700 900123", "possible phone number"),
        ("Moved to M13 9PL last year", "possible postcode"),
        ("Email jo.bloggs@example.com", "email address"),
        ("Mrs Okafor said she wants to go back to work", "possible name"),
        ("She is called Bernadette and wants her plan in Polish", "possible name"),
    ],
)
def test_the_guard_refuses_excerpts_with_identifiers(team_world, excerpt, kind):
    round_ = make_round(team_world["manager"], team_world["team"])
    scores = {c.slug: 1 for c in team_world["criteria"]}
    with pytest.raises(ServiceError, match=kind) as exc:
        services.score_plan(team_world["manager"], round_, scores, excerpt=excerpt)
    assert exc.value.field == "excerpt"
    assert db.session.scalar(select(func.count(AuditedPlan.id))) == 0


def test_the_form_shows_the_guard_error_beside_the_excerpt_and_keeps_nothing(team_world, client, login):
    round_ = make_round(team_world["manager"], team_world["team"])
    login(team_world["manager"])
    data = {f"criterion_{c.slug.replace('-', '_')}": "2" for c in team_world["criteria"]}
    response = client.post(
        f"/care-plan-audit/rounds/{round_.id}/score",
        data={**data, "excerpt": "Mr Haddad, NHS 943 476 5919, wants his sister involved"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "possible NHS number and possible name" in page and 'href="#excerpt"' in page
    assert db.session.scalar(select(func.count(AuditedPlan.id))) == 0
    # without the identifiers it is kept, with a lived-experience trainer as co-auditor
    response = client.post(
        f"/care-plan-audit/rounds/{round_.id}/score",
        data={
            **data,
            "excerpt": '"I want my sister at the review" (the person\'s words)',
            "co_auditors": [str(team_world["le_trainer"].id)],
        },
    )
    assert response.status_code == 302
    (plan,) = db.session.scalars(select(AuditedPlan)).all()
    assert plan.excerpt.startswith('"I want my sister') and plan.co_auditors == [team_world["le_trainer"]]
    assert {s.score for s in plan.scores} == {2} and len(plan.scores) == 14
    # a missing criterion is an error on that question
    data.pop("criterion_carers")
    page = client.post(f"/care-plan-audit/rounds/{round_.id}/score", data=data).get_data(as_text=True)
    assert "Score &#39;Carers involved within consent&#39;: choose 0, 1 or 2" in page


def test_scoring_rules(team_world, build):
    manager, team = team_world["manager"], team_world["team"]
    round_ = make_round(manager, team)
    full = {c.slug: 2 for c in team_world["criteria"]}
    with pytest.raises(ServiceError, match="Score every criterion"):
        services.score_plan(manager, round_, {**full, "carers": None})
    with pytest.raises(ServiceError, match="0 \\(not met\\), 1"):
        services.score_plan(manager, round_, {**full, "carers": 3})
    with pytest.raises(ServiceError, match="Co-auditors"):
        services.score_plan(manager, round_, full, co_auditors=[build.user("trainer")])  # another organisation
    with pytest.raises(ServiceError, match="managers, its trainers"):
        services.score_plan(team_world["members"][0], round_, full)
    with pytest.raises(ServiceError, match="500 characters"):
        services.score_plan(manager, round_, full, excerpt="words " * 100)
    services.close_round(manager, round_)
    with pytest.raises(ServiceError, match="closed"):
        services.score_plan(manager, round_, full)
    with pytest.raises(ServiceError, match="already closed"):
        services.close_round(manager, round_)
    services.reopen_round(manager, round_)
    assert services.score_plan(team_world["trainer"], round_, full).auditor_id == team_world["trainer"].id
    with pytest.raises(ServiceError, match="end on or after"):
        services.create_round(
            manager, team, label="x", kind=RoundKind.BASELINE, starts_on=round_.ends_on, ends_on=round_.starts_on
        )


def test_report_shows_share_met_before_against_after_only_for_rounds_of_at_least_k(team_world, app):
    manager, team = team_world["manager"], team_world["team"]
    baseline = make_round(manager, team, RoundKind.BASELINE, "Baseline")
    follow_up = make_round(manager, team, RoundKind.FOLLOW_UP, "Follow-up")
    # baseline: own-words met in 1 of 5 plans (1 partly); follow-up: met in 4 of 5
    score_plans(manager, baseline, [{"own-words": 2}, {"own-words": 1}, 0, 0, {"carers": 2}])
    score_plans(
        manager, follow_up, [{"own-words": 2, "carers": 2}, {"own-words": 2}, {"own-words": 2}, {"own-words": 2}, 1]
    )
    report = queries.report(team)
    assert [r.id for r, _ in report["rounds"]] == [baseline.id, follow_up.id]
    rows = {row["criterion"].slug: row for row in report["rows"]}
    own = rows["own-words"]
    assert [(c["share"], c["met"], c["partly"], c["n"]) for c in own["cells"]] == [(20, 1, 1, 5), (80, 4, 1, 5)]
    assert own["change"] == 60
    assert [c["share"] for c in rows["carers"]["cells"]] == [20, 20] and rows["carers"]["change"] == 0
    assert [c["share"] for c in rows["advance-wishes"]["cells"]] == [0, 0]
    # a third round below k is listed with how many more plans it needs, never shown
    small = make_round(manager, team, RoundKind.FOLLOW_UP, "Second follow-up")
    score_plans(manager, small, [2, 2, 2, 2])
    report = queries.report(team)
    assert [r.id for r, _ in report["rounds"]] == [baseline.id, follow_up.id]
    assert [(r.id, n, more) for r, n, more in report["waiting"]] == [(small.id, 4, 1)]


def test_report_page_has_the_chart_and_its_table(team_world, client, login):
    manager, team = team_world["manager"], team_world["team"]
    baseline = make_round(manager, team, RoundKind.BASELINE, "Baseline")
    score_plans(manager, baseline, [{"own-words": 2}, 0, 0, 0, 0])
    follow_up = make_round(manager, team, RoundKind.FOLLOW_UP, "Follow-up")
    score_plans(manager, follow_up, [1, 1])
    login(manager)
    page = client.get(f"/care-plan-audit/teams/{team.id}/report").get_data(as_text=True)
    assert 'role="img"' in page and '<title id="audit-chart-title">' in page and "<desc" in page
    assert '20% <span class="et-meta">(1 of 5 met, 0 partly)</span>' in page
    assert "Follow-up: 2 plans scored; 3 more needed before it is shown." in page
    assert "<script" not in page.split("<main")[1].split("</main>")[0]


def test_report_runs_a_fixed_number_of_queries(team_world, count_queries):
    manager, team = team_world["manager"], team_world["team"]
    baseline = make_round(manager, team, RoundKind.BASELINE, "Baseline")
    score_plans(manager, baseline, [1] * 5)
    db.session.expire_all()
    with count_queries() as small:
        queries.report(team)
    score_plans(manager, make_round(manager, team, RoundKind.FOLLOW_UP), [2] * 12)
    db.session.expire_all()
    with count_queries() as large:
        queries.report(team)
    assert large.count == small.count


def test_who_sees_a_teams_audit(team_world, build, client, login):
    team, org = team_world["team"], team_world["org"]
    round_ = make_round(team_world["manager"], team)
    other_org = build.org()
    allowed = [
        team_world["manager"],
        team_world["trainer"],
        team_world["le_trainer"],
        build.user("admin", org=org),
        build.user("platform_admin"),
    ]
    refused = [
        team_world["members"][0],
        build.user("trainer", org=org),  # a trainer who does not deliver to it
        build.user("manager", org=org),
        make_guest(team_world["workshop"], team_world["trainer"]),
    ]
    outsiders = [build.user("admin", org=other_org), build.user("trainer", org=other_org)]
    for person in allowed:
        login(person)
        for url in (f"/care-plan-audit/teams/{team.id}/report", f"/care-plan-audit/rounds/{round_.id}"):
            assert client.get(url).status_code == 200, (person, url)
        assert team.id in {t.id for t in queries.teams_for(person)}
    for person in refused:
        login(person)
        for url in (
            f"/care-plan-audit/teams/{team.id}/report",
            f"/care-plan-audit/rounds/{round_.id}",
            f"/care-plan-audit/rounds/{round_.id}/score",
        ):
            assert client.get(url).status_code == 403, (person, url)
        assert team.id not in {t.id for t in queries.teams_for(person)}
    for person in outsiders:  # another organisation's team and round answer as missing ones
        login(person)
        for url in (f"/care-plan-audit/teams/{team.id}/report", f"/care-plan-audit/rounds/{round_.id}"):
            assert client.get(url).status_code == 404, (person, url)
        assert team.id not in {t.id for t in queries.teams_for(person)}


def test_report_query_count_is_small(team_world, count_queries):
    manager, team = team_world["manager"], team_world["team"]
    score_plans(manager, make_round(manager, team), [1] * 6)
    db.session.expire_all()
    team_id = team.id  # loads the team again, before counting
    with count_queries() as q:
        queries.report(team)
    # rounds with their counts, the score cells, the criteria; the double-scored pairs and criterion titles
    assert team_id and q.count == 5, q.statements


def test_round_form_says_what_is_wrong(team_world, client, login):
    login(team_world["manager"])
    url = f"/care-plan-audit/teams/{team_world['team'].id}"
    page = client.post(
        url, data={"label": "x" * 121, "kind": "baseline", "starts_on": "2027-13-45", "ends_on": ""}
    ).get_data(as_text=True)
    assert "Use 120 characters or fewer" in page
    assert "Enter first day as a real date, like 2027-03-01" in page
    assert "Enter the last day as a date" in page
    page = client.post(
        url, data={"label": "Baseline", "kind": "baseline", "starts_on": "2027-03-10", "ends_on": "2027-03-01"}
    ).get_data(as_text=True)
    assert "must end on or after the day it starts" in page
    response = client.post(
        url, data={"label": "Baseline", "kind": "baseline", "starts_on": "2027-03-01", "ends_on": "2027-03-31"}
    )
    assert response.status_code == 302 and "/care-plan-audit/rounds/" in response.headers["Location"]
