"""A large trust for measuring the dashboards: thousands of staff in hundreds of teams, their module progress,
reflective entries and workshops, written with bulk INSERTs (one statement per table and batch).

Everyone shares one password hash, computed once. The same builder makes the organisations the query-count
tests need (small numbers, same code).
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
from dataclasses import dataclass

from sqlalchemy import insert, select

from equiptrain.accounts.models import Membership, MembershipRole, Organisation, Profession, Team, TeamSetting, User
from equiptrain.content.models import Module
from equiptrain.db import utcnow
from equiptrain.extensions import db
from equiptrain.learning.models import ModuleProgress
from equiptrain.reflection.models import ReflectiveEntry
from equiptrain.workshops.models import (
    Attendance,
    AttendanceStatus,
    Workshop,
    WorkshopKind,
    WorkshopResult,
    WorkshopSession,
    WorkshopStatus,
    workshop_teams,
)

LARGE_ORGANISATION = "Large Demo Trust (scale test)"
BATCH = 5_000
_PROFESSIONS = [Profession.NURSE] * 4 + [
    Profession.SOCIAL_WORKER,
    Profession.OCCUPATIONAL_THERAPIST,
    Profession.SUPPORT_WORKER,
    Profession.PSYCHIATRIST,
    Profession.PSYCHOLOGIST,
]


@dataclass
class Built:
    organisation_id: int
    team_ids: list[int]
    user_ids: list[int]
    entries: int
    workshops: int


def _bulk(model, rows: list[dict]) -> None:
    for start in range(0, len(rows), BATCH):
        db.session.execute(insert(model), rows[start : start + BATCH])


def build_organisation(
    name: str,
    *,
    teams: int,
    staff_per_team: int,
    password_hash: str | None,
    modules: list[Module] | None = None,
    entries: int = 0,
    workshops: int = 0,
    entry_text: str = "A reflection on a care-planning conversation.",
    seed: int = 1,
    email_domain: str = "large.example",
) -> Built:
    """An organisation of `teams` teams of `staff_per_team` (the first of each team its manager), with module
    progress spread across the course, `entries` reflective entries, and `workshops` workshops (a signed-off core
    workshop per team first, then follow-ups), most staff attending their team's core workshop."""
    rng = random.Random(seed)
    now = utcnow()
    modules = (
        modules
        if modules is not None
        else list(db.session.scalars(select(Module).where(Module.retired_at.is_(None)).order_by(Module.position)))
    )
    db.session.execute(insert(Organisation), [{"name": name, "created_at": now}])
    org_id = db.session.scalars(select(Organisation.id).where(Organisation.name == name)).one()
    settings = list(TeamSetting)
    _bulk(
        Team,
        [
            {
                "organisation_id": org_id,
                "name": f"Team {t + 1:04d}",
                "setting": settings[t % len(settings)],
                "created_at": now,
            }
            for t in range(teams)
        ],
    )
    team_ids = list(db.session.scalars(select(Team.id).where(Team.organisation_id == org_id).order_by(Team.name)))
    slug = name.lower().replace(" ", "-")[:20]
    users = []
    for t in range(teams):
        for p in range(staff_per_team):
            n = t * staff_per_team + p
            users.append(
                {
                    "email": f"staff{n}.{org_id}.{slug}@{email_domain}".replace("(", "").replace(")", ""),
                    "name": f"Staff Member {n:05d}",
                    "profession": rng.choice(_PROFESSIONS),
                    "employee_number": f"E{org_id:03d}{n:06d}",
                    "organisation_id": org_id,
                    "password_hash": password_hash if rng.random() > 0.05 else None,
                    "session_nonce": secrets.token_hex(16),
                    "is_org_admin": False,
                    "is_platform_admin": False,
                    "is_programme_lead": False,
                    "created_at": now,
                }
            )
    _bulk(User, users)
    user_ids = list(db.session.scalars(select(User.id).where(User.organisation_id == org_id).order_by(User.id)))
    joined = now - dt.timedelta(days=200)
    memberships, progress = [], []
    for i, uid in enumerate(user_ids):
        t, p = divmod(i, staff_per_team)
        memberships.append(
            {
                "user_id": uid,
                "team_id": team_ids[t],
                "joined_at": joined,
                "role": MembershipRole.MANAGER if p == 0 else MembershipRole.MEMBER,
            }
        )
        done = rng.choice([0, 0, 1, 2, 3, 4, 5, 6, 6, 6])
        for k, module in enumerate(modules[: done + 1]):
            started = now - dt.timedelta(days=180 - 20 * k)
            complete = k < done
            progress.append(
                {
                    "user_id": uid,
                    "module_id": module.id,
                    "started_at": started,
                    "units_read": 3,
                    "completed_at": started + dt.timedelta(days=10) if complete else None,
                    "quiz_passed_at": started + dt.timedelta(days=9) if complete else None,
                }
            )
    _bulk(Membership, memberships)
    _bulk(ModuleProgress, progress)
    _bulk(
        ReflectiveEntry,
        [
            {
                "author_id": rng.choice(user_ids),
                "template": "free",
                "title": "A reflection",
                "fields": {"text": entry_text},
                "guard_outcome": "clean",
                "guard_matches": 0,
                "created_at": now - dt.timedelta(days=rng.randint(0, 150)),
            }
            for _ in range(entries)
        ]
        if user_ids
        else [],
    )
    _workshops(org_id, team_ids, user_ids, staff_per_team, workshops, rng, now)
    return Built(org_id, team_ids, user_ids, entries if user_ids else 0, workshops)


