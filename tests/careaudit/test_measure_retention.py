"""Involvement-measure responses are deleted when their retention period ends, by the schedule, and no sooner."""

from __future__ import annotations

import datetime as dt

import time_machine
from sqlalchemy import func, select

from equiptrain.careaudit import measure_services
from equiptrain.careaudit.measure_models import MeasureResponse, MeasureRound
from equiptrain.extensions import db
from equiptrain.jobs import schedule
from tests.careaudit.measure_helpers import answers, open_round


def _responses(round_id: int) -> int:
    return db.session.scalar(select(func.count()).where(MeasureResponse.round_id == round_id)) or 0


def test_responses_go_three_years_after_their_round_closes_and_not_before(build):
    team = build.team(build.org(), name="Harbour CMHT")
    manager = build.user("manager", team=team)
    opened = dt.date(2027, 1, 4)
    with time_machine.travel(dt.datetime(2027, 1, 4, 9, tzinfo=dt.UTC), tick=False):
        old = open_round(manager, team, opens=opened, days=28)
        for value in (2, 3, 4):
            measure_services.submit(old, respondent="service_user", answers=answers(value))
        db.session.commit()
    with time_machine.travel(dt.datetime(2029, 6, 1, 9, tzinfo=dt.UTC), tick=False):
        recent = open_round(manager, team, opens=dt.date(2029, 6, 1), days=28)
        measure_services.submit(recent, respondent="carer", answers=answers(4, carer=True))
        db.session.commit()
    closes = opened + dt.timedelta(days=28)

    with time_machine.travel(dt.datetime.combine(closes.replace(year=2030), dt.time(9), tzinfo=dt.UTC), tick=False):
        schedule.run_due()  # the day before three full years have passed: nothing goes
    assert _responses(old.id) == 3

    day_after = closes.replace(year=2030) + dt.timedelta(days=1)
    with time_machine.travel(dt.datetime.combine(day_after, dt.time(9), tzinfo=dt.UTC), tick=False):
        assert "measure.purge" in schedule.run_due()
    assert _responses(old.id) == 0
    assert _responses(recent.id) == 1  # a round that closed later keeps its answers
    assert db.session.get(MeasureRound, old.id) is not None  # the round stays in the team's history


def test_trust_records_deliveries_are_on_the_schedule():
    names = {p.name: p.every for p in schedule.registered()}
    assert names["xapi.deliver"] == "5min"
    assert names["esr.nightly_export"] == "day"
    assert names["measure.purge"] == "day"
    assert names["trainers.purge_selection"] == "day"
