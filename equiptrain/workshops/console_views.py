"""The day itself: the register, self check-in, the facilitator's console and presenter view, and live
role-play rounds on participants' phones. Everything works by ordinary page loads and refreshes."""

from __future__ import annotations

import re
from html import unescape as html_unescape

import segno
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup, escape

from equiptrain.accounts.services import administers
from equiptrain.authz import get_or_abort, roles_required
from equiptrain.content.models import Scenario, Unit
from equiptrain.db import db_id
from equiptrain.errors import ServiceError
from equiptrain.extensions import db
from equiptrain.forms import choices, form_error
from equiptrain.mail import external_url
from equiptrain.workshops import attendance, roleplay
from equiptrain.workshops.forms import AfterwardsForm, CheckInForm, EmptyForm, ObservationForm, RoundForm
from equiptrain.workshops.models import AttendanceStatus, Role, RolePlayRound, Workshop, WorkshopSession
from equiptrain.workshops.views import bp


def _facilitated(workshop_id: int) -> Workshop:
    return get_or_abort(Workshop, workshop_id, "facilitate")


def _session(workshop: Workshop) -> WorkshopSession:
    """The session named by ?session=N (or the form), else the one whose register is open."""
    try:
        return attendance.session_number(workshop, request.values.get("session", type=db_id))
    except ServiceError as exc:
        abort(404, exc.message)


# -- the register and check-in -----------------------------------------------------------------------------------


@bp.route("/workshops/<int:workshop_id>/register", methods=["GET", "POST"])
@roles_required("trainer", "admin")
def register(workshop_id: int):
    workshop = _facilitated(workshop_id)
    session = _session(workshop)
    form = EmptyForm()
    if form.validate_on_submit():
        statuses = {}
        for key, value in request.form.items():
            if key.startswith("person-") and value:
                try:
                    statuses[int(key.removeprefix("person-"))] = AttendanceStatus(value)
                except ValueError:
                    abort(400)
        try:
            attendance.mark(current_user, workshop, statuses, session)
            if request.form.get("action") == "sign_off":
                n = attendance.sign_off(current_user, workshop, session)
                if len(workshop.sessions) == 1:
                    flash(f"Register signed off: {n} attended. They have been credited and asked for feedback.", "info")
                else:
                    flash(
                        f"{session.label} signed off: {n} attended."
                        + (
                            " Every session is now signed off: attendance of the workshop is credited and people "
                            "have been asked for anonymous feedback."
                            if workshop.signed_off_at
                            else ""
                        ),
                        "info",
                    )
            else:
                flash("Register saved.", "info")
            return redirect(url_for("workshops.register", workshop_id=workshop.id, session=session.number))
        except ServiceError as exc:
            flash(exc.message, "error")
    return _register_page(workshop, session, form)


def _register_page(workshop, session, form, afterwards=None, status=200):
    rows = attendance.register_rows(workshop, session)
    if afterwards is None and session.signed_off_at and administers(current_user, workshop.organisation_id):
        afterwards = AfterwardsForm(prefix="after")
    if afterwards is not None:
        afterwards.person.choices = choices(
            [("", "Choose a person")]
            + [(u.id, u.name) for u, _, a in rows if not (a and a.status and a.status.attended)]
        )
    return render_template(
        "workshops/register.html",
        workshop=workshop,
        session=session,
        rows=rows,
        form=form,
        afterwards=afterwards,
        statuses=list(AttendanceStatus),
    ), status


@bp.route("/workshops/<int:workshop_id>/register/afterwards", methods=["POST"])
@roles_required("admin")
def register_afterwards(workshop_id: int):
    """An administrator's override: someone the signed-off register missed came after all (audited)."""
    workshop = _facilitated(workshop_id)
    session = _session(workshop)
    form = AfterwardsForm(prefix="after")
    rows = attendance.register_rows(workshop, session)
    form.person.choices = choices([("", "Choose a person")] + [(u.id, u.name) for u, _, _ in rows])
    if form.validate_on_submit():
        person = next(u for u, _, _ in rows if str(u.id) == form.person.data)
        try:
            attendance.record_afterwards(
                current_user, workshop, session, person, AttendanceStatus(form.status.data), form.reason.data
            )
        except ServiceError as exc:
            form_error(form, exc, "person")
        else:
            flash(f"{person.name} is now recorded as {form.status.data} at {session.label.lower()}.", "info")
            return redirect(url_for("workshops.register", workshop_id=workshop.id, session=session.number))
    return _register_page(workshop, session, EmptyForm(), afterwards=form, status=400)


