"""Staff import under pressure: limits checked before reading, bounded problem lists, unreadable fields, formula
cells, and invitations sent in the background in batches with a progress page that survives a restart."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from equiptrain.accounts.importer import ImportInvalid, import_users, read_limited
from equiptrain.accounts.models import BulkInvitation, User
from equiptrain.cli import main
from equiptrain.extensions import db
from tests.accounts.test_import import HEADER, _script_info


@pytest.fixture
def org_team(build):
    org = build.org("Bolton Trust")
    return org, build.team(org, "North CMHT")


@pytest.fixture
def admin(build, org_team):
    return build.user("admin", org=org_team[0])


def _people(n: int, start: int = 0) -> str:
    return HEADER + "".join(f"Person {i},person{i}@nhs.net,nurse,,North CMHT,no\n" for i in range(start, start + n))


def _upload(client, text: str | bytes, name: str = "staff.csv"):
    data = text.encode() if isinstance(text, str) else text
    return client.post("/admin/import", data={"file": (io.BytesIO(data), name)}, content_type="multipart/form-data")


class CountingStream(io.BytesIO):
    def __init__(self, size: int):
        super().__init__()
        self.size, self.given = size, 0

    def read(self, n=-1):
        n = self.size - self.given if n is None or n < 0 else min(n, self.size - self.given)
        self.given += n
        return b"a" * n


def test_an_oversized_file_is_refused_before_it_is_read(app, monkeypatch):
    monkeypatch.setitem(app.config, "IMPORT_MAX_BYTES", 1000)
    with pytest.raises(ImportInvalid) as caught:
        read_limited(CountingStream(10**9), size=10**9)
    assert "larger than the 1 KB" in caught.value.problems[0].message
    stream = CountingStream(10**9)  # a stream whose size is not known: read only one byte past the limit
    with pytest.raises(ImportInvalid):
        read_limited(stream)
    assert stream.given == 1001


def test_the_page_refuses_an_oversized_upload_with_a_clear_message(app, client, login, admin, monkeypatch):
    monkeypatch.setitem(app.config, "IMPORT_MAX_BYTES", 2000)
    login(admin)
    page = _upload(client, _people(100)).get_data(as_text=True)  # over the file limit, under the request limit
    assert "larger than the 2 KB an import may be" in page
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 4000)
    response = _upload(client, _people(1000))  # over the request limit: Werkzeug stops it at its length
    assert response.status_code == 413
    assert "That file is too large" in response.get_data(as_text=True)


def test_too_many_rows_is_one_clear_problem(app, org_team, monkeypatch):
    monkeypatch.setitem(app.config, "IMPORT_MAX_ROWS", 3)
    with pytest.raises(ImportInvalid) as caught:
        import_users(None, org_team[0], _people(5))
    [problem] = caught.value.problems
    assert problem.line == 5 and "more than 3 people" in problem.message


def test_the_page_shows_the_first_problems_and_how_many_there_are(app, client, login, admin, monkeypatch):
    monkeypatch.setitem(app.config, "IMPORT_PROBLEMS_SHOWN", 50)
    # (kept under 500 KB: above that the test client spools the upload to a file it never closes)
    bad = HEADER + "".join(f"x{'y' * 210},not-an-email-{i},pilot,,Nowhere,maybe\n" for i in range(1400))
    login(admin)
    response = _upload(client, bad)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    problems = page.split("<h2>Problems in the file</h2>")[1]
    assert len(re.findall(r"<li>Line \d+", problems)) == 50
    assert "The first 50 of 7000 problems" in page and "and 6950 more" in page
    assert len(page) < 100_000
    assert "y" * 100 not in page  # values quoted back are cut short


def test_a_field_over_the_csv_modules_limit_is_a_row_error(org_team):
    text = _people(1) + "Huge," + "a" * 200_000 + "@nhs.net,nurse,,North CMHT,no\n" + _people(1, 5)[len(HEADER) :]
    with pytest.raises(ImportInvalid) as caught:
        import_users(None, org_team[0], text)
    [problem] = caught.value.problems
    assert problem.column == "row" and "cannot be read" in problem.message and "field larger" in problem.message


def test_an_unclosed_quote_is_a_row_error(org_team):
    text = _people(1) + 'Ann "Lee,ann@nhs.net,nurse,,North CMHT,no\n' + '"' + "x" * 200_000
    with pytest.raises(ImportInvalid) as caught:
        import_users(None, org_team[0], text)
    assert any(p.column == "row" and "cannot be read" in p.message for p in caught.value.problems)


@pytest.mark.parametrize("cell", ['=HYPERLINK("http://x")', "+44", "-1", "@SUM(A1)"])
def test_a_cell_a_spreadsheet_would_run_is_refused(org_team, cell):
    text = HEADER + f"{cell},a@nhs.net,nurse,{cell},North CMHT,no\n"
    with pytest.raises(ImportInvalid) as caught:
        import_users(None, org_team[0], text)
    flagged = {(p.line, p.column) for p in caught.value.problems if "formula" in p.message}
    assert flagged == {(2, "name"), (2, "employee_number")}


def test_a_value_longer_than_its_column_is_refused(org_team):
    text = HEADER + f"{'N' * 201},a@nhs.net,nurse,{'9' * 51},North CMHT,no\n"
    with pytest.raises(ImportInvalid) as caught:
        import_users(None, org_team[0], text)
    assert {(p.column, p.message) for p in caught.value.problems} >= {
        ("name", "is 201 characters long; it can be at most 200"),
        ("employee_number", "is 51 characters long; it can be at most 50"),
    }


def test_a_large_import_answers_at_once_and_invites_in_batches(
    app, client, login, admin, outbox, background_queue, monkeypatch
):
    monkeypatch.setitem(app.config, "INVITATION_BATCH_SIZE", 50)
    login(admin)
    response = _upload(client, _people(120))
    assert response.status_code == 302
    run = db.session.scalars(select(BulkInvitation).order_by(BulkInvitation.id.desc())).first()
    assert response.headers["Location"] == f"/admin/import/invitations/{run.id}"
    assert db.session.scalar(select(func.count()).select_from(User).where(User.email.like("person%@nhs.net"))) == 120
    assert outbox.messages == [] and len(background_queue.pending) == 1  # the request sent nothing itself
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Sending: 0 of 120 people dealt with (0%)" in page
    batches = []
    monkeypatch.setattr("equiptrain.accounts.invitations.utcnow", _clock(batches))
    background_queue.run_pending()
    assert len(outbox.messages) == 120
    db.session.expire_all()
    run = db.session.get(BulkInvitation, run.id)
    assert (run.done, run.sent, run.skipped) == (120, 120, 0) and run.finished_at is not None
    assert len(batches) >= 3  # 50 + 50 + 20, each committed with its progress
    assert "All done: 120 invitations sent" in client.get(f"/admin/import/invitations/{run.id}").get_data(as_text=True)


def _clock(calls):
    from equiptrain.db import utcnow

    def now():
        calls.append(1)
        return utcnow()

    return now


def test_a_run_a_restart_interrupted_carries_on_from_where_it_stopped(
    app, client, login, admin, org_team, outbox, background_queue
):
    org, _ = org_team
    result = import_users(admin, org, _people(30))
    db.session.commit()
    run = result.invitations
    ids = list(run.user_ids)
    # A worker sent the first 10, then the process died: the run is left unfinished and quiet.
    run.done, run.sent = 10, 10
    run.updated_at = run.updated_at - dt.timedelta(minutes=10)
    db.session.commit()
    login(admin)
    page = client.get(f"/admin/import/invitations/{run.id}").get_data(as_text=True)
    assert "it has started again from where it stopped" in page
    assert len(background_queue.pending) == 1
    assert "started again" not in client.get(f"/admin/import/invitations/{run.id}").get_data(as_text=True)
    assert len(background_queue.pending) == 1  # a second look does not start it twice
    background_queue.run_pending()
    invited = {m["To"] for m in outbox.messages}
    assert invited == {u.email for u in db.session.scalars(select(User).where(User.id.in_(ids[10:])))}


def test_the_command_resumes_stalled_runs_and_leaves_live_ones(app, org_team, admin, outbox):
    org, _ = org_team
    stalled = import_users(admin, org, _people(3)).invitations
    live = import_users(admin, org, _people(2, 10)).invitations
    stalled.updated_at = stalled.updated_at - dt.timedelta(minutes=10)
    db.session.commit()
    result = CliRunner().invoke(main, ["users", "send-invitations"], obj=_script_info(app))
    assert result.exit_code == 0, result.output
    assert "3 of 3 invitations still to send." in result.output and "Sent 3 invitation(s)" in result.output
    assert "a server is sending them now" in result.output
    assert len(outbox.messages) == 3 and live.finished_at is None


def test_the_command_refuses_an_oversized_file_before_reading_it(app, org_team, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "IMPORT_MAX_BYTES", 1000)
    big = tmp_path / "big.csv"
    big.write_text(_people(100))
    result = CliRunner().invoke(
        main, ["users", "import", str(big), "--organisation", "Bolton Trust"], obj=_script_info(app)
    )
    assert result.exit_code == 1
    assert "larger than the 1 KB an import may be" in result.output


def test_the_command_sends_invitations_with_progress(app, org_team, tmp_path, outbox, monkeypatch):
    monkeypatch.setitem(app.config, "INVITATION_BATCH_SIZE", 2)
    good = tmp_path / "good.csv"
    good.write_text(_people(5))
    result = CliRunner().invoke(
        main, ["users", "import", str(good), "--organisation", "Bolton Trust"], obj=_script_info(app)
    )
    assert result.exit_code == 0, result.output
    assert "Invitations: 2 of 5" in result.output and "Invitations: 5 of 5" in result.output
    assert len(outbox.messages) == 5
