"""The learner's subject access download (UK GDPR): everything the platform holds about them, as JSON.

Each feature answers for its own tables: the sections below ask the learning and workshops features for
theirs (`personal_data(user)` in their `queries.py`), and build this feature's and the account's here. A
section is JSON-able data, where model rows stand for their columns (secrets left out).
"""

from __future__ import annotations

import datetime as dt
import decimal
import enum
from collections.abc import Callable
from typing import Any

from sqlalchemy import inspect, or_, select

from equiptrain.accounts.models import Membership, User
from equiptrain.auditlog.models import AuditEvent
from equiptrain.db import Base, utcnow
from equiptrain.extensions import db
from equiptrain.learning import queries as learning_queries
from equiptrain.reflection.kinds import TEMPLATES
from equiptrain.reflection.models import ConfidenceResponse, CPDEntry, ReflectiveEntry
from equiptrain.workshops import queries as workshops_queries

SUBJECT_ACCESS_SECTIONS: dict[str, Callable[[User], Any]] = {}
# Columns never exported, even about oneself.
_SECRET_COLUMNS = {"password_hash", "session_nonce"}


def register_section(name: str, build: Callable[[User], Any]) -> None:
    """Add (or replace) a section of the subject access download: `build(user)` returns JSON-able data."""
    SUBJECT_ACCESS_SECTIONS[name] = build


def jsonable(value):
    if isinstance(value, Base):
        return row_dict(value)
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [jsonable(v) for v in value]
    return value


def row_dict(obj) -> dict:
    """A model row's columns (secrets left out) as JSON-able values."""
    return {
        c.key: jsonable(getattr(obj, c.key)) for c in inspect(obj).mapper.column_attrs if c.key not in _SECRET_COLUMNS
    }


def _account(user: User):
    data = row_dict(user)
    data["organisation"] = user.organisation.name if user.organisation else None
    data["trainer_profile"] = row_dict(user.trainer_profile) if user.trainer_profile else None
    return data


def _teams(user: User):
    rows = db.session.scalars(select(Membership).where(Membership.user_id == user.id))
    return [{"team": m.team.name, "role": m.role.value, "joined_at": jsonable(m.joined_at)} for m in rows]


def _reflections(user: User):
    entries = db.session.scalars(
        select(ReflectiveEntry).where(ReflectiveEntry.author_id == user.id).order_by(ReflectiveEntry.created_at)
    )
    out = []
    for e in entries:
        data = row_dict(e)
        data["template_name"] = TEMPLATES[e.template].label if e.template in TEMPLATES else e.template
        data["module"] = e.module.slug if e.module else None
        data["shares"] = [
            {"supervisor": s.supervisor.name, "shared_at": jsonable(s.shared_at), "revoked_at": jsonable(s.revoked_at)}
            for s in e.shares
        ]
        out.append(data)
    return out


def _cpd(user: User):
    return [
        row_dict(c)
        for c in db.session.scalars(select(CPDEntry).where(CPDEntry.user_id == user.id).order_by(CPDEntry.date))
    ]


def _confidence(user: User):
    rows = db.session.scalars(
        select(ConfidenceResponse).where(ConfidenceResponse.user_id == user.id).order_by(ConfidenceResponse.answered_at)
    )
    return [{**row_dict(r), "module": r.module.slug} for r in rows]


def _audit(user: User):
    rows = db.session.scalars(
        select(AuditEvent)
        .where(
            or_(
                AuditEvent.actor_id == user.id, (AuditEvent.subject_type == "User") & (AuditEvent.subject_id == user.id)
            )
        )
        .order_by(AuditEvent.at)
    )
    return [row_dict(r) for r in rows]


for _name, _build in (
    ("account", _account),
    ("teams", _teams),
    ("reflections", _reflections),
    ("cpd", _cpd),
    ("confidence", _confidence),
    ("audit_events", _audit),
    ("learning", learning_queries.personal_data),
    ("workshops", workshops_queries.personal_data),
):
    register_section(_name, _build)


def subject_access(user: User) -> dict:
    """Everything the platform holds about `user`, section by section."""
    sections = dict(SUBJECT_ACCESS_SECTIONS)
    return {
        "generated_at": jsonable(utcnow()),
        "user_id": user.id,
        "sections": {name: jsonable(build(user)) for name, build in sections.items()},
    }
