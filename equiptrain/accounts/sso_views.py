"""Single sign-on pages: the redirect to a provider and the way back, RP-initiated and back-channel logout,
the public key for private_key_jwt, and the organisation administrator's sign-in page."""

from __future__ import annotations

import time

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from equiptrain import ui
from equiptrain.accounts import queries, services, sso, sso_oidc
from equiptrain.accounts.forms import EmptyForm
from equiptrain.accounts.models import User
from equiptrain.accounts.sso_forms import ProviderForm, SsoSettingsForm
from equiptrain.accounts.sso_models import SsoIdentity, SsoProvider
from equiptrain.accounts.sso_oidc import SsoFailure
from equiptrain.authz import get_or_abort, roles_required
from equiptrain.errors import ServiceError
from equiptrain.extensions import csrf, db, limiter
from equiptrain.forms import form_error

bp = Blueprint("sso", __name__)

ui.add_nav(
    "Sign-in and single sign-on",
    "sso.admin",
    ("admin",),
    order=83,
    description="NHS account providers, password sign-in, accounts on first sign-in.",
)

PENDING_KEY = "sso_pending"
PENDING_SECONDS = 600  # a sign-in at the provider must come back within 10 minutes
MAX_PENDING = 3  # sign-ins started in other tabs that are still allowed to come back


def redirect_uri() -> str:
    """The one address every provider is given: `<PUBLIC_URL>/sign-in/sso/callback`."""
    return current_app.config["PUBLIC_URL"].rstrip("/") + "/sign-in/sso/callback"


def signed_out_uri() -> str:
    return current_app.config["PUBLIC_URL"].rstrip("/") + "/sign-in/sso/signed-out"


def backchannel_uri() -> str:
    return current_app.config["PUBLIC_URL"].rstrip("/") + "/sign-in/sso/backchannel-logout"


@bp.app_template_global()
def sso_links(person: User):
    """A person's linked NHS accounts, for their admin page."""
    return sso.links_of(person)


@bp.app_template_global()
def sso_buttons() -> list[SsoProvider]:
    """The providers offered on the sign-in page (asked for by that template only)."""
    return sso.all_providers()


def _problem(failure: SsoFailure, provider: SsoProvider | None, *, email: str = "", user=None):
    # Nothing of the sign-in is kept, only its audit event: a refused request rolls back, so this commits it.
    db.session.rollback()
    sso.refuse(provider, failure, user=user, email=email)
    db.session.commit()
    ask = sso.who_to_ask(provider.organisation_id) if provider is not None and failure.advice == "ask" else []
    status = 502 if failure.reason == "provider_unavailable" else 400
    return render_template("sso/problem.html", failure=failure, provider=provider, ask=ask), status


def _refused(response) -> bool:
    return response.status_code >= 400


# Only refusals count against the address's limit: a whole ward behind one trust proxy signing in at 9 o'clock is
# the normal case, and a successful sign-in is the provider's to limit.
@bp.route("/sign-in/sso/<int:provider_id>")
def start(provider_id: int):
    provider = db.session.get(SsoProvider, provider_id) or abort(404)
    secrets_ = sso_oidc.new_request_secrets()
    try:
        url = sso_oidc.authorization_url(provider, redirect_uri(), secrets_)
    except SsoFailure as failure:
        return _problem(failure, provider)
    pending = [p for p in session.get(PENDING_KEY, []) if time.time() - p.get("at", 0) < PENDING_SECONDS]
    next_path = request.args.get("next") or ""
    pending.append(
        {
            "state": secrets_["state"],
            "nonce": secrets_["nonce"],
            "verifier": secrets_["verifier"],
            "provider": provider.id,
            "at": time.time(),
            "next": next_path if next_path.startswith("/") and not next_path.startswith(("//", "/\\")) else "",
        }
    )
    session[PENDING_KEY] = pending[-MAX_PENDING:]
    return redirect(url)


def _take_pending(state: str) -> dict | None:
    """The sign-in this `state` answers, removed so it cannot be answered twice."""
    pending = session.get(PENDING_KEY, [])
    found = next((p for p in pending if state and p.get("state") == state), None)
    if found is not None:
        session[PENDING_KEY] = [p for p in pending if p is not found]
        if time.time() - found.get("at", 0) >= PENDING_SECONDS:
            return None
    return found


