"""The demo trust: realistic people and records so a newcomer sees every part of the product working.

Each feature adds a step; steps run in order in one transaction, and loading twice changes nothing.
"""

from __future__ import annotations

from sqlalchemy import select

from equiptrain.db import DEMO_CLOCK
from equiptrain.demo import accounts as accounts_demo
from equiptrain.demo import (
    careaudit as careaudit_demo,
)
from equiptrain.demo import (
    certificates as certificates_demo,
)
from equiptrain.demo import (
    dashboards as dashboards_demo,
)
from equiptrain.demo import (
    guests as guests_demo,
)
from equiptrain.demo import learning as learning_demo
from equiptrain.demo import measures as measures_demo
from equiptrain.demo import reflection as reflection_demo
from equiptrain.demo import reviews as reviews_demo
from equiptrain.demo import supervision as supervision_demo
from equiptrain.demo import third_edition as third_edition_demo
from equiptrain.demo import timeline
from equiptrain.demo import workshops as workshops_demo
from equiptrain.extensions import db

DEMO_PASSWORD = "equip demo password"
DEMO_ORGANISATION = "Northbridge Mental Health NHS Foundation Trust (demo)"

# (name, function(world) -> None); `world` is a dict the steps share (people by key, teams by key, ...). Each step
# places what it makes on the demo's one timeline (equiptrain/demo/timeline.py); STEP_DAYS dates a whole step.
STEPS = [
    ("people and teams", accounts_demo.load),
    ("learners' progress", learning_demo.load),
    ("workshops", workshops_demo.load),
    ("team supervision", supervision_demo.load),
    ("a newcomer", accounts_demo.join_newcomer),
    ("reflection, CPD and confidence", reflection_demo.load),
    ("workshop guests", guests_demo.load),
    ("care-plan audit", careaudit_demo.load),
    ("involvement measure", measures_demo.load),
    ("review comments", reviews_demo.load),
    ("certificates", certificates_demo.load),
    ("mandatory training and deadlines", dashboards_demo.load),
    ("students, trainer selection and declared connections", third_edition_demo.load),
]


# Steps whose records all belong to one moment of the story (days from today); the others date their own parts.
STEP_DAYS = {
    "people and teams": timeline.JOINED,
    "learners' progress": timeline.LEARNING_STARTED,
    "reflection, CPD and confidence": timeline.REFLECTION,
}


def load_demo() -> str:
    """Load the demo trust unless it is already there; returns what happened."""
    from equiptrain.accounts.models import Organisation

    if db.session.scalar(select(Organisation).where(Organisation.name == DEMO_ORGANISATION)):
        return "The demo trust is already loaded."
    world: dict = {"password": DEMO_PASSWORD, "organisation_name": DEMO_ORGANISATION}
    clock = DEMO_CLOCK.set(None)  # whatever happens, the demo's clock is off again afterwards
    try:
        for name, step in STEPS:
            if name in STEP_DAYS:
                with timeline.at(STEP_DAYS[name]):
                    step(world)
            else:
                step(world)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    finally:
        DEMO_CLOCK.reset(clock)
    return (
        f"Loaded the demo trust ({', '.join(n for n, _ in STEPS)}). Sign in as any demo person with the "
        f"password '{DEMO_PASSWORD}'; see the README for the list."
    )
