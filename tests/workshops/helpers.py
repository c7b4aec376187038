"""Builders for workshop tests: content rows made directly with the models, workshops made through services."""

from __future__ import annotations

import datetime as dt
import itertools

from sqlalchemy import select

from equiptrain.content.models import CoreDay, LocalPage, Module, Scenario, Unit
from equiptrain.db import utcnow
from equiptrain.extensions import db
from equiptrain.supervision import services as supervision
from equiptrain.trainers.models import TrainerKind, TrainerTraining
from equiptrain.workshops import services
from equiptrain.workshops.models import Workshop, WorkshopKind
from tests.supervision.helpers import make_template

_seq = itertools.count(1)

ROLEPLAY_DATA = {
    "roles": {
        "practitioner": {"title": "Care coordinator", "brief_html": "<p>PRACTITIONER-SECRET</p>"},
        "service_user": {"title": "Rhys", "brief_html": "<p>SERVICE-USER-SECRET</p>"},
        "carer": {"title": "Elaine", "brief_html": "<p>CARER-SECRET</p>"},
        "observer": {"title": "Observer", "brief_html": "<p>OBSERVER-SECRET</p>"},
    },
    "observer_checklist": [
        {"slug": "asks", "behaviour": "Asks what the person wants shared"},
        {"slug": "next-step", "behaviour": "Agrees a next step"},
    ],
    "debrief_questions": ["What helped the carer feel heard?"],
    "timings": {"prepare_minutes": 5, "play_minutes": 12, "debrief_minutes": 10},
}


def make_module(hours: float = 3.0, carer: bool = True) -> Module:
    """A module with one unit and one role-play scenario."""
    n = next(_seq)
    module = Module(
        slug=f"ws-module-{n}",
        position=1000 + n,
        title=f"Workshop module {n}",
        summary="s",
        intro_html="<p>Intro</p>",
        estimated_minutes=60,
        cpd_individual_hours=1.0,
        cpd_participatory_hours=hours,
        requires_units=True,
        requires_quiz=False,
        requires_reflection=False,
        requires_practice=False,
        requires_workshop=True,
        content_hash="x",
    )
    db.session.add(module)
    db.session.flush()
    db.session.add(
        Unit(
            module_id=module.id,
            slug="unit",
            position=1,
            title=f"Unit of module {n}",
            minutes=15,
            body_html="<p>Unit body</p>",
            content_hash="x",
        )
    )
    data = {**ROLEPLAY_DATA, "roles": dict(ROLEPLAY_DATA["roles"])}
    if not carer:
        data["roles"].pop("carer")
    db.session.add(
        Scenario(
            module_id=module.id,
            slug=f"scenario-{n}",
            kind="roleplay",
            position=1,
            title=f"Scenario {n}",
            summary="A home visit",
            setting="community",
            skills=[],
            data=data,
            content_hash="x",
        )
    )
    db.session.commit()
    return module


def train(*trainers, on: dt.date | None = None) -> None:
    """Record a completed train-the-trainers course for lived-experience trainers."""
    for user in trainers:
        if user.trainer_profile and user.trainer_profile.kind.lived_experience:
            db.session.add(
                TrainerTraining(
                    trainer_profile_id=user.trainer_profile.id,
                    completed_on=on or (utcnow().date() - dt.timedelta(days=30)),
                    sessions_shadowed=2,
                )
            )
    db.session.flush()


def _trained(user) -> bool:
    return (
        db.session.scalar(
            select(TrainerTraining.id).where(TrainerTraining.trainer_profile_id == user.trainer_profile.id)
        )
        is not None
    )


