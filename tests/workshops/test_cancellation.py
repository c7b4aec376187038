"""Cancelling a workshop (mail, calendar cancellation, audit) and waiting-list offers that lapse (on the next
read or write of the workshop, and from the CLI)."""

from __future__ import annotations

import datetime as dt

import pytest
from icalendar import Calendar
from sqlalchemy import select

from equiptrain.auditlog.models import AuditEvent
from equiptrain.db import utcnow
from equiptrain.errors import ServiceError
from equiptrain.extensions import db
from equiptrain.workshops import attendance, services
from equiptrain.workshops.models import AttendanceStatus, Invitation, Reply, WorkshopStatus
from tests.workshops.helpers import make_workshop, resave


def _ics(message):
    part = next(p for p in message.iter_attachments() if p.get_content_type() == "text/calendar")
    return Calendar.from_ical(part.get_content())


def test_cancelling_tells_everyone_and_cancels_the_calendar_entry(build, client, login, outbox):
    team = build.team()
    people = [build.user("learner", team=team) for _ in range(2)]
    w = make_workshop(build, teams=[team], days=2)
    services.reply(people[0], w, True)
    services.reply(people[1], w, False)
    admin = build.user("admin", org=team.organisation)
    outbox.clear()
    login(admin)
    response = client.post(f"/workshops/{w.id}/cancel", data={"reason": "Both trainers are unwell."})
    assert response.status_code == 302
    db.session.refresh(w)
    assert w.status is WorkshopStatus.CANCELLED and w.cancel_reason == "Both trainers are unwell."
    for person in people + [f.user for f in w.facilitators]:
        # one message per session (RFC 5546: one UID per iTIP message)
        messages = [m for m in outbox.to(person.email) if m["Subject"].startswith(f"Cancelled: {w.title} (session")]
        assert len(messages) == 2
        events = []
        for message in messages:
            cal = _ics(message)
            assert str(cal["METHOD"]) == "CANCEL"
            [event] = cal.walk("VEVENT")
            events.append(event)
        assert {str(e["UID"]) for e in events} == {s.calendar_uid for s in w.sessions}
        assert all(str(e["STATUS"]) == "CANCELLED" for e in events)
        assert all(int(e["SEQUENCE"]) == 1 for e in events)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "workshop.cancelled"))
    assert event is not None and event.actor_id == admin.id
    # The private feed now shows it as cancelled.
    token = services.new_feed(people[0])
    db.session.commit()
    feed = Calendar.from_ical(client.get(f"/workshops/feed/{token}.ics").data)
    assert {str(e["STATUS"]) for e in feed.walk("VEVENT")} == {"CANCELLED"}
    # And it is closed: no replies, no second cancellation.
    with pytest.raises(ServiceError, match="cancelled"):
        services.reply(people[1], w, True)
    with pytest.raises(ServiceError, match="already cancelled"):
        services.cancel(admin, w, "again")
    with pytest.raises(ServiceError, match="cancelled"):
        attendance.mark(w.facilitators[0].user, w, {people[0].id: AttendanceStatus.PRESENT})
    page = client.get(f"/workshops/{w.id}").get_data(as_text=True)
    assert "This workshop was cancelled" in page and "Both trainers are unwell." in page


def test_cancelling_needs_a_reason_and_an_admin(build, client, login):
    team = build.team()
    learner = build.user("learner", team=team)
    w = make_workshop(build, teams=[team])
    admin = build.user("admin", org=team.organisation)
    with pytest.raises(ServiceError, match="reason"):
        services.cancel(admin, w, "  ")
    login(learner)
    assert client.post(f"/workshops/{w.id}/cancel", data={"reason": "x"}).status_code == 403
    login(w.facilitators[0].user)
    assert client.post(f"/workshops/{w.id}/cancel", data={"reason": "x"}).status_code == 403
    assert w.status is WorkshopStatus.PUBLISHED


def _waiting(build):
    team = build.team()
    a, b, c = (build.user("learner", team=team) for _ in range(3))
    w = make_workshop(build, teams=[team], capacity=1)
    services.reply(a, w, True)
    services.reply(b, w, True)
    services.reply(c, w, True)
    return w, a, b, c


def _inv(w, user):
    return db.session.scalar(select(Invitation).where(Invitation.workshop_id == w.id, Invitation.user_id == user.id))


def _lapse(invitation):
    invitation.offer_expires_at = utcnow() - dt.timedelta(minutes=1)
    db.session.flush()


def test_an_offer_must_be_confirmed_within_the_set_time(app, build, monkeypatch, outbox):
    monkeypatch.setitem(app.config, "WAITING_LIST_OFFER_HOURS", 24)
    w, a, b, c = _waiting(build)
    before = utcnow()
    services.reply(a, w, False)
    offer = _inv(w, b).offer_expires_at
    assert offer is not None and dt.timedelta(hours=23) < offer - before <= dt.timedelta(hours=24, minutes=1)
    assert _inv(w, b).reply is Reply.WAITING and services.places_taken(w) == 1
    # A newcomer cannot take the place held for b.
    late = build.user("learner", team=w.teams[0])
    resave(build.user("admin", org=w.organisation), w, capacity=1)
    assert services.reply(late, w, True).reply is Reply.WAITING
    assert services.reply(b, w, True).reply is Reply.ATTENDING
    assert _inv(w, b).offer_expires_at is None


def test_a_lapsed_offer_goes_to_the_next_person_on_the_next_read(app, build, client, login, monkeypatch, outbox):
    monkeypatch.setitem(app.config, "WAITING_LIST_OFFER_HOURS", 48)
    w, a, b, c = _waiting(build)
    services.reply(a, w, False)
    _lapse(_inv(w, b))
    db.session.commit()
    login(c)
    page = client.get(f"/workshops/{w.id}").get_data(as_text=True)  # reading the workshop moves the offer on
    assert "A place is free for you" in page
    assert _inv(w, b).reply is Reply.NOT_ATTENDING and _inv(w, b).offer_expires_at is None
    assert _inv(w, c).offer_expires_at is not None
    assert any(m["Subject"].startswith("Place not confirmed") for m in outbox.to(b.email))
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "workshop.waiting_list_offers_lapsed"))
    # b can still reply, and joins the back of the waiting list.
    assert services.reply(b, w, True).reply is Reply.WAITING and _inv(w, b).offer_expires_at is None


def test_the_cli_lapses_offers_for_every_workshop(app, build, monkeypatch):
    monkeypatch.setitem(app.config, "WAITING_LIST_OFFER_HOURS", 48)
    w, a, b, c = _waiting(build)
    services.reply(a, w, False)
    _lapse(_inv(w, b))
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["workshops", "expire-offers"])
    assert result.exit_code == 0 and "1 waiting-list offer lapsed" in result.output
    assert _inv(w, b).reply is Reply.NOT_ATTENDING and _inv(w, c).offer_expires_at is not None
    again = app.test_cli_runner().invoke(args=["workshops", "expire-offers"])
    assert "0 waiting-list offers lapsed" in again.output


def test_an_offer_never_outlives_the_start(app, build, monkeypatch):
    monkeypatch.setitem(app.config, "WAITING_LIST_OFFER_HOURS", 48)
    team = build.team()
    a, b = build.user("learner", team=team), build.user("learner", team=team)
    w = make_workshop(build, teams=[team], capacity=1, starts_in=dt.timedelta(hours=5))
    services.reply(a, w, True)
    services.reply(b, w, True)
    services.reply(a, w, False)
    assert _inv(w, b).offer_expires_at == w.starts_at
