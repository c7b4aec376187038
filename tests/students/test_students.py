"""Students on placement: an account linked to a university and a placement team, the course without the
team-only parts, and the student certificate."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from equiptrain.accounts.models import MembershipRole, Profession
from equiptrain.certificates import rules
from equiptrain.db import utcnow
from equiptrain.errors import ServiceError
from equiptrain.extensions import db
from equiptrain.students import services
from equiptrain.workshops.models import Invitation
from tests.workshops.helpers import make_workshop

LATER = utcnow().date() + dt.timedelta(days=90)


def test_an_admin_adds_a_student_linked_to_a_university_and_a_placement_team(build, client, login, outbox):
    team = build.team()
    admin = build.user("admin", org=team.organisation)
    login(admin)
    response = client.post(
        "/students",
        data={
            "name": "Sam Student",
            "email": "sam.student@uni.example.ac.uk",
            "university": "University of Northbridge",
            "team": team.id,
            "ends_on": LATER.isoformat(),
        },
    )
    assert response.status_code == 302
    (student,) = services.students(team.organisation)
    assert student.is_student and student.university == "University of Northbridge"
    assert student.profession is Profession.STUDENT and student.placement_ends_on == LATER
    assert [(m.team_id, m.role) for m in student.memberships] == [(team.id, MembershipRole.MEMBER)]
    page = client.get("/students").get_data(as_text=True)
    assert "Sam Student" in page and "University of Northbridge" in page and team.name in page


def test_bad_input_is_a_form_error(build, client, login):
    team = build.team()
    login(build.user("admin", org=team.organisation))
    past = (utcnow().date() - dt.timedelta(days=1)).isoformat()
    data = {"name": "A", "email": "a@uni.example", "university": "U", "team": team.id, "ends_on": past}
    response = client.post("/students", data=data)
    assert response.status_code == 200 and "placement end date has passed" in response.get_data(as_text=True)
    response = client.post("/students", data={**data, "ends_on": LATER.isoformat(), "team": 999999})
    assert response.status_code == 200


def test_only_the_organisations_admins_add_students(build):
    team = build.team()
    with pytest.raises(ServiceError):
        services.add_student(
            build.user("admin", org=build.org()),
            team.organisation,
            name="A",
            email="a@uni.example",
            university="U",
            team=team,
            ends_on=LATER,
        )


def test_students_are_not_invited_to_their_placement_teams_workshops(build):
    team = build.team()
    admin = build.user("admin", org=team.organisation)
    staff = build.user("learner", team=team)
    student = services.add_student(
        admin, team.organisation, name="S", email="s@uni.example", university="U", team=team, ends_on=LATER
    )
    w = make_workshop(build, teams=[team])
    invited = {i.user_id for i in db.session.scalars(select(Invitation).where(Invitation.workshop_id == w.id))}
    assert staff.id in invited and student.id not in invited


def test_students_earn_the_student_certificate_and_staff_the_staff_ones():
    student_rule = rules.Rule("equip-student", "S", "d", ("foundations",), audience="students")
    staff_rule = rules.Rule("equip-foundations", "F", "d", ("foundations",))
    assert rules.for_audience(student_rule, True) and not rules.for_audience(student_rule, False)
    assert rules.for_audience(staff_rule, False) and not rules.for_audience(staff_rule, True)


def test_a_student_completes_a_module_that_asks_for_a_workshop_without_one(build):
    from equiptrain.certificates.services import issue_due
    from equiptrain.content.models import Programme
    from tests.learning.helpers import module as module_row

    team = build.team()
    admin = build.user("admin", org=team.organisation)
    student = services.add_student(
        admin, team.organisation, name="S", email="s2@uni.example", university="U", team=team, ends_on=LATER
    )
    row = module_row("foundations")
    row.requires_workshop = True
    db.session.flush()
    from tests.certificates.helpers import complete_modules

    staff = build.user("learner", team=team)
    complete_modules(student, "foundations")
    complete_modules(staff, "foundations")
    programme = db.session.scalar(select(Programme))
    programme.certificates = [
        {
            "slug": "equip-student",
            "title": "EQUIP student certificate",
            "description": "d",
            "modules": ["foundations"],
            "workshops": None,
            "audience": "students",
        },
        {"slug": "equip-foundations", "title": "F", "description": "d", "modules": ["foundations"], "workshops": None},
    ]
    db.session.flush()
    issued = issue_due([student, staff])
    # the staff member still needs the workshop the module asks for; the student does not
    assert [(c.user_id, c.achievement) for c in issued] == [(student.id, "equip-student")]


def test_a_student_sees_the_team_workshop_is_not_needed(build, client, login):
    from tests.learning.helpers import module as module_row

    team = build.team()
    admin = build.user("admin", org=team.organisation)
    student = services.add_student(
        admin, team.organisation, name="S", email="s3@uni.example", university="U", team=team, ends_on=LATER
    )
    from equiptrain.accounts import services as account_services

    account_services.set_password(student, "a long student password")
    row = module_row("foundations")
    row.requires_workshop = True
    db.session.commit()
    login(student)
    page = client.get("/modules/foundations").get_data(as_text=True)
    assert "Not needed on placement" in page and "attend a workshop covering this module" not in page


def test_the_organisation_table_does_not_count_students_as_the_teams_staff(build):
    from equiptrain.dashboards import queries
    from equiptrain.dashboards import requirements as rules_of

    team = build.team()
    admin = build.user("admin", org=team.organisation)
    for _ in range(3):
        build.user("learner", team=team)
    services.add_student(
        admin,
        team.organisation,
        name="Sam Student",
        email="sam.student@uni.example.ac.uk",
        university="University of Northbridge",
        team=team,
        ends_on=LATER,
    )
    db.session.flush()
    (line,) = queries.organisation_table(team.organisation_id, rules_of.load(team.organisation_id), [])
    assert line.staff == 3
