"""Importing staff from CSV: all rows or none, every problem reported with its line number."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from equiptrain.accounts.importer import ImportInvalid, import_users
from equiptrain.accounts.invitations import send_batches
from equiptrain.accounts.models import MembershipRole, User
from equiptrain.cli import main
from equiptrain.extensions import db

HEADER = "name,email,profession,employee_number,team,manager\n"


@pytest.fixture
def org_team(build):
    org = build.org("Salford Trust")
    return org, build.team(org, "North CMHT"), build.team(org, "Crisis Team")


def _count():
    return db.session.scalar(select(func.count(User.id)))


def test_good_file_adds_everyone_and_invites_them(org_team, outbox):
    org, north, crisis = org_team
    text = HEADER + (
        "Ann Lee,ann.lee@nhs.net,Nurse,E1001,North CMHT,no\n"
        "Bo Chan,BO.CHAN@nhs.net,occupational therapist,,north cmht,yes\n"
        "Bo Chan,bo.chan@nhs.net,OT,,Crisis Team,no\n"
    )
    result = import_users(None, org, text)
    db.session.commit()
    assert [u.email for u in result.created] == ["ann.lee@nhs.net", "bo.chan@nhs.net"]
    bo = result.created[1]
    assert {(m.team.name, m.role) for m in bo.memberships} == {
        ("North CMHT", MembershipRole.MANAGER),
        ("Crisis Team", MembershipRole.MEMBER),
    }
    assert result.created[0].employee_number == "E1001"
    assert outbox.messages == []  # invitations are queued, and sent in batches once the import commits
    run = send_batches(result.invitations.id)
    assert (run.total, run.sent, run.done) == (2, 2, 2) and run.finished_at is not None
    assert len(outbox.messages) == 2


def test_bad_rows_are_reported_by_line_and_nothing_is_imported(org_team, outbox):
    org, north, _ = org_team
    before = _count()
    text = HEADER + (
        "Ann Lee,ann.lee@nhs.net,Nurse,,North CMHT,no\n"
        ",no-at-sign,astronaut,,Nowhere Team,maybe\n"
        "Cy Dee,cy@nhs.net,nurse,,North CMHT,no,extra\n"
    )
    with pytest.raises(ImportInvalid) as caught:
        import_users(None, org, text)
    problems = {(p.line, p.column) for p in caught.value.problems}
    assert {(3, "name"), (3, "email"), (3, "profession"), (3, "team"), (3, "manager"), (4, "row")} <= problems
    assert "use one of: crisis team, north cmht" in str(caught.value.problems).lower()
    db.session.rollback()
    assert _count() == before
    assert outbox.messages == []


def test_missing_column_is_reported_on_line_1(org_team):
    org, _, _ = org_team
    with pytest.raises(ImportInvalid) as caught:
        import_users(None, org, "name,email\nAnn,ann@nhs.net\n")
    [problem] = caught.value.problems
    assert problem.line == 1 and "profession" in problem.message


def test_cli_import_prints_file_and_line(app, org_team, tmp_path):
    org, _, _ = org_team
    bad = tmp_path / "staff.csv"
    bad.write_text(HEADER + "Ann Lee,ann.lee@nhs.net,Nurse,,North CMHT,no\nBad,bad@nhs.net,pilot,,North CMHT,no\n")
    result = CliRunner().invoke(
        main, ["users", "import", str(bad), "--organisation", "salford trust"], obj=_script_info(app)
    )
    assert result.exit_code == 1
    assert f"{bad}:3: profession: 'pilot' is not a profession" in result.output
    assert "Nothing was imported" in result.output
    assert db.session.scalar(select(User).where(User.email == "ann.lee@nhs.net")) is None
    good = tmp_path / "good.csv"
    good.write_text(HEADER + "Ann Lee,ann.lee@nhs.net,Nurse,,North CMHT,no\n")
    result = CliRunner().invoke(
        main, ["users", "import", str(good), "--organisation", "Salford Trust", "--no-invite"], obj=_script_info(app)
    )
    assert result.exit_code == 0, result.output
    assert "Imported 1 new" in result.output


def _script_info(app):
    from flask.cli import ScriptInfo

    return ScriptInfo(create_app=lambda: app)
