"""People and team pages: what they show, and a fixed number of queries whatever the size of the team."""

from __future__ import annotations

import pytest

from equiptrain.extensions import db
from equiptrain.trainers.models import TrainerKind


def _grow(build, team, n):
    for _ in range(n):
        build.user(team=team)


@pytest.mark.parametrize("path", ["/admin/people", "/admin/teams", "/teams/{team}"])
def test_pages_run_a_fixed_number_of_queries(client, login, build, count_queries, path):
    admin = build.user("admin")
    team = build.team(admin.organisation)
    other = build.team(admin.organisation)
    login(admin)
    url = path.format(team=team.id)
    _grow(build, team, 2)
    with count_queries() as small:
        assert client.get(url).status_code == 200
    _grow(build, team, 12)
    _grow(build, other, 5)
    with count_queries() as large:
        assert client.get(url).status_code == 200
    assert large.count == small.count, large.statements


def test_people_page_lists_only_the_admins_organisation(client, login, build):
    admin = build.user("admin")
    mine = build.user(team=build.team(admin.organisation), name="Mine Person")
    build.user(name="Elsewhere Person")
    login(admin)
    page = client.get("/admin/people").get_data(as_text=True)
    assert mine.name in page and "Elsewhere Person" not in page
    assert client.get(f"/admin/people/{mine.id}").status_code == 200


def test_admin_of_one_trust_cannot_open_another_trusts_person_or_team(client, login, build):
    admin = build.user("admin")
    stranger_team = build.team()
    stranger = build.user(team=stranger_team)
    login(admin)
    assert client.get(f"/admin/people/{stranger.id}").status_code == 404  # as for a missing one
    assert client.get(f"/teams/{stranger_team.id}").status_code == 404
    assert client.get("/admin/people/999999").status_code == 404


def test_manager_sees_only_their_own_team(client, login, build):
    manager = build.user("manager")
    other_team = build.team(manager.organisation)
    login(manager)
    assert client.get(f"/teams/{manager.memberships[0].team_id}").status_code == 200
    assert client.get(f"/teams/{other_team.id}").status_code == 403


def test_roles_and_membership_changes_are_audited(client, login, build):
    from sqlalchemy import select

    from equiptrain.auditlog.models import AuditEvent
    from equiptrain.extensions import db

    admin = build.user("admin")
    person = build.user(org=admin.organisation, team=build.team(admin.organisation))
    new_team = build.team(admin.organisation, "Second Team")
    login(admin)
    client.post(f"/admin/people/{person.id}/roles", data={"trainer_kind": TrainerKind.CARER.value})
    client.post(f"/admin/people/{person.id}/membership", data={"team": str(new_team.id), "team_role": "manager"})
    events = db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.subject_id == person.id, AuditEvent.action == "role.changed", AuditEvent.actor_id == admin.id
        )
    ).all()
    details = [e.details for e in events]
    assert {"trainer": "carer"} in details
    assert any(d.get("team") == "Second Team" and d.get("after") == "manager" for d in details)
    assert person.trainer_profile.kind is TrainerKind.CARER


def test_deactivated_people_keep_their_records_and_are_signed_out(app, client, login, build):
    admin = build.user("admin")
    person = build.user(org=admin.organisation, team=build.team(admin.organisation))
    their_client = app.test_client()
    login(person, their_client)
    assert their_client.get("/account").status_code == 200
    login(admin)
    client.post(f"/admin/people/{person.id}/deactivate")
    assert their_client.get("/account").status_code == 302
    page = client.get(f"/admin/people/{person.id}").get_data(as_text=True)
    assert "Deactivated" in page
    client.post(f"/admin/people/{person.id}/reactivate")
    assert person.is_active


def test_absurd_ids_are_not_found_rather_than_errors(client, login, build):
    login(build.user("admin"))
    assert client.get("/admin/people/99999999999999999999").status_code == 404
    assert client.get("/admin/people?team=99999999999999999999&page=99999999999999").status_code == 200


def test_the_audit_log_names_who_acted(client, build, login):
    from equiptrain.auditlog.services import log_event

    org = build.org()
    admin = build.user("admin", org=org)
    log_event("role.changed", actor=admin, organisation_id=org.id)
    log_event("sign_in.failed", organisation_id=org.id)
    db.session.commit()
    login(admin)
    page = client.get("/admin/audit").text
    assert "role.changed" in page and admin.name in page and "Anonymous" in page
