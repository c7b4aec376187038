"""Issuing certificates when the last requirement is met, reissuing after a name correction, revoking.

Receivers of `module_completed` and `workshop_attended` run inside the sender's transaction: they flush, the
request commits. Issuing is race-safe: the insert runs in a savepoint, and the partial unique index on
(user, achievement) for valid certificates turns a concurrent duplicate into a no-op.
"""

from __future__ import annotations

import calendar
import datetime as dt
import secrets

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from equiptrain import mail, signals, transaction
from equiptrain.accounts.models import User
from equiptrain.auditlog.services import log_event
from equiptrain.certificates import badges, pdf, rules
from equiptrain.certificates.codes import new_code
from equiptrain.certificates.models import Certificate, CertificateStatus
from equiptrain.content.models import Module
from equiptrain.db import utcnow
from equiptrain.errors import ServiceError
from equiptrain.extensions import db
from equiptrain.trainers.models import TrainerKind
from equiptrain.workshops.models import Workshop

_ANONYMOUS = {TrainerKind.SERVICE_USER: "a service-user trainer", TrainerKind.CARER: "a carer trainer"}


def trainer_as_printed(user: User) -> str:
    """How a workshop's trainer appears on a certificate: lived-experience trainers by name only with consent."""
    profile = user.trainer_profile
    if profile is None:
        return f"{user.name} (trainer)"
    if profile.kind.lived_experience and not profile.named_on_certificates:
        return _ANONYMOUS[profile.kind]
    return f"{user.name} ({profile.kind.label.lower()})"


def _issuer(user: User) -> dict:
    org = user.organisation
    if org is not None:
        return {"key": str(org.id), "name": org.name}
    return {"key": "platform", "name": current_app.config["ORGANISATION_NAME"]}


def build_claim(
    user: User,
    rule: rules.Rule,
    modules: dict[str, Module],
    workshops: list[Workshop],
    completed: dict[str, dt.datetime],
) -> dict:
    """Everything the certificate prints, frozen at issue."""
    mods = [modules[slug] for slug in rule.modules if slug in modules]
    dates = [completed[slug] for slug in rule.modules] + [w.ends_at for w in workshops]
    return {
        "name": user.name,
        "profession": user.profession.label,
        "achievement": rule.slug,
        "title": rule.title,
        "description": rule.description,
        "modules": [{"slug": m.slug, "title": m.title, "outcomes": list(m.outcomes)} for m in mods],
        "hours": {
            "individual": round(sum(m.cpd_individual_hours or 0 for m in mods), 2),
            "participatory": round(sum(w.cpd_hours for w in workshops), 2),
        },
        "completed_on": max(dates).date().isoformat(),
        "workshops": [
            {
                "title": w.title,
                "date": w.starts_at.date().isoformat(),
                "kind": w.kind.label,
                "trainers": [trainer_as_printed(f.user) for f in w.facilitators],
            }
            for w in workshops
        ],
        "issuer": _issuer(user),
        **({"valid_until": _months_on(utcnow(), rule.valid_for_months).isoformat()} if rule.valid_for_months else {}),
    }


def _months_on(moment: dt.datetime, months: int) -> dt.datetime:
    """The same day `months` later (the month's last day where it is shorter)."""
    year, month = divmod(moment.month - 1 + months, 12)
    year, month = moment.year + year, month + 1
    return moment.replace(year=year, month=month, day=min(moment.day, calendar.monthrange(year, month)[1]))


