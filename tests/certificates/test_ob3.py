"""Open Badges 3.0.3: every issued credential against 1EdTech's July 2024 JSON schema, its signature checked with an
independent JOSE library (PyJWT) from the key its `kid` names, and its status followed both ways (1EdTech
Revocation List and W3C Bitstring Status List)."""

from __future__ import annotations

import base64
import datetime as dt
import gzip
import json
import os
import stat
import time
from pathlib import Path

import jwt as pyjwt
import pytest
from jsonschema import Draft201909Validator

from equiptrain.certificates import badges, ob3, services
from equiptrain.certificates.models import CertificateStatus
from equiptrain.extensions import db
from tests.certificates.helpers import FOUNDATIONS, certificates_of, complete_modules, set_rules

ROOT = Path(__file__).resolve().parents[2]
# 1EdTech's schemas live beside the clone (../shared/standards/ob3/; a worktree one folder deeper looks one level
# further up); EQUIPTRAIN_OB3_SCHEMA_DIR may point elsewhere.
_CANDIDATES = [ROOT.parent / "shared" / "standards" / "ob3", ROOT.parent.parent / "shared" / "standards" / "ob3"]
SCHEMA_DIR = Path(
    os.environ.get("EQUIPTRAIN_OB3_SCHEMA_DIR") or next((p for p in _CANDIDATES if p.exists()), _CANDIDATES[0])
)
PUBLIC = "http://equiptrain.test"


@pytest.fixture(scope="module")
def validator() -> Draft201909Validator:
    path = SCHEMA_DIR / "ob3_vcdm2_2024-07.json"
    assert path.exists(), f"1EdTech's OB 3.0 schema is missing: {path} (shared/standards/ob3 beside the clone)"
    schema = json.loads(path.read_text())
    Draft201909Validator.check_schema(schema)
    return Draft201909Validator(schema, format_checker=Draft201909Validator.FORMAT_CHECKER)


@pytest.fixture
def issued(course, build):
    set_rules(FOUNDATIONS)
    org = build.org("Northbridge Trust")
    admin = build.user("admin", org=org)
    learner = build.user(team=build.team(org), email="sam.okafor@example.nhs.uk")
    complete_modules(learner, "foundations")
    [cert] = certificates_of(learner)
    return cert, learner, admin


def _verify(client, token: str) -> dict:
    """What an outside verifier does: read the kid, fetch the key from that address, check the RS256 signature."""
    header = pyjwt.get_unverified_header(token)
    assert header["alg"] == "RS256" and header["kid"].startswith(PUBLIC + "/badges/keys/")
    response = client.get(header["kid"].removeprefix(PUBLIC))
    assert response.status_code == 200 and response.mimetype == "application/jwk+json"
    jwk = response.get_json()
    assert "d" not in jwk and "p" not in jwk  # never the private part
    key = pyjwt.PyJWK(jwk).key
    return pyjwt.decode(token, key, algorithms=["RS256"], options={"verify_aud": False})


def _token(client, cert, form: str = ob3.REVOCATION_LIST) -> str:
    query = "?status=bitstring" if form == ob3.BITSTRING else ""
    response = client.get(f"/badges/credentials/{cert.code}{query}")
    assert response.status_code == 200 and response.mimetype == "application/vc+jwt"
    return response.get_data(as_text=True)


def _revoked(client, vc: dict) -> bool:
    """Follow credentialStatus by the method it names, as a verifier would."""
    if vc["credentialStatus"]["type"] == "BitstringStatusListEntry":
        return _revoked_by_bitstring(client, vc)
    return _revoked_by_list(client, vc)[0]


def _revoked_by_list(client, vc: dict) -> tuple[bool, str | None]:
    """Follow credentialStatus as a 1EdTech Revocation List."""
    status = vc["credentialStatus"]
    assert status == {"id": status["id"], "type": "1EdTechRevocationList"}  # the method alone, nothing foreign
    listing = client.get(status["id"].removeprefix(PUBLIC)).get_json()
    assert listing["issuer"] == vc["issuer"]["id"]
    entry = next((e for e in listing["revokedCredentials"] if e["id"] == vc["id"]), None)
    return entry is not None, entry and entry["revocationReason"]


