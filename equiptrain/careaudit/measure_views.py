"""Involvement measure pages. Staff (under the care-plan audit): a team's rounds, opening and closing a round,
its short link and QR code, typing in paper responses, results once closed, before/after beside the audit, and
the organisation's list. Public (`measure_public`, no account): the questionnaire at /m/<code>, in standard or
Easy Read form, and the thank-you page."""

from __future__ import annotations

import segno
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeSerializer
from markupsafe import Markup

from equiptrain.authz import get_or_abort, roles_required
from equiptrain.careaudit import measure_queries, measure_services
from equiptrain.careaudit.measure_forms import MeasureRoundForm, field_name, questionnaire_form
from equiptrain.careaudit.measure_models import MeasureRound, MeasureRoundKind, ResponseMode
from equiptrain.careaudit.views import AUDITORS, _team, bp
from equiptrain.content.models import MeasureInstrument
from equiptrain.errors import ServiceError
from equiptrain.extensions import db, limiter
from equiptrain.forms import EmptyForm, choices, form_error

public = Blueprint("measure_public", __name__)

DEVICE_COOKIE = "equiptrain_measure"
DEVICE_LIMIT = 2  # a person and their carer may share one phone


# -- staff ----------------------------------------------------------------------------------------------------


@bp.route("/teams/<int:team_id>/measure", methods=["GET", "POST"])
@roles_required(*AUDITORS)
def measure_team(team_id: int):
    team = _team(team_id)
    form = MeasureRoundForm()
    instruments = measure_services.instruments()
    form.instrument.choices = choices(
        (str(i.id), i.title + ("" if i.validated else " (not validated)")) for i in instruments
    )
    if form.validate_on_submit():
        try:
            round_ = measure_services.open_round(
                current_user,
                team,
                db.session.get(MeasureInstrument, int(form.instrument.data))
                if form.instrument.data.isdigit()
                else None,
                label=form.label.data,
                kind=MeasureRoundKind(form.kind.data),
                opens_on=form.opens_on.data,
                closes_on=form.closes_on.data,
            )
        except ServiceError as exc:
            form_error(form, exc)
        else:
            flash(f"Round '{round_.label}' is open. Hand out its short link or QR code.", "info")
            return redirect(url_for("careaudit.measure_round", round_id=round_.id))
    rounds = measure_services.team_rounds(team)
    return render_template(
        "careaudit/measure_team.html",
        team=team,
        form=form,
        rounds=rounds,
        counts=measure_services.counts([r.id for r in rounds]),
        today=measure_services.today(),
        has_instruments=bool(instruments),
    )


def _short_url(round_: MeasureRound) -> str:
    return url_for("measure_public.respond", token=round_.token, _external=True)


@bp.route("/measure/<int:round_id>")
@roles_required(*AUDITORS)
def measure_round(round_id: int):
    round_ = get_or_abort(MeasureRound, round_id)
    url = _short_url(round_)
    qr = Markup(segno.make(url, error="m").svg_inline(scale=5, omitsize=True, title=f"QR code for {url}"))
    return render_template(
        "careaudit/measure_round.html",
        round=round_,
        url=url,
        qr=qr,
        result=measure_services.result(round_),
        today=measure_services.today(),
        form=EmptyForm(),
    )


@bp.route("/measure/<int:round_id>/close", methods=["POST"])
@roles_required(*AUDITORS)
def measure_close(round_id: int):
    round_ = get_or_abort(MeasureRound, round_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        measure_services.close_round(current_user, round_)
        flash("The round is closed. Its results are below if enough people answered.", "info")
    except ServiceError as exc:
        flash(exc.message, "error")
    return redirect(url_for("careaudit.measure_round", round_id=round_.id))


def _answers(form, definition: dict) -> dict:
    return {s["slug"]: getattr(form, field_name(s["slug"])).data for s in definition["statements"]}


@bp.route("/measure/<int:round_id>/paper", methods=["GET", "POST"])
@roles_required(*AUDITORS)
def measure_paper(round_id: int):
    round_ = get_or_abort(MeasureRound, round_id)
    form = questionnaire_form(round_.definition, None, easy_read=False)
    if form.validate_on_submit():
        try:
            measure_services.submit(
                round_,
                respondent=form.respondent.data,
                answers=_answers(form, round_.definition),
                comment=form.comment.data or "",
                mode=ResponseMode.PAPER,
                entered_by=current_user,
            )
        except ServiceError as exc:
            form_error(form, exc)
        else:
            flash("Paper response saved. Type in the next one, or go back to the round.", "info")
            return redirect(url_for("careaudit.measure_paper", round_id=round_.id))
    return render_template("careaudit/measure_paper.html", round=round_, form=form, questions=_questions(form, round_))


def _questions(form, round_: MeasureRound):
    return [(s, getattr(form, field_name(s["slug"]))) for s in round_.definition["statements"]]


@bp.route("/teams/<int:team_id>/involvement")
@roles_required(*AUDITORS)
def involvement(team_id: int):
    team = _team(team_id)
    return render_template("careaudit/involvement.html", team=team, report=measure_queries.before_after(team))


@bp.route("/organisation/measure")
@roles_required("admin", "platform_admin")
def measure_organisation():
    return render_template(
        "careaudit/measure_organisation.html",
        rounds=measure_services.organisation_rounds(current_user.organisation_id),
        today=measure_services.today(),
    )


# -- public ---------------------------------------------------------------------------------------------------


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="equiptrain.measure-device")


def _device_counts() -> dict[str, int]:
    try:
        value = _serializer().loads(request.cookies.get(DEVICE_COOKIE, ""))
    except BadSignature:
        return {}
    return {k: v for k, v in value.items() if isinstance(v, int)} if isinstance(value, dict) else {}


def _submit_limit() -> str:
    return current_app.config["MEASURE_LIMIT_PER_ADDRESS"]


def _round_or_404(token: str) -> MeasureRound:
    return measure_services.by_token(token) or abort(404)


@public.route("/m/<token>", methods=["GET", "POST"])
@limiter.limit(_submit_limit, methods=["POST"], scope="measure-submit")
def respond(token: str):
    round_ = _round_or_404(token)
    easy = request.values.get("easy") == "1"
    today = measure_services.today()
    used = _device_counts()
    full = used.get(str(round_.id), 0) >= DEVICE_LIMIT
    form = questionnaire_form(round_.definition, None, easy_read=easy)
    if request.method == "POST" and not full and round_.is_accepting(today) and form.validate_on_submit():
        try:
            measure_services.submit(
                round_,
                respondent=form.respondent.data,
                answers=_answers(form, round_.definition),
                comment=form.comment.data or "",
                easy_read=easy,
            )
        except ServiceError as exc:
            form_error(form, exc)
        else:
            response = redirect(url_for("measure_public.thanks", token=round_.token, easy="1" if easy else None))
            used[str(round_.id)] = used.get(str(round_.id), 0) + 1
            # Only this device knows it answered: nothing in the database ties a response to a device.
            response.set_cookie(
                DEVICE_COOKIE,
                _serializer().dumps(used),
                max_age=200 * 86400,
                secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
                httponly=True,
                samesite="Lax",
            )
            return response
    return render_template(
        "careaudit/measure_respond.html",
        round=round_,
        form=form,
        questions=_questions(form, round_),
        easy=easy,
        full=full,
        accepting=round_.is_accepting(today),
        closed=round_.is_closed(today),
    )


@public.route("/m/<token>/thanks")
def thanks(token: str):
    round_ = _round_or_404(token)
    return render_template("careaudit/measure_thanks.html", round=round_, easy=request.args.get("easy") == "1")
