"""Demo step: the North CMHT mid-programme. Its two-day core is done (demo/workshops.py), which started its
supervision plan; the first supervision session was held a month ago with the team's action plan agreed, and the
second is due (scheduled in two weeks)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from equiptrain.content.models import Module
from equiptrain.db import utcnow
from equiptrain.demo import timeline
from equiptrain.extensions import db
from equiptrain.supervision import services as supervision
from equiptrain.supervision.models import ActionStatus, SupervisionPlan
from equiptrain.workshops import attendance, services
from equiptrain.workshops.models import AttendanceStatus, WorkshopKind

ACTIONS = [
    (
        "Write the goals section with the person at their next review, in their own words, and read it back to "
        "them before saving.",
        "Every care coordinator",
        14,
        ActionStatus.IN_PROGRESS,
        "Started: four reviews so far; people noticed the difference.",
    ),
    (
        "Offer everyone a copy of their plan in the format and language they prefer, and note what they chose.",
        "Priya Shah (team manager)",
        -7,
        ActionStatus.OPEN,
        "",
    ),
    (
        "Bring one anonymised plan to each fortnightly team meeting and read the risk section aloud as the person "
        "would hear it.",
        "Sam Okafor",
        21,
        ActionStatus.OPEN,
        "",
    ),
]


def load(world: dict) -> None:
    org, teams, people = world["organisation"], world["teams"], world["people"]
    admin, pro, carer = people["admin"], people["trainer"], people["carer-trainer"]
    team = teams["north-cmht"]
    core, follow = world["workshops"]["past"], world["workshops"]["follow_up"]
    plan = db.session.scalar(select(SupervisionPlan).where(SupervisionPlan.team_id == team.id))
    if plan is None:
        raise RuntimeError(f"{team.name} has no supervision plan: load the workshops demo first")
    module_six = list(db.session.scalars(select(Module).where(Module.slug == "writing-together")))

    # Session 1, held a month ago: the team audited two plans each and agreed its actions.
    start = timeline.moment(timeline.SUPERVISION_ONE, 13)
    first = services.save_workshop(
        admin,
        None,
        organisation=org,
        title="EQUIP team supervision 1: auditing two care plans together",
        kind=WorkshopKind.SUPERVISION,
        sessions=[(start, start + dt.timedelta(hours=2))],
        room="Team base, North CMHT",
        online_url=None,
        capacity=12,
        modules=module_six,
        teams=[team],
        facilitators=[pro, carer],
        follow_up_of=core,
    )
    services.publish(admin, first)
    members = [i.user for i in first.invitations]
    statuses = {p.id: AttendanceStatus.PRESENT for p in members}
    statuses[people["psychiatrist"].id] = AttendanceStatus.ABSENT
    with timeline.at(timeline.SUPERVISION_ONE, 15, 45):  # the register is taken and signed off on the day
        attendance.mark(pro, first, statuses)
        attendance.sign_off(pro, first)  # delivers the plan's session 1 (held that day); attendance counts for CPD
    supervision.update_session(admin, plan.sessions[1], workshop=follow)  # session 2: scheduled, due
    for action, owner, due_in, status, note in ACTIONS:
        row = supervision.add_action(
            people["manager"],
            plan,
            session_number=1,
            action=action,
            owner=owner,
            due_on=utcnow().date() + dt.timedelta(days=due_in),
        )
        if status is not ActionStatus.OPEN:
            supervision.review_action(people["manager"], row, status=status, note=note, session_number=None)
    world["supervision"] = {"plan": plan, "first": first}
    db.session.flush()