def make_workshop(
    build,
    *,
    org=None,
    teams=(),
    facilitators=None,
    modules=None,
    capacity=20,
    publish=True,
    starts_in=dt.timedelta(days=7),
    admin=None,
    kind=WorkshopKind.CORE,
    follow_up_of=None,
    days: int = 1,
    days_apart: int = 7,
    trained: bool = True,
):
    """A workshop co-delivered by a professional and a service-user trainer unless told otherwise; `days` sessions
    of 6 hours, `days_apart` days apart (the core: two days, a week apart). Lived-experience facilitators have
    completed train-the-trainers unless `trained` is False."""
    org = org or (teams[0].organisation if teams else build.org())
    admin = admin or build.user("admin", org=org)
    if facilitators is None:
        facilitators = [
            build.user("trainer", org=org),
            build.user("trainer", org=org, trainer_kind=TrainerKind.SERVICE_USER),
        ]
    if trained:
        train(*[u for u in facilitators if u.trainer_profile and not _trained(u)])
    modules = [make_module()] if modules is None else modules
    start = (utcnow() + starts_in).replace(second=0, microsecond=0)
    workshop = services.save_workshop(
        admin,
        None,
        organisation=org,
        title=f"EQUIP workshop {next(_seq)}",
        kind=kind,
        sessions=[
            (start + dt.timedelta(days=n * days_apart), start + dt.timedelta(days=n * days_apart, hours=6))
            for n in range(days)
        ],
        room="Room 1",
        online_url=None,
        capacity=capacity,
        modules=modules,
        teams=list(teams),
        facilitators=facilitators,
        follow_up_of=follow_up_of,
    )
    if publish:
        services.publish(admin, workshop)
    db.session.commit()
    return workshop


def resave(actor, workshop: Workshop, **changes):
    """Save `workshop` again through the service as `actor`, as it is but for `changes` (e.g. capacity=1)."""
    fields = dict(
        organisation=workshop.organisation,
        title=workshop.title,
        kind=workshop.kind,
        starts_at=workshop.starts_at,
        ends_at=workshop.ends_at,
        room=workshop.room,
        online_url=None,
        capacity=workshop.capacity,
        modules=workshop.modules,
        teams=workshop.teams,
        facilitators=[f.user for f in workshop.facilitators],
    )
    return services.save_workshop(actor, workshop, **{**fields, **changes})


def make_core_day(module: Module, day: int = 1) -> CoreDay:
    """A core day as the sync stores it, using `module`'s role play."""
    scenario = next(s for s in module.scenarios if s.kind == "roleplay") if module.scenarios else None
    row = CoreDay(
        slug=f"core-day-{day}-{next(_seq)}",
        day=day,
        title=f"Core day {day}: listening first",
        summary="The team practises listening before assessing.",
        modules=[module.slug],
        agenda=[
            {"start": "09:30", "minutes": 30, "title": "Welcome", "lead": "both", "materials": [], "roleplay": None},
            {
                "start": "10:00",
                "minutes": 45,
                "title": "Role play in threes",
                "lead": "lived_experience",
                "materials": ["Printed packs"],
                "roleplay": f"{module.slug}/{scenario.slug}" if scenario else None,
            },
        ],
        references=["Bee P et al (2015)."],
        body_html="<p>FACILITATOR-NOTES</p>",
        content_hash="h",
    )
    db.session.add(row)
    db.session.flush()
    return row


def access_world(build, world: dict) -> dict:
    """For tests/test_access.py: a published workshop for the world's team, facilitated by the world's trainer
    and a service-user trainer."""
    le_trainer = build.user("trainer", org=world["org"], trainer_kind=TrainerKind.SERVICE_USER)
    workshop = make_workshop(
        build, org=world["org"], teams=[world["team"]], facilitators=[world["trainer"], le_trainer]
    )
    make_template(1)
    make_core_day(workshop.modules[0])
    local = LocalPage(
        organisation_name=world["org"].name,
        module_slug="foundations",
        slug="who-to-call",
        position=1,
        title="Who to call",
        owner="the IG team",
        review_by="2027-06",
        minutes=1,
        body_html="<p>Ring 1234.</p>",
        content_hash="h",
    )
    db.session.add(local)
    plan = supervision.start_plan(world["admin"], world["team"], utcnow().date())
    action = supervision.add_action(
        world["admin"],
        plan,
        session_number=1,
        action="Write goals with the person",
        owner="Team manager",
        due_on=utcnow().date(),
    )
    db.session.commit()
    return {
        "workshop": workshop,
        "le_trainer": le_trainer,
        "workshop_unit": workshop.modules[0].units[0],
        "team_action": action,
        "local_page": local,
    }
