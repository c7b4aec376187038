"""Sign-in, passwords, home, my account, and the people and teams pages."""
from __future__ import annotations

from urllib.parse import urljoin, urlsplit

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import bindparam, select

from equiptrain import ui
from equiptrain.accounts import importer, queries, services, tokens
from equiptrain.accounts.forms import (ChangePasswordForm, EmptyForm, ImportForm, InviteToTeamForm, MembershipForm,
                                       NewPersonForm, OrganisationForm, PersonForm, RequestResetForm, RolesForm,
                                       SetPasswordForm, SignInForm, TeamForm)
from equiptrain.accounts.models import MembershipRole, Organisation, Profession, Team, TeamSetting, TrainerKind, User
from equiptrain.authz import get_or_abort, roles_required
from equiptrain.db import db_id
from equiptrain.extensions import db, limiter, login_manager
from equiptrain.forms import choices

bp = Blueprint("accounts", __name__)

ui.add_nav("Home", "accounts.home", ("learner",), order=0)
ui.add_nav("People", "accounts.people", ("admin",), order=80)
ui.add_nav("Teams", "accounts.teams", ("admin",), order=81)


_USER_BY_ID = select(User).where(User.id == bindparam("id"))


@login_manager.user_loader
def load_user(ident: str) -> User | None:
    user_id, _, nonce = ident.partition(":")
    if not user_id.isdigit():
        return None
    # One prepared statement (its cache key is worked out once, not per request, which matters with the role
    # subqueries on User); the roles every page's navigation needs come in the same row.
    user = db.session.execute(_USER_BY_ID, {"id": int(user_id)}).scalar_one_or_none()
    if user is None or user.session_nonce != nonce or not user.is_active:
        return None
    return user


def _safe_next(target: str | None) -> str | None:
    """Only same-site paths are followed after sign-in."""
    if not target:
        return None
    joined = urlsplit(urljoin(request.host_url, target))
    if joined.scheme not in ("http", "https") or joined.netloc != urlsplit(request.host_url).netloc:
        return None
    if target.startswith(("//", "\\")) or "\\" in target:
        return None
    return joined.path + (f"?{joined.query}" if joined.query else "")


def _account_key() -> str:
    return "signin:" + services.normalise_email(request.form.get("email", ""))


def _failed(response) -> bool:
    return response.status_code == 200  # a re-rendered form; success redirects


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["SIGNIN_LIMIT_PER_ACCOUNT"], key_func=_account_key, methods=["POST"],
               deduct_when=_failed, scope="signin-account")
@limiter.limit(lambda: current_app.config["SIGNIN_LIMIT_PER_ADDRESS"], methods=["POST"], deduct_when=_failed,
               scope="signin-address")
def sign_in():
    if current_user.is_authenticated:
        return redirect(url_for("accounts.home"))
    form = SignInForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None:
            login_user(user)
            return redirect(_safe_next(request.args.get("next")) or url_for("accounts.home"))
        form.form_errors.append("The email address or password is not right. Check them and try again, or "
                                "reset your password.")
    return render_template("accounts/sign_in.html", form=form)


@bp.route("/sign-out", methods=["POST"])
def sign_out():
    EmptyForm().validate_on_submit() or abort(400)
    logout_user()
    flash("You have signed out.", "info")
    return redirect(url_for("accounts.sign_in"))


@bp.route("/reset-password", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["SIGNIN_LIMIT_PER_ADDRESS"], methods=["POST"], scope="reset")
def request_reset():
    form = RequestResetForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        return render_template("accounts/reset_sent.html", email=form.email.data)
    return render_template("accounts/request_reset.html", form=form)


@bp.route("/set-password/<token>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["SIGNIN_LIMIT_PER_ADDRESS"], methods=["POST"], scope="set-password")
def set_password(token: str):
    purpose = tokens.RESET if request.args.get("reset") else tokens.INVITE
    user, reason = tokens.read_token(token, purpose)
    if user is None:
        return render_template("accounts/link_invalid.html", reason=reason), 400
    form = SetPasswordForm()
    form._email, form._name = user.email, user.name
    if form.validate_on_submit():
        services.set_password(user, form.password.data)
        logout_user()
        login_user(user)
        flash("Your password is set. You are signed in.", "info")
        return redirect(url_for("accounts.home"))
    return render_template("accounts/set_password.html", form=form, user=user, purpose=purpose)


@bp.route("/")
def home():
    if not current_user.is_authenticated:
        return redirect(url_for("accounts.sign_in"))
    return render_template("accounts/home.html", panels=ui.home_panels(current_user))


@bp.route("/account", methods=["GET", "POST"])
@login_required
def my_account():
    form = ChangePasswordForm()
    form._email, form._name = current_user.email, current_user.name
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.current_password.data, form.password.data)
        except services.ServiceError as exc:
            form.current_password.errors.append(exc.message)
        else:
            login_user(current_user._get_current_object())  # this session continues with the new nonce; others end
            flash("Your password has been changed. You have been signed out everywhere else.", "info")
            return redirect(url_for("accounts.my_account"))
    return render_template("accounts/my_account.html", form=form)


