"""Shortcuts for certificate tests: rules set on the synced small course, completed modules, attended workshops."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from equiptrain.certificates.models import Certificate
from equiptrain.content.models import Module, Programme
from equiptrain.extensions import db
from equiptrain.trainers.models import TrainerKind
from equiptrain.workshops import attendance
from equiptrain.workshops.models import AttendanceStatus, WorkshopKind
from tests.learning.helpers import complete, module
from tests.workshops.helpers import make_workshop

FOUNDATIONS = {
    "slug": "equip-foundations",
    "title": "EQUIP foundations certificate",
    "description": "Awarded for the first module.",
    "modules": ["foundations"],
    "workshops": None,
}
WITH_WORKSHOPS = {
    "slug": "equip-practitioner",
    "title": "EQUIP practitioner certificate",
    "description": "Awarded for both modules, the core workshop and a follow-up.",
    "modules": ["foundations", "listening"],
    "workshops": {"core": ["foundations"], "follow_ups": 1},
}


def set_rules(*rules: dict) -> None:
    programme = db.session.scalar(select(Programme))
    programme.certificates = list(rules)
    db.session.commit()


def certificates_of(user) -> list[Certificate]:
    return list(db.session.scalars(select(Certificate).where(Certificate.user_id == user.id).order_by(Certificate.id)))


def complete_modules(user, *slugs: str) -> None:
    for slug in slugs:
        complete(user, slug)
    db.session.commit()


def attended_workshop(
    build,
    team,
    people,
    *,
    slugs=("foundations",),
    kind=WorkshopKind.CORE,
    follow_up_of=None,
    facilitators=None,
    absent=(),
):
    """A past workshop for `team` whose register is signed off with `people` present (and `absent` absent)."""
    org = team.organisation
    if facilitators is None:
        facilitators = [
            build.user("trainer", org=org, name="Nia Evans"),
            build.user("trainer", org=org, name="Jordan Blake", trainer_kind=TrainerKind.SERVICE_USER),
        ]
    modules = [module(s) for s in slugs] if slugs else []
    workshop = make_workshop(
        build,
        org=org,
        teams=[team],
        facilitators=facilitators,
        modules=modules,
        starts_in=dt.timedelta(days=-2),
        kind=kind,
        follow_up_of=follow_up_of,
    )
    statuses = {p.id: AttendanceStatus.PRESENT for p in people}
    statuses.update({p.id: AttendanceStatus.ABSENT for p in absent})
    attendance.mark(facilitators[0], workshop, statuses)
    attendance.sign_off(facilitators[0], workshop)
    db.session.commit()
    return workshop


def module_row(slug: str) -> Module:
    return module(slug)


def completed_quietly(user, *slugs: str) -> None:
    """Mark modules complete without the event (as on a site that had learners before certificates existed)."""
    from equiptrain.db import utcnow
    from equiptrain.learning.models import ModuleProgress

    for slug in slugs:
        db.session.add(ModuleProgress(user_id=user.id, module_id=module(slug).id, completed_at=utcnow()))
    db.session.commit()


def access_world(world: dict) -> dict:
    """For tests/test_access.py: the world's learner holds a certificate."""
    from equiptrain.certificates import services

    set_rules(FOUNDATIONS)
    completed_quietly(world["learner"], "foundations")
    [cert] = services.issue_due([world["learner"]])
    db.session.commit()
    return {"certificate": cert}
