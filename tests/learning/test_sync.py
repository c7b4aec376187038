"""The course sync: idempotent, all or nothing, keyed by slugs, retiring what disappears; progress survives."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from equiptrain.content import sync as sync_module
from equiptrain.content.defs import ContentInvalid
from equiptrain.content.models import ConfidenceItem, Module, Programme, QuizQuestion, Scenario, Unit
from equiptrain.content.sync import sync_course, tree_hash
from equiptrain.extensions import db
from equiptrain.learning import record as records
from equiptrain.learning.models import UnitRead
from tests.content.trees import edit, module_dir, write, write_valid_tree
from tests.learning.helpers import module, read_unit, unit, view

UNIT1 = f"{module_dir('foundations')}/units/01-what-involvement-means.md"


def counts():
    return {
        m.__name__: db.session.scalar(select(func.count()).select_from(m))
        for m in (Programme, Module, Unit, QuizQuestion, Scenario, ConfidenceItem)
    }


def test_first_sync_creates_everything(tmp_path, no_course):
    root = write_valid_tree(tmp_path / "c")
    report = sync_course(root)
    assert report.changed
    assert report.counts["module"]["created"] == 2 and report.counts["unit"]["created"] == 4
    assert report.counts["question"]["created"] == 12 and report.counts["scenario"]["created"] == 4
    assert report.counts["confidence item"]["created"] == 6
    p = db.session.scalar(select(Programme))
    assert p.tree_hash == tree_hash(root) and p.confidence_scale["labels"]["5"] == "Completely confident"
    assert p.certificates[0]["modules"] == ["foundations", "listening"]
    assert "Created" not in str(report) and "modules: 2 created" in str(report)
    body = unit("foundations", "what-involvement-means").body_html
    assert "admonition lived-experience" in body
    assert 'href="/modules/foundations/units/power-in-the-relationship"' in body
    solo = db.session.scalar(select(Scenario).where(Scenario.kind == "solo"))
    assert solo.data["start"] == "opening" and solo.data["nodes"]["ending-opened-up"]["ending"]["outcome"] == "good"


def test_second_sync_changes_nothing_and_says_so(tmp_path):
    root = write_valid_tree(tmp_path / "c")
    sync_course(root)
    before = counts()
    report = sync_course(root)
    assert not report.changed
    assert str(report) == "The course in the database is up to date: nothing changed."
    assert report.counts["unit"]["unchanged"] == 4
    assert counts() == before
    assert not db.session.dirty and not db.session.new


def test_a_broken_tree_leaves_the_database_unchanged(tmp_path):
    root = write_valid_tree(tmp_path / "c")
    sync_course(root)
    edit(root, UNIT1, "title: What involvement means", "title: A new title")
    edit(root, f"{module_dir('listening')}/quiz.yaml", "correct: true", "correct: false")  # question 1: no answer
    with pytest.raises(ContentInvalid) as exc:
        sync_course(root)
    assert any("no correct answer" in str(p) for p in exc.value.problems)
    assert unit("foundations", "what-involvement-means").title == "What involvement means"


def test_a_failure_midway_rolls_back_what_was_already_written(tmp_path, monkeypatch):
    root = write_valid_tree(tmp_path / "c")
    sync_course(root)
    db.session.commit()
    before = counts()
    edit(root, UNIT1, "title: What involvement means", "title: A new title")
    write(
        root,
        f"{module_dir('foundations')}/units/03-extra.md",
        '---\nslug: extra\ntitle: Extra\nwritten_by: [{role: professional, when: "2026-11"}]\n---\nMore text.\n',
    )

    def boom(_s):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(sync_module, "_scenario_data", boom)  # fails after the units were written
    with pytest.raises(RuntimeError):
        sync_course(root)
    db.session.expire_all()
    assert counts() == before
    assert unit("foundations", "what-involvement-means").title == "What involvement means"
    assert unit("foundations", "extra") is None


def test_a_reworded_unit_keeps_its_reads(course, build):
    learner = build.user()
    read_unit(learner, "foundations", "what-involvement-means")
    read = db.session.scalars(select(UnitRead)).one()
    db.session.commit()
    edit(course, UNIT1, "Teaching text about", "Reworded teaching about")
    report = sync_course(course)
    assert report.counts["unit"]["updated"] == 1 and report.counts["unit"]["created"] == 0
    u = unit("foundations", "what-involvement-means")
    assert "Reworded teaching" in u.body_html
    assert db.session.scalar(select(UnitRead.unit_id).where(UnitRead.id == read.id)) == u.id


def test_a_removed_unit_is_retired_and_comes_back(course, build):
    learner = build.user()
    read_unit(learner, "foundations", "power-in-the-relationship")
    path = course / module_dir("foundations") / "units" / "02-power-in-the-relationship.md"
    saved = path.read_text()
    path.unlink()
    edit(course, UNIT1, "unit:power-in-the-relationship", "unit:what-involvement-means")
    report = sync_course(course)
    assert report.counts["unit"]["retired"] == 1
    gone = unit("foundations", "power-in-the-relationship")
    assert gone.retired_at is not None
    assert db.session.scalar(select(func.count(UnitRead.id)).where(UnitRead.unit_id == gone.id)) == 1
    # Reading the one remaining unit completes the units rule: the retired one no longer counts.
    assert records.load(learner.id).summary(view("foundations").id).units_read == 0  # recounted at the sync
    read_unit(learner, "foundations", "what-involvement-means")
    assert "units" not in records.unmet(view("foundations"), records.load(learner.id).summary(view("foundations").id))
    path.write_text(saved)
    report = sync_course(course)
    assert report.counts["unit"]["updated"] >= 1 and unit("foundations", "power-in-the-relationship").retired_at is None
    assert records.load(learner.id).summary(view("foundations").id).units_read == 2


def test_removed_modules_questions_and_confidence_items_are_retired(course):
    import shutil

    edit(course, "confidence.yaml", "  - slug: involve-carers\n", "  - slug: involve-families\n")
    edit(course, f"{module_dir('foundations')}/quiz.yaml", "slug: question-6", "slug: question-six")
    shutil.rmtree(course / module_dir("listening"))
    edit(course, "programme.yaml", "  - listening\n", "")
    edit(course, "programme.yaml", "modules: [foundations, listening]", "modules: [foundations]")
    report = sync_course(course)
    assert report.counts["confidence item"]["retired"] == 1 and report.counts["confidence item"]["created"] == 1
    assert db.session.scalar(select(ConfidenceItem).where(ConfidenceItem.slug == "involve-carers")).retired_at
    assert report.counts["question"]["retired"] == 1 and report.counts["question"]["created"] == 1
    assert report.counts["module"]["retired"] == 1 and module("listening").retired_at is not None
    assert report.counts["programme"]["updated"] == 1


def test_cli_sync_reports_and_refuses_a_broken_tree(app, tmp_path, no_course):
    root = write_valid_tree(tmp_path / "c")
    runner = CliRunner()
    from equiptrain.cli import content

    result = runner.invoke(content, ["sync", str(root)], obj=_script_info(app))
    assert result.exit_code == 0, result.output
    assert "Synced the course" in result.output
    result = runner.invoke(content, ["sync", str(root)], obj=_script_info(app))
    assert "nothing changed" in result.output
    edit(root, UNIT1, "slug: what-involvement-means", "slug: What Involvement")
    result = runner.invoke(content, ["sync", str(root)], obj=_script_info(app))
    assert result.exit_code == 1
    assert f"{root}/{UNIT1}:2: slug:" in result.output and "nothing was synced" in result.output


def _script_info(app):
    from flask.cli import ScriptInfo

    return ScriptInfo(create_app=lambda: app)


def test_serve_preparation_syncs_only_when_the_tree_changed(app, tmp_path, monkeypatch, no_course):
    from equiptrain import cli

    root = write_valid_tree(tmp_path / "c")
    assert sync_module.sync_on_serve in cli.SERVE_PREPARATIONS
    monkeypatch.setitem(app.config, "CONTENT_DIR", str(root))
    monkeypatch.setitem(app.config, "SYNC_CONTENT_ON_SERVE", False)
    sync_module.sync_on_serve(app)
    assert db.session.scalar(select(func.count(Module.id))) == 0
    monkeypatch.setitem(app.config, "SYNC_CONTENT_ON_SERVE", True)
    calls = []
    real = sync_module.sync_course
    monkeypatch.setattr(sync_module, "sync_course", lambda r: calls.append(r) or real(r))
    sync_module.sync_on_serve(app)
    sync_module.sync_on_serve(app)  # same files: no second sync
    assert len(calls) == 1 and db.session.scalar(select(func.count(Module.id))) == 2
