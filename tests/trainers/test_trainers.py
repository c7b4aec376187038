"""Lived-experience trainers: the selection record (organisation administrators only, kept for a stated period)
and declared connections with teams (a trainer is not scheduled with a team they are connected with)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from sqlalchemy import select

from equiptrain.auditlog.models import AuditEvent
from equiptrain.db import utcnow
from equiptrain.errors import ServiceError
from equiptrain.extensions import db
from equiptrain.jobs import schedule
from equiptrain.trainers import services
from equiptrain.trainers.models import DeclaredConnection, SelectionRecord, TrainerKind
from equiptrain.workshops import services as workshop_services
from tests.workshops.helpers import make_workshop

RECORD = {
    "recruited_how": "Advert through the carers' centre; selection conversation",
    "references": "Two references received March 2026",
    "training": "Train-the-trainers, April 2026",
    "support_agreed": "Debrief after each workshop; payment at the involvement rate",
}


def _carer_trainer(build, org):
    return build.user("trainer", org=org, trainer_kind=TrainerKind.CARER)


def test_an_organisation_admin_keeps_the_record_for_the_stated_period(app, build, client, login):
    org = build.org()
    admin, trainer = build.user("admin", org=org), _carer_trainer(build, org)
    login(admin)
    response = client.post(f"/trainers/{trainer.id}/selection", data=RECORD)
    assert response.status_code == 302
    row = db.session.scalar(select(SelectionRecord).where(SelectionRecord.user_id == trainer.id))
    assert row.support_agreed == RECORD["support_agreed"]
    assert row.keep_until.year == utcnow().year + app.config["TRAINER_SELECTION_RETENTION_YEARS"]
    page = client.get(f"/trainers/{trainer.id}/selection").get_data(as_text=True)
    assert "Two references received" in page and "kept for 6 years" in page
    # the audit log names the event, never the contents
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "trainer.selection_saved"))
    assert event is not None and "references" not in str(event.details or "")


@pytest.mark.parametrize("who", ["other_admin", "platform_admin", "manager", "co_trainer", "itself"])
def test_nobody_else_sees_the_record(build, client, login, who):
    org = build.org()
    trainer = _carer_trainer(build, org)
    services.save_selection(build.user("admin", org=org), trainer, **RECORD)
    db.session.commit()
    people = {
        "other_admin": lambda: build.user("admin", org=build.org()),
        "platform_admin": lambda: build.user("platform_admin"),
        "manager": lambda: build.user("manager", team=build.team(org)),
        "co_trainer": lambda: build.user("trainer", org=org),
        "itself": lambda: trainer,
    }
    login(people[who]())
    response = client.get(f"/trainers/{trainer.id}/selection")
    assert response.status_code in (403, 404)
    assert "Two references received" not in response.get_data(as_text=True)


def test_outside_the_organisation_the_page_does_not_exist(build, client, login):
    trainer = _carer_trainer(build, build.org())
    login(build.user("admin", org=build.org()))
    assert client.get(f"/trainers/{trainer.id}/selection").status_code == 404
    assert client.get("/trainers/999999/selection").status_code == 404


def test_every_part_is_required_and_long_text_refused(build):
    org = build.org()
    admin, trainer = build.user("admin", org=org), _carer_trainer(build, org)
    with pytest.raises(ServiceError) as err:
        services.save_selection(admin, trainer, **{**RECORD, "training": "  "})
    assert err.value.field == "training"
    with pytest.raises(ServiceError):
        services.save_selection(admin, trainer, **{**RECORD, "references": "x" * 4001})
    with pytest.raises(ServiceError, match="service-user and carer trainers"):
        services.save_selection(admin, build.user("trainer", org=org), **RECORD)


def test_records_past_their_date_are_purged(build):
    org = build.org()
    admin = build.user("admin", org=org)
    old, kept = _carer_trainer(build, org), _carer_trainer(build, org)
    services.save_selection(admin, old, **RECORD).keep_until = utcnow().date() - dt.timedelta(days=1)
    services.save_selection(admin, kept, **RECORD)
    db.session.commit()
    with time_machine.travel(dt.datetime.combine(utcnow().date(), dt.time(23), tzinfo=dt.UTC), tick=False):
        assert "trainers.purge_selection" in schedule.run_due()  # the daily run of the schedule
    assert [r.user_id for r in db.session.scalars(select(SelectionRecord))] == [kept.id]
    assert services.purge_expired() == 0  # by hand, nothing more to do


def test_a_trainer_declares_a_connection_and_is_not_scheduled_with_that_team(build, client, login):
    team = build.team()
    org = team.organisation
    le = build.user("trainer", org=org, trainer_kind=TrainerKind.SERVICE_USER)
    login(le)
    page = client.get("/my/connections").get_data(as_text=True)
    assert team.name in page and "nothing about anyone's care is recorded" in page
    assert client.post("/my/connections", data={"team": team.id}).status_code == 302
    (row,) = services.connections(le)
    assert row.team_id == team.id
    with pytest.raises(ServiceError, match="declared a current connection"):
        make_workshop(build, org=org, teams=[team], facilitators=[build.user("trainer", org=org), le])


def test_a_connection_declared_after_scheduling_stops_publishing(build):
    team = build.team()
    org = team.organisation
    le = build.user("trainer", org=org, trainer_kind=TrainerKind.SERVICE_USER)
    w = make_workshop(build, org=org, teams=[team], facilitators=[build.user("trainer", org=org), le], publish=False)
    services.declare(le, team)
    with pytest.raises(ServiceError, match="declared a current connection"):
        workshop_services.publish(build.user("admin", org=org), w, "reason")


def test_ending_a_connection_and_the_limits(build, client, login):
    team = build.team()
    le = build.user("trainer", org=team.organisation, trainer_kind=TrainerKind.CARER)
    other = build.user("trainer", org=team.organisation)
    connection = services.declare(le, team)
    db.session.commit()
    login(other)
    assert client.post(f"/my/connections/{connection.id}/end").status_code == 404  # someone else's
    with pytest.raises(ServiceError):
        services.declare(other, build.team(build.org()))  # another organisation's team
    login(le)
    assert client.post(f"/my/connections/{connection.id}/end").status_code == 302
    assert db.session.scalar(select(DeclaredConnection)) is None
    assert client.post("/my/connections", data={"team": 999999}).status_code == 200  # a form error, not a 500
