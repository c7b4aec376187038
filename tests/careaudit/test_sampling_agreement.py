"""Sampling reproducible from its seed; weighted kappa against a worked example; its meaning in words."""

from __future__ import annotations

import pytest

from equiptrain.careaudit import agreement, sampling

# Ten plans' scores on one criterion by two auditors (A, B). Counts: A=0 row [2,1,0], A=1 [0,2,1], A=2 [0,1,3];
# row totals 3,3,4 and column totals 2,4,4. Quadratic disagreement weights 0, 1/4, 1:
# observed = (1 + 1 + 1) x 1/4 / 10 = 0.075; expected = (1.2x1/4 + 1.2x1 + 0.6x1/4 + 1.2x1/4 + 0.8x1 + 1.6x1/4)/10
# = 0.315; kappa = 1 - 0.075/0.315 = 0.762. Linear weights 0, 1/2, 1: 1 - 0.15/0.43 = 0.651.
WORKED = [(0, 0), (0, 1), (1, 1), (1, 1), (2, 2), (2, 1), (2, 2), (0, 0), (1, 2), (2, 2)]


def test_weighted_kappa_against_the_worked_example():
    assert agreement.weighted_kappa(WORKED) == pytest.approx(0.762, abs=0.001)
    assert agreement.weighted_kappa(WORKED, weights="linear") == pytest.approx(0.651, abs=0.001)
    assert agreement.weighted_kappa([(a, a) for a, _ in WORKED]) == 1.0
    assert agreement.weighted_kappa([(1, 1)] * 5) is None  # no spread: undefined, not "perfect"


@pytest.mark.parametrize(
    "kappa, words",
    [(-0.1, "poor: no better than chance"), (0.15, "slight"), (0.35, "fair"), (0.5, "moderate"),
     (0.762, "substantial"), (0.9, "almost perfect")],
)  # fmt: skip
def test_kappa_in_words(kappa, words):
    assert agreement.meaning(kappa) == words


def test_too_few_plans_to_measure_then_enough():
    titles = {"a": "Own words", "b": "Review date"}
    nine = [{"a": (2, 2), "b": (1, 2)}] * 9
    result = agreement.agreement(nine, titles, pooled=False)
    assert result.kappa is None and result.words.startswith("too few to measure")
    ten = [{"a": pair, "b": (1, 2) if i < 4 else pair} for i, pair in enumerate(WORKED)]
    result = agreement.agreement(ten, titles, pooled=True)
    assert result.kappa is not None and result.most_disagreed == [("Review date", 6), ("Own words", 3)]


def test_sampling_is_reproducible_from_its_seed():
    first = sampling.draw(40, 8, seed="a1b2c3")
    again = sampling.draw(40, 8, seed="a1b2c3")
    assert first == again and len(set(first.positions)) == 8 and all(1 <= p <= 40 for p in first.positions)
    assert len(first.double) == 2 and set(first.double) <= set(first.positions)  # 20% of 8, rounded up
    assert sampling.draw(40, 8, seed="other") != first
    # The drawn positions are fixed for a given seed (a regression guard against changing the rule silently).
    assert first.sorted_positions == sorted(sampling.draw(40, 8, seed="a1b2c3").positions)
    assert "on your caseload list of 40, sorted by surname" in first.rule() and "seed a1b2c3" in first.rule()


def test_sampling_rule_in_words():
    assert sampling.words([3, 11, 17]) == "3rd, 11th and 17th"
    assert sampling.words([1]) == "1st" and sampling.ordinal(12) == "12th" and sampling.ordinal(22) == "22nd"
    assert sampling.draw(3, 10, seed="x").sorted_positions == [1, 2, 3]  # a short list: every plan
    with pytest.raises(ValueError):
        sampling.draw(0, 3)


def test_a_sampled_round_with_blind_double_scoring_and_kappa_in_the_report(build, client, login):
    from sqlalchemy import select

    from equiptrain.careaudit import queries, services
    from equiptrain.careaudit.models import AuditedPlan
    from equiptrain.errors import ServiceError
    from equiptrain.extensions import db
    from tests.careaudit.helpers import make_criteria

    org = build.org()
    team = build.team(org)
    first, second = build.user("manager", team=team), build.user("manager", team=team)
    criteria = make_criteria()
    login(first)
    response = client.post(
        f"/care-plan-audit/teams/{team.id}",
        data={"label": "Baseline", "kind": "baseline", "starts_on": "2027-03-01", "ends_on": "2027-03-31",
              "caseload_size": "60", "sample_size": "10", "double_share": "100"},
    )  # fmt: skip
    assert response.status_code == 302
    round_ = db.session.scalar(select(services.AuditRound).where(services.AuditRound.team_id == team.id))
    assert round_.sample_seed and len(round_.sample_positions) == 10
    assert round_.sample_positions == sampling.draw(60, 10, 100, round_.sample_seed).sorted_positions
    page = client.get(f"/care-plan-audit/rounds/{round_.id}").get_data(as_text=True)
    assert "on your caseload list of 60, sorted by surname" in page and round_.sample_seed in page
    for i, position in enumerate(round_.sample_positions):
        services.score_plan(first, round_, {c.slug: WORKED[i][0] for c in criteria}, sample_position=position)
    with pytest.raises(ServiceError, match="a second auditor scores it"):
        services.score_plan(first, round_, {c.slug: 2 for c in criteria}, sample_position=round_.sample_positions[0])
    with pytest.raises(ServiceError, match="Choose which of the drawn plans"):
        services.score_plan(second, round_, {c.slug: 2 for c in criteria}, sample_position=61)
    db.session.commit()
    # Blind: the second auditor does not see the first's scores until their own are in.
    login(second)
    page = client.get(f"/care-plan-audit/rounds/{round_.id}").get_data(as_text=True)
    assert page.count("Hidden until both auditors have scored this plan") == 10
    for i, position in enumerate(round_.sample_positions):
        services.score_plan(second, round_, {c.slug: WORKED[i][1] for c in criteria}, sample_position=position)
    db.session.commit()
    page = client.get(f"/care-plan-audit/rounds/{round_.id}").get_data(as_text=True)
    assert "Hidden until both" not in page
    # The report counts each plan once and shows kappa with its meaning.
    assert queries.rounds_with_counts(team)[0][1] == 10
    assert db.session.query(AuditedPlan).filter(AuditedPlan.second_of_id.is_not(None)).count() == 10
    report = client.get(f"/care-plan-audit/teams/{team.id}/report").get_data(as_text=True)
    assert "Weighted kappa <strong>0.76</strong>: agreement is substantial" in report


def test_too_few_double_scored_plans_say_so(build, client, login):
    from tests.careaudit.helpers import make_criteria, make_round, score_plans

    org = build.org()
    team = build.team(org)
    manager = build.user("manager", team=team)
    make_criteria()
    score_plans(manager, make_round(manager, team), [1] * 5)
    login(manager)
    page = client.get(f"/care-plan-audit/teams/{team.id}/report").get_data(as_text=True)
    assert "too few to measure: 0 of the 10 double-scored plans needed" in page