@bp.route("/sign-in/sso/callback")
@limiter.limit(lambda: current_app.config["SIGNIN_LIMIT_PER_ADDRESS"], deduct_when=_refused, scope="sso-callback")
def callback():
    pending = _take_pending(request.args.get("state", "")[:200])
    if pending is None:
        return _problem(
            SsoFailure(
                "state",
                "This sign-in could not be matched to one started in this browser, or it was already used.",
                advice="Go back to the sign-in page and start again (sign-ins have to finish within 10 minutes).",
            ),
            None,
        )
    provider = db.session.get(SsoProvider, pending["provider"])
    if provider is None:
        return _problem(SsoFailure("provider_removed", "This sign-in option has been removed."), None)
    if request.args.get("error"):
        error = request.args["error"][:100]
        message = (
            f"You did not agree to sign in with {provider.name}, or it refused the sign-in."
            if error == "access_denied"
            else f"{provider.name} could not sign you in ({error})."
        )
        return _problem(SsoFailure("provider_error", message, detail=error), provider)
    code = request.args.get("code", "")
    if not code or len(code) > 2000:
        return _problem(SsoFailure("no_code", f"{provider.name} sent no sign-in code."), provider)
    email = ""
    try:
        token = sso_oidc.exchange_code(provider, code, pending["verifier"], redirect_uri())
        claims = sso_oidc.verify_id_token(provider, token["id_token"], pending["nonce"])
        if not claims.get(provider.email_claim):
            claims = {**sso_oidc.userinfo(provider, token.get("access_token", ""), claims["sub"]), **claims}
        email = str(claims.get(provider.email_claim) or "")
        user = sso.resolve(provider, claims)
        sso.apply_mappings(provider, user, claims)
    except SsoFailure as failure:
        return _problem(failure, provider, email=email)
    logout_user()
    token_value = services.start_session(user)
    sso.signed_in(provider, user, claims, token["id_token"], token_value)
    login_user(user)
    return redirect(pending.get("next") or url_for("accounts.home"))


@bp.route("/sign-in/sso/signed-out")
def signed_out():
    return render_template("sso/signed_out.html")


@bp.route("/sign-in/sso/backchannel-logout", methods=["POST"])
@csrf.exempt
@limiter.limit(lambda: current_app.config["SIGNIN_LIMIT_PER_ADDRESS"], deduct_when=_refused, scope="sso-backchannel")
def backchannel_logout():
    """OpenID Connect Back-Channel Logout: the provider posts a signed logout token (no browser, no cookie)."""
    token = request.form.get("logout_token", "")
    issuer = sso_oidc.unverified_issuer(token) if 0 < len(token) < 20000 else None
    candidates = [p for p in sso.all_providers() if p.issuer == issuer] if issuer else []
    last: SsoFailure | None = None
    for provider in candidates:
        try:
            claims = sso_oidc.verify_logout_token(provider, token)
        except SsoFailure as refused:
            last = refused
            continue
        sso.backchannel_logout(provider, claims)
        response = jsonify({})
        response.headers["Cache-Control"] = "no-store"
        return response
    reason = last or SsoFailure("logout_token_unknown", "The logout token names no provider configured here.")
    db.session.rollback()
    sso.refuse(candidates[0] if candidates else None, reason)
    db.session.commit()
    response = jsonify({"error": "invalid_request", "error_description": reason.reason})
    response.headers["Cache-Control"] = "no-store"
    return response, 400


@bp.route("/sign-in/sso/<int:provider_id>/jwks.json")
def provider_jwks(provider_id: int):
    """The public key EquipTrain signs its private_key_jwt assertions with, for a provider to fetch."""
    provider = db.session.get(SsoProvider, provider_id)
    if provider is None or provider.auth_method != "private_key_jwt":
        abort(404)
    try:
        return jsonify(sso_oidc.public_jwks(provider))
    except SsoFailure:
        abort(404)


# -- the organisation administrator's page --------------------------------------------------------------------


def _fields(form: ProviderForm, org, key_file: str | None) -> sso.ProviderFields:
    return sso.ProviderFields(
        name=form.name.data or "",
        issuer=form.issuer.data or "",
        client_id=form.client_id.data or "",
        domains=sso.parse_domains(form.domains.data or ""),
        auth_method=form.auth_method.data,
        client_secret=form.client_secret.data or None,
        key_file=key_file,
        email_claim=form.email_claim.data,
        tenant_id=form.tenant_id.data,
        groups_claim=form.groups_claim.data or "groups",
        required_group=form.required_group.data,
        group_mappings=sso.parse_mappings(form.mappings.data or "", org),
        trust_email=bool(form.trust_email.data),
    )


def _new_key(form: ProviderForm) -> str | None:
    """Save the pasted private key, or a generated one, in the instance folder; None when neither was asked for."""
    if form.auth_method.data != "private_key_jwt":
        return None
    if form.private_key.data and form.private_key.data.strip():
        try:
            name, _key = sso_oidc.save_private_key(form.private_key.data.strip().encode())
        except ValueError as exc:
            raise ServiceError(str(exc), "private_key") from None
        return name
    if form.generate_key.data:
        return sso_oidc.generate_private_key()[0]
    return None