def _revoked_by_bitstring(client, vc: dict) -> bool:
    """Follow credentialStatus as a W3C Bitstring Status List entry (the list is itself a signed credential)."""
    status = vc["credentialStatus"]
    assert status["type"] == "BitstringStatusListEntry" and status["statusPurpose"] == "revocation"
    assert status["statusListIndex"].isdigit() and status["id"].startswith(status["statusListCredential"] + "#")
    response = client.get(status["statusListCredential"].removeprefix(PUBLIC))
    assert response.mimetype == "application/vc+jwt"
    listing = _verify(client, response.get_data(as_text=True))["vc"]
    assert listing["@context"] == [ob3.VC2_CONTEXT] and listing["id"] == status["statusListCredential"]
    assert "BitstringStatusListCredential" in listing["type"] and listing["issuer"] == vc["issuer"]["id"]
    subject = listing["credentialSubject"]
    assert subject["type"] == "BitstringStatusList" and subject["statusPurpose"] == "revocation"
    encoded = subject["encodedList"]
    assert encoded.startswith("u") and "=" not in encoded  # multibase base64url, no padding
    compressed = base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4))
    assert compressed[:2] == b"\x1f\x8b"  # GZIP (RFC 1952)
    bits = gzip.decompress(compressed)  # decoded here, not with the code under test
    assert len(bits) * 8 >= ob3.MIN_LIST_BITS == 131072  # at least 16 KB
    index = int(status["statusListIndex"])
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


FORMS = pytest.mark.parametrize("form", ob3.STATUS_FORMS)


@FORMS
def test_an_issued_credential_passes_the_july_2024_schema_and_verifies(app, client, issued, validator, form):
    cert, learner, _ = issued
    claims = _verify(client, _token(client, cert, form))
    vc = claims["vc"]
    errors = [e.message for e in validator.iter_errors(vc)]
    assert errors == []
    assert vc["@context"][:2] == [ob3.VC2_CONTEXT, ob3.OB3_CONTEXT]
    assert vc["validFrom"].endswith("Z") and "issuanceDate" not in vc and "validUntil" not in vc
    subject = vc["credentialSubject"]
    assert subject["id"].startswith("urn:uuid:") and claims["sub"] == subject["id"]
    assert claims["iss"] == vc["issuer"]["id"] and claims["jti"] == vc["id"]
    assert vc["id"] == ob3.credential_url(cert, form)  # each form's id is the address that serves it
    assert subject["identifier"][0]["identityHash"] == badges.identity_hash(learner.email, cert.badge_salt)
    assert learner.email not in json.dumps(vc)
    achievement = subject["achievement"]
    assert achievement["criteria"]["narrative"] and achievement["description"] and achievement["image"]["id"]
    assert vc["credentialSchema"][0]["id"].endswith("achievementcredential_schema.json")
    expected_type = "BitstringStatusListEntry" if form == ob3.BITSTRING else "1EdTechRevocationList"
    assert vc["credentialStatus"]["type"] == expected_type
    assert not _revoked(client, vc)
    key_file = Path(app.instance_path) / ob3.RSA_KEY_FILE
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_the_two_forms_differ_only_in_id_and_status(client, issued):
    cert, _, _ = issued
    default = _verify(client, _token(client, cert))["vc"]
    bitstring = _verify(client, _token(client, cert, ob3.BITSTRING))["vc"]
    assert default["id"] != bitstring["id"] and default["credentialStatus"] != bitstring["credentialStatus"]
    same = {k: v for k, v in default.items() if k not in ("id", "credentialStatus")}
    assert same == {k: v for k, v in bitstring.items() if k not in ("id", "credentialStatus")}
    assert client.get(f"/badges/credentials/{cert.code}?status=nonsense").status_code == 404


def test_the_schema_and_the_signature_check_reject_what_they_should(app, client, issued, validator):
    cert, _, _ = issued
    token = _token(client, cert)
    vc = _verify(client, token)["vc"]
    old_style = dict(vc, **{"@context": ["https://www.w3.org/2018/credentials/v1", ob3.OB3_CONTEXT]})
    del old_style["validFrom"]
    assert list(validator.iter_errors(old_style))  # the pre-2024 form fails, so the pass above means something
    two_statuses = dict(vc, credentialStatus=[vc["credentialStatus"], vc["credentialStatus"]])
    assert list(validator.iter_errors(two_statuses))  # why there are two forms: one status object per credential
    from cryptography.hazmat.primitives.asymmetric import rsa

    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    header = pyjwt.get_unverified_header(token)
    forged = pyjwt.encode(pyjwt.decode(token, options={"verify_signature": False}), other, "RS256", headers=header)
    with pytest.raises(pyjwt.InvalidSignatureError):
        _verify(client, forged)
    assert client.get("/badges/keys/not-a-key").status_code == 404
    jwks = client.get("/badges/jwks.json").get_json()
    assert header["kid"].rsplit("/", 1)[1] in {k["kid"] for k in jwks["keys"]}


