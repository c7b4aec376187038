"""The competence export: mapped achievements, increments, revocations, date ranges, files and the nightly run."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from click.testing import CliRunner
from flask.cli import ScriptInfo
from openpyxl import load_workbook
from sqlalchemy import select

from equiptrain.certificates import services as certificates
from equiptrain.cli import main
from equiptrain.content.models import Module
from equiptrain.dashboards.models import MandatoryModule
from equiptrain.dashboards.requirements import add_months
from equiptrain.extensions import db
from equiptrain.records import esr
from equiptrain.records.staffsync import settings_for
from tests.certificates.helpers import FOUNDATIONS, certificates_of, set_rules
from tests.learning.helpers import complete

CERT = "<VPD>|LOCAL|EQUIP Foundations|"
MODULE = "<VPD>|LOCAL|EQUIP Module 1|"


@pytest.fixture
def trust(build, course):
    set_rules(FOUNDATIONS)
    org = build.org("Export Trust")
    team = build.team(org)
    settings = settings_for(org)
    settings.competences = {"certificate:equip-foundations": CERT, "module:foundations": MODULE}
    # Expiry is the training requirements' (the module's own months), not a second number of the export's.
    foundations = db.session.scalar(select(Module.id).where(Module.slug == "foundations"))
    db.session.add(MandatoryModule(organisation_id=org.id, module_id=foundations, expiry_months=36))
    db.session.commit()
    return org, team


def achieve(build, team, number="E1"):
    user = build.user("learner", team=team)
    user.employee_number = number
    complete(user, "foundations")
    db.session.commit()
    return user


def achieved_rows(export):
    return [(line.employee_number, line.competence) for line in export.lines if not line.revoked]


def test_one_row_per_person_and_competence_with_expiry(trust, build):
    org, team = trust
    user = achieve(build, team)
    build.user("learner", team=team)  # achieved nothing: no row
    export = esr.make_export(None, org)
    assert sorted(achieved_rows(export)) == [("E1", CERT), ("E1", MODULE)]
    assert all(line.expires_on == add_months(line.achieved_on, 36) for line in export.lines)
    assert user.email not in esr.csv_text(export, revoked=False)


def test_the_next_export_holds_only_changes_and_revocations_apart(trust, build):
    org, team = trust
    first_person = achieve(build, team, "E1")
    esr.make_export(None, org)
    again = esr.make_export(None, org)
    assert again.lines == []  # nothing changed
    achieve(build, team, "E2")
    (cert,) = certificates_of(first_person)
    admin = build.user("admin", org=org)
    certificates.revoke(admin, cert, "Issued in error")
    db.session.commit()
    third = esr.make_export(None, org)
    assert sorted(achieved_rows(third)) == [("E2", CERT), ("E2", MODULE)]
    assert [(line.employee_number, line.competence) for line in third.lines if line.revoked] == [("E1", CERT)]
    assert third.achieved == 2 and third.revoked == 1
    revocations = list(csv.reader(io.StringIO(esr.csv_text(third, revoked=True))))
    assert revocations[0] == esr.HEADER and revocations[1][:3] == ["E1", "", CERT]
    assert esr.make_export(None, org).lines == []  # the revocation is remembered too


def test_a_changed_mapping_or_employee_number_is_sent_again(trust, build):
    org, team = trust
    user = achieve(build, team, "E1")
    esr.make_export(None, org)
    user.employee_number = "E1-corrected"
    db.session.commit()
    export = esr.make_export(None, org)
    assert sorted(achieved_rows(export)) == [("E1-corrected", CERT), ("E1-corrected", MODULE)]


def test_a_range_export_repeats_what_was_achieved_and_leaves_increments_alone(trust, build):
    org, team = trust
    achieve(build, team)
    esr.make_export(None, org)
    today = dt.date.today()
    ranged = esr.make_export(None, org, since=today - dt.timedelta(days=1), until=today)
    assert len(achieved_rows(ranged)) == 2 and ranged.kind == "range"
    assert esr.make_export(None, org, since=today + dt.timedelta(days=1)).lines == []
    assert esr.make_export(None, org).lines == []


def test_people_without_an_employee_number_are_counted_not_exported(trust, build):
    org, team = trust
    user = build.user("learner", team=team)
    complete(user, "foundations")
    lines, missing = esr.current_lines(org)
    assert lines == [] and missing == 1


def test_files_are_neutralised_csv_and_xlsx(trust, build, tmp_path):
    org, team = trust
    settings_for(org).competences = {"module:foundations": '=HYPERLINK("x")'}
    achieve(build, team, "E1")
    export = esr.make_export(None, org)
    written = esr.write_files(export, tmp_path / "out.csv")
    assert [p.name for p in written] == ["out.csv", "out-revocations.csv"]
    rows = list(csv.reader(io.StringIO(written[0].read_text())))
    assert rows[1][2] == '\'=HYPERLINK("x")'
    esr.write_files(export, tmp_path / "out.xlsx")
    book = load_workbook(tmp_path / "out.xlsx")
    assert book.sheetnames == ["Achieved", "Revoked"]
    assert book["Achieved"]["C2"].value == '\'=HYPERLINK("x")' and book["Achieved"]["C2"].data_type == "s"


def test_nightly_export_writes_into_each_organisations_folder(trust, build, tmp_path, app, monkeypatch):
    org, team = trust
    achieve(build, team)
    monkeypatch.setitem(app.config, "ESR_EXPORT_DIR", str(tmp_path))
    files = esr.nightly_export()
    assert {p.parent.name for p in files} == {"export-trust"}
    assert sum(1 for _ in csv.reader(io.StringIO(files[0].read_text()))) == 3
    assert all(len(list(csv.reader(io.StringIO(p.read_text())))) == 1 for p in esr.nightly_export())


def test_command_exports_a_file(trust, build, tmp_path, app):
    org, team = trust
    achieve(build, team)
    out = tmp_path / "esr.xlsx"
    result = CliRunner().invoke(
        main,
        ["esr", "export", "--organisation", org.name, "--out", str(out)],
        obj=ScriptInfo(create_app=lambda: app),
        catch_exceptions=False,
    )
    assert result.exit_code == 0 and "2 competence(s) achieved, 0 revoked" in result.output and out.exists()


def test_the_core_workshop_is_exported_from_its_attendance(trust, build):
    from tests.certificates.helpers import attended_workshop

    org, team = trust
    settings_for(org).competences = {esr.CORE_WORKSHOP: "<VPD>|LOCAL|EQUIP Core Workshop|"}
    user = build.user("learner", team=team)
    user.employee_number = "E5"
    workshop = attended_workshop(build, team, [user])
    export = esr.make_export(None, org)
    assert [(line.employee_number, line.competence, line.achieved_on) for line in export.lines] == [
        ("E5", "<VPD>|LOCAL|EQUIP Core Workshop|", workshop.starts_at.date())
    ]


def test_the_core_and_its_certificate_expire_with_the_core_s_months(trust, build):
    from equiptrain.dashboards.models import TrainingRequirements
    from equiptrain.workshops.models import WorkshopKind
    from tests.certificates.helpers import WITH_WORKSHOPS, attended_workshop, complete_modules

    org, team = trust
    set_rules(WITH_WORKSHOPS)
    settings = settings_for(org)
    settings.competences = {
        esr.CORE_WORKSHOP: "<VPD>|LOCAL|EQUIP Core|",
        "module:foundations": MODULE,
        "certificate:equip-practitioner": "<VPD>|LOCAL|EQUIP Practitioner|",
    }
    db.session.add(TrainingRequirements(organisation_id=org.id, core_expiry_months=24))
    user = build.user("learner", team=team)
    user.employee_number = "E9"
    complete_modules(user, "foundations", "listening")
    core = attended_workshop(build, team, [user])
    attended_workshop(build, team, [user], kind=WorkshopKind.SUPERVISION, follow_up_of=core)
    db.session.commit()
    lines = {line.competence: line for line in esr.make_export(None, org).lines if not line.revoked}
    core_line = lines["<VPD>|LOCAL|EQUIP Core|"]
    assert core_line.expires_on == add_months(core_line.achieved_on, 24)
    assert lines[MODULE].expires_on == add_months(lines[MODULE].achieved_on, 36)
    # The certificate records both: it expires with the first of them.
    cert = lines["<VPD>|LOCAL|EQUIP Practitioner|"]
    assert cert.expires_on == min(core_line.expires_on, lines[MODULE].expires_on)
