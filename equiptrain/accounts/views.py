"""Sign-in, passwords, home, my account, and the people and teams pages."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import bindparam, select

from equiptrain import transaction, ui
from equiptrain.accounts import importer, invitations, limits, queries, services, sso, tokens
from equiptrain.accounts.forms import (
    ChangePasswordForm,
    EmptyForm,
    ImportForm,
    InviteToTeamForm,
    MembershipForm,
    NewPersonForm,
    OrganisationForm,
    PersonForm,
    RequestResetForm,
    RolesForm,
    SetPasswordForm,
    SignInForm,
    TeamForm,
)
from equiptrain.accounts.models import (
    BulkInvitation,
    MembershipRole,
    Organisation,
    Profession,
    Team,
    TeamSetting,
    User,
    UserSession,
)
from equiptrain.accounts.roles import trainer_role
from equiptrain.auditlog.models import AuditEvent
from equiptrain.auditlog.services import log_event
from equiptrain.authz import get_or_abort, roles_required
from equiptrain.db import db_id
from equiptrain.errors import ServiceError
from equiptrain.extensions import db, limiter, login_manager
from equiptrain.forms import choices, form_error

bp = Blueprint("accounts", __name__)

ui.add_nav("Home", "accounts.home", ("learner",), order=0)
ui.add_nav(
    "People",
    "accounts.people",
    ("admin",),
    order=80,
    description="Everyone in the organisation: invite, change roles and teams, deactivate.",
)
ui.add_nav(
    "Import staff",
    "accounts.import_people",
    ("admin",),
    order=80,
    description="Add or update many people at once from a spreadsheet (CSV) exported from ESR.",
)
ui.add_nav("Teams", "accounts.teams", ("admin",), order=81, description="Teams, their settings and their managers.")
ui.add_nav(
    "Audit log",
    "accounts.audit_log",
    ("admin",),
    order=88,
    description="Who changed what and when: roles, records, sign-ins and exports.",
)
ui.add_nav(
    "Organisations",
    "accounts.organisations",
    ("platform_admin",),
    order=89,
    description="The organisations on this platform and their administrators.",
)


# One prepared statement (its cache key is worked out once, not per request, which matters with the role
# subqueries on User): the user, the roles every page's navigation needs, and the session row, in one row.
_USER_BY_SESSION = (
    select(User, UserSession.last_seen_at, UserSession.remember, UserSession.created_at)
    .join(UserSession, UserSession.user_id == User.id)
    .where(UserSession.id == bindparam("digest"))
)


@login_manager.user_loader
def load_user(token: str) -> User | None:
    """The signed-in user, only while their session row exists (signing out deletes it, on every server).
    Flask-Login's remember-me cookie carries the same token, so it cannot outlive the session either."""
    if not token or len(token) > 100:
        return None
    row = db.session.execute(_USER_BY_SESSION, {"digest": services.session_digest(token)}).first()
    if row is None or not row[0].is_active:
        return None
    user, last_seen_at, remember, created_at = row
    if services.session_expired(last_seen_at, remember, created_at):
        return None  # idle too long (or a remembered session past its days); the schedule deletes the row
    user.session_token = token
    if transaction.writing():  # a page view never writes; a writing request notes the session in use
        services.touch_session(token, last_seen_at)
    elif services.seen_long_ago(last_seen_at):  # a page view notes it by a job after the response, hourly at most
        transaction.after_commit(services.touch_session_digest, services.session_digest(token))
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


def _account() -> str:
    return services.normalise_email(request.form.get("email", ""))


def _account_and_address_key() -> str:
    """A browser that signed in to this account before counts its failures on its own key, not the address's: a
    colleague guessing at the same trust address cannot use up the person's own tries."""
    if _known_browser():
        return f"signin:{_account()}:known-browser"
    return f"signin:{_account()}:{get_remote_address()}"


def _account_key() -> str:
    return f"signin:{_account()}"


def _known_browser() -> bool:
    """This browser signed in to the account being tried before (a signed device cookie says so), so guessing
    from elsewhere does not hold it back."""
    return limits.known_browser(request.cookies.get(limits.DEVICE_COOKIE), _account())


def _failed(response) -> bool:
    return response.status_code == 200  # a re-rendered form; success redirects


