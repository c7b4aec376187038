"""The audit log page for administrators."""
from flask import Blueprint, render_template, request
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from equiptrain.accounts.queries import admin_organisation
from equiptrain.audit.models import AuditEvent
from equiptrain.authz import roles_required
from equiptrain.extensions import db

bp = Blueprint("audit", __name__)
PAGE_SIZE = 100


@bp.route("/admin/audit")
@roles_required("admin")
def log():
    org = admin_organisation(current_user)
    action = request.args.get("action", "").strip()
    stmt = select(AuditEvent).where(AuditEvent.organisation_id == org.id)
    if action:
        stmt = stmt.where(AuditEvent.action.startswith(action))
    events = db.session.scalars(stmt.options(selectinload(AuditEvent.actor))
                                .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(PAGE_SIZE)).all()
    return render_template("audit/log.html", events=events, org=org, action=action)
