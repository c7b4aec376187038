"""Staff sync from ESR: starters, movers, leavers, full extracts, the guard, idempotence and file problems."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from click.testing import CliRunner
from flask.cli import ScriptInfo
from sqlalchemy import func, select

from equiptrain.accounts.invitations import send_batches
from equiptrain.accounts.models import User, UserSession
from equiptrain.accounts.services import start_session
from equiptrain.accounts.sso_models import SsoSettings
from equiptrain.cli import main
from equiptrain.extensions import db
from equiptrain.records import services, staffsync
from equiptrain.records.models import StaffAssignment, TeamMove
from equiptrain.trainers.models import TrainerKind

HEADER = (
    "Employee Number,Assignment Number,First Name,Last Name,Work Email,Staff Group,Organisation,Cost Centre,"
    "Assignment Start Date,Assignment End Date\n"
)
TODAY = dt.date.today()
PAST = (TODAY - dt.timedelta(days=30)).strftime("%d/%m/%Y")
LONG_AGO = "01/04/2020"


def line(number, first, last, email, unit, *, end="", assignment="1", group="Nursing and Midwifery Registered"):
    return f"{number},{assignment},{first},{last},{email},{group},{unit},,{LONG_AGO},{end}\n"


@pytest.fixture
def trust(build):
    org = build.org("Riverside Trust")
    north, south = build.team(org, "North CMHT"), build.team(org, "South CMHT")
    services.set_team_mapping(None, org, "unit,team\n123 North Community,North CMHT\n124 South Community,South CMHT\n")
    db.session.commit()
    return org, north, south


def sync(org, text, *, full=False, force=False):
    plan = staffsync.plan(text, org, full=full)
    result = staffsync.apply(None, plan, force=force)
    db.session.commit()
    return plan, result


def test_starters_are_created_in_their_mapped_team_and_invited(trust, outbox):
    org, north, south = trust
    text = (
        HEADER
        + line("E1", "Ann", "Lee", "ann.lee@nhs.net", "123 North Community")
        + line("E2", "Bo", "Chan", "Bo.Chan@nhs.net", "124 south community", group="Medical and Dental")
    )
    plan, result = sync(org, text)
    assert plan.counts["new"] == 2
    ann = db.session.scalar(select(User).where(User.employee_number == "E1"))
    bo = db.session.scalar(select(User).where(User.email == "bo.chan@nhs.net"))
    assert ann.team_ids == {north.id} and bo.team_ids == {south.id}
    assert bo.profession.value == "psychiatrist" and ann.profession.value == "nurse"
    run = send_batches(result.invitations.id)
    assert run.sent == 2 and {m["To"] for m in outbox.messages} == {"ann.lee@nhs.net", "bo.chan@nhs.net"}


def test_sso_organisation_tells_starters_to_sign_in_with_their_nhs_account(trust, outbox):
    org, *_ = trust
    db.session.add(SsoSettings(organisation_id=org.id, password_sign_in=False))
    plan, result = sync(org, HEADER + line("E1", "Ann", "Lee", "ann.lee@nhs.net", "123 North Community"))
    send_batches(result.invitations.id)
    (message,) = outbox.messages
    assert "sign in with your NHS account" in message.get_content() and "set-password" not in message.get_content()


def test_a_mover_changes_team_with_the_date_and_keeps_their_history(trust, build):
    org, north, south = trust
    sync(org, HEADER + line("E1", "Ann", "Lee", "ann@nhs.net", "123 North Community"))
    ann = db.session.scalar(select(User).where(User.employee_number == "E1"))
    plan, _ = sync(org, HEADER + line("E1", "Ann", "Lee", "ann@nhs.net", "124 South Community"))
    assert plan.counts["moved"] == 1 and "to South CMHT" in plan.moved[0].detail
    db.session.refresh(ann)
    assert ann.team_ids == {south.id} and ann.is_active
    moves = db.session.scalars(select(TeamMove).where(TeamMove.user_id == ann.id).order_by(TeamMove.id)).all()
    assert [(m.from_team_id, m.to_team_id) for m in moves] == [(None, north.id), (north.id, None), (None, south.id)]
    assert moves[-1].moved_on == TODAY


def test_leavers_with_a_past_end_date_are_deactivated_and_signed_out_nothing_deleted(trust):
    org, *_ = trust
    sync(org, HEADER + line("E1", "Ann", "Lee", "ann@nhs.net", "123 North Community"))
    ann = db.session.scalar(select(User).where(User.employee_number == "E1"))
    start_session(ann)
    db.session.commit()
    plan, _ = sync(org, HEADER + line("E1", "Ann", "Lee", "ann@nhs.net", "123 North Community", end=PAST), force=True)
    assert plan.counts["leaving"] == 1
    db.session.refresh(ann)
    assert not ann.is_active
    assert db.session.scalar(select(func.count()).select_from(UserSession).where(UserSession.user_id == ann.id)) == 0
    assert db.session.get(User, ann.id) is not None and ann.memberships  # nothing deleted


def test_missing_person_is_deactivated_only_by_a_full_extract(trust, build):
    org, north, _ = trust
    rows = "".join(line(f"E{n}", "P", str(n), f"p{n}@nhs.net", "123 North Community") for n in range(1, 21))
    sync(org, HEADER + rows)
    fewer = HEADER + "".join(line(f"E{n}", "P", str(n), f"p{n}@nhs.net", "123 North Community") for n in range(2, 21))
    plan, _ = sync(org, fewer)
    assert plan.counts["leaving"] == 0  # a delta file never deactivates by absence
    plan, _ = sync(org, fewer, full=True)
    assert [c.employee_number for c in plan.leaving] == ["E1"]
    assert not db.session.scalar(select(User).where(User.employee_number == "E1")).is_active


def test_people_not_employed_through_esr_are_never_deactivated(trust, build):
    org, north, _ = trust
    sync(org, HEADER + "".join(line(f"E{n}", "P", str(n), f"p{n}@nhs.net", "123 North Community") for n in range(20)))
    trainer = build.user("trainer", org=org, trainer_kind=TrainerKind.SERVICE_USER)
    admin = build.user("platform_admin", org=org)
    marked = build.user("learner", team=north)
    for u in (trainer, admin, marked):
        u.employee_number = f"X{u.id}"
    services.set_not_in_esr(admin, marked, True)
    db.session.commit()
    plan, _ = sync(org, HEADER + line("E0", "P", "0", "p0@nhs.net", "123 North Community"), full=True, force=True)
    leaving = {c.employee_number for c in plan.leaving}
    assert not leaving & {trainer.employee_number, admin.employee_number, marked.employee_number}
    assert trainer.is_active and admin.is_active and marked.is_active


def test_the_guard_refuses_to_deactivate_more_than_the_share_unless_forced(trust):
    org, *_ = trust
    rows = [line(f"E{n}", "P", str(n), f"p{n}@nhs.net", "123 North Community") for n in range(10)]
    sync(org, HEADER + "".join(rows))
    truncated = HEADER + "".join(rows[:5])
    plan = staffsync.plan(truncated, org, full=True)
    assert plan.over_guard and len(plan.leaving) == 5
    with pytest.raises(staffsync.SyncRefused):
        staffsync.apply(None, plan)
    db.session.rollback()
    assert db.session.scalar(select(func.count(User.id)).where(User.deactivated_at.is_not(None))) == 0
    plan, _ = sync(org, truncated, full=True, force=True)
    assert db.session.scalar(select(func.count(User.id)).where(User.deactivated_at.is_not(None))) == 5


def test_running_it_twice_changes_nothing_the_second_time(trust):
    org, *_ = trust
    text = (
        HEADER
        + line("E1", "Ann", "Lee", "ann@nhs.net", "123 North Community")
        + line("E2", "Bo", "Chan", "bo@nhs.net", "124 South Community", end=PAST)
    )
    sync(org, text, full=True, force=True)
    assignments = db.session.scalar(select(func.count(StaffAssignment.id)))
    plan, result = sync(org, text, full=True, force=True)
    assert plan.counts == {"new": 0, "moved": 0, "updated": 0, "leaving": 0, "unchanged": 1}
    assert result.invitations is None
    assert db.session.scalar(select(func.count(StaffAssignment.id))) == assignments


def test_an_existing_person_is_matched_by_email_and_gets_their_employee_number(trust, build):
    org, north, _ = trust
    ann = build.user("learner", team=north, email="ann@nhs.net", name="Ann Lee")
    plan, _ = sync(org, HEADER + line("E1", "Ann", "Lee", "ann@nhs.net", "123 North Community"))
    assert plan.counts["updated"] == 1 and ann.employee_number == "E1"


def problems_of(org, text, **kw):
    with pytest.raises(staffsync.SyncInvalid) as caught:
        staffsync.plan(text, org, filename="esr.csv", **kw)
    return [str(p) for p in caught.value.problems], caught.value.total


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (
            ",1,Ann,Lee,ann@nhs.net,,123 North Community,,01/04/2020,",
            "esr.csv:2: Employee number (Employee Number): is empty",
        ),
        ("E1,1,,Lee,ann@nhs.net,,123 North Community,,01/04/2020,", "esr.csv:2: First name (First Name): is empty"),
        ("E1,1,Ann,,ann@nhs.net,,123 North Community,,01/04/2020,", "esr.csv:2: Last name (Last Name): is empty"),
        (
            "E1,1,Ann,Lee,not-an-email,,123 North Community,,01/04/2020,",
            "esr.csv:2: Work email (Work Email): 'not-an-email' is not",
        ),
        (
            "E1,1,Ann,Lee,ann@nhs.net,,123 North Community,,2020/13/45,",
            "esr.csv:2: Start date (Assignment Start Date): '2020/13/45' is not a date in the form DD/MM/YYYY",
        ),
        (
            "E1,1,Ann,Lee,ann@nhs.net,,123 North Community,,01/04/2020,yesterday",
            "esr.csv:2: End date (Assignment End Date): 'yesterday' is not a date",
        ),
        (
            "E1,1,Ann,Lee,ann@nhs.net,,123 North Community,,01/04/2020,01/01/2020",
            "esr.csv:2: End date (Assignment End Date): 01/01/2020 is before",
        ),
        ("E1,1,Ann,Lee,ann@nhs.net,,,,01/04/2020,", "esr.csv:2: Organisation unit (Organisation): is empty"),
        (
            "=HYPERLINK(1),1,Ann,Lee,ann@nhs.net,,123 North Community,,01/04/2020,",
            "esr.csv:2: Employee number (Employee Number): begins with '='",
        ),
        ("E1,1,Ann,Lee,ann@nhs.net,,123 North Community,,01/04/2020,,extra", "esr.csv:2: row: has more values"),
        (
            "E1,1," + "A" * 101 + ",Lee,ann@nhs.net,,123 North Community,,01/04/2020,",
            "esr.csv:2: First name (First Name): is 101 characters",
        ),
    ],
)
def test_every_file_problem_is_reported_with_file_line_and_column(trust, row, expected):
    org, *_ = trust
    problems, _ = problems_of(org, HEADER + row + "\n")
    assert any(p.startswith(expected) for p in problems), problems


def test_header_duplicates_and_emails_owned_elsewhere_are_problems(trust, build):
    org, *_ = trust
    problems, _ = problems_of(org, "Employee Number,Work Email\nE1,a@nhs.net\n")
    assert problems[0].startswith("esr.csv:1: header: missing column(s) First Name, Last Name, Assignment Start Date")
    other = build.user("learner", email="taken@nhs.net")
    text = (
        HEADER
        + line("E1", "A", "B", "a@nhs.net", "x")
        + line("E1", "A", "B", "a@nhs.net", "x")
        + line("E2", "C", "D", "a@nhs.net", "x")
        + line("E3", "E", "F", other.email, "x")
    )
    problems, _ = problems_of(org, text)
    assert any(p.startswith("esr.csv:3: Employee number") and "already on line 2" in p for p in problems)
    assert any(p.startswith("esr.csv:4: Work email") and "also the work email of employee E1" in p for p in problems)
    assert any(p.startswith("esr.csv:5: Work email") and "another organisation" in p for p in problems)
    problems, _ = problems_of(org, HEADER)
    assert problems == ["esr.csv:2: row: the file has no people in it"]


def test_only_the_first_50_problems_are_listed_and_all_are_counted_nothing_changes(trust):
    org, *_ = trust
    before = db.session.scalar(select(func.count(User.id)))
    text = HEADER + "".join(f"E{n},1,,Lee,bad,,u,,x,\n" for n in range(40))
    problems, total = problems_of(org, text)
    assert len(problems) == 50 and total == 120  # three problems on each of 40 lines
    assert db.session.scalar(select(func.count(User.id))) == before


def test_columns_and_date_format_are_configurable(trust):
    org, north, _ = trust
    settings = staffsync.settings_for(org)
    settings.columns = {"employee_number": "Staff No", "email": "Email"}
    settings.date_format = "%Y%m%d"
    db.session.commit()
    text = (
        "Staff No,Assignment Number,First Name,Last Name,Email,Staff Group,Organisation,Cost Centre,"
        "Assignment Start Date,Assignment End Date\nE9,1,Di,Oh,di@nhs.net,,123 North Community,,20200401,\n"
    )
    plan, _ = sync(org, text)
    assert plan.counts["new"] == 1
    assert db.session.scalar(select(StaffAssignment.start_date)) == dt.date(2020, 4, 1)


def test_command_dry_run_changes_nothing_and_problems_print_file_line(trust, tmp_path, app):
    org, *_ = trust
    good = tmp_path / "esr.csv"
    good.write_text(HEADER + line("E1", "Ann", "Lee", "ann@nhs.net", "123 North Community"))
    runner = CliRunner()
    info = ScriptInfo(create_app=lambda: app)
    out = runner.invoke(
        main, ["staff", "sync", str(good), "--organisation", org.name, "--dry-run"], obj=info, catch_exceptions=False
    )
    assert out.exit_code == 0 and "1 new" in out.output and "New: E1 Ann Lee" in out.output
    assert db.session.scalar(select(func.count(User.id)).where(User.employee_number == "E1")) == 0
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "E1,1,Ann,Lee,nope,,123 North Community,,01/04/2020,\n")
    out = runner.invoke(main, ["staff", "sync", str(bad), "--organisation", org.name], obj=info)
    assert out.exit_code == 1 and f"{bad}:2: Work email (Work Email):" in out.output


def test_too_many_rows_an_unclosed_quote_and_a_file_that_is_not_utf8(trust, app, monkeypatch):
    from equiptrain.accounts.importer import ImportInvalid, read_limited

    org, *_ = trust
    monkeypatch.setitem(app.config, "IMPORT_MAX_ROWS", 2)
    rows = "".join(line(f"E{n}", "P", str(n), f"p{n}@nhs.net", "123 North Community") for n in range(3))
    problems, _ = problems_of(org, HEADER + rows)
    assert problems == ["esr.csv:4: file: has more than 2 rows; a staff file may have at most 2"]
    monkeypatch.setitem(app.config, "IMPORT_MAX_ROWS", 10000)
    problems, _ = problems_of(org, HEADER + 'E1,1,"Ann,Lee,ann@nhs.net,,u,,01/04/2020,\n')
    assert problems and problems[0].startswith("esr.csv:")
    with pytest.raises(ImportInvalid):
        read_limited(io.BytesIO("Employee Number\n\xe9".encode("latin-1")))


def test_someone_in_an_unmapped_unit_keeps_their_teams(trust, build):
    org, north, _ = trust
    ann = build.user("learner", team=north, email="ann@nhs.net", name="Ann Lee")
    plan, _ = sync(org, HEADER + line("E1", "Ann", "Lee", "ann@nhs.net", "999 Not Mapped Yet"))
    assert plan.counts["moved"] == 0 and any("999 Not Mapped Yet" in n for n in plan.notes)
    assert ann.team_ids == {north.id}