# Three limits on failed sign-ins, in a store every worker and server shares (RATELIMIT_STORAGE_URI):
# one account from one address (the guesser next to you), one address over every account (a spray), and one
# account from every address over a longer window (a botnet). The last cannot lock the person out: the browsers
# they have signed in with before are exempt, and no single address can fill it on its own (its own limit
# is lower). Only failures count; the right password is answered as usual while under a limit it is exempt from.
# NHS staff share a handful of trust addresses: a browser that has signed in to the account before is exempt from
# the address's limit and counts its own failures apart from the address's (issue 24), so other people's failures
# there never block it, and its own failures still meet the per-account limit.
@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["SIGNIN_LIMIT_PER_ACCOUNT"],
    key_func=_account_and_address_key,
    methods=["POST"],
    deduct_when=_failed,
    scope="signin-account-address",
)
@limiter.limit(
    lambda: current_app.config["SIGNIN_LIMIT_PER_ADDRESS"],
    methods=["POST"],
    deduct_when=_failed,
    exempt_when=_known_browser,
    scope="signin-address",
)
@limiter.limit(
    lambda: current_app.config["SIGNIN_LIMIT_PER_ACCOUNT_ANY_ADDRESS"],
    key_func=_account_key,
    methods=["POST"],
    deduct_when=_failed,
    exempt_when=_known_browser,
    scope="signin-account",
)
def sign_in():
    # A POST here mostly hashes a password: its reads begin deferred; authenticate() takes the write lock
    # only for its short write, after the hash (see equiptrain/transaction.py).
    transaction.reads_first()
    if current_user.is_authenticated:
        return redirect(url_for("accounts.home"))
    form = SignInForm()
    if request.method == "POST" and (sso_redirect := _single_sign_on(form)):
        return sso_redirect
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None:
            services.start_session(user, remember=bool(form.remember.data))
            login_user(user, remember=bool(form.remember.data))
            response = redirect(_safe_next(request.args.get("next")) or url_for("accounts.home"))
            limits.remember_browser(response, user.email)
            return response
        form.form_errors.append(
            "The email address or password is not right. Check them and try again, or reset your password."
        )
    return render_template("accounts/sign_in.html", form=form)


def _single_sign_on(form: SignInForm):
    """Single sign-on from the password form: an address whose domain a provider vouches for, given without a
    password, goes to that provider; a member of an organisation that signs in only that way is told so."""
    email = form.email.data or ""
    if not request.form.get("password") and (provider := sso.provider_for_email(email)) is not None:
        return render_template(
            "sso/continue.html",
            target=url_for("sso.start", provider_id=provider.id, next=_safe_next(request.args.get("next"))),
            title=f"Signing in with {provider.name}",
            message=f"Your organisation signs in with {provider.name}. You are being taken there to sign in.",
            link_text=f"Continue to {provider.name}",
        )
    user = services.find_user_by_email(email) if email else None
    if user is not None and not sso.password_allowed(user):
        log_event("sign_in.refused", None, user, reason="password sign-in is off for the organisation")
        form.form_errors.append(
            "Your organisation signs in with your NHS account, not a password. Use the sign in with button above."
        )
        return render_template("accounts/sign_in.html", form=form)
    return None


@bp.route("/sign-out", methods=["POST"])
def sign_out():
    EmptyForm().validate_on_submit() or abort(400)
    provider_logout = None
    if current_user.is_authenticated:
        provider_logout = sso.provider_logout_url(current_user.session_token)  # before its session row goes
        services.end_session(current_user.session_token)
    logout_user()
    if provider_logout:  # RP-initiated logout: sign out of the NHS account too
        return render_template(
            "sso/continue.html",
            target=provider_logout,
            title="Signing you out of your NHS account",
            message="You have signed out of EquipTrain. You are being taken to your NHS account to sign out there.",
            link_text="Continue to sign out of your NHS account",
        )
    flash("You have signed out.", "info")
    return redirect(url_for("accounts.sign_in"))


@bp.route("/account/sign-out-everywhere", methods=["POST"])
@login_required
def sign_out_everywhere():
    EmptyForm().validate_on_submit() or abort(400)
    ended = services.sign_out_everywhere(current_user._get_current_object())
    logout_user()
    flash(f"You have signed out of every device ({ended} session{'s' if ended != 1 else ''}).", "info")
    return redirect(url_for("accounts.sign_in"))


@bp.route("/reset-password", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["SIGNIN_LIMIT_PER_ADDRESS"], methods=["POST"], scope="reset")
def request_reset():
    form = RequestResetForm()
    if form.validate_on_submit():
        # The answer must not reveal whether the account exists, in its words, its timing or its writes: the
        # request writes the same one outbox row for every address, and the look-up, the token and the mail
        # happen after it, off this thread. The row is the truth, so a pending reset survives a restart.
        services.queue_password_reset(form.email.data, ip_address=request.remote_addr)
        return render_template("accounts/reset_sent.html", email=form.email.data)
    return render_template("accounts/request_reset.html", form=form)


