"""Expiry and recertification: the refresher opens before a completion expires; the knowledge check and a solo
practice again renew it and issue a new certificate; the old one verifies as expired, not revoked."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from equiptrain.certificates.models import CertificateStatus
from equiptrain.content.models import Module, Quiz, Scenario
from equiptrain.dashboards import services as dashboard_services
from equiptrain.db import utcnow
from equiptrain.extensions import db
from equiptrain.learning.models import ModuleProgress, PracticeAttempt, QuizAttempt
from equiptrain.reminders import refreshers, services
from equiptrain.reminders.models import Refresher
from tests.certificates.helpers import FOUNDATIONS, certificates_of, complete_modules, set_rules
from tests.learning.helpers import sync_small_course
from tests.reminders.test_schedule import at


def test_a_refresher_renews_the_completion_and_the_certificate(tmp_path, build, client, app):
    sync_small_course(tmp_path / "course")
    set_rules(FOUNDATIONS)
    module = db.session.scalar(select(Module).where(Module.slug == "foundations"))
    admin = build.user("admin")
    learner = build.user(org=admin.organisation)
    complete_modules(learner, "foundations")
    [old] = certificates_of(learner)
    dashboard_services.save_requirements(
        admin,
        admin.organisation,
        module_ids={module.id},
        core_workshop=False,
        deadline=dt.date.today() + dt.timedelta(days=30),
        joiner_days=None,
        module_expiry_months={module.id: 12},
    )
    db.session.commit()
    completed = db.session.scalar(
        select(ModuleProgress.completed_at).where(ModuleProgress.user_id == learner.id)
    ).date()
    expires = completed.replace(year=completed.year + 1)
    notice = int(app.config["EXPIRY_NOTICE_DAYS"])

    with at(expires - dt.timedelta(days=notice + 1)):
        services.expiry_notices()
    assert db.session.scalars(select(Refresher)).all() == []
    with at(expires - dt.timedelta(days=notice)):
        services.expiry_notices()
        services.expiry_notices()
    [refresher] = db.session.scalars(select(Refresher).where(Refresher.user_id == learner.id)).all()
    assert refresher.expires_on == expires and refresher.completed_at is None

    with at(expires - dt.timedelta(days=notice - 5)):
        # The knowledge check alone is not enough; with a solo practice as well, the completion renews.
        quiz = db.session.scalar(select(Quiz).where(Quiz.module_id == module.id))
        db.session.add(
            QuizAttempt(user_id=learner.id, quiz_id=quiz.id, answers={}, correct=1, total=1, score=100, passed=True)
        )
        db.session.commit()
        assert refreshers.check_open() == 0
        solo = db.session.scalar(select(Scenario).where(Scenario.module_id == module.id, Scenario.kind == "solo"))
        db.session.add(
            PracticeAttempt(user_id=learner.id, scenario_id=solo.id, path=[], outcome="good", finished_at=utcnow())
        )
        db.session.commit()
        assert refreshers.check_open() == 1
        db.session.commit()
        renewed_on = utcnow().date()

    db.session.expire_all()
    progress = db.session.scalar(select(ModuleProgress).where(ModuleProgress.user_id == learner.id))
    assert progress.completed_at.date() == renewed_on
    old_again, new = certificates_of(learner)
    assert old_again.id == old.id and old_again.status is CertificateStatus.EXPIRED
    assert new.status is CertificateStatus.VALID and old_again.superseded_by_id == new.id
    page = client.get(f"/verify/{old.display_code}").get_data(as_text=True)
    assert "Expired" in page and "Revoked" not in page and f"/verify/{new.display_code}" in page


def test_the_team_matrix_shows_expires_on_and_expired(build, client, login):
    from tests.dashboards import helpers

    admin = build.user("admin")
    team = build.team(admin.organisation)
    manager = build.user("manager", team=team)
    fresh = build.user("learner", team=team, name="Fay Fresh")
    lapsed = build.user("learner", team=team, name="Lou Lapsed")
    (module,) = helpers.modules(1)
    helpers.progress(fresh, module, days_ago=10)
    helpers.progress(lapsed, module, days_ago=400)
    dashboard_services.save_requirements(
        admin,
        admin.organisation,
        module_ids={module.id},
        core_workshop=False,
        deadline=dt.date.today() + dt.timedelta(days=30),
        joiner_days=None,
        module_expiry_months={module.id: 12},
    )
    db.session.commit()
    page = login(manager).get(f"/dashboards/teams/{team.id}").get_data(as_text=True)
    fay = page[page.index("Fay Fresh") :][:2000]
    lou = page[page.index("Lou Lapsed") :][:2000]
    assert "Expires on" in fay.split("</tr>")[0] and "Expired" not in fay.split("</tr>")[0]
    assert "Expired" in lou.split("</tr>")[0]


def test_a_whole_module_refresher_needs_the_units_read_again(tmp_path, build, app):
    from equiptrain.content.models import Unit
    from equiptrain.learning.models import UnitRead

    sync_small_course(tmp_path / "course")
    module = db.session.scalar(select(Module).where(Module.slug == "foundations"))
    admin = build.user("admin")
    learner = build.user(org=admin.organisation)
    complete_modules(learner, "foundations")
    dashboard_services.save_requirements(
        admin,
        admin.organisation,
        module_ids={module.id},
        core_workshop=False,
        deadline=dt.date.today() + dt.timedelta(days=30),
        joiner_days=None,
        module_expiry_months={module.id: 12},
        refresher_whole_module=True,
    )
    db.session.commit()
    completed = db.session.scalar(select(ModuleProgress.completed_at).where(ModuleProgress.user_id == learner.id))
    expires = completed.date().replace(year=completed.year + 1)
    with at(expires - dt.timedelta(days=int(app.config["EXPIRY_NOTICE_DAYS"]))):
        services.expiry_notices()
    [refresher] = db.session.scalars(select(Refresher).where(Refresher.user_id == learner.id)).all()
    assert refresher.whole_module
    units = db.session.scalars(select(Unit).where(Unit.module_id == module.id, Unit.retired_at.is_(None))).all()
    assert db.session.scalars(select(UnitRead).where(UnitRead.user_id == learner.id)).all() == []  # to read again
    with at(expires - dt.timedelta(days=50)):
        quiz = db.session.scalar(select(Quiz).where(Quiz.module_id == module.id))
        solo = db.session.scalar(select(Scenario).where(Scenario.module_id == module.id, Scenario.kind == "solo"))
        db.session.add(
            QuizAttempt(user_id=learner.id, quiz_id=quiz.id, answers={}, correct=1, total=1, score=100, passed=True)
        )
        db.session.add(
            PracticeAttempt(user_id=learner.id, scenario_id=solo.id, path=[], outcome="good", finished_at=utcnow())
        )
        db.session.commit()
        assert refreshers.check_open() == 0  # the units are not read again yet
        db.session.add_all(UnitRead(user_id=learner.id, unit_id=u.id, read_at=utcnow()) for u in units)
        db.session.commit()
        assert refreshers.check_open() == 1


def test_each_module_opens_its_refresher_on_its_own_day(build, app):
    """Two mandatory modules, 6 and 24 months, and a third mandatory one that does not expire: each refresher opens
    on its own day, once; never for a deactivated learner."""
    from tests.dashboards import helpers
    from tests.reminders.test_schedule import sent

    admin = build.user("admin")
    learner = build.user(org=admin.organisation)
    gone = build.user(org=admin.organisation)
    short, long_, never = helpers.modules(3)
    for person in (learner, gone):
        for m in (short, long_, never):
            helpers.progress(person, m, days_ago=0)
    gone.deactivated_at = utcnow()
    dashboard_services.save_requirements(
        admin,
        admin.organisation,
        module_ids={short.id, long_.id, never.id},
        core_workshop=False,
        deadline=dt.date.today() + dt.timedelta(days=30),
        joiner_days=None,
        module_expiry_months={short.id: 6, long_.id: 24},
    )
    db.session.commit()
    done = utcnow().date()
    notice = dt.timedelta(days=int(app.config["EXPIRY_NOTICE_DAYS"]))
    short_day = rules_add(done, 6) - notice
    long_day = rules_add(done, 24) - notice
    with at(short_day - dt.timedelta(days=1)):
        services.expiry_notices()
    assert db.session.scalars(select(Refresher)).all() == []
    with at(short_day):
        services.expiry_notices()
        services.expiry_notices()
    assert [(r.user_id, r.module_id) for r in db.session.scalars(select(Refresher))] == [(learner.id, short.id)]
    assert len(sent(learner, "expiry_notice")) == 1
    with at(long_day - dt.timedelta(days=1)):
        services.expiry_notices()
    assert len(db.session.scalars(select(Refresher)).all()) == 1
    with at(long_day):
        services.expiry_notices()
    opened = {r.module_id for r in db.session.scalars(select(Refresher).where(Refresher.user_id == learner.id))}
    assert opened == {short.id, long_.id}  # never the module that does not expire
    assert db.session.scalars(select(Refresher).where(Refresher.user_id == gone.id)).all() == []
    assert sent(gone, "expiry_notice") == []


def rules_add(day: dt.date, months: int) -> dt.date:
    from equiptrain.dashboards.requirements import add_months

    return add_months(day, months)