@bp.route("/workshops/<int:workshop_id>/check-in", methods=["GET", "POST"])
@roles_required("trainer", "admin")
def check_in_screen(workshop_id: int):
    workshop = _facilitated(workshop_id)
    session = _session(workshop)
    form = EmptyForm()
    if form.validate_on_submit():
        try:
            if request.form.get("action") == "close":
                attendance.close_check_in(current_user, workshop, session)
            else:
                attendance.open_check_in(current_user, workshop, session)
        except ServiceError as exc:
            flash(exc.message, "error")
        return redirect(url_for("workshops.check_in_screen", workshop_id=workshop.id, session=session.number))
    qr = None
    if session.checkin_open:
        url = external_url("workshops.check_in", code=session.checkin_code)
        qr = Markup(
            segno.make(url, error="m").svg_inline(scale=6, omitsize=True, title=f"QR code for checking in: {url}")
        )
    return render_template("workshops/check_in_screen.html", workshop=workshop, session=session, form=form, qr=qr)


@bp.route("/workshops/check-in", methods=["GET", "POST"])
@roles_required("learner")
def check_in():
    form = CheckInForm()
    if request.method == "GET" and request.args.get("code"):
        form.code.data = request.args["code"]
    if form.validate_on_submit():
        try:
            workshop = attendance.check_in(current_user, form.code.data)
        except ServiceError as exc:
            form_error(form, exc, "code")
        else:
            flash(f"You are checked in to {workshop.title}.", "info")
            return redirect(url_for("workshops.detail", workshop_id=workshop.id))
    return render_template("workshops/check_in.html", form=form)


# -- the console -------------------------------------------------------------------------------------------------


def agenda(workshop: Workshop) -> list[dict]:
    """The workshop's steps from its modules: each module's introduction, units and role plays, with timings."""
    steps = []
    scenarios = roleplay.scenarios_for(workshop)
    for module in workshop.modules:
        steps.append({"kind": "module", "title": f"Introduce: {module.title}", "minutes": 5, "module": module})
        for unit in module.units:
            if unit.retired_at is None:
                steps.append(
                    {"kind": "unit", "title": unit.title, "minutes": unit.minutes, "unit": unit, "module": module}
                )
        for scenario in (s for s in scenarios if s.module_id == module.id):
            t = scenario.data.get("timings", {}) or {}
            minutes = sum(int(t.get(k, 0) or 0) for k in ("prepare_minutes", "play_minutes", "debrief_minutes"))
            steps.append(
                {
                    "kind": "roleplay",
                    "title": f"Role play: {scenario.title}",
                    "minutes": minutes or 30,
                    "scenario": scenario,
                    "module": module,
                    "timings": t,
                }
            )
    return steps


@bp.route("/workshops/<int:workshop_id>/console")
@roles_required("trainer", "admin")
def console(workshop_id: int):
    workshop = _facilitated(workshop_id)
    steps = agenda(workshop)
    step = min(max(request.args.get("step", 1, type=db_id), 1), max(len(steps), 1))
    current = roleplay.current_round(workshop)
    form = RoundForm()
    form.scenario.choices = choices((s.id, f"{s.module.title}: {s.title}") for s in roleplay.scenarios_for(workshop))
    return render_template(
        "workshops/console.html",
        workshop=workshop,
        steps=steps,
        step=step,
        this=steps[step - 1] if steps else None,
        round=current,
        form=form,
        end_form=EmptyForm(),
        observed=roleplay.observed_group_ids(current) if current else set(),
        present=len(roleplay.present_people(workshop)),
        attended=attendance.attended_count(workshop) if roleplay.open_session(workshop) is None else None,
        rounds=roleplay.rounds(workshop),
    )


@bp.route("/workshops/<int:workshop_id>/present/<int:unit_id>")
@roles_required("trainer", "admin")
def present(workshop_id: int, unit_id: int):
    workshop = _facilitated(workshop_id)
    unit = db.session.get(Unit, unit_id)
    if unit is None or unit.module not in workshop.modules:
        abort(404, "That unit is not part of this workshop's modules.")
    return render_template(
        "workshops/present.html", workshop=workshop, unit=unit, body=_presenter_links(workshop, unit.body_html or "")
    )


