"""The hostile inputs the fuzzing found: each once gave a 500; each now gets a clear answer."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from equiptrain.accounts.models import User
from equiptrain.auditlog.models import AuditEvent
from equiptrain.extensions import db
from equiptrain.reflection.models import ReflectiveEntry
from equiptrain.trainers import services as trainer_services
from equiptrain.trainers.models import TrainerKind, TrainerModule, TrainerProfile
from tests.reflection.helpers import make_entry
from tests.workshops.helpers import make_module, make_workshop

HUGE = "99999999999999999999999999"


@pytest.mark.parametrize("kind", [" ", "\t", "wizard"])
def test_a_trainer_kind_that_is_not_a_choice_is_a_form_error(build, client, login, kind):
    admin = build.user("admin")
    person = build.user("learner", org=admin.organisation)
    login(admin)
    response = client.post(f"/admin/people/{person.id}/roles", data={"trainer_kind": kind})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Not a valid choice" in page or "Choose" in page
    assert db.session.scalar(select(TrainerProfile).where(TrainerProfile.user_id == person.id)) is None


def test_an_admin_can_remove_the_trainer_role_from_a_prepared_trainer(build, client, login):
    admin = build.user("admin")
    trainer = build.user("trainer", org=admin.organisation)
    modules = [make_module(), make_module()]
    trainer_services.set_prepared_modules(admin, trainer.trainer_profile, modules)
    db.session.commit()
    profile_id = trainer.trainer_profile.id
    login(admin)
    response = client.post(f"/admin/people/{trainer.id}/roles", data={"trainer_kind": ""})
    assert response.status_code == 302
    db.session.expire_all()
    # The role ends (no longer a trainer), in one transaction; the profile and its prepared modules are kept as
    # the person's history (issue 24: removing the role used to delete them).
    assert not db.session.get(User, trainer.id).is_trainer
    assert db.session.get(TrainerProfile, profile_id).ended_at is not None
    assert (
        db.session.scalar(
            select(func.count()).select_from(TrainerModule).where(TrainerModule.trainer_profile_id == profile_id)
        )
        == 2
    )
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "role.changed").order_by(AuditEvent.id.desc())
    ).first()
    assert event.details["trainer"] is None


def test_a_blank_follow_up_of_is_not_a_follow_up(build, client, login):
    workshop = make_workshop(build)
    admin = build.user("admin", org=workshop.organisation)
    login(admin)
    data = {
        "title": "Edited",
        "kind": "core",
        "follow_up_of": " ",
        "starts_at": "2030-03-14T09:30",
        "ends_at": "2030-03-14T16:30",
        "capacity": "20",
        "room": "Room 4",
        "modules": [str(m.id) for m in workshop.modules],
        "facilitators": [str(f.user_id) for f in workshop.facilitators],
        "confirm_unprepared": "y",
    }
    response = client.post(f"/workshops/{workshop.id}/edit", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.expire_all()
    assert workshop.title == "Edited" and workshop.follow_up_of_id is None


@pytest.mark.parametrize("field", ["unit_id", "scenario_id", "observer_feedback_id", "workshop_id"])
@pytest.mark.parametrize("value", [HUGE, "-1", "0", "1e3"])
def test_a_hidden_id_out_of_range_is_refused_on_new_and_edit(build, client, login, field, value):
    learner = build.user()
    entry = make_entry(learner)
    login(learner)
    data = {"title": "A title", "nature": "n", "learned": "l", "changed": "c", "module_id": "", field: value}
    before = db.session.scalar(select(func.count()).select_from(ReflectiveEntry))
    created = client.post("/reflection/new/nmc", data=data)
    assert created.status_code == 200 and "not a valid link" in created.get_data(as_text=True)
    edited = client.post(f"/reflection/{entry.id}/edit", data=data)
    assert edited.status_code == 200 and "not a valid link" in edited.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(ReflectiveEntry)) == before


def test_the_error_page_renders_after_a_database_error(app, build, client, login, monkeypatch):
    admin = build.user("admin")
    person = build.user("learner", org=admin.organisation)

    def broken(actor, user, **kwargs):
        db.session.add(TrainerProfile(user_id=admin.id, kind=TrainerKind.CARER))
        db.session.add(TrainerProfile(user_id=admin.id, kind=TrainerKind.CARER))
        db.session.flush()  # the unique user_id fails: the session now needs a rollback

    monkeypatch.setattr("equiptrain.accounts.services.set_admin_roles", broken)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    login(admin)
    response = client.post(f"/admin/people/{person.id}/roles", data={"trainer_kind": "carer"})
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Sorry, there is a problem with the service" in page
    assert admin.name in page or "Sign out" in page  # the header, with the person signed in, rendered too


@pytest.mark.parametrize("where", ["form", "args"])
def test_a_nul_character_is_refused_before_any_view(build, client, login, where):
    admin = build.user("admin")
    login(admin)
    if where == "form":
        response = client.post("/admin/teams", data={"name": "Team\x00", "setting": "community"})
    else:
        response = client.get("/admin/people?q=a%00b")
    assert response.status_code == 400 and "cannot be stored" in response.get_data(as_text=True)


def test_an_import_file_with_nul_characters_is_not_csv_text(app):
    from equiptrain.accounts.importer import ImportInvalid, read_limited

    with pytest.raises(ImportInvalid) as caught:
        read_limited(io.BytesIO(b"name,email\nAnn\x00,a@nhs.net\n"))
    assert "not UTF-8 text" in caught.value.problems[0].message
