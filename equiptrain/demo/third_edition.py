"""Demo step for the course's third edition: a student on placement, lived-experience trainers' selection
records, and a declared connection that keeps a trainer off one team's workshops. Dates follow the demo's today."""

from __future__ import annotations

import datetime as dt

from equiptrain.accounts import services
from equiptrain.accounts.models import MembershipRole, Profession
from equiptrain.db import utcnow
from equiptrain.trainers import services as trainers

DOMAIN = "northbridge.example"


def load(world: dict) -> None:
    people, teams, org = world["people"], world["teams"], world["organisation"]
    admin = people["admin"]
    student = services.create_user(
        None,
        name="Zoe Hartley",
        email=f"zoe.hartley@{DOMAIN}",
        profession=Profession.STUDENT,
        organisation=org,
        password=world["password"],
    )
    student.university = "University of Northbridge (demo)"
    student.placement_ends_on = utcnow().date() + dt.timedelta(days=75)
    services.set_membership(None, student, teams["north-cmht"], MembershipRole.MEMBER)
    people["student"] = student
    for key, how in (
        ("su-trainer", "Answered an advert through the local service user network; selection conversation"),
        ("carer-trainer", "Introduced by the carers' centre; selection conversation with a carer trainer"),
    ):
        trainers.save_selection(
            admin,
            people[key],
            recruited_how=how,
            references="Two references received before training",
            training="EQUIP train-the-trainers course; shadowed one core workshop",
            support_agreed="Briefing and debrief with the professional co-trainer; payment at the involvement rate; "
            "a named contact between sessions",
        )
    trainers.declare(people["su-trainer-2"], teams["willow-ward"])
