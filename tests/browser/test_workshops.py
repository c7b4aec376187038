"""A workshop end to end in the browser: published, replied to by two teams, register taken, a role-play round
on separate phones (each seeing only their own role), feedback given. Every page is scanned by axe."""

from __future__ import annotations

import datetime as dt

from equiptrain.trainers.models import TrainerKind
from equiptrain.workshops.models import Workshop
from tests.builders import PASSWORD, Builders
from tests.workshops.helpers import ROLEPLAY_DATA, make_module, make_workshop

PHONE = {"width": 360, "height": 740}
SECRETS = {role: data["brief_html"][3:-4] for role, data in ROLEPLAY_DATA["roles"].items()}


def test_workshop_end_to_end(browse, live_db):
    build = Builders()
    org = build.org()
    north, ward = build.team(org, "North CMHT browser"), build.team(org, "Willow Ward browser")
    a, b = build.user("learner", team=north), build.user("manager", team=north)
    c = build.user("learner", team=ward)
    admin = build.user("admin", org=org)
    pro = build.user("trainer", org=org)
    su = build.user("trainer", org=org, trainer_kind=TrainerKind.SERVICE_USER)
    w = make_workshop(
        build, org=org, teams=[north, ward], facilitators=[pro, su], modules=[make_module()], publish=False, admin=admin
    )
    wid, title = w.id, w.title
    live_db.session.commit()

    # An administrator publishes it.
    office = browse()
    office.sign_in(admin.email, PASSWORD)
    office.goto(f"/workshops/{wid}")
    office.page.get_by_role("button", name="Publish and send invitations").click()
    office.scan()
    assert "Published" in office.page.content()

    # Members of both teams reply on their phones.
    phones = {}
    for person in (a, b, c):
        tab = browse(PHONE)
        tab.sign_in(person.email, PASSWORD)
        tab.goto("/workshops/")
        tab.page.get_by_role("link", name=title).click()
        tab.scan()
        tab.page.get_by_label("Yes, I will attend").check()
        tab.page.get_by_role("button", name="Send reply").click()
        tab.scan()
        assert "you are attending" in tab.page.content()
        phones[person.id] = tab

    # The day arrives (a fresh transaction: the browser's requests have written since).
    live_db.session.rollback()
    workshop = live_db.session.get(Workshop, wid)
    workshop.starts_at = workshop.starts_at - dt.timedelta(days=8)
    workshop.ends_at = workshop.starts_at + dt.timedelta(hours=6)
    workshop.sessions[0].starts_at, workshop.sessions[0].ends_at = workshop.starts_at, workshop.ends_at
    live_db.session.commit()

    # A facilitator takes the register on a phone and starts a role-play round from the console.
    facilitator = browse(PHONE)
    facilitator.sign_in(pro.email, PASSWORD)
    facilitator.goto(f"/workshops/{wid}/register")
    for person in (a, b, c):
        facilitator.page.check(f"#person-{person.id}-present")
    facilitator.page.get_by_role("button", name="Save register").click()
    facilitator.scan()
    facilitator.goto(f"/workshops/{wid}/console")
    facilitator.page.get_by_role("button", name="Start a round").click()
    facilitator.scan()
    assert "Round 1 started" in facilitator.page.content()

    # Each participant sees only their own role's brief.
    roles_seen = set()
    for person in (a, b, c):
        tab = phones[person.id]
        tab.goto(f"/workshops/{wid}/roleplay")
        tab.page.get_by_role("link", name="Read your brief").click()
        tab.scan()
        page = tab.page.content()
        mine = [role for role, secret in SECRETS.items() if secret in page]
        assert len(mine) == 1
        roles_seen.add(mine[0])
        round_id = tab.page.url.split("/rounds/")[1].split("/")[0]
        other = next(r for r in SECRETS if r != mine[0])
        response = tab.goto(f"/workshops/{wid}/rounds/{round_id}/brief/{other}")
        assert response.status == 403 and SECRETS[other] not in tab.page.content()
    assert "practitioner" in roles_seen and len(roles_seen) == 3

    # The round ends; the register is signed off; feedback is given anonymously.
    facilitator.goto(f"/workshops/{wid}/console")
    facilitator.page.get_by_role("button", name="End round 1").click()
    facilitator.scan()
    facilitator.goto(f"/workshops/{wid}/register")
    facilitator.page.get_by_role("button", name="Save and sign off").click()
    facilitator.scan()
    assert "Register signed off: 3 attended" in facilitator.page.content()

    tab = phones[a.id]
    tab.goto(f"/workshops/{wid}")
    tab.page.get_by_role("link", name="Give anonymous feedback").click()
    tab.scan()
    tab.page.locator("input[name=useful][value='5']").check()
    tab.page.get_by_label("What will you do differently?").fill("Ask before sharing with family.")
    tab.page.locator("input[name=lived_experience_valuable][value='4']").check()
    tab.page.get_by_role("button", name="Send feedback").click()
    tab.scan()
    assert "recorded anonymously" in tab.page.content()
