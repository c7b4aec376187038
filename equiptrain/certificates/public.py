"""Public pages: verifying a certificate by its code, and the Open Badges documents (no sign-in).

Verification shows the whole claim as printed, and its state, and nothing more; lookups are rate-limited per
client address (VERIFY_LIMIT_PER_ADDRESS) and an unknown code is a plain 404.
"""

from __future__ import annotations

import json

from flask import Response, abort, current_app, redirect, render_template, request, url_for
from sqlalchemy import select

from equiptrain.accounts.models import Organisation
from equiptrain.certificates import badges, codes, ob3, queries
from equiptrain.certificates.forms import LookupForm
from equiptrain.certificates.models import CertificateStatus
from equiptrain.certificates.views import bp
from equiptrain.content.models import Programme
from equiptrain.extensions import db, limiter

_JSONLD = "application/ld+json"


def _verify_limit() -> str:
    return current_app.config["VERIFY_LIMIT_PER_ADDRESS"]


def _json(doc: dict, mimetype: str = _JSONLD) -> Response:
    response = Response(json.dumps(doc, indent=2, ensure_ascii=False), mimetype=mimetype)
    response.headers["Access-Control-Allow-Origin"] = "*"  # backpacks and verifiers fetch from other sites
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.route("/verify", methods=["GET"])
@limiter.shared_limit(_verify_limit, scope="verify")
def lookup():
    form = LookupForm(request.args)
    if request.args and form.validate():
        code = codes.normalise(form.code.data)
        if code is None:
            form.code.errors.append(
                "That is not a verification code: it has 28 letters and digits, in groups of "
                "four. Check it against the certificate."
            )
        else:
            return redirect(url_for("certificates.verify", code=codes.grouped(code)))
    return render_template("certificates/lookup.html", form=form)


@bp.route("/verify/<code>")
@limiter.shared_limit(_verify_limit, scope="verify")
def verify(code: str):
    canonical = codes.normalise(code)
    cert = queries.by_code(canonical) if canonical else None
    if cert is None:
        abort(404)
    if code != cert.display_code:  # one address per certificate, whatever was typed
        return redirect(url_for("certificates.verify", code=cert.display_code), 301)
    successor = badges.current_successor(cert)
    credentials = {form: ob3.credential_url(cert, form) for form in ob3.STATUS_FORMS}
    return render_template(
        "certificates/verify.html", cert=cert, claim=cert.claim, successor=successor, credentials=credentials
    )


def _status_form() -> str:
    """The status form a credential address asks for: none is the 1EdTech Revocation List; anything unknown is 404."""
    asked = request.args.get("status")
    if asked is None:
        return ob3.REVOCATION_LIST
    if asked not in ob3.STATUS_FORMS:
        abort(404)
    return asked


def _by_code_or_404(code: str):
    canonical = codes.normalise(code)
    cert = queries.by_code(canonical) if canonical else None
    if cert is None:
        abort(404)
    return cert


@bp.route("/badges/assertions/<code>")
@limiter.shared_limit(_verify_limit, scope="verify")  # a code lookup too: the same budget as /verify
def assertion(code: str):
    cert = _by_code_or_404(code)
    response = _json(badges.assertion(cert))
    if cert.status in (CertificateStatus.REVOKED, CertificateStatus.SUPERSEDED):
        response.status_code = 410  # Open Badges 2.0: a revoked (or replaced) hosted assertion answers 410 Gone
    return response


@bp.route("/badges/credentials/<code>")
@limiter.shared_limit(_verify_limit, scope="verify")
def credential(code: str):
    """The Open Badges 3.0 credential as a VC-JWT (its `kid` is the address of the key that verifies it). A revoked
    or replaced one is still served: its credentialStatus says what became of it. `?status=bitstring` is the same
    credential with a W3C Bitstring Status List entry instead of the 1EdTech Revocation List."""
    status = _status_form()
    return Response(
        ob3.credential_jwt(_by_code_or_404(code), status),
        mimetype=ob3.MEDIA_TYPE,
        headers={"Access-Control-Allow-Origin": "*", "Cache-Control": "no-cache"},
    )


def _issuer_name(key: str) -> str:
    if key == "platform":
        return current_app.config["ORGANISATION_NAME"]
    if not key.isdigit() or len(key) > 10:
        abort(404)
    org = db.session.get(Organisation, int(key))
    if org is None:
        abort(404)
    return org.name


@bp.route("/badges/issuers/<key>")
def issuer(key: str):
    return _json(badges.issuer(key, _issuer_name(key)))


@bp.route("/badges/issuers/<key>/badges/<slug>")
def badge_class(key: str, slug: str):
    _issuer_name(key)
    programme = db.session.scalar(select(Programme).order_by(Programme.id).limit(1))
    rule = next((c for c in (programme.certificates if programme else []) if c["slug"] == slug), None)
    if rule is None:
        abort(404)
    return _json(badges.badge_class(key, rule))


@bp.route("/badges/badge.svg")
def badge_image():
    response = Response(badges.BADGE_SVG, mimetype="image/svg+xml")
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.route("/badges/jwks.json")
def jwks():
    return _json(ob3.jwks(), mimetype="application/jwk-set+json")


@bp.route("/badges/keys/<kid>")
def key(kid: str):
    """One published key, at the address a credential's `kid` names."""
    found = ob3.public_key(kid)
    if found is None:
        abort(404)
    return _json(found, mimetype="application/jwk+json")


@bp.route("/badges/revocations/<key>")
def revocations(key: str):
    """The issuer's 1EdTech Revocation List (Open Badges 3.0's credentialStatus method)."""
    _issuer_name(key)
    return _json(ob3.revocation_list(key), mimetype="application/json")


@bp.route("/badges/status/<key>")
def status_list(key: str):
    """The issuer's W3C Bitstring Status List, as a signed BitstringStatusListCredential (VC-JWT)."""
    _issuer_name(key)
    return Response(
        ob3.status_list_jwt(key),
        mimetype=ob3.MEDIA_TYPE,
        headers={"Access-Control-Allow-Origin": "*", "Cache-Control": "no-cache"},
    )
