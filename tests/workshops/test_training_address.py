"""The organisation's training address on a page (/admin/training-address): administrators set it (validated as an
email address, with a clear form error) and clear it, each change audited; a platform administrator chooses the
organisation; the invitations that follow name it as ORGANIZER. The command line still works (test_itip)."""

from __future__ import annotations

from icalendar import Calendar
from sqlalchemy import select

from equiptrain.auditlog.models import AuditEvent
from equiptrain.extensions import db
from tests.workshops.helpers import make_workshop

URL = "/admin/training-address"


def _events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def test_an_admin_sets_and_clears_the_address(build, client, login, outbox):
    org = build.org("Northbridge Trust")
    admin = build.user("admin", org=org)
    team = build.team(org)
    learner = build.user("learner", team=team)
    db.session.commit()
    login(admin)
    page = client.get(URL)
    assert page.status_code == 200 and "No training address is set" in page.get_data(as_text=True)
    assert "Clear it" not in page.get_data(as_text=True)  # nothing to clear yet

    response = client.post(URL, data={"email": " EQUIP.Training@northbridge.example.nhs.uk ", "action": "save"})
    assert response.status_code == 302
    db.session.refresh(org)
    assert org.training_email == "EQUIP.Training@northbridge.example.nhs.uk"
    [event] = _events("organisation.training_address_set")
    assert event.actor_id == admin.id and event.organisation_id == org.id
    assert event.details["after"] == org.training_email and event.details["before"] is None
    shown = client.get(URL).get_data(as_text=True)
    assert "Invitations now come from" in shown and org.training_email in shown and "Clear it" in shown

    make_workshop(build, org=org, teams=[team], admin=admin)
    db.session.commit()
    [invite] = outbox.to(learner.email)
    part = next(p for p in invite.walk() if p.get_content_type() == "text/calendar")
    [vevent] = Calendar.from_ical(part.get_content()).walk("VEVENT")
    assert str(vevent["ORGANIZER"]) == f"mailto:{org.training_email}"

    response = client.post(URL, data={"action": "clear"})
    assert response.status_code == 302
    db.session.refresh(org)
    assert org.training_email is None
    [cleared] = _events("organisation.training_address_cleared")
    assert cleared.details["before"] == "EQUIP.Training@northbridge.example.nhs.uk"


def test_a_bad_address_is_a_form_error_and_changes_nothing(build, client, login):
    org = build.org("Eastgate Trust")
    org.training_email = "equip@eastgate.example.nhs.uk"
    admin = build.user("admin", org=org)
    db.session.commit()
    login(admin)
    for bad, message in (
        ("not an address", "Enter an email address like"),
        ("", "Enter the training team&#39;s email address"),
        ("a" * 250 + "@x.example", "Enter an email address"),
        ("equip@" + ".".join(["b" * 60] * 4) + ".example", "Enter an email address"),  # over 254
        ("someone@", "Enter an email address like"),
    ):
        response = client.post(URL, data={"email": bad, "action": "save"})
        text = response.get_data(as_text=True)
        assert response.status_code == 200 and message in text, bad
        assert "nhsuk-error-summary" in text
        db.session.refresh(org)
        assert org.training_email == "equip@eastgate.example.nhs.uk"
    assert _events("organisation.training_address_set") == []


def test_saving_the_same_address_writes_no_audit_entry(build, client, login):
    org = build.org("Southside Trust")
    org.training_email = "equip@southside.example.nhs.uk"
    admin = build.user("admin", org=org)
    db.session.commit()
    login(admin)
    assert client.post(URL, data={"email": "equip@southside.example.nhs.uk", "action": "save"}).status_code == 302
    assert _events("organisation.training_address_set") == []


def test_an_admin_changes_only_their_own_organisation_and_others_are_refused(build, client, login):
    mine, other = build.org("Northbridge Trust"), build.org("Westmoor Trust")
    admin = build.user("admin", org=mine)
    learner = build.user("learner", team=build.team(mine))
    platform = build.user("platform_admin")
    db.session.commit()
    login(admin)
    client.post(URL, data={"email": "equip@northbridge.example.nhs.uk", "org": str(other.id), "action": "save"})
    db.session.refresh(mine)
    db.session.refresh(other)
    assert mine.training_email == "equip@northbridge.example.nhs.uk" and other.training_email is None
    login(learner)
    assert client.get(URL).status_code == 403
    assert client.post(URL, data={"email": "x@y.example", "action": "save"}).status_code == 403
    login(platform)
    page = client.get(f"{URL}?org={other.id}").get_data(as_text=True)
    assert "Westmoor Trust" in page
    client.post(URL, data={"email": "equip@westmoor.example.nhs.uk", "org": str(other.id), "action": "save"})
    db.session.refresh(other)
    assert other.training_email == "equip@westmoor.example.nhs.uk"


def test_the_page_is_on_the_administration_hub(build, client, login):
    admin = build.user("admin", org=build.org("Northbridge Trust"))
    db.session.commit()
    login(admin)
    hub = client.get("/admin/").get_data(as_text=True)
    assert f'href="{URL}"' in hub and "Training address" in hub
