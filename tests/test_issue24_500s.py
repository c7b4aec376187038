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
from sqlalchemy import select
from werkzeug.datastructures import MultiDict
from wtforms import HiddenField, PasswordField, StringField, TextAreaField

import equiptrain
from equiptrain import mail
from equiptrain.accounts.models import TrainerKind, TrainerProfile
from equiptrain.extensions import db
from equiptrain.forms import SingleLineMixin
from equiptrain.supervision import services as supervision
from equiptrain.supervision.models import SupervisionPlan
from equiptrain.workshops.forms import WorkshopForm
from equiptrain.workshops.models import TrainerTraining


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


def test_removing_the_trainer_role_with_a_training_record_is_not_a_500(build, client, login):
    admin = build.user("admin")
    trainer = build.user("trainer", org=admin.organisation, trainer_kind=TrainerKind.SERVICE_USER)
    db.session.add(TrainerTraining(trainer_profile_id=trainer.trainer_profile.id, sessions_shadowed=2))
    db.session.commit()
    login(admin)
    response = client.post(f"/admin/people/{trainer.id}/roles", data={"trainer_kind": ""})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.scalar(select(TrainerProfile).where(TrainerProfile.user_id == trainer.id)) is None
    assert db.session.scalar(select(TrainerTraining)) is None
