"""Calendar messages per RFC 5546 (iTIP), read back with `icalendar`: invitations and updates are REQUESTs from the
organisation's training address to the person (RSVP), SEQUENCE rises with each change, cancellations are CANCELs
with the same UID and attendee; the emailed part says its method and sits inline; downloads and the feed PUBLISH;
UIDs are UUIDs at the site's host."""

from __future__ import annotations

import datetime as dt
import re

from icalendar import Calendar

from equiptrain.extensions import db
from equiptrain.workshops import services
from tests.workshops.helpers import make_workshop, resave

UID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}(-s\d+)?@equiptrain\.test$")


def _part(message):
    return next(p for p in message.walk() if p.get_content_type() == "text/calendar")


def _check_itip(cal: Calendar, method: str, attendee: str | None) -> list:
    """The RFC 5546 rules for the method (section 3.2): what each VEVENT must and must not carry."""
    assert str(cal["METHOD"]) == method and str(cal["VERSION"]) == "2.0" and cal.get("PRODID")
    events = list(cal.walk("VEVENT"))
    assert events
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
    assert [str(e["UID"]) for e in events] == [one.calendar_uid, one.calendar_uid.replace("@", "-s2@")]
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
