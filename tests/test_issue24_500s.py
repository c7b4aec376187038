"""Issue 24's 500s, each posted as the fuzz found it: a blank-looking select, a date whose plan runs past year 9999,
a line break in a single-line field that later became a mail header, and a trainer role removed while a
train-the-trainers record hangs off it."""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import pkgutil

import pytest
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict
from wtforms import HiddenField, PasswordField, StringField, TextAreaField

import equiptrain
from equiptrain import mail
from equiptrain.accounts.models import User
from equiptrain.auditlog.models import AuditEvent
from equiptrain.extensions import db
from equiptrain.forms import SingleLineMixin
from equiptrain.supervision import services as supervision
from equiptrain.supervision.models import SupervisionPlan
from equiptrain.trainers.models import TrainerKind, TrainerProfile, TrainerTraining
from equiptrain.workshops.forms import WorkshopForm


def _plan_with_action(build):
    admin = build.user("admin")
    team = build.team(admin.organisation)
    plan = supervision.start_plan(None, team, dt.date(2026, 1, 10))
    action = supervision.add_action(
        admin, plan, session_number=1, action="Ask about carers", owner="Sam", due_on=dt.date(2026, 3, 1)
    )
    db.session.commit()
    return admin, team, plan, action


def test_a_blank_looking_review_session_is_none_not_a_500(build, client, login):
    admin, team, plan, _ = _plan_with_action(build)
    action = plan.actions[0]
    login(admin)
    response = client.post(
        f"/supervision/teams/{team.id}/actions/{action.id}",
        data={f"review-{action.id}-status": "done", f"review-{action.id}-session_number": " "},
    )
    assert response.status_code == 302
    assert action.reviewed_at_session is None


def test_a_plan_that_would_run_past_year_9999_is_refused_with_a_form_error(build, client, login):
    admin = build.user("admin")
    team = build.team(admin.organisation)
    login(admin)
    response = client.post(f"/supervision/teams/{team.id}/plan", data={"start-starts_on": "9999-12-31"})
    assert response.status_code == 400
    assert "Choose a date" in response.get_data(as_text=True)
    assert db.session.scalar(select(SupervisionPlan).where(SupervisionPlan.team_id == team.id)) is None


def test_add_months_past_the_calendar_says_so_plainly():
    with pytest.raises(ValueError, match="past the year 9999"):
        supervision.add_months(dt.date(9999, 12, 31), 2)


@pytest.mark.parametrize("bad", ["Supervision 2\r\nBcc: x@evil.example", "a\nb", "tab\there", "bell\x07", "a\u2028b"])
def test_a_single_line_field_refuses_control_characters(app, bad):
    with app.test_request_context():
        form = WorkshopForm(formdata=MultiDict({"title": bad}))
        form.validate()
        assert any("one line" in e for e in form.title.errors)


def test_every_single_line_field_of_every_form_refuses_control_characters():
    """One shared field: no form may use a plain StringField (or EmailField...) for a single line."""
    plain = []
    for info in pkgutil.walk_packages(equiptrain.__path__, "equiptrain."):
        if not info.name.endswith("forms"):
            continue
        module = importlib.import_module(info.name)
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if not issubclass(cls, FlaskForm) or cls.__module__ != module.__name__:
                continue
            for field_name, unbound in vars(cls).items():
                field_class = getattr(unbound, "field_class", None)
                if field_class is None or not issubclass(field_class, StringField):
                    continue
                if issubclass(field_class, TextAreaField | PasswordField | HiddenField | SingleLineMixin):
                    continue
                plain.append(f"{cls.__module__}.{cls.__name__}.{field_name}")
    assert not plain, plain


def test_a_mail_header_cannot_be_broken_by_user_text(app):
    with app.test_request_context():
        msg = mail.build_message("someone@example.org", "Changed: Supervision 2\r\nBcc: x@evil.example", "Body")
        raw = bytes(msg).decode()
    assert "Bcc" not in msg and "\nBcc:" not in raw
    assert msg["Subject"] == "Changed: Supervision 2 Bcc: x@evil.example"


def test_removing_the_trainer_role_keeps_the_train_the_trainers_record_and_giving_it_back_shows_it(
    build, client, login
):
    admin = build.user("admin")
    trainer = build.user("trainer", org=admin.organisation, trainer_kind=TrainerKind.SERVICE_USER)
    db.session.add(
        TrainerTraining(
            trainer_profile_id=trainer.trainer_profile.id,
            completed_on=dt.date(2026, 3, 4),
            sessions_shadowed=2,
            preparation="Shadowed two core days",
        )
    )
    db.session.commit()
    login(admin)
    response = client.post(f"/admin/people/{trainer.id}/roles", data={"trainer_kind": ""})
    assert response.status_code == 302
    db.session.expire_all()
    # No longer a trainer: not on the trainers list, no trainer page, not offered as a facilitator ...
    assert not db.session.get(User, trainer.id).is_trainer
    assert trainer.name not in client.get("/admin/trainers/").get_data(as_text=True)
    assert client.get(f"/admin/trainers/{trainer.id}").status_code == 404
    # ... but their training history is not lost (issue 24: removing the role deleted it).
    record = db.session.scalar(select(TrainerTraining))
    assert record is not None and record.sessions_shadowed == 2 and record.completed_on == dt.date(2026, 3, 4)

    response = client.post(f"/admin/people/{trainer.id}/roles", data={"trainer_kind": "service_user"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, trainer.id).is_trainer
    page = client.get(f"/admin/trainers/{trainer.id}").get_data(as_text=True)
    assert "Completed the train-the-trainers course on 4 March 2026" in page and "Workshops shadowed: 2" in page
    assert db.session.scalar(select(func.count()).select_from(TrainerProfile)) == 1  # the same profile, reopened
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "role.changed").order_by(AuditEvent.id.desc())
    ).first()
    assert event.details["trainer"] == "service_user" and event.details["trainer_records_restored"] is True