@FORMS
def test_revoked_and_replaced_are_revoked_and_a_good_one_is_not(client, course, build, validator, form):
    """One issuer, three certificates: one revoked, one replaced, one good; each followed by its own status entry."""
    set_rules(FOUNDATIONS)
    org = build.org("Northbridge Trust")
    admin = build.user("admin", org=org)
    team = build.team(org)
    certs = []
    for n in range(3):
        learner = build.user(team=team, email=f"learner{n}@example.nhs.uk")
        complete_modules(learner, "foundations")
        certs.extend(certificates_of(learner))
    revoked, replaced, good = certs
    services.revoke(admin, revoked, "issued in error")
    successor = services.reissue(admin, replaced, "name corrected")
    db.session.commit()
    for cert, expected in ((revoked, True), (replaced, True), (good, False), (successor, False)):
        vc = _verify(client, _token(client, cert, form))["vc"]
        assert list(validator.iter_errors(vc)) == []
        assert _revoked(client, vc) is expected, (cert.id, form)
    if form == ob3.REVOCATION_LIST:
        vc = _verify(client, _token(client, revoked, form))["vc"]
        assert _revoked_by_list(client, vc) == (True, "Revoked by the issuer")  # the reason stays inside
        vc = _verify(client, _token(client, replaced, form))["vc"]
        assert _revoked_by_list(client, vc) == (True, f"Replaced by {badges.verify_url(successor)}")


def test_the_download_offers_both_forms(client, issued, login):
    cert, learner, _ = issued
    login(learner)
    page = client.get("/certificates/").get_data(as_text=True)
    assert f"/certificates/{cert.id}/credential.jwt?status=bitstring" in page.replace("&amp;", "&")
    response = client.get(f"/certificates/{cert.id}/credential.jwt?status=bitstring")
    assert response.status_code == 200 and "w3c-status.jwt" in response.headers["Content-Disposition"]
    assert _verify(client, response.get_data(as_text=True))["vc"]["credentialStatus"]["type"] == (
        "BitstringStatusListEntry"
    )
    assert client.get(f"/certificates/{cert.id}/credential.jwt?status=x").status_code == 404
    verify_page = client.get(f"/verify/{cert.display_code}").get_data(as_text=True)
    assert ob3.credential_url(cert, ob3.BITSTRING).replace("&", "&amp;") in verify_page
    assert ob3.credential_url(cert) + '"' in verify_page


def test_an_expiring_certificate_carries_valid_until(client, course, build, validator):
    set_rules(dict(FOUNDATIONS, valid_for_months=36))
    learner = build.user(team=build.team(build.org("Eastgate Trust")))
    complete_modules(learner, "foundations")
    [cert] = certificates_of(learner)
    claims = _verify(client, _token(client, cert))
    vc = claims["vc"]
    assert list(validator.iter_errors(vc)) == []
    assert vc["validUntil"] > vc["validFrom"] and claims["exp"] - claims["nbf"] > 3 * 365 * 86400 - 86400
    assert vc["validUntil"][:4] == str(int(vc["validFrom"][:4]) + 3)


def test_status_lists_answer_404_for_an_unknown_issuer(client, issued):
    assert client.get("/badges/revocations/999999").status_code == 404
    assert client.get("/badges/status/nope").status_code == 404


@FORMS
def test_an_expired_certificate_verifies_as_expired_not_revoked(client, issued, validator, form):
    """A completion that expired and was renewed: both Open Badges forms say so by their expiry fields (a verifier
    reports it expired), and neither status list calls it revoked."""
    cert, _, _ = issued
    ended = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    cert.status, cert.superseded_at = CertificateStatus.EXPIRED, ended
    db.session.commit()
    token = _token(client, cert, form)
    with pytest.raises(pyjwt.ExpiredSignatureError):
        _verify(client, token)
    header = pyjwt.get_unverified_header(token)
    key = pyjwt.PyJWK(client.get(header["kid"].removeprefix(PUBLIC)).get_json()).key
    claims = pyjwt.decode(token, key, algorithms=["RS256"], options={"verify_aud": False, "verify_exp": False})
    vc = claims["vc"]
    assert list(validator.iter_errors(vc)) == []
    assert dt.datetime.fromisoformat(vc["validUntil"]) <= dt.datetime.now(dt.UTC) and claims["exp"] <= time.time()
    assert _revoked(client, vc) is False
    response = client.get(f"/badges/assertions/{cert.code}")
    assertion = response.get_json()
    assert response.status_code == 200 and "revoked" not in assertion
    assert dt.datetime.fromisoformat(assertion["expires"]) <= dt.datetime.now(dt.UTC)
