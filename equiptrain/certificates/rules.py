"""Who qualifies for which certificate, read from the rules synced from programme.yaml.

Everything is loaded for a batch of people in a fixed number of queries, so the event handlers (one person) and
the `certificates issue` command (everyone) share the same code.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from equiptrain.accounts.models import User
from equiptrain.certificates.models import Certificate, CertificateStatus
from equiptrain.content.models import Module, Programme
from equiptrain.content.rules import supervision_sessions_required
from equiptrain.extensions import db
from equiptrain.learning.models import ModuleProgress
from equiptrain.workshops.models import Facilitator, Workshop, WorkshopKind, WorkshopResult


@dataclass(frozen=True)
class Rule:
    slug: str
    title: str
    description: str
    modules: tuple[str, ...]
    core: tuple[str, ...] = ()
    follow_ups: int = 0
    valid_for_months: int | None = None
    supervision: int = 0  # supervision sessions of the core to have attended (programme.yaml's rule)
    audience: str = "staff"  # staff, or students on placement


@dataclass
class Record:
    """One person's learning record as far as certificates need it."""

    completed: dict[str, dt.datetime] = field(default_factory=dict)  # module slug -> completed_at
    workshops: list[Workshop] = field(default_factory=list)  # attended, register signed off
    held: set[str] = field(default_factory=set)  # achievements already issued (in any state but expired)


def load_rules() -> list[Rule]:
    programme = db.session.scalar(select(Programme).order_by(Programme.id).limit(1))
    rules = []
    sessions = supervision_sessions_required(programme) if programme else 0
    for c in programme.certificates if programme else []:
        w = c.get("workshops") or {}
        rules.append(
            Rule(
                c["slug"],
                c["title"],
                c["description"],
                tuple(c["modules"]),
                tuple(w.get("core", ())),
                int(w.get("follow_ups", 0)),
                valid_for_months=c.get("valid_for_months"),
                supervision=sessions if w.get("supervision") else 0,
                audience=c.get("audience", "staff"),
            )
        )
    return rules


def load_records(user_ids: list[int]) -> dict[int, Record]:
    """Completed modules, attended workshops and held certificates of `user_ids`: three queries."""
    records: dict[int, Record] = defaultdict(Record)
    if not user_ids:
        return records
    for user_id, slug, at in db.session.execute(
        select(ModuleProgress.user_id, Module.slug, ModuleProgress.completed_at)
        .join(Module, Module.id == ModuleProgress.module_id)
        .where(ModuleProgress.user_id.in_(user_ids), ModuleProgress.completed_at.is_not(None))
    ):
        if at is not None:  # always, by the query's condition; narrows the type
            records[user_id].completed[slug] = at
    # A workshop counts once its last register is signed off and the person attended it as the workshops
    # feature rules (every session, or the configured share): its WorkshopResult says so.
    rows = db.session.execute(
        select(WorkshopResult.user_id, Workshop)
        .join(Workshop, Workshop.id == WorkshopResult.workshop_id)
        .where(WorkshopResult.user_id.in_(user_ids), WorkshopResult.attended.is_(True))
        .options(
            selectinload(Workshop.modules),
            selectinload(Workshop.facilitators).selectinload(Facilitator.user).selectinload(User.trainer_profile),
        )
        .order_by(Workshop.starts_at)
    )
    for user_id, workshop in rows:
        records[user_id].workshops.append(workshop)
    for user_id, achievement in db.session.execute(
        select(Certificate.user_id, Certificate.achievement).where(
            Certificate.user_id.in_(user_ids), Certificate.status != CertificateStatus.EXPIRED
        )
    ):
        records[user_id].held.add(achievement)
    return records


def workshops_counted(rule: Rule, record: Record) -> list[Workshop] | None:
    """The attended workshops that meet (and count towards) the rule, or None if the rule is not met."""
    counted = [w for w in record.workshops if {m.slug for m in w.modules} & set(rule.modules)]
    if not rule.core:
        return counted
    cores = [
        w for w in record.workshops if w.kind is WorkshopKind.CORE and {m.slug for m in w.modules} & set(rule.core)
    ]
    covered = {m.slug for w in cores for m in w.modules}
    if not set(rule.core) <= covered:
        return None
    core_ids = {w.id for w in cores}
    follow_ups = [w for w in record.workshops if w.kind is not WorkshopKind.CORE and w.follow_up_of_id in core_ids]
    if len(follow_ups) < rule.follow_ups:
        return None
    if sum(w.kind is WorkshopKind.SUPERVISION for w in follow_ups) < rule.supervision:
        return None
    chosen = {w.id for w in counted} | core_ids | {w.id for w in follow_ups}
    return [w for w in record.workshops if w.id in chosen]


def for_audience(rule: Rule, student: bool) -> bool:
    """Students on placement earn the student certificates only; staff never do."""
    return (rule.audience == "students") == student


def met(rule: Rule, record: Record) -> list[Workshop] | None:
    """The workshops to print if `record` meets every requirement of `rule`, else None."""
    if not set(rule.modules) <= set(record.completed):
        return None
    return workshops_counted(rule, record)
