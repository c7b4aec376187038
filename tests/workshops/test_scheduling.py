"""Scheduling, the co-delivery rule and its override, prepared modules, invitations, capacity and the waiting list,
and calendar files."""

from __future__ import annotations

import datetime as dt

import pytest
from icalendar import Calendar
from sqlalchemy import select

from equiptrain.auditlog.models import AuditEvent
from equiptrain.errors import ServiceError
from equiptrain.extensions import db
from equiptrain.trainers import services as trainer_services
from equiptrain.trainers.models import TrainerKind
from equiptrain.workshops import queries, services
from equiptrain.workshops.models import CoDeliveryOverride, Reply, WorkshopStatus
from tests.workshops.helpers import make_module, make_workshop, resave


def test_publishing_needs_a_lived_experience_and_a_professional_trainer(build):
    org = build.org()
    professional = build.user("trainer", org=org)
    w = make_workshop(build, org=org, facilitators=[professional], publish=False)
    admin = build.user("admin", org=org)
    with pytest.raises(ServiceError, match="lived-experience trainer"):
        services.publish(admin, w)
    carer = build.user("trainer", org=org, trainer_kind=TrainerKind.CARER)
    w2 = make_workshop(build, org=org, facilitators=[carer], publish=False)
    with pytest.raises(ServiceError, match="professional trainer"):
        services.publish(admin, w2)
    w3 = make_workshop(build, org=org, facilitators=[professional, carer], publish=False)
    services.publish(admin, w3)
    assert w3.status is WorkshopStatus.PUBLISHED and not w3.overrides


def test_override_with_a_reason_is_recorded_and_reported(build, client, login):
    org = build.org()
    admin = build.user("admin", org=org)
    w = make_workshop(build, org=org, facilitators=[build.user("trainer", org=org)], publish=False, admin=admin)
    with pytest.raises(ServiceError):
        services.publish(admin, w, override_reason="   ")
    services.publish(admin, w, override_reason="Our carer trainer is ill; the session is rebooked for May.")
    db.session.commit()
    override = db.session.scalar(select(CoDeliveryOverride).where(CoDeliveryOverride.workshop_id == w.id))
    assert override.by_id == admin.id and "lived-experience" in override.missing
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "workshop.co_delivery_override"))
    login(admin)
    page = client.get("/workshops/reports").get_data(as_text=True)
    assert "Our carer trainer is ill" in page


def test_publish_page_refuses_without_reason(build, client, login):
    org = build.org()
    admin = build.user("admin", org=org)
    w = make_workshop(build, org=org, facilitators=[build.user("trainer", org=org)], publish=False, admin=admin)
    login(admin)
    response = client.post(f"/workshops/{w.id}/publish", data={"override_reason": ""}, follow_redirects=True)
    assert "give a written reason" in response.get_data(as_text=True)
    assert db.session.get(type(w), w.id).status is WorkshopStatus.DRAFT


def test_assigning_an_unprepared_trainer_warns_before_saving(build, client, login):
    org = build.org()
    admin = build.user("admin", org=org)
    trainer = build.user("trainer", org=org, name="Unprepared Trainer")
    module = make_module()
    login(admin)
    data = {
        "title": "Day one",
        "kind": "core",
        "starts_at": "2030-03-14T09:30",
        "ends_at": "2030-03-14T16:30",
        "room": "Room 2",
        "capacity": "12",
        "modules": [str(module.id)],
        "facilitators": [str(trainer.id)],
    }
    response = client.post("/workshops/new", data=data)
    assert response.status_code == 200
    assert "Unprepared Trainer is not recorded as prepared" in response.get_data(as_text=True)
    trainer_services.set_prepared_modules(admin, trainer.trainer_profile, [module])
    db.session.commit()
    assert client.post("/workshops/new", data=data).status_code == 302


