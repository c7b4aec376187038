"""Calendar messages per RFC 5546 (iTIP), read back with `icalendar`: invitations and updates are REQUESTs from the
organisation's training address to the person (RSVP), SEQUENCE rises with each change, cancellations are CANCELs
with the same UID and attendee; the emailed part says its method and sits inline; downloads and the feed PUBLISH;
UIDs are UUIDs at the site's host."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from icalendar import Calendar

from equiptrain.extensions import db
from equiptrain.workshops import services
from equiptrain.workshops.models import Workshop
from tests.workshops.helpers import make_workshop, resave

UID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}@equiptrain\.test$")


def _part(message):
    return next(p for p in message.walk() if p.get_content_type() == "text/calendar")


def _check_itip(cal: Calendar, method: str, attendee: str | None) -> list:
    """The RFC 5546 rules for the method (section 3.2): what each VEVENT must and must not carry; and (section 1.4)
    an iTIP message (REQUEST, CANCEL) is about one calendar object, one UID: several components only as instances
    of one recurring event, told apart by RECURRENCE-ID."""
    assert str(cal["METHOD"]) == method and str(cal["VERSION"]) == "2.0" and cal.get("PRODID")
    events = list(cal.walk("VEVENT"))
    assert events
    if method != "PUBLISH":
        assert len({str(e["UID"]) for e in events}) == 1, "an iTIP message carries one UID"
        if len(events) > 1:
            assert all(e.get("RECURRENCE-ID") is not None for e in events[1:])
    for e in events:
        for required in ("DTSTAMP", "DTSTART", "UID", "ORGANIZER", "SEQUENCE"):
            assert e.get(required) is not None, (method, required)
        assert UID.match(str(e["UID"])), e["UID"]
        assert str(e["ORGANIZER"]).startswith("mailto:")
        attendees = e.get("ATTENDEE")
        if method == "PUBLISH":
            assert attendees is None  # 3.2.1: a published event names no attendee
        else:
            assert attendees is not None and str(attendees) == f"mailto:{attendee}"
            if method == "REQUEST":
                assert attendees.params["RSVP"] == "TRUE" and attendees.params["PARTSTAT"] == "NEEDS-ACTION"
                assert e.get("DTEND") is not None and str(e["STATUS"]) == "CONFIRMED"
            else:
                assert str(e["STATUS"]) == "CANCELLED"
    return events


def test_invitation_update_and_cancellation_follow_rfc_5546(build, outbox):
    org = build.org("Northbridge Trust")
    org.training_email = "equip.training@northbridge.example.nhs.uk"
    team = build.team(org)
    learner = build.user("learner", team=team, email="ali.khan@example.nhs.uk")
    w = make_workshop(build, org=org, teams=[team])
    db.session.commit()
    invite = next(m for m in outbox.to(learner.email) if m["Subject"].startswith("Invitation"))
    part = _part(invite)
    assert part.get_content_type() == "text/calendar" and part.get_param("method") == "REQUEST"
    assert part.get_content_disposition() == "inline"
    first = _check_itip(Calendar.from_ical(part.get_content()), "REQUEST", learner.email)
    assert len(first) == 1
    assert str(first[0]["ORGANIZER"]) == "mailto:equip.training@northbridge.example.nhs.uk"
    assert first[0]["ORGANIZER"].params["CN"] == "Northbridge Trust"

    outbox.clear()
    later = w.starts_at + dt.timedelta(days=1)
    admin = build.user("admin", org=org)
    resave(admin, w, starts_at=later, ends_at=later + dt.timedelta(hours=3), room="Room 9")
    db.session.commit()
    change = next(m for m in outbox.to(learner.email) if m["Subject"].startswith("Changed"))
    updated = _check_itip(Calendar.from_ical(_part(change).get_content()), "REQUEST", learner.email)
    assert [str(e["UID"]) for e in updated] == [str(e["UID"]) for e in first]
    assert all(int(u["SEQUENCE"]) > int(f["SEQUENCE"]) for u, f in zip(updated, first, strict=True))

    outbox.clear()
    services.cancel(admin, w, "Both trainers are unwell.")
    db.session.commit()
    cancel = next(m for m in outbox.to(learner.email) if m["Subject"].startswith("Cancelled"))
    assert _part(cancel).get_param("method") == "CANCEL"
    cancelled = _check_itip(Calendar.from_ical(_part(cancel).get_content()), "CANCEL", learner.email)
    assert [str(e["UID"]) for e in cancelled] == [str(e["UID"]) for e in first]
    assert all(int(c["SEQUENCE"]) > int(u["SEQUENCE"]) for c, u in zip(cancelled, updated, strict=True))


def test_downloads_publish_and_uids_differ_between_workshops(build, client, login):
    team = build.team()
    learner = build.user("learner", team=team)
    one, two = make_workshop(build, teams=[team], days=2), make_workshop(build, teams=[team])
    login(learner)
    response = client.get(f"/workshops/{one.id}/calendar.ics")
    assert response.mimetype == "text/calendar"
    events = _check_itip(Calendar.from_ical(response.data), "PUBLISH", None)
    assert str(events[0]["ORGANIZER"]).startswith("mailto:")  # no training address: the site's sender address
    assert [str(e["UID"]) for e in events] == [s.calendar_uid for s in one.sessions]
    assert str(events[0]["UID"]) == one.calendar_uid and len({str(e["UID"]) for e in events}) == 2
    assert one.calendar_uid != two.calendar_uid


def test_the_training_address_is_set_from_the_command(app, build):
    from click.testing import CliRunner
    from flask.cli import ScriptInfo

    from equiptrain.cli import main

    org = build.org("Eastgate Trust")
    db.session.commit()

    def run(*args):
        return CliRunner().invoke(
            main, ["workshops", "training-address", *args], obj=ScriptInfo(create_app=lambda: app)
        )

    result = run("--organisation", "Eastgate Trust", "equip@eastgate.example.nhs.uk")
    assert result.exit_code == 0, result.output
    db.session.refresh(org)
    assert org.training_email == "equip@eastgate.example.nhs.uk"
    bad = run("--organisation", "Eastgate Trust", "not an address")
    assert bad.exit_code != 0 and "is not an email address" in bad.output
    assert run("--organisation", "Nowhere Trust", "a@b.example").exit_code != 0
    assert run("--organisation", "Eastgate Trust").exit_code == 0
    db.session.refresh(org)
    assert org.training_email is None


def test_the_rule_checker_refuses_two_uids_in_one_request():
    cal = Calendar.from_ical(
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//y//EN\r\nMETHOD:REQUEST\r\n"
        + b"".join(
            b"BEGIN:VEVENT\r\nUID:" + uid + b"\r\nDTSTAMP:20261207T000000Z\r\nDTSTART:20261208T090000Z\r\n"
            b"DTEND:20261208T120000Z\r\nSEQUENCE:0\r\nSTATUS:CONFIRMED\r\nORGANIZER:mailto:o@x.example\r\n"
            b"ATTENDEE;RSVP=TRUE;PARTSTAT=NEEDS-ACTION:mailto:a@x.example\r\nEND:VEVENT\r\n"
            for uid in (
                b"11111111-1111-4111-8111-111111111111@equiptrain.test",
                b"22222222-2222-4222-8222-222222222222@equiptrain.test",
            )
        )
        + b"END:VCALENDAR\r\n"
    )
    with pytest.raises(AssertionError, match="one UID"):
        _check_itip(cal, "REQUEST", "a@x.example")


# -- workshops of several sessions: each session its own event, its own message --------------------------------------


def _messages(outbox, address: str, prefix: str) -> list[tuple[object, object]]:
    """(email, its one VEVENT) for each message to `address` whose subject starts with `prefix`, checked against
    the RFC 5546 rules."""
    found = []
    for message in outbox.to(address):
        if not message["Subject"].startswith(prefix):
            continue
        part = _part(message)
        assert part.get_content_disposition() == "inline"
        method = part.get_param("method")
        [event] = _check_itip(Calendar.from_ical(part.get_content()), method, address)
        found.append((message, event))
    return found


def _sessions(w: Workshop) -> list[tuple[dt.datetime, dt.datetime]]:
    return [(s.starts_at, s.ends_at) for s in w.sessions]


@pytest.fixture
def core(build, outbox):
    org = build.org("Northbridge Trust")
    org.training_email = "equip.training@northbridge.example.nhs.uk"
    team = build.team(org)
    learner = build.user("learner", team=team, email="ali.khan@example.nhs.uk")
    admin = build.user("admin", org=org)
    w = make_workshop(build, org=org, teams=[team], days=2, admin=admin)
    db.session.commit()
    return w, learner, admin


def test_each_session_is_invited_in_its_own_message(core, outbox):
    w, learner, _ = core
    invites = _messages(outbox, learner.email, "Invitation")
    assert len(invites) == 2
    uids = [str(e["UID"]) for _, e in invites]
    assert sorted(uids) == sorted(s.calendar_uid for s in w.sessions) and len(set(uids)) == 2
    assert uids[0] == w.calendar_uid  # the first session keeps the workshop's UID
    for message, event in invites:
        assert message["Subject"].endswith("of 2)") and event.get("RECURRENCE-ID") is None
        assert _part(message).get_param("method") == "REQUEST"
        assert str(event["ORGANIZER"]) == "mailto:equip.training@northbridge.example.nhs.uk"
    assert all(UID.match(s.calendar_uid) for s in w.sessions)


def test_moving_one_session_updates_only_that_event(core, outbox):
    w, learner, admin = core
    before = {str(e["UID"]): int(e["SEQUENCE"]) for _, e in _messages(outbox, learner.email, "Invitation")}
    outbox.clear()
    times = _sessions(w)
    later = times[1][0] + dt.timedelta(days=1)
    resave(admin, w, sessions=[times[0], (later, later + dt.timedelta(hours=6))])
    db.session.commit()
    [(message, event)] = _messages(outbox, learner.email, "Changed")
    second = w.sessions[1]
    assert str(event["UID"]) == second.calendar_uid and _part(message).get_param("method") == "REQUEST"
    assert int(event["SEQUENCE"]) == before[second.calendar_uid] + 1 == second.sequence
    assert event.decoded("DTSTART").replace(tzinfo=None) == later.replace(tzinfo=None)
    assert w.sessions[0].sequence == before[w.sessions[0].calendar_uid]  # the first session did not change
    assert len(outbox.to(learner.email)) == 1


def test_adding_and_removing_a_session(core, outbox):
    w, learner, admin = core
    outbox.clear()
    times = _sessions(w)
    third = times[1][0] + dt.timedelta(days=7)
    resave(admin, w, sessions=[*times, (third, third + dt.timedelta(hours=3))])
    db.session.commit()
    [(message, added)] = _messages(outbox, learner.email, "Session added")
    assert message["Subject"].endswith("(session 3 of 3)")
    added_uid = str(added["UID"])
    assert added_uid == w.sessions[2].calendar_uid and added_uid not in {w.sessions[0].calendar_uid, w.calendar_uid}
    assert _part(message).get_param("method") == "REQUEST"
    outbox.clear()
    resave(admin, w, sessions=times)
    db.session.commit()
    [(message, removed)] = _messages(outbox, learner.email, "Session removed")
    assert _part(message).get_param("method") == "CANCEL" and message["Subject"].endswith("(session 3)")
    assert str(removed["UID"]) == added_uid and int(removed["SEQUENCE"]) > int(added["SEQUENCE"])
    assert str(removed["STATUS"]) == "CANCELLED" and str(removed["ATTENDEE"]) == f"mailto:{learner.email}"
    assert len(outbox.to(learner.email)) == 1  # the sessions that stay are not re-sent
    facilitator = w.facilitators[0].user
    assert [str(e["UID"]) for _, e in _messages(outbox, facilitator.email, "Session removed")] == [added_uid]
    # a session added again later is a new event, not the cancelled one come back
    outbox.clear()
    resave(admin, w, sessions=[*times, (third, third + dt.timedelta(hours=3))])
    db.session.commit()
    [(_, again)] = _messages(outbox, learner.email, "Session added")
    assert str(again["UID"]) != added_uid


def test_moving_the_place_updates_every_session(core, outbox):
    w, learner, admin = core
    outbox.clear()
    resave(admin, w, sessions=_sessions(w), room="Room 12, Education Centre")
    db.session.commit()
    changed = _messages(outbox, learner.email, "Changed")
    assert sorted(str(e["UID"]) for _, e in changed) == sorted(s.calendar_uid for s in w.sessions)
    assert all(str(e["LOCATION"]).startswith("Room 12") and int(e["SEQUENCE"]) == 1 for _, e in changed)


def test_cancelling_a_workshop_cancels_every_session_for_everyone(core, outbox):
    w, learner, admin = core
    invited = {str(e["UID"]): int(e["SEQUENCE"]) for _, e in _messages(outbox, learner.email, "Invitation")}
    outbox.clear()
    services.cancel(admin, w, "The venue is closed.")
    db.session.commit()
    for person in [learner, *(f.user for f in w.facilitators)]:
        cancels = _messages(outbox, person.email, "Cancelled")
        assert {str(e["UID"]) for _, e in cancels} == set(invited)
        for message, event in cancels:
            assert _part(message).get_param("method") == "CANCEL"
            assert int(event["SEQUENCE"]) > invited[str(event["UID"])]


def test_the_changes_go_to_the_outbox_with_the_change_or_not_at_all(core, outbox):
    w, learner, admin = core
    outbox.clear()
    times = _sessions(w)
    resave(admin, w, sessions=times[:1])
    db.session.rollback()  # the change is not committed: nor is its cancellation
    assert outbox.to(learner.email) == []
    db.session.refresh(w)
    assert len(w.sessions) == 2


def test_the_download_and_feed_still_publish_every_session(core, client, login):
    w, learner, _ = core
    login(learner)
    events = _check_itip(Calendar.from_ical(client.get(f"/workshops/{w.id}/calendar.ics").data), "PUBLISH", None)
    assert [str(e["UID"]) for e in events] == [s.calendar_uid for s in w.sessions]
