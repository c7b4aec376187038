"""/verify: the whole claim and its state, nothing more; forgiving codes; a rate limit; unknown codes are 404."""

from __future__ import annotations

import re

import pytest

from equiptrain.accounts import services as accounts
from equiptrain.certificates import codes, services
from tests.certificates.helpers import FOUNDATIONS, attended_workshop, certificates_of, complete_modules, set_rules


@pytest.fixture
def issued(course, build):
    set_rules({**FOUNDATIONS, "workshops": {"core": ["foundations"], "follow_ups": 0}})
    org = build.org("Northbridge Trust")
    team = build.team(org)
    admin = build.user("admin", org=org)
    learner = build.user(team=team, name="Zainab Ali", email="zainab.ali@example.nhs.uk")
    complete_modules(learner, "foundations")
    attended_workshop(build, team, [learner])
    [cert] = certificates_of(learner)
    return cert, learner, admin


def test_codes_are_long_random_grouped_and_forgiving():
    code = codes.new_code()
    assert len(code) == 28 and set(code) <= set(codes.ALPHABET) and not set("ILOU") & set(code)
    assert re.fullmatch(r"([0-9A-Z]{4}-){6}[0-9A-Z]{4}", codes.grouped(code))
    typed = " " + codes.grouped(code).lower().replace("-", " - ") + " "
    assert codes.normalise(typed) == code
    assert codes.normalise("o" * 28) == "0" * 28 and codes.normalise("il" * 14) == "1" * 28
    assert codes.normalise("too-short") is None and codes.normalise("U" * 28) is None
    assert len({codes.new_code() for _ in range(1000)}) == 1000


def test_a_valid_certificate_shows_the_whole_claim_and_nothing_more(client, issued):
    cert, learner, _ = issued
    page = client.get(f"/verify/{cert.display_code}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for shown in (
        "This certificate is valid",
        "Zainab Ali",
        "Nurse",
        cert.title,
        "Foundations",
        "Northbridge Trust",
        "Nia Evans (professional trainer)",
        "a service-user trainer",
        cert.display_code,
        "participatory",
    ):
        assert shown in html, shown
    # nothing beyond the certificate: no email, no team, no other records
    assert learner.email not in html and "Jordan Blake" not in html
    assert learner.memberships[0].team.name not in html


def test_typed_variants_redirect_to_the_one_address(client, issued):
    cert, _, _ = issued
    response = client.get(f"/verify/{cert.code.lower()}")
    assert response.status_code == 301 and response.headers["Location"].endswith(f"/verify/{cert.display_code}")
    lookup = client.get("/verify", query_string={"code": cert.display_code.lower().replace("-", " ")})
    assert lookup.status_code == 302 and lookup.headers["Location"].endswith(f"/verify/{cert.display_code}")


def test_the_lookup_form_explains_a_malformed_code(client, issued):
    page = client.get("/verify", query_string={"code": "ABC-123"})
    assert page.status_code == 200 and "That is not a verification code" in page.get_data(as_text=True)


def test_an_unknown_code_is_a_plain_404(client, issued):
    assert client.get(f"/verify/{codes.grouped(codes.new_code())}").status_code == 404
    assert client.get("/verify/not-a-code").status_code == 404


def test_superseded_points_to_the_new_certificate(client, issued):
    cert, learner, admin = issued
    accounts.update_details(
        admin,
        learner,
        name="Zainab Ali-Hassan",
        email=learner.email,
        profession=learner.profession,
        employee_number=None,
    )
    old, new = certificates_of(learner)
    html = client.get(f"/verify/{old.display_code}").get_data(as_text=True)
    assert "replaced by a reissued one" in html and f"/verify/{new.display_code}" in html
    assert "This certificate is valid" not in html and "Zainab Ali" in html
    assert "Zainab Ali-Hassan" in client.get(f"/verify/{new.display_code}").get_data(as_text=True)


def test_revoked_shows_the_date_not_the_reason(client, issued):
    cert, _, admin = issued
    services.revoke(admin, cert, "Issued in error: SECRET-REASON")
    html = client.get(f"/verify/{cert.display_code}").get_data(as_text=True)
    assert "was revoked on" in html and "SECRET-REASON" not in html and "This certificate is valid" not in html


def test_lookups_are_rate_limited_per_address(app, client, issued, monkeypatch):
    cert, _, _ = issued
    monkeypatch.setitem(app.config, "VERIFY_LIMIT_PER_ADDRESS", "3 per minute")
    statuses = [client.get(f"/verify/{codes.grouped(codes.new_code())}").status_code for _ in range(3)]
    assert statuses == [404, 404, 404]
    assert client.get(f"/verify/{cert.display_code}").status_code == 429
    other = client.get(f"/verify/{cert.display_code}", environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert other.status_code == 200
    # the badge documents look codes up too, so they share the budget
    assert client.get(f"/badges/assertions/{cert.code}").status_code == 429
