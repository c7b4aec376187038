"""An issued certificate: the claim as printed (frozen at issue), its code, and its state.

States move one way: valid -> superseded (a reissue, pointing at its successor) or valid -> revoked. A person
holds at most one valid certificate for an achievement (a partial unique index, so two requests racing to issue
the same one cannot both succeed).
"""

from __future__ import annotations

import datetime as dt
import enum
import secrets

from sqlalchemy import JSON, Float, ForeignKey, Index, LargeBinary, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from equiptrain.accounts.models import Organisation, User
from equiptrain.certificates.codes import grouped, new_code
from equiptrain.db import Base, str_enum, utcnow
from equiptrain.errors import ServiceError


def aware_utc(moment: dt.datetime) -> dt.datetime:
    """A time read as UTC when it carries no zone (a claim written before times carried one, an unsaved row)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


class CertificateStatus(str, enum.Enum):
    VALID = "valid"
    SUPERSEDED = "superseded"
    REVOKED = "revoked"
    EXPIRED = "expired"  # the completion it records expired and was renewed: a new certificate was issued

    @property
    def label(self) -> str:
        return {
            "valid": "Valid",
            "superseded": "Replaced by a newer certificate",
            "revoked": "Revoked",
            "expired": "Expired (renewed by a newer certificate)",
        }[self.value]


class Certificate(Base):
    __tablename__ = "certificates"
    __table_args__ = (
        Index(
            "uq_certificates_valid_achievement",
            "user_id",
            "achievement",
            unique=True,
            sqlite_where=text("status = 'valid'"),
            postgresql_where=text("status = 'valid'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True, default=new_code)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    achievement: Mapped[str] = mapped_column(String(80))  # the certificate's slug in programme.yaml
    title: Mapped[str] = mapped_column(String(200))
    recipient_name: Mapped[str] = mapped_column(String(200))
    completed_on: Mapped[dt.date]
    hours_individual: Mapped[float] = mapped_column(Float)
    hours_participatory: Mapped[float] = mapped_column(Float)
    # Everything the certificate prints, as printed: name, profession, modules and outcomes, workshops and
    # trainers as named, issuer. The PDF, the verification page and the badges all read it.
    claim: Mapped[dict] = mapped_column(JSON)
    # Salt for the recipient's hashed email in the Open Badges assertion.
    badge_salt: Mapped[str] = mapped_column(String(32), default=lambda: secrets.token_hex(16))
    status: Mapped[CertificateStatus] = mapped_column(
        str_enum(CertificateStatus, "certificate_status"), default=CertificateStatus.VALID
    )
    issued_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("certificates.id"))
    superseded_at: Mapped[dt.datetime | None]
    revoked_at: Mapped[dt.datetime | None]
    revoked_reason: Mapped[str | None] = mapped_column(Text)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    organisation: Mapped[Organisation | None] = relationship()
    superseded_by: Mapped[Certificate | None] = relationship(remote_side=[id])

    @property
    def display_code(self) -> str:
        return grouped(self.code)

    @property
    def hours_total(self) -> float:
        return round(self.hours_individual + self.hours_participatory, 2)

    @property
    def is_valid(self) -> bool:
        return self.status is CertificateStatus.VALID

    @property
    def valid_until(self) -> dt.datetime | None:
        """When the certificate stops being valid: the rule's expiry printed in the claim, or, for one whose
        completion expired and was renewed, the moment it was marked expired (whichever is earlier). Both Open
        Badges forms tell expiry this way (`expires`; `validUntil` and the JWT's `exp`), never through the status
        lists: an expired certificate was not revoked."""
        value = (self.claim or {}).get("valid_until")
        until = aware_utc(dt.datetime.fromisoformat(value)) if value else None
        if self.status is CertificateStatus.EXPIRED and self.superseded_at is not None:
            ended = aware_utc(self.superseded_at)
            until = min(until, ended) if until else ended
        return until

    def supersede(self) -> None:
        """Mark this certificate as replaced (a reissue; the service then links its successor, which can only be
        inserted once this one is no longer the valid one). Only a valid certificate can be replaced."""
        if self.status is CertificateStatus.REVOKED:
            raise ServiceError("This certificate has been revoked, so it cannot be reissued.")
        if self.status is CertificateStatus.SUPERSEDED:
            raise ServiceError("This certificate has already been replaced by a newer one: reissue that one.")
        self.status, self.superseded_at = CertificateStatus.SUPERSEDED, utcnow()

    def revoke(self, actor: User, reason: str) -> None:
        """Withdraw the certificate; the reason stays inside the organisation (verification shows the date)."""
        if self.status is CertificateStatus.REVOKED:
            raise ServiceError("This certificate has already been revoked.")
        if self.status is CertificateStatus.SUPERSEDED:
            raise ServiceError("This certificate has been replaced by a newer one: revoke that one instead.")
        if not (reason or "").strip():
            raise ServiceError("Give the reason for revoking the certificate.", "reason")
        self.status, self.revoked_at = CertificateStatus.REVOKED, utcnow()
        self.revoked_reason, self.revoked_by_id = reason.strip(), actor.id


class CertificatePdf(Base):
    """A certificate's PDF, made once when it is issued (after the commit, in the background) and served as stored
    bytes; a reissued certificate is a new certificate with a PDF of its own."""

    __tablename__ = "certificate_pdfs"

    certificate_id: Mapped[int] = mapped_column(ForeignKey("certificates.id"), primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    etag: Mapped[str] = mapped_column(String(64))  # sha256 of the bytes
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
