"""Open Badges 3.0.3 on the W3C Verifiable Credentials Data Model 2.0: every certificate as an
OpenBadgeCredential, signed as a VC-JWT (RS256, the specification's minimum), with a status a verifier can follow.

- The subject has its own `id` (a `urn:uuid` derived from the certificate's code and salt, so it links no two
  certificates) and the salted hash of the person's email as its `identifier`; the JWT's `sub` is that id.
- Each credential is offered in two forms, because the July 2024 schema allows one `credentialStatus` object (not a
  list) and verifiers differ in the status method they follow. The default, at /badges/credentials/<code>, uses
  the method Open Badges 3.0 names, `1EdTechRevocationList` (a JSON list of revoked credential ids with reasons,
  at /badges/revocations/<issuer>). The second, at /badges/credentials/<code>?status=bitstring, carries a W3C
  `BitstringStatusListEntry` (Bitstring Status List v1.0) whose `statusListCredential` is a signed
  BitstringStatusListCredential at /badges/status/<issuer>. Both are signed and schema-valid; a revoked
  certificate, and a replaced one, is revoked in both.
- Expiry: `validUntil` where the certificate rule sets `valid_for_months`.
- Keys: an RSA key (and the older P-256 key, so credentials issued before stay verifiable) in the instance
  folder (mode 0600); each is published at its own address, /badges/keys/<kid>, which is the JWT's `kid`, and
  all of them at /badges/jwks.json. Keep the key files with the secret key in backups; every app server needs
  the same files.
"""

from __future__ import annotations

import base64
import datetime as dt
import gzip
import json
import os
import uuid
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from equiptrain.certificates import badges
from equiptrain.certificates.models import Certificate, CertificateStatus, aware_utc
from equiptrain.extensions import db

VC2_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB3_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
# Defines 1EdTechRevocationList and 1EdTechJsonSchemaValidator2019 for JSON-LD processors.
OB3_EXTENSIONS_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"
SCHEMA_URL = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
MEDIA_TYPE = "application/vc+jwt"  # IANA-registered media type of a VC secured as a JWT
RSA_KEY_FILE = "badge_signing_key_rsa.json"
EC_KEY_FILE = badges.KEY_FILE  # the P-256 key of earlier releases, still published
# W3C Bitstring Status List: at least 131,072 entries (16 KB), so one credential's bit hides among many.
MIN_LIST_BITS = 131072
_SUBJECT_NAMESPACE = uuid.UUID("6f1d7c52-7a0e-4c55-9a3e-8f3f0d1c2b41")


def _base() -> str:
    return current_app.config["PUBLIC_URL"].rstrip("/")


def _z(moment: dt.datetime) -> str:
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC).replace(tzinfo=None)
    return moment.replace(microsecond=0).isoformat() + "Z"


# The two status forms of a credential: the default (1EdTech Revocation List) and W3C Bitstring Status List.
REVOKED_STATES = (CertificateStatus.REVOKED, CertificateStatus.SUPERSEDED)
REVOCATION_LIST = "revocation-list"
BITSTRING = "bitstring"
STATUS_FORMS = (REVOCATION_LIST, BITSTRING)


def credential_url(cert: Certificate, status: str = REVOCATION_LIST) -> str:
    """The credential's id and address; the Bitstring Status List form is its own credential, at its own address."""
    url = f"{_base()}/badges/credentials/{cert.code}"
    return url + "?status=bitstring" if status == BITSTRING else url


def revocation_list_url(issuer_key: str) -> str:
    return f"{_base()}/badges/revocations/{issuer_key}"


def status_list_url(issuer_key: str) -> str:
    return f"{_base()}/badges/status/{issuer_key}"


def key_url(kid: str) -> str:
    return f"{_base()}/badges/keys/{kid}"


def subject_id(cert: Certificate) -> str:
    """The subject's own id: stable for the certificate, and unlinkable to the person's other certificates."""
    return uuid.uuid5(_SUBJECT_NAMESPACE, f"{cert.code}:{cert.badge_salt}").urn


# -- keys ------------------------------------------------------------------------------------------------------


