"""Read-only queries for the certificate pages: each a single query whatever the number of certificates."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from equiptrain.accounts.models import Membership, User
from equiptrain.certificates.models import Certificate, CertificateStatus
from equiptrain.extensions import db


def mine(user: User) -> list[Certificate]:
    """The person's certificates, newest first (valid and revoked; a superseded one shows through its successor)."""
    return list(
        db.session.scalars(
            select(Certificate)
            .where(Certificate.user_id == user.id, Certificate.status != CertificateStatus.SUPERSEDED)
            .order_by(Certificate.issued_at.desc(), Certificate.id.desc())
        )
    )


def by_code(code: str) -> Certificate | None:
    return db.session.scalar(
        select(Certificate).where(Certificate.code == code).options(joinedload(Certificate.superseded_by))
    )


def valid_for_team(team_id: int) -> list[Certificate]:
    return list(
        db.session.scalars(
            select(Certificate)
            .join(Membership, Membership.user_id == Certificate.user_id)
            .where(Membership.team_id == team_id, Certificate.status == CertificateStatus.VALID)
            .order_by(Certificate.recipient_name, Certificate.id)
        )
    )


def for_organisation(organisation_id: int, status: CertificateStatus | None = None) -> list[Certificate]:
    query = (
        select(Certificate)
        .where(Certificate.organisation_id == organisation_id)
        .options(joinedload(Certificate.user), joinedload(Certificate.superseded_by))
        .order_by(Certificate.issued_at.desc(), Certificate.id.desc())
    )
    if status is not None:
        query = query.where(Certificate.status == status)
    return list(db.session.scalars(query))