def _workshops(org_id, team_ids, user_ids, staff_per_team, count, rng, now) -> None:
    if not count or not team_ids:
        return
    rows = []
    for w in range(count):
        team = w % len(team_ids)
        core = w < len(team_ids)
        start = now - dt.timedelta(days=60 if core else 20)
        rows.append(
            {
                "organisation_id": org_id,
                "title": f"Workshop {w + 1:04d}",
                "kind": WorkshopKind.CORE if core else WorkshopKind.SUPERVISION,
                "starts_at": start,
                "ends_at": start + dt.timedelta(hours=6),
                "capacity": 30,
                "status": WorkshopStatus.PUBLISHED,
                "published_at": start - dt.timedelta(days=30),
                "sequence": 0,
                "signed_off_at": start + dt.timedelta(hours=7),
                "created_at": start - dt.timedelta(days=31),
                "room": f"Room {team}",
            }
        )
    _bulk(Workshop, rows)
    workshop_ids = list(
        db.session.scalars(select(Workshop.id).where(Workshop.organisation_id == org_id).order_by(Workshop.id))
    )
    # One session each (a one-day workshop), its register signed off: attendance and its settled result.
    _bulk(
        WorkshopSession,
        [
            {
                "workshop_id": workshop_id,
                "number": 1,
                "starts_at": row["starts_at"],
                "ends_at": row["ends_at"],
                "checkin_open": False,
                "signed_off_at": row["signed_off_at"],
            }
            for workshop_id, row in zip(workshop_ids, rows, strict=True)
        ],
    )
    session_ids = dict(
        db.session.execute(
            select(WorkshopSession.workshop_id, WorkshopSession.id).where(WorkshopSession.workshop_id.in_(workshop_ids))
        ).all()
    )
    links, attendances, results = [], [], []
    for w, workshop_id in enumerate(workshop_ids):
        t = w % len(team_ids)
        links.append({"workshop_id": workshop_id, "team_id": team_ids[t]})
        members = user_ids[t * staff_per_team : (t + 1) * staff_per_team]
        for uid in members:
            if rng.random() < 0.85:
                attendances.append(
                    {
                        "workshop_id": workshop_id,
                        "session_id": session_ids[workshop_id],
                        "user_id": uid,
                        "status": AttendanceStatus.PRESENT,
                        "marked_at": now,
                    }
                )
                results.append(
                    {
                        "workshop_id": workshop_id,
                        "user_id": uid,
                        "sessions_attended": 1,
                        "sessions_total": 1,
                        "attended": True,
                        "hours": 6.0,
                        "established_at": now,
                    }
                )
    for start in range(0, len(links), BATCH):
        db.session.execute(insert(workshop_teams), links[start : start + BATCH])
    _bulk(Attendance, attendances)
    _bulk(WorkshopResult, results)


def load_large(
    password_hash: str, *, teams: int = 500, staff_per_team: int = 20, entries: int = 20_000, workshops: int = 1_000
) -> str:
    """The large trust (10,000 staff by default), once."""
    if db.session.scalar(select(Organisation.id).where(Organisation.name == LARGE_ORGANISATION)):
        return "The large trust is already loaded; nothing changed."
    modules = list(db.session.scalars(select(Module).where(Module.retired_at.is_(None)).order_by(Module.position)))
    if not modules:
        return "Load the course first (equiptrain content sync): the large trust's progress needs its modules."
    built = build_organisation(
        LARGE_ORGANISATION,
        teams=teams,
        staff_per_team=staff_per_team,
        password_hash=password_hash,
        modules=modules,
        entries=entries,
        workshops=workshops,
    )
    # A programme lead to look at it all.
    lead = db.session.get_one(User, built.user_ids[1])
    lead.is_programme_lead = True
    db.session.commit()
    return (
        f"Loaded {LARGE_ORGANISATION}: {len(built.user_ids):,} staff in {len(built.team_ids)} teams, "
        f"{len(modules)} modules, {built.entries:,} reflective entries, {built.workshops:,} workshops. "
        f"Programme lead: {lead.email}."
    )
