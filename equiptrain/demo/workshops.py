"""Demo step: the North CMHT's two-day core three months ago (both registers signed off, two role-play rounds,
observer feedback, anonymous feedback, trainer support, train-the-trainers records) and upcoming workshops (the
team's next supervision session and a core workshop for other teams). Team supervision is `demo/supervision.py`."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select

from equiptrain.content.models import Module, Programme
from equiptrain.db import utcnow
from equiptrain.demo import timeline
from equiptrain.extensions import db
from equiptrain.trainers import services as trainer_services
from equiptrain.workshops import attendance, roleplay, services
from equiptrain.workshops.models import AttendanceStatus, PaymentStatus, Role, WorkshopKind


def _modules(*slugs: str) -> list[Module]:
    return list(db.session.scalars(select(Module).where(Module.slug.in_(slugs)).order_by(Module.position)))


def _day(days: int, hour: int = 9) -> dt.datetime:
    return (utcnow() + dt.timedelta(days=days)).replace(hour=hour, minute=30, second=0, microsecond=0)


def load(world: dict) -> None:
    if not db.session.scalar(select(func.count(Programme.id))):
        from equiptrain.content.sync import sync_course

        sync_course(Path(current_app.config["CONTENT_DIR"]))
    org, teams, people = world["organisation"], world["teams"], world["people"]
    admin, pro, su, carer = people["admin"], people["trainer"], people["su-trainer"], people["carer-trainer"]
    all_modules = list(db.session.scalars(select(Module).where(Module.retired_at.is_(None)).order_by(Module.position)))
    for trainer in (pro, su, carer, people["su-trainer-2"]):
        trainer_services.set_prepared_modules(admin, trainer.trainer_profile, all_modules[:3])
    # Train-the-trainers: two lived-experience trainers have completed it; the newest is shadowing first.
    for trainer, days_ago, shadowed in ((su, 200, 3), (carer, 120, 2)):
        completed_on = utcnow().date() - dt.timedelta(days=days_ago)
        trainer_services.save_training(
            admin,
            trainer.trainer_profile,
            completed_on=completed_on,
            sessions_shadowed=shadowed,
            preparation="Completed the two-day train-the-trainers course; briefing calls before each workshop.",
        )
    trainer_services.save_training(
        admin,
        people["su-trainer-2"].trainer_profile,
        completed_on=None,
        sessions_shadowed=1,
        preparation="Booked on the next train-the-trainers course; shadowing a core first.",
    )
    first_two = _modules(*[m.slug for m in all_modules[:2]])

    # The North CMHT's two-day core, a week apart, three months ago, taken end to end: scheduled and replied to
    # before it, each day's register and role play on that day (equiptrain/demo/timeline.py).
    day_one, day_two = timeline.moment(timeline.CORE_DAY_ONE), timeline.moment(timeline.CORE_DAY_TWO)
    clock = timeline.at(timeline.CORE_REPLIES)
    clock.__enter__()
    past = services.save_workshop(
        admin,
        None,
        organisation=org,
        title="EQUIP core: involving people in care planning (two days)",
        kind=WorkshopKind.CORE,
        sessions=[(day_one, day_one + dt.timedelta(hours=7)), (day_two, day_two + dt.timedelta(hours=7))],
        room="Seminar room 2, Northbridge House",
        online_url=None,
        capacity=16,
        modules=first_two,
        teams=[teams["north-cmht"]],
        facilitators=[pro, su],
    )
    services.publish(admin, past)
    team_people = [i.user for i in past.invitations]
    for person in team_people:
        services.reply(person, past, person is not people["psychologist"])
    clock.__exit__(None, None, None)
    clock = timeline.at(timeline.CORE_DAY_ONE, 16)
    clock.__enter__()
    # Day one: everyone but the psychologist (who could only come on day two); the psychiatrist arrives late.
    came = [p for p in team_people if p is not people["psychologist"]]
    statuses = {p.id: AttendanceStatus.PRESENT for p in came}
    statuses[people["psychiatrist"].id] = AttendanceStatus.LATE
    attendance.mark(pro, past, statuses, past.sessions[0])
    for scenario in roleplay.scenarios_for(past)[:2]:
        round_ = roleplay.start_round(pro, past, scenario)
        for group in round_.groups:
            observer = next((a.user for a in group.assignments if a.role is Role.OBSERVER), None)
            if observer is not None:
                slugs = [c["slug"] for c in scenario.data.get("observer_checklist", [])]
                roleplay.submit_observation(
                    observer,
                    round_,
                    slugs[: max(1, len(slugs) - 1)],
                    "You asked before sharing anything, which made it feel safe. "
                    "Try summarising what you agreed at the end.",
                )
        roleplay.end_round(pro, past)
    attendance.sign_off(pro, past, past.sessions[0])
    clock.__exit__(None, None, None)
    # Day two: everyone, the psychologist included (one day of two: CPD for that day, not the core).
    clock = timeline.at(timeline.CORE_DAY_TWO, 16)
    clock.__enter__()
    attendance.mark(pro, past, {p.id: AttendanceStatus.PRESENT for p in team_people}, past.sessions[1])
    attendance.sign_off(pro, past, past.sessions[1])  # settles the core; the team's supervision plan starts
    answers = [
        (5, 5, "Ask the person what they want shared before talking to family."),
        (4, 5, "Write the care plan with the person, in their words."),
        (4, 4, "Offer carers' assessments every time."),
        (5, 5, "Slow down in reviews and check understanding."),
        (3, 4, ""),
        (4, 5, "Use the person's own goals as headings."),
    ]
    for person, (useful, le, text) in zip(came, answers, strict=False):
        attendance.submit_feedback(
            person,
            past,
            attendance.feedback_token(past, person),
            useful=useful,
            lived_experience_valuable=le,
            do_differently=text,
        )
    clock.__exit__(None, None, None)
    clock = timeline.at(timeline.CORE_DAY_ONE - 3, 11)
    clock.__enter__()
    support = attendance.support_for(past, su)
    attendance.save_briefing(
        admin,
        support,
        "Role play focus: the carer who was never told. Nia leads the "
        "opening; you lead the lived-experience input after lunch. Quiet room available.",
    )
    clock.__exit__(None, None, None)
    clock = timeline.at(timeline.CORE_DAY_TWO + 1, 10)
    clock.__enter__()
    attendance.save_debrief(
        su,
        support,
        how_it_went="Went well; the team really listened.",
        support_wanted="A short call before the next one would help.",
        preparation_minutes=150,
    )
    clock.__exit__(None, None, None)
    with timeline.at(timeline.PAYMENT_CLAIMED, 12):
        attendance.set_payment(su, support, PaymentStatus.CLAIMED)
    with timeline.at(timeline.PAYMENT_PAID, 12):
        attendance.set_payment(admin, support, PaymentStatus.PAID, amount_pence=15000)

    # Upcoming: the team's second supervision session, and a core workshop for two more teams.
    follow = services.save_workshop(
        admin,
        None,
        organisation=org,
        title="EQUIP team supervision 2: reviewing actions and risk",
        kind=WorkshopKind.SUPERVISION,
        starts_at=_day(14, 13),
        ends_at=_day(14, 15),
        room="Team base, North CMHT",
        online_url=None,
        capacity=12,
        modules=_modules("writing-together"),
        teams=[teams["north-cmht"]],
        facilitators=[pro, carer],
        follow_up_of=past,
    )
    services.publish(admin, follow)
    upcoming = services.save_workshop(
        admin,
        None,
        organisation=org,
        title="EQUIP day 1: Willow Ward and Crisis team",
        kind=WorkshopKind.CORE,
        starts_at=_day(28),
        ends_at=_day(28) + dt.timedelta(hours=7),
        room="Education centre, room 4",
        online_url="https://meet.northbridge.example/equip-day1",
        capacity=10,
        modules=first_two,
        teams=[teams["willow-ward"], teams["crisis"]],
        facilitators=[pro, carer],
    )
    services.publish(admin, upcoming)
    for key in ("ward-manager", "ward-nurse-1", "ward-nurse-2", "crisis-manager", "crisis-nurse"):
        services.reply(people[key], upcoming, True)
    services.reply(people["crisis-doctor"], upcoming, False)
    world["workshops"] = {"past": past, "follow_up": follow, "upcoming": upcoming}
    db.session.flush()