def test_invitations_capacity_and_waiting_list(build, outbox):
    team = build.team()
    members = [build.user("learner", team=team) for _ in range(3)]
    manager = build.user("manager", team=team)
    w = make_workshop(build, teams=[team], capacity=2)
    assert {i.user_id for i in w.invitations} == {u.id for u in members + [manager]}  # managers included
    assert len(outbox.to(manager.email)) == 1
    a, b, c = members
    assert services.reply(a, w, True).reply is Reply.ATTENDING
    assert services.reply(b, w, True).reply is Reply.ATTENDING
    assert services.reply(c, w, True).reply is Reply.WAITING
    assert services.reply(manager, w, True).reply is Reply.WAITING
    services.reply(a, w, False)  # a place frees: it is offered to the first on the waiting list
    db.session.commit()
    offers = {i.user_id: i.offer_expires_at for i in w.invitations}
    assert offers[c.id] is not None and offers[manager.id] is None
    assert any("A place is free: please confirm" in m["Subject"] for m in outbox.to(c.email))
    assert services.reply(c, w, True).reply is Reply.ATTENDING  # confirming takes the place
    assert queries.invitation_counts(w)["attending"] == 2


def test_raising_capacity_moves_people_up(build):
    team = build.team()
    people = [build.user("learner", team=team) for _ in range(2)]
    w = make_workshop(build, teams=[team], capacity=1)
    for p in people:
        services.reply(p, w, True)
    resave(build.user("admin", org=team.organisation), w, capacity=2)
    assert services.places_taken(w) == 2  # the second person is offered the new place
    services.reply(people[1], w, True)
    assert queries.invitation_counts(w)["attending"] == 2


def test_reply_through_the_page(build, client, login):
    team = build.team()
    learner = build.user("learner", team=team)
    w = make_workshop(build, teams=[team])
    login(learner)
    client.post(f"/workshops/{w.id}/reply", data={"attending": "yes"})
    assert w.invitations[0].reply is Reply.ATTENDING
    outsider = build.user("learner")
    login(outsider)
    assert client.get(f"/workshops/{w.id}").status_code == 404  # another organisation's: as if missing


def test_ics_parses_back(build, client, login):
    team = build.team()
    learner = build.user("learner", team=team)
    w = make_workshop(build, teams=[team])
    login(learner)
    response = client.get(f"/workshops/{w.id}/calendar.ics")
    assert response.mimetype == "text/calendar"
    cal = Calendar.from_ical(response.data)
    events = list(cal.walk("VEVENT"))
    assert len(events) == 1
    event = events[0]
    assert str(event["SUMMARY"]) == w.title
    assert event.decoded("DTSTART") == w.starts_at and event.decoded("DTEND") == w.ends_at
    assert str(event["LOCATION"]) == "Room 1"
    assert str(cal["VERSION"]) == "2.0" and cal["PRODID"]


def test_private_feed_is_unguessable_and_revocable(build, client, login):
    team = build.team()
    learner = build.user("learner", team=team)
    w = make_workshop(build, teams=[team])
    token = services.new_feed(learner)
    db.session.commit()
    assert len(token) >= 40
    response = client.get(f"/workshops/feed/{token}.ics")
    assert response.status_code == 200
    assert [str(e["SUMMARY"]) for e in Calendar.from_ical(response.data).walk("VEVENT")] == [w.title]
    assert client.get("/workshops/feed/guess.ics").status_code == 404
    services.revoke_feed(learner)
    db.session.commit()
    assert client.get(f"/workshops/feed/{token}.ics").status_code == 404


def test_changes_are_mailed_with_a_new_sequence(build, outbox):
    team = build.team()
    learner = build.user("learner", team=team)
    w = make_workshop(build, teams=[team])
    outbox.clear()
    later = w.starts_at + dt.timedelta(days=1)
    resave(
        build.user("admin", org=team.organisation),
        w,
        starts_at=later,
        ends_at=later + dt.timedelta(hours=3),
        room="Room 9",
    )
    db.session.commit()
    message = next(m for m in outbox.to(learner.email) if m["Subject"].startswith("Changed"))
    ics = next(p for p in message.iter_attachments() if p.get_content_type() == "text/calendar")
    event = next(iter(Calendar.from_ical(ics.get_content()).walk("VEVENT")))
    assert int(event["SEQUENCE"]) == 1 and str(event["LOCATION"]) == "Room 9"


def test_home_page_shows_upcoming_workshops_to_invited_people_and_facilitators(build, client, login):
    org = build.org()
    team = build.team(org)
    learner = build.user(team=team)
    w = make_workshop(build, org=org, teams=[team])
    login(learner)
    home = client.get("/").text
    assert w.title in home and f"/workshops/{w.id}" in home
    facilitator = w.facilitators[0].user
    login(facilitator)
    assert f"/workshops/{w.id}/console" in client.get("/").text
    login(build.user(team=build.team(org)))  # not invited: no panel
    assert w.title not in client.get("/").text
