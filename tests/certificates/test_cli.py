"""`equiptrain certificates issue`: everyone who already qualifies, once, a batch at a time."""

from __future__ import annotations

from click.testing import CliRunner
from flask.cli import ScriptInfo

from equiptrain.certificates import services
from equiptrain.cli import main
from tests.certificates.helpers import FOUNDATIONS, certificates_of, completed_quietly, set_rules


def _run(app, *args):
    return CliRunner().invoke(main, list(args), obj=ScriptInfo(create_app=lambda: app))


def test_issues_everyone_who_qualifies_once(app, course, build):
    set_rules(FOUNDATIONS)
    team = build.team()
    cohort = [build.user(team=team) for _ in range(5)]
    not_yet = build.user(team=team)
    for person in cohort:
        completed_quietly(person, "foundations")
    completed_quietly(not_yet, "listening")
    result = _run(app, "certificates", "issue", "--batch-size", "2")
    assert result.exit_code == 0, result.output
    assert "Issued 5 certificate(s)" in result.output and "6 people checked" in result.output
    assert all(len(certificates_of(p)) == 1 for p in cohort) and certificates_of(not_yet) == []
    again = _run(app, "certificates", "issue")
    assert again.exit_code == 0 and "Issued 0 certificate(s)" in again.output


def test_a_failing_batch_changes_nothing_and_says_so(app, course, build, monkeypatch):
    set_rules(FOUNDATIONS)
    team = build.team()
    cohort = [build.user(team=team) for _ in range(4)]
    for person in cohort:
        completed_quietly(person, "foundations")
    real, calls = services.issue_due, []

    def flaky(users, **kwargs):
        calls.append(len(users))
        issued = real(users, **kwargs)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return issued

    monkeypatch.setattr(services, "issue_due", flaky)
    result = _run(app, "certificates", "issue", "--batch-size", "2")
    assert result.exit_code == 1
    assert "people 3-4 failed (disk full)" in result.output and "2 certificate(s) from earlier batches" in result.output
    assert [len(certificates_of(p)) for p in cohort] == [1, 1, 0, 0]


def test_an_unknown_organisation_is_a_clear_error(app, course):
    result = _run(app, "certificates", "issue", "--organisation", "Nowhere Trust")
    assert result.exit_code == 1 and "There is no organisation called 'Nowhere Trust'" in result.output
