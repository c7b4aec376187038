"""Demo step: the trust's mandatory training (modules 1 and 2 and the core workshop, due in six weeks, 90 days for
later joiners, a later date for Willow Ward), a programme lead, and one reminder already sent."""

from __future__ import annotations

import datetime as dt

from equiptrain.accounts import services as accounts
from equiptrain.accounts.models import Profession
from equiptrain.dashboards import services
from equiptrain.dashboards.models import Reminder
from equiptrain.db import utcnow
from equiptrain.extensions import db


def load(world: dict) -> None:
    org, teams, people = world["organisation"], world["teams"], world["people"]
    admin = people["admin"]
    modules = world.get("learning", {}).get("modules", {})
    mandatory = {m.id for m in list(modules.values())[:2]}
    today = dt.date.today()
    services.save_requirements(
        admin,
        org,
        module_ids=mandatory,
        core_workshop=True,
        deadline=today + dt.timedelta(days=42),
        joiner_days=90,
        module_expiry_months=dict.fromkeys(mandatory, 36),
        core_expiry_months=36,
    )
    services.set_team_deadline(admin, teams["willow-ward"], today + dt.timedelta(days=120))
    lead = accounts.create_user(
        None,
        name="Dr Rachel Stone",
        email="rachel.stone@northbridge.example",
        profession=Profession.PSYCHOLOGIST,
        organisation=org,
        password=world["password"],
        employee_number="NB10399",
    )
    lead.is_programme_lead = True
    people["programme-lead"] = lead
    # Priya reminded Aisha four days ago: a second reminder this week is refused.
    db.session.add(
        Reminder(
            user_id=people["psychiatrist"].id,
            team_id=teams["north-cmht"].id,
            sent_by_id=people["manager"].id,
            sent_at=utcnow() - dt.timedelta(days=4),
        )
    )
    db.session.flush()
