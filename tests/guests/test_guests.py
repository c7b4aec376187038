"""Workshop guests: invited by email, an account limited to one workshop, counted apart from the team."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from flask import url_for

from equiptrain import authz, signals
from equiptrain.accounts.models import User
from equiptrain.errors import ServiceError
from equiptrain.extensions import db
from equiptrain.guests import services
from equiptrain.workshops import attendance, roleplay
from equiptrain.workshops import queries as workshop_queries
from equiptrain.workshops.models import AttendanceStatus, Invitation, Reply
from tests.access import GUEST_OPENS, PUBLIC, ROUTES, SIGNED_OUT
from tests.guests.helpers import make_guest
from tests.workshops.helpers import make_workshop


def _workshop(build, n=3, **kw):
    team = build.team()
    people = [build.user("learner", team=team) for _ in range(n)]
    return make_workshop(build, teams=[team], **kw), team, people


def test_a_facilitator_invites_a_guest_who_sets_a_password_and_lands_on_the_workshop(build, client, login, outbox):
    w, _, _ = _workshop(build)
    trainer = w.facilitators[0].user
    login(trainer)
    response = client.post(
        f"/workshops/{w.id}/guests",
        data={
            "name": "Dr Amira Khan",
            "email": "Amira.Khan@surgery.example",
            "role_description": "GP, Riverside Surgery",
            "profession": "gp",
        },
    )
    assert response.status_code == 302
    guest = db.session.query(User).filter_by(email="amira.khan@surgery.example").one()
    assert guest.is_guest and guest.organisation_id is None and not guest.memberships and not guest.is_trainer
    invitation = db.session.query(Invitation).filter_by(workshop_id=w.id, user_id=guest.id).one()
    assert invitation.reply is Reply.NONE
    page = client.get(f"/workshops/{w.id}/guests").get_data(as_text=True)
    assert "Dr Amira Khan" in page and "GP, Riverside Surgery" in page

    (message,) = outbox.to("amira.khan@surgery.example")
    body = message.get_body(("plain",)).get_content()
    assert w.title in body and "GP, Riverside Surgery" in body
    assert any(part.get_content_type() == "text/calendar" for part in message.iter_attachments())
    path = re.search(r"http://equiptrain.test(/set-password/\S+)", body).group(1)
    guest_client = client.application.test_client()
    response = guest_client.post(path, data={"password": "a long guest password", "confirm": "a long guest password"})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert guest_client.get("/").headers["Location"] == f"/workshops/{w.id}"
    assert guest_client.get(f"/workshops/{w.id}").status_code == 200
    # RSVP and the calendar file
    assert guest_client.post(f"/workshops/{w.id}/reply", data={"attending": "yes"}).status_code == 302
    assert db.session.get(Invitation, invitation.id).reply is Reply.ATTENDING
    ics = guest_client.get(f"/workshops/{w.id}/calendar.ics")
    assert ics.status_code == 200 and b"BEGIN:VEVENT" in ics.data


def test_a_guest_can_open_nothing_but_their_own_workshop(app, build, client, login):
    w, team, (member, *_) = _workshop(build)
    other = make_workshop(build, org=w.organisation, teams=[team])
    guest = make_guest(w, w.facilitators[0].user)
    login(guest)
    # every route of the app with simple arguments, pointed at the other workshop, the team and a person
    args = {"workshop_id": other.id, "team_id": team.id, "user_id": member.id, "org": w.organisation_id}
    opened = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in ("static",) or rule.endpoint.startswith("assets."):
            continue
        if not set(rule.arguments) <= set(args):
            continue
        with app.test_request_context():
            url = url_for(rule.endpoint, **{a: args[a] for a in rule.arguments})
        status = client.get(url).status_code
        access = ROUTES.get(rule.endpoint, (None,))[0]
        if status not in (403, 404) and access not in (PUBLIC, SIGNED_OUT):
            opened.append((rule.endpoint, status))
    assert sorted(opened) == sorted(
        [("accounts.home", 302), ("accounts.my_account", 200), ("workshops.check_in", 200)]
    ), opened
    # their own workshop's pages do open
    for endpoint, expected in GUEST_OPENS.items():
        access, kwargs, method = ROUTES[endpoint]
        if method == "GET" and kwargs is not None:
            with app.test_request_context():
                url = url_for(endpoint, workshop_id=w.id)
            assert client.get(url).status_code == expected, endpoint


def test_the_guard_closes_every_page_not_on_its_list(app, build, client, login):
    w, _, _ = _workshop(build)
    guest = make_guest(w, w.facilitators[0].user)
    with app.test_request_context():
        # A route added later is not on the allow-list, so it is closed without anyone remembering guests.
        assert not authz.guest_may_open(guest, "future.page", {"workshop_id": w.id})
        assert authz.guest_may_open(guest, "workshops.detail", {"workshop_id": w.id})
        assert not authz.guest_may_open(guest, "workshops.detail", {"workshop_id": w.id + 1})
    login(guest)
    # Pages any signed-in person may open are closed to a guest.
    assert client.get("/reflection/").status_code == 403
    assert client.get("/programme").status_code == 403
    assert client.get(f"/workshops/{w.id}/register").status_code == 403
    assert client.get(f"/workshops/{w.id}/guests").status_code == 403


def test_who_may_invite_and_what_is_refused(build, client, login):
    w, team, (member, *_) = _workshop(build)
    trainer = w.facilitators[0].user
    for person in (member, build.user("manager", team=team), build.user("trainer", org=w.organisation)):
        login(person)
        assert client.get(f"/workshops/{w.id}/guests").status_code == 403
    with pytest.raises(ServiceError, match="facilitators and administrators"):
        services.invite_guest(member, w, name="A", email="a@x.example", role_description="GP")
    with pytest.raises(ServiceError, match="staff account") as exc:
        services.invite_guest(trainer, w, name="A", email=member.email.upper(), role_description="GP")
    assert exc.value.field == "email"
    guest = make_guest(w, trainer)
    with pytest.raises(ServiceError, match="already invited"):
        services.invite_guest(trainer, w, name="A", email=guest.email, role_description="GP")
    draft = make_workshop(build, org=w.organisation, teams=[team], publish=False)
    with pytest.raises(ServiceError, match="Publish the workshop"):
        services.invite_guest(draft.facilitators[0].user, draft, name="A", email="b@x.example", role_description="GP")
    # the form says what is wrong, beside the field
    login(trainer)
    page = client.post(
        f"/workshops/{w.id}/guests",
        data={"name": "A", "email": member.email, "role_description": "GP", "profession": "gp"},
    )
    assert page.status_code == 200 and "staff account" in page.get_data(as_text=True)
    page = client.post(
        f"/workshops/{w.id}/guests",
        data={"name": "", "email": "not-an-email", "role_description": "", "profession": "gp"},
    )
    text = page.get_data(as_text=True)
    assert "Enter the guest&#39;s name" in text and "Enter an email address like" in text


def test_a_guest_invited_to_a_second_workshop_opens_both_and_only_those(build, client, login):
    w, team, _ = _workshop(build)
    second = make_workshop(build, org=w.organisation, teams=[team])
    third = make_workshop(build, org=w.organisation, teams=[team])
    guest = make_guest(w, w.facilitators[0].user)
    services.invite_guest(
        second.facilitators[0].user, second, name=guest.name, email=guest.email, role_description="Advocate"
    )
    db.session.commit()
    login(guest)
    assert client.get(f"/workshops/{w.id}").status_code == 200
    assert client.get(f"/workshops/{second.id}").status_code == 200
    assert client.get(f"/workshops/{third.id}").status_code == 403


@pytest.fixture
def received():
    calls = []

    def receiver(sender, **kwargs):
        calls.append(sender)

    signals.workshop_attended.connect(receiver)
    yield calls
    signals.workshop_attended.disconnect(receiver)


def test_guests_check_in_take_part_and_give_feedback_but_are_counted_apart(build, client, login, received):
    w, team, people = _workshop(build, n=4, starts_in=dt.timedelta(hours=-1))
    facilitator = w.facilitators[0].user
    guest = make_guest(w, facilitator)
    code = attendance.open_check_in(facilitator, w)
    db.session.commit()
    login(guest)
    assert client.post("/workshops/check-in", data={"code": code}).status_code == 302
    attendance.mark(facilitator, w, {p.id: AttendanceStatus.PRESENT for p in people})
    round_ = roleplay.start_round(facilitator, w, roleplay.scenarios_for(w)[0])
    db.session.commit()
    assert guest.id in {a.user_id for g in round_.groups for a in g.assignments}
    page = client.get(f"/workshops/{w.id}/roleplay")
    assert page.status_code == 200
    mine = roleplay.assignment(guest, round_)
    assert client.get(f"/workshops/{w.id}/rounds/{round_.id}/brief/{mine.role.value}").status_code == 200
    roleplay.end_round(facilitator, w)
    attendance.sign_off(facilitator, w)
    db.session.commit()
    # guests earn no course completion or CPD, but are asked for anonymous feedback like everyone else
    assert {u.id for u in received} == {p.id for p in people}
    token = attendance.feedback_token(w, guest)
    response = client.post(
        f"/workshops/{w.id}/feedback/{token}",
        data={"useful": "5", "lived_experience_valuable": "5", "do_differently": ""},
    )
    assert response.status_code == 200 and attendance.feedback_state(guest, w) == "given"
    # team attendance does not count the guest; the report shows guests on their own line
    (row,) = [t for t in workshop_queries.team_training(w.organisation_id) if t["team"].id == team.id]
    assert (row["members"], row["attended"]) == (4, 4)
    (counts,) = workshop_queries.guest_counts(w.organisation_id)
    assert (counts["workshop"].id, counts["invited"], counts["attended"]) == (w.id, 1, 1)
    login(build.user("admin", org=w.organisation))
    report = client.get(f"/workshops/reports?org={w.organisation_id}").get_data(as_text=True)
    assert "Guests from outside the teams" in report and w.title in report
    register = client.get(f"/workshops/{w.id}/register").get_data(as_text=True)
    assert f"{guest.name} (guest)" in register
