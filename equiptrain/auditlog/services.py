"""Recording audit events. Callers pass who acted; the request supplies the address."""

from __future__ import annotations

from flask import has_request_context, request

from equiptrain.auditlog.models import AuditEvent
from equiptrain.extensions import db


def log_event(
    action: str, actor=None, subject=None, organisation_id: int | None = None, ip_address: str | None = None, **details
) -> AuditEvent:
    """Add an audit event to the session; it is committed with the rest of the request's work.

    `actor` is the person who acted (a User, or None); `subject` any row with an id. The address is the
    request's, or `ip_address` for work done after the request (in the background)."""
    if organisation_id is None:
        organisation_id = getattr(subject, "organisation_id", None) or getattr(actor, "organisation_id", None)
    event = AuditEvent(
        action=action,
        actor_id=actor.id if actor is not None else None,
        organisation_id=organisation_id,
        subject_type=type(subject).__name__ if subject is not None else None,
        subject_id=getattr(subject, "id", None),
        ip_address=ip_address or (request.remote_addr if has_request_context() else None),
        details=details,
    )
    db.session.add(event)
    return event
