"""The trust-records pages: the staff sync previewed then confirmed, the mapping, the export downloads, the xAPI
queue, "not in ESR", and who may see them."""

from __future__ import annotations

import io
import uuid

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from equiptrain.accounts.models import User
from equiptrain.extensions import db
from equiptrain.records import esr, services
from equiptrain.records.models import NotInEsr, StaffSyncRun, XapiStatement
from equiptrain.records.staffsync import settings_for
from tests.records.test_staffsync import HEADER, line


@pytest.fixture
def trust(build):
    org = build.org("Pages Trust")
    north = build.team(org, "North CMHT")
    services.set_team_mapping(None, org, "123 North Community,North CMHT\n")
    admin = build.user("admin", org=org)
    db.session.commit()
    return org, north, admin


def upload(client, text, full=False):
    data = {"file": (io.BytesIO(text.encode()), "esr.csv")}
    if full:
        data["full"] = "y"
    return client.post("/admin/records/staff-sync", data=data, content_type="multipart/form-data")


def test_sync_is_previewed_then_applied_once_confirmed(client, login, trust, outbox):
    org, north, admin = trust
    login(admin)
    response = upload(client, HEADER + line("E1", "Ann", "Lee", "ann@nhs.net", "123 North Community"))
    assert response.status_code == 302
    preview = client.get(response.location)
    page = preview.get_data(as_text=True)
    assert "Nothing has changed yet" in page and "Ann Lee (E1)" in page
    assert db.session.scalar(select(func.count(User.id)).where(User.employee_number == "E1")) == 0
    done = client.post(response.location)
    assert done.status_code == 302
    assert db.session.scalar(select(User).where(User.employee_number == "E1")).team_ids == {north.id}
    page = client.get(response.location).get_data(as_text=True)
    assert "This file was applied" in page
    assert "Ann Lee joined North CMHT" in client.get("/admin/records/staff-sync").get_data(as_text=True)
    assert db.session.scalar(select(StaffSyncRun.text)) is None  # the file is not kept once applied
    assert client.post(response.location).status_code == 200  # confirming again changes nothing


def test_a_file_with_problems_lists_them_and_changes_nothing(client, login, trust):
    org, north, admin = trust
    login(admin)
    response = upload(client, HEADER + "E1,1,Ann,Lee,nope,,123 North Community,,01/04/2020,\n")
    page = client.get(response.location).get_data(as_text=True)
    assert "Nothing was changed: the file has 1 problem(s)" in page and "esr.csv:2: Work email (Work Email)" in page
    assert client.post(response.location).status_code == 200
    assert db.session.scalar(select(func.count(User.id)).where(User.email == "nope")) == 0


def test_the_guard_asks_for_confirmation(client, login, trust, build):
    org, north, admin = trust
    for n in range(3):
        u = build.user("learner", team=north)
        u.employee_number = f"E{n}"
    db.session.commit()
    login(admin)
    response = upload(client, HEADER + line("E0", "P", "0", "p0@nhs.net", "123 North Community"), full=True)
    page = client.post(response.location).get_data(as_text=True)
    assert "more than the 10% allowed" in page
    assert db.session.scalar(select(func.count(User.id)).where(User.deactivated_at.is_not(None))) == 0
    client.post(response.location, data={"force": "y"})
    assert db.session.scalar(select(func.count(User.id)).where(User.deactivated_at.is_not(None))) == 2


def test_mapping_page_saves_and_reports_problems(client, login, trust):
    org, north, admin = trust
    login(admin)
    page = client.post("/admin/records/team-mapping", data={"mapping": "999 Nowhere,No Such Team\n"}).get_data(True)
    assert "mapping:1: team: no team called" in page
    assert client.post("/admin/records/team-mapping", data={"mapping": "Ward 7,North CMHT\n"}).status_code == 302
    assert "Ward 7,North CMHT" in client.get("/admin/records/team-mapping").get_data(as_text=True)


def test_settings_and_competences_pages_save(client, login, trust):
    org, north, admin = trust
    login(admin)
    data = {"date_format": "%Y-%m-%d", "deactivation_percent": "20", "column_employee_number": "Staff No"}
    assert client.post("/admin/records/settings", data=data).status_code == 302
    settings = settings_for(org)
    db.session.refresh(settings)
    assert settings.columns == {"employee_number": "Staff No"} and settings.deactivation_share == 0.2
    bad = client.post("/admin/records/settings", data={"date_format": "dd/mm", "deactivation_percent": "0"})
    assert bad.status_code == 200 and "Enter a date format" in bad.get_data(as_text=True)
    assert client.post("/admin/records/competences", data={"competences": "nonsense"}).status_code == 200
    ok = client.post("/admin/records/competences", data={"competences": "workshop:core = <VPD>|LOCAL|EQUIP Core|"})
    assert ok.status_code == 302
    db.session.refresh(settings)
    assert settings.competences == {"workshop:core": "<VPD>|LOCAL|EQUIP Core|"}