def _save_provider(form: ProviderForm, org, provider: SsoProvider | None) -> SsoProvider:
    key_file = _new_key(form)
    try:
        fields = _fields(form, org, key_file)
        if provider is None:
            return sso.add_provider(current_user, org, fields)
        for unused in sso.update_provider(current_user, provider, fields):
            (sso_oidc.key_folder() / unused).unlink(missing_ok=True)
        return provider
    except ServiceError:
        if key_file:
            (sso_oidc.key_folder() / key_file).unlink(missing_ok=True)
        raise


@bp.route("/admin/sign-in", methods=["GET", "POST"])
@roles_required("admin")
def admin():
    org = queries.admin_organisation(current_user)
    settings = sso.settings_for(org.id)
    settings_form = SsoSettingsForm(
        prefix="settings",
        create_accounts=settings.create_accounts,
        password_sign_in="on" if settings.password_sign_in else "off",
    )
    form = ProviderForm(prefix="provider")
    if request.method == "POST" and "settings-submit" in request.form:
        if settings_form.validate_on_submit():
            try:
                sso.set_settings(
                    current_user,
                    org,
                    create_accounts=bool(settings_form.create_accounts.data),
                    password_sign_in=settings_form.password_sign_in.data == "on",
                )
            except ServiceError as exc:
                form_error(settings_form, exc, "password_sign_in")
            else:
                flash("Sign-in settings saved.", "info")
                return redirect(url_for("sso.admin", org=org.id))
    elif request.method == "POST" and form.validate_on_submit():
        try:
            provider = _save_provider(form, org, None)
        except ServiceError as exc:
            form_error(form, exc, "name")
        else:
            flash(f"{provider.name} added. Register the redirect address below with the provider.", "info")
            return redirect(url_for("sso.provider", provider_id=provider.id))
    return render_template(
        "sso/admin.html",
        org=org,
        providers=sso.providers_of(org),
        settings_form=settings_form,
        form=form,
        redirect_uri=redirect_uri(),
        organisations=queries.organisations_for(current_user),
    )


@bp.route("/admin/sign-in/providers/<int:provider_id>", methods=["GET", "POST"])
@roles_required("admin")
def provider(provider_id: int):
    provider = get_or_abort(SsoProvider, provider_id, "manage")
    org = provider.organisation
    if request.method == "GET":
        form = ProviderForm(prefix="provider", obj=provider)
        form.domains.data = ", ".join(provider.domains or [])
        form.mappings.data = sso.mappings_text(provider, org)
    else:
        form = ProviderForm(prefix="provider")
    form.client_secret.flags.required = False
    if form.validate_on_submit():
        try:
            _save_provider(form, org, provider)
        except ServiceError as exc:
            form_error(form, exc, "name")
        else:
            flash(f"{provider.name} saved.", "info")
            return redirect(url_for("sso.provider", provider_id=provider.id))
    public_key = None
    if provider.auth_method == "private_key_jwt" and provider.key_file:
        try:
            public_key = sso_oidc.public_jwks(provider)
        except SsoFailure:
            public_key = None
    return render_template(
        "sso/provider.html",
        provider=provider,
        org=org,
        form=form,
        remove_form=EmptyForm(),
        redirect_uri=redirect_uri(),
        signed_out_uri=signed_out_uri(),
        backchannel_uri=backchannel_uri(),
        public_key=public_key,
    )


@bp.route("/admin/sign-in/providers/<int:provider_id>/remove", methods=["POST"])
@roles_required("admin")
def remove_provider(provider_id: int):
    provider = get_or_abort(SsoProvider, provider_id, "manage")
    EmptyForm().validate_on_submit() or abort(400)
    org_id, name = provider.organisation_id, provider.name
    key_file = sso.remove_provider(current_user, provider)
    db.session.commit()
    if key_file:
        (sso_oidc.key_folder() / key_file).unlink(missing_ok=True)
    flash(f"{name} removed. People who signed in with it keep their accounts.", "info")
    return redirect(url_for("sso.admin", org=org_id))


@bp.route("/admin/people/<int:user_id>/sso-links/<int:identity_id>/remove", methods=["POST"])
@roles_required("admin")
def unlink(user_id: int, identity_id: int):
    person = get_or_abort(User, user_id, "manage")
    EmptyForm().validate_on_submit() or abort(400)
    identity = db.session.get(SsoIdentity, identity_id)
    if identity is None or identity.user_id != person.id:
        abort(404)
    sso.unlink(current_user, person, identity)
    flash(f"The NHS account link for {person.name} has been removed.", "info")
    return redirect(url_for("accounts.person", user_id=person.id))
