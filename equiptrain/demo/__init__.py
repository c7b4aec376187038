"""The demo trust: realistic people and records so a newcomer sees every part of the product working.

Each feature adds a step; steps run in order in one transaction, and loading twice changes nothing.
"""

from __future__ import annotations

from sqlalchemy import select

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
from equiptrain.demo import reflection as reflection_demo
from equiptrain.demo import reviews as reviews_demo
from equiptrain.demo import supervision as supervision_demo
from equiptrain.demo import third_edition as third_edition_demo
from equiptrain.demo import workshops as workshops_demo
from equiptrain.extensions import db

DEMO_PASSWORD = "equip demo password"
DEMO_ORGANISATION = "Northbridge Mental Health NHS Foundation Trust (demo)"

# (name, function(world) -> None); `world` is a dict the steps share (people by key, teams by key, ...).
STEPS = [
    ("people and teams", accounts_demo.load),
    ("learners' progress", learning_demo.load),
    ("workshops", workshops_demo.load),
    ("team supervision", supervision_demo.load),
    ("reflection, CPD and confidence", reflection_demo.load),
    ("workshop guests", guests_demo.load),
    ("care-plan audit", careaudit_demo.load),
    ("review comments", reviews_demo.load),
    ("certificates", certificates_demo.load),
    ("mandatory training and deadlines", dashboards_demo.load),
    ("students, trainer selection and declared connections", third_edition_demo.load),
]


def load_demo() -> str:
    """Load the demo trust unless it is already there; returns what happened."""
    from equiptrain.accounts.models import Organisation

    if db.session.scalar(select(Organisation).where(Organisation.name == DEMO_ORGANISATION)):
        return "The demo trust is already loaded."
    world: dict = {"password": DEMO_PASSWORD, "organisation_name": DEMO_ORGANISATION}
    try:
        for _name, step in STEPS:
            step(world)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return (
        f"Loaded the demo trust ({', '.join(n for n, _ in STEPS)}). Sign in as any demo person with the "
        f"password '{DEMO_PASSWORD}'; see the README for the list."
    )
