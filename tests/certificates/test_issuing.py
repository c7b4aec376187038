"""Issuing on the learning and register events, the rules with and without workshops, never twice."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from equiptrain.accounts import services as accounts
from equiptrain.auditlog.models import AuditEvent
from equiptrain.certificates import services
from equiptrain.certificates.models import Certificate, CertificateStatus
from equiptrain.errors import ServiceError
from equiptrain.extensions import db
from equiptrain.trainers.models import TrainerKind
from equiptrain.workshops.models import WorkshopKind
from tests.certificates.helpers import (
    FOUNDATIONS,
    WITH_WORKSHOPS,
    attended_workshop,
    certificates_of,
    complete_modules,
    set_rules,
)


def test_a_rule_without_workshops_issues_when_the_last_module_completes(course, build):
    set_rules(FOUNDATIONS)
    learner = build.user(name="Siân Ŵyn-Jones")
    assert certificates_of(learner) == []
    complete_modules(learner, "foundations")
    [cert] = certificates_of(learner)
    assert (cert.achievement, cert.status, cert.recipient_name) == (
        "equip-foundations",
        CertificateStatus.VALID,
        "Siân Ŵyn-Jones",
    )
    assert cert.claim["modules"][0]["slug"] == "foundations" and cert.claim["modules"][0]["outcomes"]
    assert cert.claim["workshops"] == []
    assert cert.hours_participatory == 0 and cert.hours_individual > 0
    assert cert.claim["profession"] == "Nurse"


def test_the_learner_is_told_by_email(course, build, outbox):
    set_rules(FOUNDATIONS)
    learner = build.user(email="kim.li@example.nhs.uk")
    complete_modules(learner, "foundations")
    [cert] = certificates_of(learner)
    [message] = outbox.to("kim.li@example.nhs.uk")
    assert message["Subject"] == "Your EQUIP foundations certificate is ready"
    body = message.get_body().get_content()
    assert "http://equiptrain.test/certificates/" in body and f"/verify/{cert.display_code}" in body


def test_no_certificate_while_a_module_is_missing(course, build):
    set_rules(WITH_WORKSHOPS)
    learner = build.user()
    complete_modules(learner, "foundations")
    assert certificates_of(learner) == []


def test_a_rule_with_workshops_waits_for_the_core_workshop_and_its_follow_up(course, build):
    set_rules(WITH_WORKSHOPS)
    team = build.team()
    learner = build.user(team=team)
    complete_modules(learner, "foundations", "listening")
    assert certificates_of(learner) == []
    core = attended_workshop(build, team, [learner])
    assert certificates_of(learner) == []  # the follow-up is still missing
    follow = attended_workshop(build, team, [learner], slugs=(), kind=WorkshopKind.SUPERVISION, follow_up_of=core)
    [cert] = certificates_of(learner)
    assert [w["title"] for w in cert.claim["workshops"]] == [core.title, follow.title]
    # participatory hours: the workshops' CPD hours, as the CPD record credits them
    assert cert.hours_participatory == pytest.approx(core.cpd_hours + follow.cpd_hours)


def test_the_register_sign_off_can_be_the_last_requirement(course, build):
    set_rules({**WITH_WORKSHOPS, "workshops": {"core": ["foundations"], "follow_ups": 0}})
    team = build.team()
    learner, absent = build.user(team=team), build.user(team=team)
    complete_modules(learner, "foundations", "listening")
    complete_modules(absent, "foundations", "listening")
    attended_workshop(build, team, [learner], absent=[absent])
    assert len(certificates_of(learner)) == 1
    assert certificates_of(absent) == []


def test_a_follow_up_of_another_core_workshop_does_not_count(course, build):
    set_rules(WITH_WORKSHOPS)
    team = build.team()
    learner, other = build.user(team=team), build.user(team=team)
    complete_modules(learner, "foundations", "listening")
    attended_workshop(build, team, [learner])
    elsewhere = attended_workshop(build, team, [other])
    attended_workshop(build, team, [learner], slugs=(), kind=WorkshopKind.BOOSTER, follow_up_of=elsewhere)
    assert certificates_of(learner) == []


def test_trainers_are_named_only_with_consent(course, build):
    set_rules({**FOUNDATIONS, "workshops": {"core": ["foundations"], "follow_ups": 0}})
    team = build.team()
    a, b = build.user(team=team), build.user(team=team)
    org = team.organisation
    pro = build.user("trainer", org=org, name="Nia Evans")
    su = build.user("trainer", org=org, name="Jordan Blake", trainer_kind=TrainerKind.SERVICE_USER)
    carer = build.user("trainer", org=org, name="Margaret Doyle", trainer_kind=TrainerKind.CARER)
    carer.trainer_profile.named_on_certificates = True
    db.session.commit()
    complete_modules(a, "foundations")
    complete_modules(b, "foundations")
    attended_workshop(build, team, [a, b], facilitators=[pro, su, carer])
    trainers = certificates_of(a)[0].claim["workshops"][0]["trainers"]
    assert trainers == ["Nia Evans (professional trainer)", "a service-user trainer", "Margaret Doyle (carer trainer)"]
    assert "Jordan Blake" not in str(certificates_of(a)[0].claim)


def test_never_twice_even_when_the_events_repeat(course, build):
    set_rules(FOUNDATIONS)
    learner = build.user()
    complete_modules(learner, "foundations")
    assert services.issue_due([learner]) == []
    assert services.issue_due([learner]) == []
    assert len(certificates_of(learner)) == 1


def test_the_database_refuses_a_second_valid_certificate(course, build):
    """Two requests racing past the check: the partial unique index stops the second insert."""
    set_rules(FOUNDATIONS)
    learner = build.user()
    complete_modules(learner, "foundations")
    [cert] = certificates_of(learner)
    twin = Certificate(
        user_id=learner.id,
        achievement=cert.achievement,
        title=cert.title,
        recipient_name="x",
        completed_on=cert.completed_on,
        hours_individual=0,
        hours_participatory=0,
        claim={},
    )
    with pytest.raises(IntegrityError):
        with db.session.begin_nested():
            db.session.add(twin)
    # ...and the service's insert turns the same race into a no-op
    assert services._insert(learner, dict(cert.claim)) is None


def test_a_name_correction_reissues_and_the_old_one_points_to_the_new(course, build):
    set_rules(FOUNDATIONS)
    org = build.org()
    admin = build.user("admin", org=org)
    learner = build.user(org=org, team=build.team(org), name="Tomasz Nowack")
    complete_modules(learner, "foundations")
    [old] = certificates_of(learner)
    accounts.update_details(
        admin, learner, name="Tomasz Nowak", email=learner.email, profession=learner.profession, employee_number=None
    )
    db.session.commit()
    old, new = certificates_of(learner)
    assert old.status is CertificateStatus.SUPERSEDED and old.superseded_by_id == new.id
    assert (new.status, new.recipient_name, old.recipient_name) == (
        CertificateStatus.VALID,
        "Tomasz Nowak",
        "Tomasz Nowack",
    )
    assert new.code != old.code and new.badge_salt != old.badge_salt
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "certificate.reissued"))
    assert event.details["replaces"] == old.code and event.actor_id == admin.id


def test_other_detail_changes_do_not_reissue(course, build):
    set_rules(FOUNDATIONS)
    org = build.org()
    admin = build.user("admin", org=org)
    learner = build.user(org=org, team=build.team(org))
    complete_modules(learner, "foundations")
    accounts.update_details(
        admin,
        learner,
        name=learner.name,
        email="new@example.nhs.uk",
        profession=learner.profession,
        employee_number="E1",
    )
    assert len(certificates_of(learner)) == 1


def test_revoking_is_audited_refuses_twice_and_is_not_reissued(course, build):
    set_rules(FOUNDATIONS)
    org = build.org()
    admin = build.user("admin", org=org)
    learner = build.user(org=org, team=build.team(org))
    complete_modules(learner, "foundations")
    [cert] = certificates_of(learner)
    with pytest.raises(ServiceError, match="reason"):
        services.revoke(admin, cert, "  ")
    services.revoke(admin, cert, "Issued in error: the quiz was taken by someone else")
    assert cert.status is CertificateStatus.REVOKED and cert.revoked_at is not None
    with pytest.raises(ServiceError, match="already been revoked"):
        services.revoke(admin, cert, "again")
    with pytest.raises(ServiceError, match="revoked, so it cannot be reissued"):
        services.reissue(admin, cert, "name corrected")
    assert services.issue_due([learner]) == []  # a revoked achievement is not issued again automatically
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "certificate.revoked"))
    assert event.details["reason"].startswith("Issued in error") and event.actor_id == admin.id


def test_a_superseded_certificate_cannot_be_revoked_or_reissued_again(course, build):
    set_rules(FOUNDATIONS)
    org = build.org()
    admin = build.user("admin", org=org)
    learner = build.user(org=org, team=build.team(org))
    complete_modules(learner, "foundations")
    [cert] = certificates_of(learner)
    new = services.reissue(admin, cert, "profession corrected")
    with pytest.raises(ServiceError, match="revoke that one instead"):
        services.revoke(admin, cert, "wrong")
    with pytest.raises(ServiceError, match="already been replaced"):
        services.reissue(admin, cert, "again")
    assert new.is_valid
