"""Printable downloads: for learners a unit, or a role play's pack (briefs, observer checklist, debrief); for a
core workshop's facilitators its pack (agendas, notes, role plays), as PDF.

The same graduated order as the pages applies: a locked module's downloads answer 403 with the reason.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort
from flask_login import current_user
from sqlalchemy import select

from equiptrain.authz import get_or_abort, roles_required
from equiptrain.content import snapshot
from equiptrain.content.models import Module, Scenario, Unit
from equiptrain.extensions import db
from equiptrain.learning import record as records
from equiptrain.learning import services as learning_services
from equiptrain.workshops import queries as workshop_queries
from equiptrain.workshops.models import Workshop, WorkshopKind

from . import services

bp = Blueprint("printables", __name__)


def _open_module(slug: str) -> Module:
    course = snapshot.current()
    view = course.by_slug.get(slug)
    if view is None:
        abort(404)
    reason = records.lock_reason(course, records.load(current_user.id), view)
    if reason and not learning_services.may_preview(current_user, view):
        abort(403, description=f"{view.title} is locked. {reason}")
    module = db.session.get(Module, view.id)
    if module is None:  # the course snapshot names a module no longer in the database
        abort(404)
    return module


def _download(data: bytes, name: str) -> Response:
    return Response(
        data,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "private, no-store"},
    )


@bp.route("/modules/<slug>/units/<unit_slug>/printable.pdf")
@roles_required("learner")
def unit(slug: str, unit_slug: str):
    module = _open_module(slug)
    row = db.session.scalar(
        select(Unit).where(Unit.module_id == module.id, Unit.slug == unit_slug, Unit.retired_at.is_(None))
    )
    if row is None:
        abort(404)
    return _download(services.unit_pdf(module, row), services.filename(module.slug, row.slug))


@bp.route("/modules/<slug>/roleplays/<scenario_slug>/pack.pdf")
@roles_required("learner")
def roleplay(slug: str, scenario_slug: str):
    module = _open_module(slug)
    row = db.session.scalar(
        select(Scenario).where(
            Scenario.module_id == module.id,
            Scenario.slug == scenario_slug,
            Scenario.kind == "roleplay",
            Scenario.retired_at.is_(None),
        )
    )
    if row is None:
        abort(404)
    return _download(services.roleplay_pdf(module, row), services.filename(module.slug, row.slug, "pack"))


@bp.route("/workshops/<int:workshop_id>/facilitator-pack.pdf")
@roles_required("learner")
def facilitator_pack(workshop_id: int):
    """The printable facilitator pack of a core workshop: each day's agenda (times, who leads, materials) from
    course_content/core/, the facilitators' notes, and the role-play packs the agenda uses."""
    workshop = get_or_abort(Workshop, workshop_id, "facilitate")
    if workshop.kind is not WorkshopKind.CORE:
        abort(404)
    days = workshop_queries.core_days()
    if not days:
        abort(404)
    return Response(
        services.facilitator_pack_pdf(workshop, days),
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="equip-facilitator-pack-{workshop.id}.pdf"',
            "Cache-Control": "private, no-store",
        },
    )