@bp.route("/about")
def about():
    return render_template("accounts/about.html")


@bp.route("/accessibility")
def accessibility():
    return render_template("accounts/accessibility.html")


@bp.route("/privacy")
def privacy():
    return render_template("accounts/privacy.html")


# -- administration ------------------------------------------------------------------------------------------------

def _team_choices(org: Organisation, blank: str | None = "No team") -> list[tuple[str, str]]:
    return choices(([("", blank)] if blank else []) + [(t.id, t.name) for t in org.teams])


@bp.route("/admin/people")
@roles_required("admin")
def people():
    org = queries.admin_organisation(current_user)
    search = request.args.get("q", "").strip()
    team_id = request.args.get("team", type=db_id)
    page = request.args.get("page", 1, type=db_id)
    rows, total = queries.people_page(org, search, team_id, page)
    return render_template("accounts/people.html", org=org, people=rows, total=total, search=search,
                           team_id=team_id, page=page, page_size=queries.PAGE_SIZE,
                           organisations=queries.organisations_for(current_user))


@bp.route("/admin/people/new", methods=["GET", "POST"])
@roles_required("admin")
def new_person():
    org = queries.admin_organisation(current_user)
    form = NewPersonForm()
    form.team.choices = _team_choices(org)
    if form.validate_on_submit():
        try:
            user = services.create_user(
                current_user, name=form.name.data, email=form.email.data,
                profession=Profession(form.profession.data), organisation=org,
                employee_number=form.employee_number.data, is_org_admin=form.is_org_admin.data,
                trainer_kind=TrainerKind(form.trainer_kind.data) if form.trainer_kind.data else None)
            if form.team.data:
                team = get_or_abort(Team, int(form.team.data), "manage")
                services.set_membership(current_user, user, team, MembershipRole(form.team_role.data))
            services.invite(current_user, user)
        except services.ServiceError as exc:
            getattr(form, exc.field or "name").errors.append(exc.message)
        else:
            flash(f"{user.name} has been added and sent an invitation to set a password.", "info")
            return redirect(url_for("accounts.person", user_id=user.id))
    return render_template("accounts/new_person.html", form=form, org=org)


@bp.route("/admin/people/<int:user_id>", methods=["GET", "POST"])
@roles_required("admin")
def person(user_id: int):
    user = get_or_abort(User, user_id, "manage")
    form = PersonForm(obj=user if request.method == "GET" else None)
    if request.method == "GET":
        form.profession.data = user.profession.value
    if form.validate_on_submit():
        try:
            services.update_details(current_user, user, name=form.name.data, email=form.email.data,
                                    profession=Profession(form.profession.data),
                                    employee_number=form.employee_number.data)
        except services.ServiceError as exc:
            getattr(form, exc.field or "name").errors.append(exc.message)
        else:
            flash("Details saved.", "info")
            return redirect(url_for("accounts.person", user_id=user.id))
    roles = RolesForm(trainer_kind=user.trainer_profile.kind.value if user.trainer_profile else "",
                      is_org_admin=user.is_org_admin, is_programme_lead=user.is_programme_lead)
    membership = MembershipForm()
    membership.team.choices = _team_choices(user.organisation, blank="Choose a team") if user.organisation else []
    return render_template("accounts/person.html", person=user, form=form, roles_form=roles,
                           membership_form=membership, action_form=EmptyForm())


@bp.route("/admin/people/<int:user_id>/roles", methods=["POST"])
@roles_required("admin")
def person_roles(user_id: int):
    user = get_or_abort(User, user_id, "manage")
    form = RolesForm()
    if form.validate_on_submit():
        try:
            services.set_admin_roles(current_user, user, is_org_admin=form.is_org_admin.data,
                                     trainer_kind=TrainerKind(form.trainer_kind.data) if form.trainer_kind.data
                                     else None, is_programme_lead=form.is_programme_lead.data)
            flash("Roles saved.", "info")
        except services.ServiceError as exc:
            flash(exc.message, "error")
    return redirect(url_for("accounts.person", user_id=user.id))


@bp.route("/admin/people/<int:user_id>/membership", methods=["POST"])
@roles_required("admin")
def person_membership(user_id: int):
    user = get_or_abort(User, user_id, "manage")
    form = MembershipForm()
    form.team.choices = _team_choices(user.organisation, blank=None) if user.organisation else []
    if not form.validate_on_submit():
        flash("Choose a team and a role, then save.", "error")
        return redirect(url_for("accounts.person", user_id=user.id))
    team = get_or_abort(Team, int(form.team.data), "manage")
    role = None if form.team_role.data == "remove" else MembershipRole(form.team_role.data)
    services.set_membership(current_user, user, team, role)
    flash(f"Team membership for {team.name} saved.", "info")
    return redirect(url_for("accounts.person", user_id=user.id))


