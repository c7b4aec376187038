"""Review pages: the course as a lived-experience trainer reviews it, commenting on a unit, and the course team's
list of every comment with its state.

Trainer pages answer 403 to anyone who is not a service-user or carer trainer; the list and decisions are for
admins (the course team).
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from equiptrain import ui
from equiptrain.accounts.models import User
from equiptrain.authz import get_or_abort, roles_required
from equiptrain.content import provenance
from equiptrain.content.models import Unit
from equiptrain.errors import ServiceError
from equiptrain.extensions import db
from equiptrain.forms import form_error

from . import queries, services
from .forms import CommentForm, DecisionForm
from .models import CommentState, ReviewComment

bp = Blueprint("reviews", __name__, url_prefix="/reviews")

ui.add_nav(
    "Review comments",
    "reviews.comments",
    ("admin", "platform_admin"),
    order=80,
    description="Lived-experience reviewers' comments on the course content, and their answers.",
)


def _home_panel(user) -> str | None:
    if services.lived_experience_kind(user) is None:
        return None
    return render_template("reviews/_home_panel.html")


ui.add_home_panel("reviews", _home_panel, order=40)


def _lived_experience_trainer() -> str:
    get_or_abort(User, current_user.id, "review_course")
    return services.lived_experience_kind(current_user) or ""


@bp.route("/")
@roles_required("trainer")
def index():
    _lived_experience_trainer()
    modules, counts = queries.course_for_review(current_user)
    return render_template("reviews/index.html", modules=modules, counts=counts, describe=provenance.describe)


@bp.route("/units/<int:unit_id>", methods=["GET", "POST"])
@roles_required("trainer")
def unit(unit_id: int):
    _lived_experience_trainer()
    unit = db.session.get(Unit, unit_id)
    if unit is None or unit.retired_at is not None:
        abort(404)
    form = CommentForm()
    if form.validate_on_submit():
        try:
            services.leave_comment(current_user, unit, form.body.data)
        except ServiceError as exc:
            form_error(form, exc, "body")
        else:
            db.session.commit()
            flash("Thank you: your comment has been sent to the course team.", "success")
            return redirect(url_for("reviews.unit", unit_id=unit.id))
    return render_template(
        "reviews/unit.html",
        unit=unit,
        module=unit.module,
        form=form,
        comments=queries.own_comments(current_user, unit),
        made_by=provenance.describe(unit.provenance),
    )


@bp.route("/comments")
@roles_required("admin", "platform_admin")
def comments():
    value = request.args.get("state")
    state = CommentState(value) if value in {s.value for s in CommentState} else None
    rows, counts = queries.all_comments(current_user, state)
    return render_template(
        "reviews/comments.html", comments=rows, counts=counts, state=state, states=list(CommentState)
    )


@bp.route("/comments/<int:comment_id>", methods=["GET", "POST"])
@roles_required("admin", "platform_admin")
def comment(comment_id: int):
    comment = get_or_abort(ReviewComment, comment_id, "decide")
    form = DecisionForm(state=comment.state.value, reason=comment.decision_reason)
    if form.validate_on_submit():
        try:
            services.decide(current_user, comment, CommentState(form.state.data), form.reason.data)
        except ServiceError as exc:
            form_error(form, exc, "reason")
        else:
            db.session.commit()
            flash(f"The comment is now {comment.state.value}.", "success")
            return redirect(url_for("reviews.comments"))
    return render_template(
        "reviews/comment.html", comment=comment, form=form, changed=(comment.unit.content_hash != comment.unit_hash)
    )
