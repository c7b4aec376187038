"""Open Badges 2.0: every certificate as a hosted Assertion (with its BadgeClass and Issuer as JSON-LD).

A replaced certificate's assertion answers as revoked, with "replaced by <link>" as the reason; a revoked one
as revoked with no reason (that stays inside the organisation). The Open Badges 3.0 credential is in `ob3.py`.
"""

from __future__ import annotations

import hashlib
import json
from email.utils import parseaddr
from pathlib import Path

from flask import current_app

from equiptrain.certificates.models import Certificate, CertificateStatus

OB2_CONTEXT = "https://w3id.org/openbadges/v2"
KEY_FILE = "badge_signing_key.json"


def _base() -> str:
    return current_app.config["PUBLIC_URL"].rstrip("/")


def identity_hash(email: str, salt: str) -> str:
    """The recipient's email as Open Badges hashes it: sha256$ + hex(sha256(email + salt))."""
    return "sha256$" + hashlib.sha256((email.strip().lower() + salt).encode()).hexdigest()


def assertion_url(cert: Certificate) -> str:
    return f"{_base()}/badges/assertions/{cert.code}"


def issuer_url(key: str) -> str:
    return f"{_base()}/badges/issuers/{key}"


def badge_class_url(key: str, achievement: str) -> str:
    return f"{issuer_url(key)}/badges/{achievement}"


def image_url() -> str:
    return f"{_base()}/badges/badge.svg"


def verify_url(cert: Certificate) -> str:
    return f"{_base()}/verify/{cert.display_code}"


def _narrative(claim: dict) -> str:
    modules = ", ".join(m["title"] for m in claim["modules"])
    text = f"{claim['description']} Modules: {modules}."
    if claim.get("workshops"):
        text += " Workshops attended: " + "; ".join(w["title"] for w in claim["workshops"]) + "."
    return text


def current_successor(cert: Certificate) -> Certificate | None:
    """The certificate that finally replaced this one (following a chain of reissues), if any."""
    successor = cert.superseded_by
    while successor is not None and successor.superseded_by is not None:
        successor = successor.superseded_by
    return successor


def revocation_reason(cert: Certificate) -> str | None:
    """What the public may read about a certificate that is no longer valid (None while it is valid)."""
    if cert.status is CertificateStatus.SUPERSEDED:
        successor = current_successor(cert)
        return f"Replaced by {verify_url(successor) if successor else 'a newer certificate'}"
    if cert.status is CertificateStatus.REVOKED:
        return "Revoked by the issuer"
    return None


def assertion(cert: Certificate) -> dict:
    """The hosted Open Badges 2.0 Assertion. One no longer valid is, as the specification asks of hosted
    assertions, only its id and `revoked: true` (served with 410 Gone); a replaced one gives "replaced by <link>"
    as its `revocationReason`, a revoked one no reason. One that expires, or expired when its completion was
    renewed, is the whole assertion with `expires`, which verifiers check."""
    if cert.status in (CertificateStatus.REVOKED, CertificateStatus.SUPERSEDED):
        doc = {"@context": OB2_CONTEXT, "type": "Assertion", "id": assertion_url(cert), "revoked": True}
        if cert.status is CertificateStatus.SUPERSEDED:
            doc["revocationReason"] = revocation_reason(cert)
        return doc
    claim = cert.claim
    doc = {
        "@context": OB2_CONTEXT,
        "type": "Assertion",
        "id": assertion_url(cert),
        "recipient": {
            "type": "email",
            "hashed": True,
            "salt": cert.badge_salt,
            "identity": claim["recipient_identity"],
        },
        "badge": badge_class_url(claim["issuer"]["key"], cert.achievement),
        "verification": {"type": "hosted"},
        "issuedOn": cert.issued_at.isoformat(),
        "evidence": [{"id": verify_url(cert), "narrative": _narrative(claim)}],
    }
    if (until := cert.valid_until) is not None:
        doc["expires"] = until.isoformat()  # an expired certificate is told as expired, not revoked
    return doc


def badge_class(issuer_key: str, rule: dict) -> dict:
    return {
        "@context": OB2_CONTEXT,
        "type": "BadgeClass",
        "id": badge_class_url(issuer_key, rule["slug"]),
        "name": rule["title"],
        "description": rule["description"],
        "image": image_url(),
        "criteria": {"narrative": _criteria(rule)},
        "issuer": issuer_url(issuer_key),
    }


def _criteria(rule: dict) -> str:
    text = "Complete the EQUIP modules: " + ", ".join(rule["modules"]) + "."
    workshops = rule.get("workshops")
    if workshops:
        text += " Attend a core workshop covering " + ", ".join(workshops["core"])
        if workshops.get("follow_ups"):
            text += f" and {workshops['follow_ups']} follow-up session(s) after it"
        if workshops.get("supervision"):
            text += ", then the team supervision sessions after it that the programme counts"
        text += "."
    return text


def issuer(key: str, name: str) -> dict:
    return {
        "@context": OB2_CONTEXT,
        "type": "Issuer",
        "id": issuer_url(key),
        "name": name,
        "url": _base() + "/",
        "email": parseaddr(current_app.config["MAIL_FROM"])[1],
    }


BADGE_SVG = """<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256" viewBox="0 0 256 256" role="img"
 aria-label="EQUIP certificate badge"><circle cx="128" cy="128" r="120" fill="#005eb8"/>
<circle cx="128" cy="128" r="100" fill="none" stroke="#fff" stroke-width="6"/>
<text x="128" y="142" font-family="sans-serif" font-size="44" font-weight="bold" fill="#fff"
 text-anchor="middle">EQUIP</text></svg>"""


def signing_key():
    """The instance's P-256 key of earlier releases (an EC JWK): credentials issued with it stay verifiable, so
    Open Badges 3.0 (`ob3.py`) still publishes it; new credentials are signed with the RSA key."""
    from joserfc.jwk import ECKey

    return ECKey.import_key(json.loads((Path(current_app.instance_path) / KEY_FILE).read_text()))