def test_exports_download_as_csv_and_xlsx(client, login, trust, build, course):
    from tests.learning.helpers import complete

    org, north, admin = trust
    settings_for(org).competences = {"module:foundations": "<VPD>|LOCAL|EQUIP Module 1|"}
    learner = build.user("learner", team=north)
    learner.employee_number = "E77"
    complete(learner, "foundations")
    db.session.commit()
    login(admin)
    assert client.post("/admin/records/esr", data={}).status_code == 302
    export = db.session.scalar(select(esr.EsrExport))
    text = client.get(f"/admin/records/esr/{export.id}.csv").get_data(as_text=True)
    assert '"E77","","<VPD>|LOCAL|EQUIP Module 1|"' in text
    book = load_workbook(io.BytesIO(client.get(f"/admin/records/esr/{export.id}.xlsx").data))
    assert book["Achieved"]["A2"].value == "E77"


def test_not_in_esr_page_marks_and_clears(client, login, trust, build):
    org, north, admin = trust
    person = build.user("learner", team=north)
    login(admin)
    assert client.post("/admin/records/not-in-esr", data={"email": person.email}).status_code == 302
    assert db.session.get(NotInEsr, person.id) is not None
    client.post(f"/admin/records/not-in-esr/{person.id}/clear")
    assert db.session.get(NotInEsr, person.id) is None


def test_xapi_page_shows_the_queue_and_retries_failures(client, login, trust):
    org, north, admin = trust
    db.session.add(
        XapiStatement(
            id="00000000-0000-5000-8000-000000000001",
            organisation_id=org.id,
            verb="passed",
            statement={},
            status="failed",
            attempts=12,
            last_error="HTTP 503: down",
        )
    )
    db.session.commit()
    login(admin)
    page = client.get("/admin/records/xapi").get_data(as_text=True)
    assert "HTTP 503: down" in page and "Try the failed statements again" in page
    client.post("/admin/records/xapi/retry")
    assert db.session.get(XapiStatement, "00000000-0000-5000-8000-000000000001").status == "pending"


def test_another_organisations_sync_and_export_answer_404(client, login, trust, build):
    org, north, admin = trust
    other_admin = build.user("admin")
    run = services.start_sync(admin, org, "esr.csv", HEADER, False)
    export = esr.make_export(admin, org)
    db.session.commit()
    login(other_admin)
    assert client.get(f"/admin/records/staff-sync/{run.id}").status_code == 404
    assert client.get(f"/admin/records/esr/{export.id}.csv").status_code == 404


def test_the_pages_run_a_fixed_number_of_queries(client, login, trust, count_queries):
    org, north, admin = trust
    login(admin)

    def add(n: int) -> None:
        for _ in range(n):
            esr.make_export(admin, org)
            services.set_not_in_esr(admin, build_person(org), True)
            db.session.add(
                XapiStatement(
                    id=str(uuid.uuid4()),
                    organisation_id=org.id,
                    verb="passed",
                    statement={},
                    status="failed",
                    attempts=12,
                    last_error="HTTP 503",
                )
            )
        db.session.commit()

    pages = ["/admin/records/", "/admin/records/esr", "/admin/records/xapi", "/admin/records/not-in-esr"]
    add(2)
    for page in pages * 2:
        client.get(page)  # warm: settings rows and the like are made on first use
    few = {}
    for page in pages:
        with count_queries() as q:
            assert client.get(page).status_code == 200
        few[page] = q.count
    add(8)
    for page in pages:
        client.get(page)  # the commit above expired what the session held; load it again
    many = {}
    for page in pages:
        with count_queries() as q:
            client.get(page)
        many[page] = q.count
    assert many == few


def build_person(org):
    from equiptrain.accounts.models import Profession

    person = User(name="Someone", email=f"{uuid.uuid4().hex}@nhs.net", profession=Profession.NURSE)
    person.organisation_id = org.id
    db.session.add(person)
    db.session.flush()
    return person


def test_a_newer_upload_lets_go_of_an_unconfirmed_file(client, login, trust):
    org, north, admin = trust
    login(admin)
    first = upload(client, HEADER + line("E1", "Ann", "Lee", "ann@nhs.net", "123 North Community")).location
    second = upload(client, HEADER + line("E2", "Bo", "Chan", "bo@nhs.net", "123 North Community")).location
    assert "can no longer be applied" in client.get(first).get_data(as_text=True)
    client.post(first)
    assert db.session.scalar(select(func.count(User.id)).where(User.employee_number == "E1")) == 0
    client.post(second)
    assert db.session.scalar(select(func.count(User.id)).where(User.employee_number == "E2")) == 1