_UNIT_LINK = re.compile(r'<a href="(/modules/[^"]*)"[^>]*>(.*?)</a>', re.DOTALL)


def _presenter_links(workshop: Workshop, html: str) -> Markup:
    """A unit's links to other units, for the presenter: to the same unit's presenter page when the workshop
    covers it, otherwise plain text (the learner page of a module the trainer has not unlocked would be a 403)."""
    targets = {
        url_for("learning.unit", slug=m.slug, unit_slug=u.slug): url_for(
            "workshops.present", workshop_id=workshop.id, unit_id=u.id
        )
        for m in workshop.modules
        for u in m.units
    }

    def relink(match: re.Match) -> str:
        target = targets.get(html_unescape(match.group(1)))
        return f'<a href="{escape(target)}">{match.group(2)}</a>' if target else match.group(2)

    return Markup(_UNIT_LINK.sub(relink, html))  # the body was sanitised at sync; only hrefs change here


@bp.route("/workshops/<int:workshop_id>/rounds", methods=["POST"])
@roles_required("trainer", "admin")
def rounds(workshop_id: int):
    workshop = _facilitated(workshop_id)
    try:
        if request.form.get("action") == "end":
            EmptyForm().validate_on_submit() or abort(400)
            roleplay.end_round(current_user, workshop)
            flash("Round ended. Debrief with the questions below.", "info")
        else:
            form = RoundForm()
            form.scenario.choices = choices((s.id, s.title) for s in roleplay.scenarios_for(workshop))
            if not form.validate_on_submit():
                raise ServiceError("Choose a scenario for the round.")
            round_ = roleplay.start_round(current_user, workshop, db.session.get(Scenario, int(form.scenario.data)))
            flash(
                f"Round {round_.number} started with {len(round_.groups)} groups. Ask everyone to open the "
                "workshop on their phone.",
                "info",
            )
    except ServiceError as exc:
        flash(exc.message, "error")
    return redirect(url_for("workshops.console", workshop_id=workshop.id) + "#roleplay")


# -- role play on participants' phones ---------------------------------------------------------------------------


def _round(workshop: Workshop, round_id: int) -> RolePlayRound:
    round_ = db.session.get(RolePlayRound, round_id)
    if round_ is None or round_.workshop_id != workshop.id:
        abort(404)
    return round_


@bp.route("/workshops/<int:workshop_id>/roleplay")
@roles_required("learner")
def my_role(workshop_id: int):
    workshop = get_or_abort(Workshop, workshop_id, "view")
    mine = roleplay.latest_assignment(current_user, workshop)
    group = None
    if mine is not None:
        group = [(a.user.name, a.role) for a in mine.group.assignments]
    return render_template(
        "workshops/my_role.html",
        workshop=workshop,
        mine=mine,
        group=group,
        received=roleplay.feedback_for_practitioner(current_user, workshop),
    )


@bp.route("/workshops/<int:workshop_id>/rounds/<int:round_id>/brief/<role>")
@roles_required("learner")
def brief(workshop_id: int, round_id: int, role: str):
    workshop = get_or_abort(Workshop, workshop_id, "view")
    round_ = _round(workshop, round_id)
    try:
        role_ = Role(role)
    except ValueError:
        abort(404)
    get_or_abort(RolePlayRound, round_.id, f"read_{role_.value}_brief")
    text = (round_.scenario.data.get("roles") or {}).get(role_.value)
    if text is None:
        abort(404)
    return render_template("workshops/brief.html", workshop=workshop, round=round_, role=role_, brief=text)


@bp.route("/workshops/<int:workshop_id>/rounds/<int:round_id>/observe", methods=["GET", "POST"])
@roles_required("learner")
def observe(workshop_id: int, round_id: int):
    workshop = get_or_abort(Workshop, workshop_id, "view")
    round_ = _round(workshop, round_id)
    get_or_abort(RolePlayRound, round_.id, "observe")
    form = ObservationForm()
    form.checklist.choices = choices(
        (c["slug"], c["behaviour"]) for c in round_.scenario.data.get("observer_checklist", [])
    )
    if form.validate_on_submit():
        roleplay.submit_observation(current_user, round_, form.checklist.data or [], form.comments.data or "")
        flash("Thank you: your observations have gone to the practitioner.", "info")
        return redirect(url_for("workshops.my_role", workshop_id=workshop.id))
    return render_template("workshops/observe.html", workshop=workshop, round=round_, form=form)