def _write_once(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another worker made it first
        return
    with os.fdopen(fd, "w") as fh:
        json.dump(data, fh)


def rsa_key():
    """The instance's RSA signing key (2048 bits), created on first use with mode 0600."""
    from joserfc.jwk import RSAKey

    path = Path(current_app.instance_path) / RSA_KEY_FILE
    if not path.exists():
        key = RSAKey.generate_key(2048)
        data = key.as_dict(private=True)
        data["kid"] = key.thumbprint()
        _write_once(path, data)
    return RSAKey.import_key(json.loads(path.read_text()))


def public_keys() -> list[dict]:
    """Every published key as a public JWK with its kid, algorithm and use."""
    keys = []
    rsa = rsa_key()
    keys.append(dict(rsa.as_dict(private=False), kid=rsa.kid or rsa.thumbprint(), use="sig", alg="RS256"))
    if (Path(current_app.instance_path) / EC_KEY_FILE).exists():
        ec = badges.signing_key()
        keys.append(dict(ec.as_dict(private=False), kid=ec.kid or ec.thumbprint(), use="sig", alg="ES256"))
    return keys


def jwks() -> dict:
    return {"keys": public_keys()}


def public_key(kid: str) -> dict | None:
    return next((k for k in public_keys() if k["kid"] == kid), None)


def sign(claims: dict) -> str:
    """A compact JWS (RS256) whose `kid` is the address of the public key."""
    from joserfc import jwt

    key = rsa_key()
    header = {"alg": "RS256", "typ": "JWT", "kid": key_url(key.kid or key.thumbprint())}
    return jwt.encode(header, claims, key, algorithms=["RS256"])


# -- the credential --------------------------------------------------------------------------------------------


def _status(cert: Certificate, status: str) -> dict:
    key = cert.claim["issuer"]["key"]
    if status == BITSTRING:  # W3C Bitstring Status List v1.0, section 2.1 (the schema requires an `id`)
        return {
            "id": f"{status_list_url(key)}#{cert.id}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(cert.id),
            "statusListCredential": status_list_url(key),
        }
    return {"id": revocation_list_url(key), "type": "1EdTechRevocationList"}


def credential(cert: Certificate, status: str = REVOCATION_LIST) -> dict:
    """The OpenBadgeCredential (VC Data Model 2.0) for the certificate, with the status entry of the form asked for."""
    if status not in STATUS_FORMS:
        raise ValueError(f"unknown status form: {status!r}")
    claim = cert.claim
    key = claim["issuer"]["key"]
    doc = {
        "@context": [VC2_CONTEXT, OB3_CONTEXT, OB3_EXTENSIONS_CONTEXT],
        "id": credential_url(cert, status),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": claim["title"],
        "description": claim["description"],
        "issuer": {
            "id": badges.issuer_url(key),
            "type": ["Profile"],
            "name": claim["issuer"]["name"],
            "url": _base() + "/",
        },
        "validFrom": _z(cert.issued_at),
        "awardedDate": _z(cert.issued_at),
        "credentialSubject": {
            "id": subject_id(cert),
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
                "id": badges.badge_class_url(key, cert.achievement),
                "type": ["Achievement"],
                "achievementType": "Certificate",
                "name": claim["title"],
                "description": claim["description"],
                "criteria": {"id": badges.badge_class_url(key, cert.achievement), "narrative": _criteria(claim)},
                "image": {"id": badges.image_url(), "type": "Image", "caption": "EQUIP certificate badge"},
                "inLanguage": "en-GB",
            },
        },
        "evidence": [{"id": badges.verify_url(cert), "type": ["Evidence"], "narrative": badges._narrative(claim)}],
        "credentialSchema": [{"id": SCHEMA_URL, "type": "1EdTechJsonSchemaValidator2019"}],
        "credentialStatus": _status(cert, status),
    }
    if (until := cert.valid_until) is not None:
        doc["validUntil"] = _z(until)
    return doc


def _criteria(claim: dict) -> str:
    modules = ", ".join(m["title"] for m in claim["modules"])
    text = f"Complete the EQUIP modules: {modules}."
    if claim.get("workshops"):
        text += " Attend the workshops: " + "; ".join(w["title"] for w in claim["workshops"]) + "."
    return text


def credential_jwt(cert: Certificate, status: str = REVOCATION_LIST) -> str:
    """The credential as the Open Badges 3.0 VC-JWT: the credential in `vc`, and the registered claims that mirror
    it (`iss` the issuer's id, `sub` the subject's id, `jti` the credential's id, `nbf` validFrom, `exp`
    validUntil)."""
    vc = credential(cert, status)
    claims = {
        "iss": vc["issuer"]["id"],
        "sub": vc["credentialSubject"]["id"],
        "jti": vc["id"],
        "nbf": int(aware_utc(cert.issued_at).timestamp()),
        "iat": int(aware_utc(cert.issued_at).timestamp()),
        "vc": vc,
    }
    if (until := cert.valid_until) is not None:
        claims["exp"] = int(until.timestamp())
    return sign(claims)


# -- status ----------------------------------------------------------------------------------------------------


def _not_valid(issuer_key: str) -> list[Certificate]:
    """Certificates of this issuer that are revoked or replaced (one query); expired ones are not revoked (see
    `valid_until`)."""
    org_id = None if issuer_key == "platform" else int(issuer_key)
    where = Certificate.organisation_id.is_(None) if org_id is None else Certificate.organisation_id == org_id
    return list(
        db.session.scalars(
            select(Certificate).where(where, Certificate.status.in_(REVOKED_STATES)).order_by(Certificate.id)
        )
    )


def revocation_list(issuer_key: str) -> dict:
    """The 1EdTech Revocation List: the ids of this issuer's credentials that are no longer valid, with why."""
    return {
        "id": revocation_list_url(issuer_key),
        "issuer": badges.issuer_url(issuer_key),
        "revokedCredentials": [
            {"id": credential_url(c), "revocationReason": badges.revocation_reason(c)} for c in _not_valid(issuer_key)
        ],
    }


def encode_bits(indexes: list[int]) -> str:
    """A W3C Bitstring Status List `encodedList`: the bits (index 0 the leftmost), GZIP-compressed, base64url
    without padding, with the multibase prefix "u"."""
    size = max(MIN_LIST_BITS, ((max(indexes, default=0) // 8) + 1) * 8)
    bits = bytearray(size // 8)
    for i in indexes:
        bits[i // 8] |= 0x80 >> (i % 8)
    packed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(packed).decode().rstrip("=")


def decode_bits(encoded: str) -> bytes:
    raw = encoded.removeprefix("u")
    return gzip.decompress(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))


def status_list_credential(issuer_key: str) -> dict:
    url = status_list_url(issuer_key)
    now = dt.datetime.now(dt.UTC)
    return {
        "@context": [VC2_CONTEXT],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": badges.issuer_url(issuer_key),
        "validFrom": _z(now),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encode_bits([c.id for c in _not_valid(issuer_key)]),
        },
    }


def status_list_jwt(issuer_key: str) -> str:
    vc = status_list_credential(issuer_key)
    now = int(dt.datetime.now(dt.UTC).timestamp())
    return sign(
        {"iss": vc["issuer"], "sub": vc["credentialSubject"]["id"], "jti": vc["id"], "nbf": now, "iat": now, "vc": vc}
    )
