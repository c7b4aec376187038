"""Open Badges: every certificate as a hosted 2.0 Assertion (with its BadgeClass and Issuer as JSON-LD), and as
an Open Badges 3.0 credential (a W3C Verifiable Credential signed as a JWT, ES256 with a P-256 key).

The signing key is generated into the instance folder on first use (mode 0600, like the secret key) and
published as a JWKS at /badges/jwks.json; keep it with the secret key in backups, and give every app server the
same file.
"""

from __future__ import annotations

import hashlib
import json
import os
from email.utils import parseaddr
from pathlib import Path

from flask import current_app

from equiptrain.certificates.models import Certificate, CertificateStatus

OB2_CONTEXT = "https://w3id.org/openbadges/v2"
VC_CONTEXT = "https://www.w3.org/2018/credentials/v1"
OB3_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
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


def assertion(cert: Certificate) -> dict:
    """The hosted Open Badges 2.0 Assertion. A revoked one is, as the specification asks of hosted assertions,
    only its id and `revoked: true` (served with 410 Gone); the reason is not published."""
    if cert.status is CertificateStatus.REVOKED:
        return {"@context": OB2_CONTEXT, "type": "Assertion", "id": assertion_url(cert), "revoked": True}
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


# -- Open Badges 3.0 -------------------------------------------------------------------------------------------


def signing_key():
    """The instance's P-256 signing key (an EC JWK), created on first use with mode 0600. ES256 rather than
    EdDSA: RFC 9864 deprecates the "EdDSA" name, and ES256 is what every JOSE verifier accepts."""
    from joserfc.jwk import ECKey

    path = Path(current_app.instance_path) / KEY_FILE
    if not path.exists():
        key = ECKey.generate_key("P-256")
        data = key.as_dict(private=True)
        data["kid"] = key.thumbprint()
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another worker made it first
            pass
        else:
            with os.fdopen(fd, "w") as fh:
                json.dump(data, fh)
    return ECKey.import_key(json.loads(path.read_text()))


def jwks() -> dict:
    key = signing_key()
    public = key.as_dict(private=False)
    public.update(kid=key.kid or key.thumbprint(), use="sig", alg="ES256")
    return {"keys": [public]}


def credential(cert: Certificate) -> dict:
    """The Open Badges 3.0 OpenBadgeCredential (VC data model 1.1) for the certificate."""
    claim = cert.claim
    key = claim["issuer"]["key"]
    return {
        "@context": [VC_CONTEXT, OB3_CONTEXT],
        "id": f"{_base()}/badges/credentials/{cert.code}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer_url(key), "type": ["Profile"], "name": claim["issuer"]["name"]},
        "issuanceDate": cert.issued_at.replace(microsecond=0).isoformat().replace("+00:00", "Z"),
        "name": claim["title"],
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityType": "emailAddress",
                    "hashed": True,
                    "identityHash": claim["recipient_identity"],
                    "salt": cert.badge_salt,
                }
            ],
            "achievement": {
                "id": badge_class_url(key, cert.achievement),
                "type": ["Achievement"],
                "name": claim["title"],
                "description": claim["description"],
                "criteria": {"narrative": _narrative(claim)},
                "image": {"id": image_url(), "type": "Image"},
            },
        },
        "evidence": [{"id": verify_url(cert), "type": ["Evidence"]}],
    }


def credential_jwt(cert: Certificate) -> str:
    """The credential signed as a VC-JWT (ES256); its `kid` names the key in the JWKS."""
    from joserfc import jwt

    vc = credential(cert)
    key = signing_key()
    claims = {
        "iss": vc["issuer"]["id"],
        "jti": vc["id"],
        "sub": vc["credentialSubject"]["identifier"][0]["identityHash"],
        "nbf": int(cert.issued_at.timestamp()),
        "iat": int(cert.issued_at.timestamp()),
        "vc": vc,
    }
    header = {"alg": "ES256", "typ": "JWT", "kid": key.kid}
    return jwt.encode(header, claims, key, algorithms=["ES256"])