def _insert(user: User, claim: dict) -> Certificate | None:
    """Add a valid certificate for `claim`; None if one is already valid (e.g. issued by a concurrent request)."""
    salt = secrets.token_hex(16)
    claim = dict(claim, recipient_identity=badges.identity_hash(user.email, salt))
    cert = Certificate(
        code=new_code(),
        user_id=user.id,
        organisation_id=user.organisation_id,
        achievement=claim["achievement"],
        title=claim["title"],
        recipient_name=claim["name"],
        completed_on=dt.date.fromisoformat(claim["completed_on"]),
        hours_individual=claim["hours"]["individual"],
        hours_participatory=claim["hours"]["participatory"],
        claim=claim,
        badge_salt=salt,
    )
    try:
        with db.session.begin_nested():
            db.session.add(cert)
    except IntegrityError:
        return None
    if current_app.config["CERTIFICATE_PDF_ON_ISSUE"]:
        transaction.after_commit(pdf.draw_after_issue, cert.id)
    return cert


def issue_due(users: list[User], *, actor: User | None = None) -> list[Certificate]:
    """Issue every certificate these people qualify for and do not hold yet (never twice; a revoked one is not
    issued again automatically). Returns the new certificates."""
    all_rules = rules.load_rules()
    if not all_rules or not users:
        return []
    records = rules.load_records([u.id for u in users])
    modules = {m.slug: m for m in db.session.scalars(select(Module))}
    issued = []
    for user in users:
        rec = records.get(user.id) or rules.Record()
        for rule in all_rules:
            if rule.slug in rec.held or not rules.for_audience(rule, user.is_student):
                continue
            workshops = rules.met(rule, rec)
            if workshops is None:
                continue
            cert = _insert(user, build_claim(user, rule, modules, workshops, rec.completed))
            if cert is not None:
                rec.held.add(rule.slug)
                issued.append(cert)
                log_event(
                    "certificate.issued",
                    actor,
                    cert,
                    organisation_id=cert.organisation_id,
                    achievement=rule.slug,
                    code=cert.code,
                )
                _tell(user, cert)
                signals.certificate_issued.send(user, certificate=cert)
    return issued


def _tell(user: User, cert: Certificate) -> None:
    """Email the person (sent when the transaction commits)."""
    mail.send(
        user.email,
        f"Your {cert.title} is ready",
        f"Hello {user.name},\n\nWell done: you have earned the {cert.title}.\n\n"
        f"Download it, or add it to a digital badge backpack, from My certificates:\n"
        f"{mail.external_url('certificates.mine')}\n\n"
        f"Anyone you show it to can check it at:\n{badges.verify_url(cert)}\n",
    )


def reissue(actor: User | None, cert: Certificate, reason: str) -> Certificate:
    """A new certificate with the person's current name and profession; the old one becomes superseded and
    points to it."""
    cert.supersede()
    db.session.flush()
    user = cert.user
    claim = dict(cert.claim, name=user.name, profession=user.profession.label)
    new = _insert(user, claim)
    if new is None:  # cannot happen while the old one was the valid one; refuse rather than guess
        raise ServiceError("A newer certificate already exists for this achievement.")
    cert.superseded_by = new
    db.session.flush()
    log_event(
        "certificate.reissued",
        actor,
        new,
        organisation_id=new.organisation_id,
        replaces=cert.code,
        code=new.code,
        reason=reason,
    )
    return new


def revoke(actor: User, cert: Certificate, reason: str) -> None:
    """Withdraw a certificate with a reason (kept in the audit log and on the admin page)."""
    cert.revoke(actor, reason)
    db.session.flush()
    log_event(
        "certificate.revoked",
        actor,
        cert,
        organisation_id=cert.organisation_id,
        code=cert.code,
        reason=cert.revoked_reason,
    )


def valid_for(user: User) -> list[Certificate]:
    return list(
        db.session.scalars(
            select(Certificate).where(Certificate.user_id == user.id, Certificate.status == CertificateStatus.VALID)
        )
    )


def note_learner(user, **_) -> None:
    """A module completed or a workshop attended: issue what is due once, before the commit (`learners_changed`)."""
    signals.note_learner_changed(user)


def on_learners_changed(_sender, users, **_) -> None:
    issue_due(users)


def on_name_changed(user, actor=None, old_name=None, new_name=None, **_):
    for cert in valid_for(user):
        reissue(actor, cert, reason="name corrected")
