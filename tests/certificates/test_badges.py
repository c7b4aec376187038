"""Open Badges: 2.0 hosted assertions checked with 1EdTech's validator (offline), and the 3.0 signed credential
checked against the published JWKS."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from equiptrain.certificates import badges, services
from equiptrain.extensions import db
from tests.certificates.helpers import FOUNDATIONS, certificates_of, complete_modules, set_rules

ROOT = Path(__file__).resolve().parents[2]
OB_PYTHON = ROOT / ".venv-openbadges" / "bin" / "python"
PUBLIC = "http://equiptrain.test"


@pytest.fixture(scope="session")
def ob_python() -> Path:
    """The validator's own environment; created on first use (scripts/test creates it too). Never skipped: if it
    cannot be made, the test fails."""
    if not OB_PYTHON.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(".venv-openbadges is missing: scripts/test creates it (scripts/openbadges-venv)")
        subprocess.run([str(ROOT / "scripts" / "openbadges-venv")], check=True)
    return OB_PYTHON


@pytest.fixture
def issued(course, build):
    set_rules(FOUNDATIONS)
    org = build.org("Northbridge Trust")
    admin = build.user("admin", org=org)
    learner = build.user(team=build.team(org), email="sam.okafor@example.nhs.uk")
    complete_modules(learner, "foundations")
    [cert] = certificates_of(learner)
    return cert, learner, admin


def _served(client, urls, override=None) -> dict:
    """What the app answers at each URL, as the validator would fetch it (with `override` replacing bodies)."""
    out = {}
    for url in urls:
        response = client.get(url.removeprefix(PUBLIC))
        assert response.status_code == 200, url
        body = response.get_data(as_text=True)
        if override and url in override:
            body = override[url](body)
        out[url] = {"body": body, "content_type": response.mimetype}
    return out


def _validate(ob_python, client, cert, email, override=None) -> dict:
    doc = client.get(f"/badges/assertions/{cert.code}").get_json()
    badge_class = client.get(doc["badge"].removeprefix(PUBLIC)).get_json()
    urls = [doc["id"], doc["badge"], badge_class["issuer"], badge_class["image"]]
    return _verify(ob_python, {"assertion": doc["id"], "email": email, "responses": _served(client, urls, override)})


def _revoked_answer_report(ob_python, response, email) -> dict:
    """1EdTech's validator on an assertion answered as revoked (410): only that answer is served."""
    doc = response.get_json()
    body = {"body": response.get_data(as_text=True), "content_type": response.mimetype, "status": 410}
    return _verify(ob_python, {"assertion": doc["id"], "email": email, "responses": {doc["id"]: body}})


def _verify(ob_python, job: dict) -> dict:
    """Run 1EdTech's validator (in its own environment) on one job: the assertion, the email, the answers served."""
    run = subprocess.run(
        [str(ob_python), str(Path(__file__).parent / "ob2_verify.py")],
        input=json.dumps(job),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    return json.loads(run.stdout)


def _errors(report) -> list[str]:
    return [m["name"] for m in report["messages"] if m["level"] == "ERROR"]


def test_the_validator_accepts_an_issued_assertion(ob_python, client, issued):
    cert, learner, _ = issued
    report = _validate(ob_python, client, cert, learner.email)
    assert report["valid"] and report["errorCount"] == 0, report


def test_the_validator_fails_a_broken_or_wrongly_addressed_assertion(ob_python, client, issued):
    cert, learner, _ = issued
    wrong_person = _validate(ob_python, client, cert, "someone.else@example.nhs.uk")
    assert not wrong_person["valid"] and "VERIFY_RECIPIENT_IDENTIFIER" in _errors(wrong_person)

    def no_date(body):
        doc = json.loads(body)
        del doc["issuedOn"]
        return json.dumps(doc)

    broken = _validate(ob_python, client, cert, learner.email, override={badges.assertion_url(cert): no_date})
    assert not broken["valid"] and broken["errorCount"] > 0


def test_a_revoked_assertion_says_so_and_fails_verification(ob_python, client, issued):
    cert, learner, admin = issued
    services.revoke(admin, cert, "issued in error")
    response = client.get(f"/badges/assertions/{cert.code}")
    doc = response.get_json()
    assert response.status_code == 410 and doc["revoked"] is True and doc["id"] == badges.assertion_url(cert)
    assert "issued in error" not in response.get_data(as_text=True)
    # The validator (1.1.2) does not look at the status or `revoked` of a hosted assertion; what it fetches
    # now no longer names a badge or recipient, so it cannot pass as valid.
    assert not _revoked_answer_report(ob_python, response, learner.email)["valid"]


def test_the_badge_documents_are_json_ld(client, issued):
    cert, learner, _ = issued
    doc = client.get(f"/badges/assertions/{cert.code}")
    assert doc.mimetype == "application/ld+json" and doc.headers["Access-Control-Allow-Origin"] == "*"
    assertion = doc.get_json()
    assert assertion["@context"] == "https://w3id.org/openbadges/v2" and assertion["type"] == "Assertion"
    assert assertion["recipient"]["hashed"] and learner.email not in json.dumps(assertion)
    assert assertion["recipient"]["identity"] == badges.identity_hash(learner.email, cert.badge_salt)
    badge_class = client.get(assertion["badge"].removeprefix(PUBLIC)).get_json()
    assert badge_class["type"] == "BadgeClass" and badge_class["name"] == cert.title
    issuer = client.get(badge_class["issuer"].removeprefix(PUBLIC)).get_json()
    assert issuer["type"] == "Issuer" and issuer["name"] == "Northbridge Trust"
    assert client.get("/badges/assertions/0000").status_code == 404
    assert client.get("/badges/issuers/999999/badges/equip-foundations").status_code == 404


def test_a_replaced_assertion_answers_revoked_with_a_link_to_its_successor(ob_python, client, issued):
    cert, learner, admin = issued
    new = services.reissue(admin, cert, "name corrected")
    db.session.commit()
    response = client.get(f"/badges/assertions/{cert.code}")
    doc = response.get_json()
    assert response.status_code == 410 and doc["revoked"] is True
    assert doc["revocationReason"] == f"Replaced by {badges.verify_url(new)}"
    assert "recipient" not in doc and "badge" not in doc
    # the old one no longer passes 1EdTech's validator; the new one does
    assert not _revoked_answer_report(ob_python, response, learner.email)["valid"]
    report = _validate(ob_python, client, new, learner.email)
    assert report["valid"] and report["errorCount"] == 0, report