@bp.route("/admin/people/<int:user_id>/<any(deactivate, reactivate, invite):action>", methods=["POST"])
@roles_required("admin")
def person_action(user_id: int, action: str):
    user = get_or_abort(User, user_id, "manage")
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        getattr(services, action)(current_user, user)
    except services.ServiceError as exc:
        flash(exc.message, "error")
    else:
        flash({"deactivate": f"{user.name} has been deactivated. Their records are kept.",
               "reactivate": f"{user.name} can sign in again.",
               "invite": f"A new invitation has been sent to {user.email}."}[action], "info")
    return redirect(url_for("accounts.person", user_id=user.id))


@bp.route("/admin/teams", methods=["GET", "POST"])
@roles_required("admin")
def teams():
    org = queries.admin_organisation(current_user)
    form = TeamForm()
    if form.validate_on_submit():
        try:
            team = services.create_team(current_user, org, form.name.data, TeamSetting(form.setting.data))
        except services.ServiceError as exc:
            form.name.errors.append(exc.message)
        else:
            flash(f"Team {team.name} created.", "info")
            return redirect(url_for("accounts.teams", org=org.id))
    return render_template("accounts/teams.html", org=org, rows=queries.teams_with_counts(org), form=form,
                           organisations=queries.organisations_for(current_user))


@bp.route("/admin/import", methods=["GET", "POST"])
@roles_required("admin")
def import_people():
    org = queries.admin_organisation(current_user)
    form = ImportForm()
    problems = []
    if form.validate_on_submit():
        raw = form.file.data.read()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            form.file.errors.append("The file is not UTF-8 text. Save it from your spreadsheet as 'CSV UTF-8'.")
        else:
            try:
                result = importer.import_users(current_user, org, text)
            except importer.ImportInvalid as exc:
                problems = exc.problems
                form.file.errors.append(f"Nobody was imported: the file has {len(problems)} problem(s), listed "
                                        "below. Correct them and upload the file again.")
            else:
                flash(f"Imported {len(result.created)} new people (invited by email) and updated "
                      f"{len(result.updated)}.", "info")
                return redirect(url_for("accounts.people", org=org.id))
    return render_template("accounts/import.html", form=form, org=org, problems=problems,
                           columns=importer.COLUMNS)


@bp.route("/admin/organisations", methods=["GET", "POST"])
@roles_required("platform_admin")
def organisations():
    form = OrganisationForm()
    if form.validate_on_submit():
        try:
            org = services.create_organisation(current_user, form.name.data)
        except services.ServiceError as exc:
            form.name.errors.append(exc.message)
        else:
            flash(f"{org.name} created.", "info")
            return redirect(url_for("accounts.organisations"))
    return render_template("accounts/organisations.html", form=form,
                           organisations=queries.organisations_for(current_user))


# -- a manager's team ----------------------------------------------------------------------------------------------

@bp.route("/teams/<int:team_id>")
@roles_required("manager", "admin")
def team(team_id: int):
    team = get_or_abort(Team, team_id, "invite")
    return render_template("accounts/team.html", team=team, members=queries.team_members(team))


@bp.route("/teams/<int:team_id>/invite", methods=["GET", "POST"])
@roles_required("manager", "admin")
def invite_to_team(team_id: int):
    team = get_or_abort(Team, team_id, "invite")
    form = InviteToTeamForm()
    if form.validate_on_submit():
        existing = services.find_user_by_email(form.email.data)
        try:
            if existing is not None:
                if existing.organisation_id != team.organisation_id:
                    raise services.ServiceError(f"{existing.email} belongs to another organisation. "
                                                "Ask an administrator to add them.", "email")
                services.set_membership(current_user, existing, team, MembershipRole.MEMBER)
                message = f"{existing.name} already had an account and has been added to {team.name}."
            else:
                user = services.create_user(current_user, name=form.name.data, email=form.email.data,
                                            profession=Profession(form.profession.data),
                                            organisation=team.organisation,
                                            employee_number=form.employee_number.data)
                services.set_membership(current_user, user, team, MembershipRole.MEMBER)
                services.invite(current_user, user)
                message = f"{user.name} has been added to {team.name} and sent an invitation."
        except services.ServiceError as exc:
            getattr(form, exc.field or "email").errors.append(exc.message)
        else:
            flash(message, "info")
            return redirect(url_for("accounts.team", team_id=team.id))
    return render_template("accounts/invite.html", form=form, team=team)
