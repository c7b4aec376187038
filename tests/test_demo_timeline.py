"""Issue 24: the demo's dates come from one timeline, so the story holds together."""

from __future__ import annotations

from sqlalchemy import select

from equiptrain.accounts.models import Membership, Team, User
from equiptrain.certificates.models import Certificate
from equiptrain.db import DEMO_CLOCK, utcnow
from equiptrain.demo import load_demo
from equiptrain.extensions import db
from equiptrain.learning.models import ModuleProgress
from equiptrain.supervision import queries as supervision_queries
from equiptrain.workshops.models import Attendance, TrainerSupport
from equiptrain.workshops.uktime import to_uk


def test_the_demo_tells_one_consistent_story(app, no_course):
    load_demo()
    assert DEMO_CLOCK.get() is None  # the clock is off once the demo is loaded
    today = utcnow().date()
    team = db.session.scalar(select(Team).where(Team.name == "North Community Mental Health Team"))
    plan = supervision_queries.plan_for(team)
    core = plan.core_workshop
    # Everyone who attended the core had joined the team before it (Aisha Rahman among them).
    joined = {
        m.user_id: m.joined_at for m in db.session.scalars(select(Membership).where(Membership.team_id == team.id))
    }
    came = db.session.scalars(select(Attendance).where(Attendance.workshop_id == core.id)).all()
    assert came and all(joined[a.user_id] < core.starts_at for a in came if a.user_id in joined)
    aisha = db.session.scalar(select(User).where(User.name == "Dr Aisha Rahman"))
    assert joined[aisha.id].date() < core.starts_at.date()
    # Olivia, invited last week and never signed in, has done nothing.
    olivia = db.session.scalar(select(User).where(User.name == "Olivia Grant"))
    assert olivia.last_sign_in_at is None and olivia.password_hash is None
    assert not db.session.scalars(select(ModuleProgress).where(ModuleProgress.user_id == olivia.id)).all()
    assert not db.session.scalars(select(Attendance).where(Attendance.user_id == olivia.id)).all()
    # Supervision session 1 was held on the day it ran.
    held = plan.sessions[0]
    assert to_uk(held.held_at).date() == to_uk(held.workshop.starts_at).date() < today
    # Certificates are dated when their achievement was completed, not the day the demo was loaded.
    certificates = db.session.scalars(select(Certificate)).all()
    assert certificates and all(c.completed_on < today for c in certificates), [
        (c.recipient_name, c.achievement, c.completed_on) for c in certificates if c.completed_on >= today
    ]
    # The trainer's payment was claimed and paid after the core, well before today.
    support = db.session.scalar(select(TrainerSupport).where(TrainerSupport.workshop_id == core.id))
    assert core.ends_at < support.claimed_at < support.paid_at and support.paid_at.date() < today