@bp.route("/set-password/<token>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["SIGNIN_LIMIT_PER_ADDRESS"], methods=["POST"], scope="set-password")
def set_password(token: str):
    purpose = tokens.RESET if request.args.get("reset") else tokens.INVITE
    user, reason = tokens.read_token(token, purpose)
    if user is not None and not sso.password_allowed(user):  # a link sent before password sign-in was turned off
        user, reason = None, "Your organisation signs in with your NHS account: there is no password to set."
    if user is None:
        return render_template("accounts/link_invalid.html", reason=reason), 400
    form = SetPasswordForm()
    form._email, form._name = user.email, user.name
    if form.validate_on_submit():
        services.set_password(user, form.password.data)
        logout_user()
        services.start_session(user)
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
        except ServiceError as exc:
            form_error(form, exc, "current_password")
        else:
            user = current_user._get_current_object()
            services.start_session(user)  # every session ended with the change; this browser gets a new one
            login_user(user)
            flash("Your password has been changed. You have been signed out everywhere else.", "info")
            return redirect(url_for("accounts.my_account"))
    return render_template("accounts/my_account.html", form=form, everywhere_form=EmptyForm())


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
    return render_template(
        "accounts/people.html",
        org=org,
        people=rows,
        total=total,
        search=search,
        team_id=team_id,
        page=page,
        page_size=queries.PAGE_SIZE,
        organisations=queries.organisations_for(current_user),
    )


@bp.route("/admin/people/new", methods=["GET", "POST"])
@roles_required("admin")
def new_person():
    org = queries.admin_organisation(current_user)
    form = NewPersonForm()
    form.team.choices = _team_choices(org)
    if form.validate_on_submit():
        try:
            user = services.create_user(
                current_user,
                name=form.name.data,
                email=form.email.data,
                profession=Profession(form.profession.data),
                organisation=org,
                employee_number=form.employee_number.data,
                is_org_admin=form.is_org_admin.data,
                trainer_kind=form.trainer_kind.data or None,
            )
            if form.team.data:
                team = get_or_abort(Team, int(form.team.data), "manage")
                services.set_membership(current_user, user, team, MembershipRole(form.team_role.data))
            services.invite(current_user, user)
        except ServiceError as exc:
            form_error(form, exc, "name")
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
            services.update_details(
                current_user,
                user,
                name=form.name.data,
                email=form.email.data,
                profession=Profession(form.profession.data),
                employee_number=form.employee_number.data,
            )
        except ServiceError as exc:
            form_error(form, exc, "name")
        else:
            flash("Details saved.", "info")
            return redirect(url_for("accounts.person", user_id=user.id))
    roles = RolesForm(
        trainer_kind=trainer_role().kind_of(user) or "",
        is_org_admin=user.is_org_admin,
        is_programme_lead=user.is_programme_lead,
    )
    membership = MembershipForm()
    membership.team.choices = _team_choices(user.organisation, blank="Choose a team") if user.organisation else []
    return render_template(
        "accounts/person.html",
        person=user,
        form=form,
        roles_form=roles,
        membership_form=membership,
        action_form=EmptyForm(),
    )


@bp.route("/admin/people/<int:user_id>/roles", methods=["POST"])
@roles_required("admin")
def person_roles(user_id: int):
    user = get_or_abort(User, user_id, "manage")
    form = RolesForm()
    if form.validate_on_submit():
        try:
            services.set_admin_roles(
                current_user,
                user,
                is_org_admin=form.is_org_admin.data,
                trainer_kind=form.trainer_kind.data or None,
                is_programme_lead=form.is_programme_lead.data,
            )
            flash("Roles saved.", "info")
        except ServiceError as exc:
            flash(exc.message, "error")
    else:
        for errors in form.errors.values():
            flash(errors[0], "error")
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
    except ServiceError as exc:
        flash(exc.message, "error")
    else:
        flash(
            {
                "deactivate": f"{user.name} has been deactivated. Their records are kept.",
                "reactivate": f"{user.name} can sign in again.",
                "invite": f"A new invitation has been sent to {user.email}.",
            }[action],
            "info",
        )
    return redirect(url_for("accounts.person", user_id=user.id))


@bp.route("/admin/teams", methods=["GET", "POST"])
@roles_required("admin")
def teams():
    org = queries.admin_organisation(current_user)
    form = TeamForm()
    if form.validate_on_submit():
        try:
            team = services.create_team(current_user, org, form.name.data, TeamSetting(form.setting.data))
        except ServiceError as exc:
            form_error(form, exc, "name")
        else:
            flash(f"Team {team.name} created.", "info")
            return redirect(url_for("accounts.teams", org=org.id))
    return render_template(
        "accounts/teams.html",
        org=org,
        rows=queries.teams_with_counts(org),
        form=form,
        organisations=queries.organisations_for(current_user),
    )


@bp.route("/admin/import", methods=["GET", "POST"])
@roles_required("admin")
def import_people():
    org = queries.admin_organisation(current_user)
    form = ImportForm()
    problems, total = [], 0
    if form.validate_on_submit():
        upload = form.file.data
        try:
            text = importer.read_limited(upload.stream, request.content_length)
            result = importer.import_users(current_user, org, text)
        except importer.ImportInvalid as exc:
            problems, total = exc.problems, exc.total
            form.file.errors.append(
                f"Nobody was imported: the file has {total} problem(s)"
                + (f"; the first {len(problems)} are listed below" if total > len(problems) else ", listed below")
                + ". Correct them and upload the file again."
            )
        else:
            flash(
                f"Imported {len(result.created)} new people and updated {len(result.updated)}."
                + (" Their invitations are being sent." if result.invitations else ""),
                "info",
            )
            if result.invitations is not None:
                invitations.start(result.invitations.id)
                return redirect(url_for("accounts.import_progress", run_id=result.invitations.id))
            return redirect(url_for("accounts.people", org=org.id))
    return render_template(
        "accounts/import.html",
        form=form,
        org=org,
        problems=problems,
        total=total,
        columns=importer.COLUMNS,
        max_rows=current_app.config["IMPORT_MAX_ROWS"],
        max_megabytes=current_app.config["IMPORT_MAX_BYTES"] / 1024 / 1024,
    )


@bp.route("/admin/import/invitations/<int:run_id>")
@roles_required("admin")
def import_progress(run_id: int):
    run = get_or_abort(BulkInvitation, run_id, "view")
    restarted = invitations.resume_stalled(run)
    return render_template("accounts/import_progress.html", run=run, restarted=restarted)


@bp.route("/admin/organisations", methods=["GET", "POST"])
@roles_required("platform_admin")
def organisations():
    form = OrganisationForm()
    if form.validate_on_submit():
        try:
            org = services.create_organisation(current_user, form.name.data)
        except ServiceError as exc:
            form_error(form, exc, "name")
        else:
            flash(f"{org.name} created.", "info")
            return redirect(url_for("accounts.organisations"))
    return render_template(
        "accounts/organisations.html", form=form, organisations=queries.organisations_for(current_user)
    )


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
                    raise ServiceError(
                        f"{existing.email} belongs to another organisation. Ask an administrator to add them.", "email"
                    )
                services.set_membership(current_user, existing, team, MembershipRole.MEMBER)
                message = f"{existing.name} already had an account and has been added to {team.name}."
            else:
                user = services.create_user(
                    current_user,
                    name=form.name.data,
                    email=form.email.data,
                    profession=Profession(form.profession.data),
                    organisation=team.organisation,
                    employee_number=form.employee_number.data,
                )
                services.set_membership(current_user, user, team, MembershipRole.MEMBER)
                services.invite(current_user, user)
                message = f"{user.name} has been added to {team.name} and sent an invitation."
        except ServiceError as exc:
            form_error(form, exc, "email")
        else:
            flash(message, "info")
            return redirect(url_for("accounts.team", team_id=team.id))
    return render_template("accounts/invite.html", form=form, team=team)


AUDIT_PAGE_SIZE = 100


@bp.route("/admin/audit")
@roles_required("admin")
def audit_log():
    """The organisation's audit log, newest first (the audit package records; the admin area shows)."""
    org = queries.admin_organisation(current_user)
    action = request.args.get("action", "").strip()
    stmt = (
        select(AuditEvent, User)
        .outerjoin(User, User.id == AuditEvent.actor_id)
        .where(AuditEvent.organisation_id == org.id)
    )
    if action:
        stmt = stmt.where(AuditEvent.action.startswith(action))
    events = db.session.execute(stmt.order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(AUDIT_PAGE_SIZE)).all()
    return render_template("accounts/audit_log.html", events=events, org=org, action=action)
