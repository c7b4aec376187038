"""Certificate pages: My certificates (download, verification link, badge), a manager's zip of the team's
certificates, the organisation's list for admins (revoke, reissue), and a trainer's naming choice."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from equiptrain import ui
from equiptrain.accounts.models import Team, User
from equiptrain.accounts.queries import admin_organisation, organisations_for
from equiptrain.accounts.services import administers
from equiptrain.auditlog.services import log_event
from equiptrain.authz import get_or_abort, roles_required
from equiptrain.certificates import badges, ob3, pdf, queries, services
from equiptrain.certificates.forms import NamingForm, ReissueForm, RevokeForm
from equiptrain.certificates.models import Certificate, CertificateStatus
from equiptrain.errors import ServiceError
from equiptrain.extensions import db
from equiptrain.forms import form_error

bp = Blueprint("certificates", __name__)
ui.add_nav("Certificates", "certificates.mine", ("learner",), order=32)
ui.add_nav(
    "Issued certificates",
    "certificates.organisation",
    ("admin",),
    order=83,
    description="Every certificate issued in the organisation: check, reissue or revoke one.",
)


@bp.app_template_filter("certificate_date")
def certificate_date(value) -> str:
    if isinstance(value, str):
        value = dt.date.fromisoformat(value)
    return value.strftime("%-d %B %Y")


@bp.app_template_filter("hours")
def hours(value: float) -> str:
    return f"{value:g} hour" + ("" if value == 1 else "s")


def _filename(cert: Certificate, ext: str) -> str:
    return f"certificate-{cert.achievement}-{cert.code}.{ext}"


@bp.route("/certificates/")
@roles_required("learner")
def mine():
    certs = queries.mine(current_user)
    return render_template(
        "certificates/mine.html",
        certificates=certs,
        urls={c.id: badges.verify_url(c) for c in certs},
        assertions={c.id: badges.assertion_url(c) for c in certs},
    )


def _current_or_verify(cert: Certificate):
    """A replaced or revoked certificate is not handed out again (except to its organisation's admins): the
    person is sent to its verification page, which says what became of it."""
    if cert.is_valid or administers(current_user, cert.organisation_id):
        return None
    flash("That certificate has been replaced or revoked, so it cannot be downloaded.", "info")
    return redirect(url_for("certificates.verify", code=cert.display_code))


@bp.route("/certificates/<int:certificate_id>.pdf")
@roles_required("learner")
def download(certificate_id: int):
    cert = get_or_abort(Certificate, certificate_id, "view")
    if (elsewhere := _current_or_verify(cert)) is not None:
        return elsewhere
    stored = pdf.stored(cert)
    response = Response(
        stored.data,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{_filename(cert, "pdf")}"',
            # the browser may keep it, and asks again (answered 304 while unchanged): it is someone's own document
            "Cache-Control": "private, no-cache",
        },
    )
    response.set_etag(stored.etag)
    return response.make_conditional(request)


@bp.route("/certificates/<int:certificate_id>/badge.json")
@roles_required("learner")
def badge_download(certificate_id: int):
    """The Open Badges 2.0 assertion as a file, for backpacks that import an uploaded assertion."""
    cert = get_or_abort(Certificate, certificate_id, "view")
    if (elsewhere := _current_or_verify(cert)) is not None:
        return elsewhere
    return Response(
        json.dumps(badges.assertion(cert), indent=2),
        mimetype="application/ld+json",
        headers={"Content-Disposition": f'attachment; filename="{_filename(cert, "json")}"'},
    )


@bp.route("/certificates/<int:certificate_id>/credential.jwt")
@roles_required("learner")
def credential_download(certificate_id: int):
    """The Open Badges 3.0 credential (a signed VC-JWT) as a file; `?status=bitstring` the form whose status is a W3C
    Bitstring Status List entry (for verifiers that follow only that method)."""
    status = request.args.get("status", ob3.REVOCATION_LIST)
    if status not in ob3.STATUS_FORMS:
        abort(404)
    cert = get_or_abort(Certificate, certificate_id, "view")
    if (elsewhere := _current_or_verify(cert)) is not None:
        return elsewhere
    name = _filename(cert, "jwt")
    if status == ob3.BITSTRING:
        name = name.removesuffix(".jwt") + "-w3c-status.jwt"
    return Response(
        ob3.credential_jwt(cert, status),
        mimetype=ob3.MEDIA_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.route("/teams/<int:team_id>/certificates.zip")
@roles_required("manager", "admin")
def team_zip(team_id: int):
    team = get_or_abort(Team, team_id, "view_progress")
    certs = queries.valid_for_team(team.id)
    if not certs:
        flash(f"Nobody in {team.name} has a certificate yet.", "info")
        return redirect(url_for("accounts.team", team_id=team.id))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for cert in certs:
            safe = "".join(ch if ch.isalnum() else "-" for ch in cert.recipient_name).strip("-") or "person"
            archive.writestr(f"{safe}-{_filename(cert, 'pdf')}", pdf.stored(cert).data)
    log_event(
        "certificates.team_downloaded", current_user, team, organisation_id=team.organisation_id, count=len(certs)
    )
    slug = "".join(ch if ch.isalnum() else "-" for ch in team.name.lower()).strip("-")
    return Response(
        buffer.getvalue(),
        mimetype="application/zip",
        headers={"Content-Disposition": f'attachment; filename="certificates-{slug}.zip"'},
    )


@bp.route("/admin/certificates")
@roles_required("admin")
def organisation():
    org = admin_organisation(current_user)
    status = request.args.get("status")
    chosen = CertificateStatus(status) if status in {s.value for s in CertificateStatus} else None
    return render_template(
        "certificates/organisation.html",
        org=org,
        status=chosen,
        statuses=CertificateStatus,
        certificates=queries.for_organisation(org.id, chosen),
        organisations=organisations_for(current_user),
    )


@bp.route("/admin/certificates/<int:certificate_id>", methods=["GET", "POST"])
@roles_required("admin")
def manage(certificate_id: int):
    cert = get_or_abort(Certificate, certificate_id, "manage")
    revoke_form, reissue_form = RevokeForm(prefix="revoke"), ReissueForm(prefix="reissue")
    action = request.form.get("action")
    if request.method == "POST" and action not in ("revoke", "reissue"):
        abort(400)
    form = revoke_form if action == "revoke" else reissue_form
    if request.method == "POST" and form.validate_on_submit():
        try:
            if action == "revoke":
                services.revoke(current_user, cert, form.reason.data)
                flash("The certificate is revoked. Its verification page now says so.", "info")
                return redirect(url_for("certificates.manage", certificate_id=cert.id))
            new = services.reissue(current_user, cert, form.reason.data.strip())
        except ServiceError as exc:
            form_error(form, exc, "reason")
        else:
            flash("A new certificate was issued; the old one now points to it.", "info")
            return redirect(url_for("certificates.manage", certificate_id=new.id))
    return render_template(
        "certificates/manage.html",
        cert=cert,
        revoke_form=revoke_form,
        reissue_form=reissue_form,
        verify_url=badges.verify_url(cert),
    )


def _set_naming(actor: User, user: User, named: bool) -> None:
    profile = user.trainer_profile
    if profile is None:
        abort(404)
    if profile.named_on_certificates != named:
        profile.named_on_certificates = named
        db.session.flush()
        log_event("trainer.certificate_naming", actor, user, named=named)


@bp.route("/account/certificate-naming", methods=["POST"])
@roles_required("trainer")
def my_naming():
    form = NamingForm()
    if form.validate_on_submit():
        _set_naming(current_user, current_user, form.named.data)
        flash("Your choice is saved. It applies to certificates issued from now on.", "info")
    return redirect(url_for("accounts.my_account"))


@bp.route("/admin/people/<int:user_id>/certificate-naming", methods=["POST"])
@roles_required("admin")
def person_naming(user_id: int):
    user = get_or_abort(User, user_id, "manage")
    form = NamingForm()
    if form.validate_on_submit():
        _set_naming(current_user, user, form.named.data)
        flash("Saved. It applies to certificates issued from now on.", "info")
    return redirect(url_for("accounts.person", user_id=user.id))
