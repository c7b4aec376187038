"""Read-only queries for the trust-records pages."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from equiptrain.accounts.models import Organisation, Team, User
from equiptrain.extensions import db
from equiptrain.records.models import (
    EsrExport,
    NotInEsr,
    StaffAssignment,
    StaffSyncRun,
    TeamMapping,
    TeamMove,
    XapiStatement,
)


def recent_runs(org: Organisation, limit: int = 10) -> list[StaffSyncRun]:
    return list(
        db.session.scalars(
            select(StaffSyncRun)
            .where(StaffSyncRun.organisation_id == org.id)
            .order_by(StaffSyncRun.created_at.desc(), StaffSyncRun.id.desc())
            .limit(limit)
        )
    )


def recent_exports(org: Organisation, limit: int = 20) -> list[EsrExport]:
    return list(
        db.session.scalars(
            select(EsrExport)
            .where(EsrExport.organisation_id == org.id)
            .order_by(EsrExport.created_at.desc(), EsrExport.id.desc())
            .limit(limit)
        )
    )


def recent_moves(org: Organisation, limit: int = 20) -> list[tuple[str, str | None, str | None, object]]:
    """The latest team moves recorded by staff syncs: (person, team left, team joined, date), one query."""
    left, joined = aliased(Team), aliased(Team)
    rows = db.session.execute(
        select(User.name, left.name, joined.name, TeamMove.moved_on)
        .join(User, User.id == TeamMove.user_id)
        .outerjoin(left, left.id == TeamMove.from_team_id)
        .outerjoin(joined, joined.id == TeamMove.to_team_id)
        .where(User.organisation_id == org.id)
        .order_by(TeamMove.recorded_at.desc(), TeamMove.id.desc())
        .limit(limit)
    )
    return [(name, a, b, on) for name, a, b, on in rows]


def overview(org: Organisation) -> dict:
    """Counts for the trust-records page, in one query."""

    def count(stmt):
        return stmt.scalar_subquery()

    row = db.session.execute(
        select(
            count(select(func.count(TeamMapping.id)).where(TeamMapping.organisation_id == org.id)),
            count(select(func.count(StaffAssignment.id)).where(StaffAssignment.organisation_id == org.id)),
            count(
                select(func.count(NotInEsr.user_id))
                .join(User, User.id == NotInEsr.user_id)
                .where(User.organisation_id == org.id)
            ),
            count(select(func.max(StaffSyncRun.applied_at)).where(StaffSyncRun.organisation_id == org.id)),
            count(select(func.max(EsrExport.created_at)).where(EsrExport.organisation_id == org.id)),
            count(
                select(func.count(XapiStatement.id)).where(
                    XapiStatement.organisation_id == org.id, XapiStatement.status != "sent"
                )
            ),
        )
    ).one()
    return dict(
        zip(("units", "assignments", "not_in_esr", "last_sync", "last_export", "xapi_waiting"), row, strict=True)
    )
