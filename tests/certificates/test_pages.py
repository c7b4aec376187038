"""The certificate pages: My certificates, downloads, the manager's zip, the organisation's list, revoke and
reissue, and the trainers' naming choice."""

from __future__ import annotations

import io
import zipfile

import pytest
from pypdf import PdfReader

from equiptrain.certificates.models import CertificateStatus
from equiptrain.extensions import db
from equiptrain.trainers.models import TrainerKind
from tests.certificates.helpers import FOUNDATIONS, certificates_of, complete_modules, completed_quietly, set_rules


@pytest.fixture
def org_world(course, build):
    set_rules(FOUNDATIONS)
    org = build.org("Northbridge Trust")
    team = build.team(org, name="North CMHT")
    people = {
        "admin": build.user("admin", org=org),
        "manager": build.user("manager", team=team),
        "a": build.user(team=team, name="Amir Hussain"),
        "b": build.user(team=team, name="王秀英"),
        "outsider": build.user(name="Elsewhere Person"),
    }
    for key in ("a", "b", "outsider"):
        complete_modules(people[key], "foundations")
    return org, team, people


def test_my_certificates_has_the_download_the_link_and_the_badge(client, login, org_world):
    _, _, people = org_world
    [cert] = certificates_of(people["a"])
    html = login(people["a"]).get("/certificates/").get_data(as_text=True)
    assert cert.title in html and cert.display_code in html
    assert f'value="http://equiptrain.test/verify/{cert.display_code}" readonly' in html
    assert f'<label class="nhsuk-label" for="verify-link-{cert.id}">' in html
    assert f"http://equiptrain.test/badges/assertions/{cert.code}" in html
    assert "<script" not in html.split("</main>")[0].split("<main")[1]  # no inline script for copying
    pdf = client.get(f"/certificates/{cert.id}.pdf")
    assert pdf.mimetype == "application/pdf"
    assert "Amir Hussain" in PdfReader(io.BytesIO(pdf.data)).pages[0].extract_text()
    badge = client.get(f"/certificates/{cert.id}/badge.json")
    assert badge.get_json()["id"].endswith(cert.code) and "attachment" in badge.headers["Content-Disposition"]
    assert client.get(f"/certificates/{cert.id}/credential.jwt").data.count(b".") == 2


def test_nobody_else_downloads_a_certificate(client, login, org_world):
    _, _, people = org_world
    [cert] = certificates_of(people["a"])
    assert login(people["outsider"]).get(f"/certificates/{cert.id}.pdf").status_code == 404  # as if missing
    assert login(people["manager"]).get(f"/certificates/{cert.id}.pdf").status_code == 200
    assert login(people["admin"]).get(f"/certificates/{cert.id}.pdf").status_code == 200


def test_a_revoked_certificate_is_not_handed_out_again(client, login, org_world):
    from equiptrain.certificates import services

    _, _, people = org_world
    [cert] = certificates_of(people["a"])
    services.revoke(people["admin"], cert, "Issued in error")
    db.session.commit()
    login(people["a"])
    for url in (
        f"/certificates/{cert.id}.pdf",
        f"/certificates/{cert.id}/badge.json",
        f"/certificates/{cert.id}/credential.jwt",
    ):
        response = client.get(url)
        assert response.status_code == 302 and response.headers["Location"].endswith(f"/verify/{cert.display_code}")
    assert login(people["admin"]).get(f"/certificates/{cert.id}.pdf").mimetype == "application/pdf"


def test_my_certificates_when_there_are_none(client, login, build, course):
    html = login(build.user()).get("/certificates/").get_data(as_text=True)
    assert "You have no certificates yet" in html


def test_the_manager_downloads_the_team_as_one_zip(client, login, org_world, count_queries):
    _, team, people = org_world
    response = login(people["manager"]).get(f"/teams/{team.id}/certificates.zip")
    assert response.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        names = archive.namelist()
        assert len(names) == 2 and all(n.endswith(".pdf") for n in names)
        texts = " ".join(PdfReader(io.BytesIO(archive.read(n))).pages[0].extract_text() for n in names)
    assert "Amir Hussain" in texts and "王秀英" in texts and "Elsewhere Person" not in texts
    other_team = login(people["a"]).get(f"/teams/{team.id}/certificates.zip")
    assert other_team.status_code == 403


def test_the_organisation_list_runs_a_fixed_number_of_queries(client, login, org_world, build, count_queries):
    org, team, people = org_world
    login(people["admin"])
    client.get("/admin/certificates")
    db.session.expire_all()  # as a new request finds it: nothing loaded yet
    with count_queries() as few:
        assert client.get("/admin/certificates").status_code == 200
    for _ in range(4):
        completed_quietly(build.user(team=team), "foundations")
    from equiptrain.certificates import services

    services.issue_due([m.user for m in team.memberships])
    db.session.commit()
    db.session.expire_all()
    with count_queries() as more:
        html = client.get("/admin/certificates").get_data(as_text=True)
    assert more.count == few.count and html.count("/admin/certificates/") == 6
    assert "Elsewhere Person" not in html


def test_an_admin_revokes_with_a_reason_and_reissues(client, login, org_world):
    _, _, people = org_world
    [cert] = certificates_of(people["a"])
    login(people["admin"])
    page = client.post(f"/admin/certificates/{cert.id}", data={"action": "revoke", "revoke-reason": ""})
    assert page.status_code == 200 and "Enter the reason for revoking" in page.get_data(as_text=True)
    response = client.post(f"/admin/certificates/{cert.id}", data={"action": "reissue", "reissue-reason": "name"})
    [old, new] = certificates_of(people["a"])
    assert response.headers["Location"].endswith(f"/admin/certificates/{new.id}")
    assert old.status is CertificateStatus.SUPERSEDED
    again = client.post(f"/admin/certificates/{old.id}", data={"action": "revoke", "revoke-reason": "x"})
    assert "revoke that one instead" in again.get_data(as_text=True)
    client.post(f"/admin/certificates/{new.id}", data={"action": "revoke", "revoke-reason": "Issued in error"})
    assert new.status is CertificateStatus.REVOKED and new.revoked_reason == "Issued in error"
    assert client.post(f"/admin/certificates/{new.id}", data={"action": "explode"}).status_code == 400


def test_another_organisations_admin_cannot_manage(client, login, org_world, build):
    _, _, people = org_world
    [cert] = certificates_of(people["a"])
    stranger = build.user("admin", org=build.org())
    assert login(stranger).get(f"/admin/certificates/{cert.id}").status_code == 404  # as if missing
    assert "Amir Hussain" not in client.get("/admin/certificates").get_data(as_text=True)


def test_trainers_choose_to_be_named_and_admins_can_set_it(client, login, build, course):
    org = build.org()
    trainer = build.user("trainer", org=org, trainer_kind=TrainerKind.CARER)
    html = login(trainer).get("/account").get_data(as_text=True)
    assert "Your name on certificates" in html and "a carer trainer" in html
    client.post("/account/certificate-naming", data={"named": "y"})
    assert trainer.trainer_profile.named_on_certificates is True
    client.post("/account/certificate-naming", data={})
    assert trainer.trainer_profile.named_on_certificates is False
    admin = build.user("admin", org=org)
    login(admin).post(f"/admin/people/{trainer.id}/certificate-naming", data={"named": "y"})
    assert trainer.trainer_profile.named_on_certificates is True
    professional = build.user("trainer", org=org)
    assert "Your name on certificates" not in login(professional).get("/account").get_data(as_text=True)
