"""Privacy: an entry is read by its author, and by one supervisor only while shared; by nobody else, on any page
or export. Parametrised over the people who must not read and over every reflection route and export."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from flask import url_for
from pypdf import PdfReader
from sqlalchemy import select

from equiptrain.auditlog.models import AuditEvent
from equiptrain.extensions import db
from equiptrain.reflection import services
from tests.reflection.helpers import SECRET, make_entry

VIEWERS = ["author", "supervisor", "other_manager", "trainer", "admin", "platform_admin", "other_learner"]
# (endpoint, method): every route that takes an entry id
ENTRY_ROUTES = [
    ("reflection.entry", "GET"),
    ("reflection.edit", "GET"),
    ("reflection.edit", "POST"),
    ("reflection.delete", "GET"),
    ("reflection.delete", "POST"),
    ("reflection.share", "GET"),
    ("reflection.share", "POST"),
    ("reflection.revoke", "POST"),
    ("reflection.shared", "GET"),
]
# Every other page and export of the feature: must never show someone else's entry.
OTHER_PAGES = [
    "reflection.index",
    "reflection.shared_list",
    "reflection.new",
    "reflection.cpd_record",
    "reflection.pack",
    "reflection.confidence_chart",
    "reflection.my_data",
    "reflection.pack_pdf",
    "accounts.home",
    "accounts.audit_log",
]


def _expected(viewer: str, endpoint: str) -> bool:
    if viewer == "author":
        return True
    return viewer == "supervisor" and endpoint == "reflection.shared"


def _text_of(response) -> str:
    if response.mimetype == "application/pdf":
        return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages)
    return response.get_data(as_text=True)


@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize("endpoint,method", ENTRY_ROUTES)
def test_entry_routes_answer_only_the_author_and_the_supervisor(
    app, client, login, people, shared_entry, viewer, endpoint, method
):
    login(people[viewer])
    with app.test_request_context():
        url = url_for(endpoint, entry_id=shared_entry.id)
    data = {"title": "Changed", "nature": "changed text", "supervisor": str(people["supervisor"].id)}
    response = client.open(url, method=method, data=data if method == "POST" else None)
    if _expected(viewer, endpoint):
        assert response.status_code in (200, 302)
        if method == "GET" and endpoint in ("reflection.entry", "reflection.shared"):
            assert SECRET in response.get_data(as_text=True)
    else:
        assert response.status_code == 404
        assert SECRET not in response.get_data(as_text=True)
        assert db.session.get(type(shared_entry), shared_entry.id).title == shared_entry.title


@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize("endpoint", OTHER_PAGES)
def test_no_other_page_or_export_shows_someone_elses_entry(app, client, login, people, shared_entry, viewer, endpoint):
    login(people[viewer])
    with app.test_request_context():
        url = url_for(endpoint, entries=[shared_entry.id]) if endpoint == "reflection.pack_pdf" else url_for(endpoint)
    response = client.get(url)
    if endpoint == "accounts.audit_log" and viewer not in ("admin", "platform_admin"):
        assert response.status_code == 403
        return
    assert response.status_code == 200
    text = _text_of(response)
    if viewer == "author" and endpoint in ("reflection.my_data", "reflection.pack_pdf"):
        assert SECRET in text  # the author's own exports hold their own words
    else:
        assert SECRET not in text
    if viewer == "supervisor" and endpoint == "reflection.shared_list":
        assert shared_entry.title in text  # the title, to open it; the text only on the entry's page
    if viewer not in ("author", "supervisor"):
        assert shared_entry.title not in text


def test_a_private_entry_is_not_readable_by_the_manager_through_the_shared_route(client, login, people):
    entry = make_entry(people["author"])
    login(people["supervisor"])
    assert client.get(f"/reflection/shared/{entry.id}").status_code == 404


def test_revoking_ends_the_supervisors_access(client, login, people, shared_entry):
    login(people["supervisor"])
    assert client.get(f"/reflection/shared/{shared_entry.id}").status_code == 200
    login(people["author"])
    assert client.post(f"/reflection/{shared_entry.id}/revoke").status_code == 302
    login(people["supervisor"])
    response = client.get(f"/reflection/shared/{shared_entry.id}")
    assert response.status_code == 404 and SECRET not in response.get_data(as_text=True)
    assert shared_entry.title not in client.get("/reflection/shared/").get_data(as_text=True)


def test_a_supervisor_who_stops_managing_the_team_loses_access(client, login, people, shared_entry, build):
    from equiptrain.accounts import services as accounts
    from equiptrain.accounts.models import MembershipRole

    accounts.set_membership(None, people["supervisor"], people["team"], MembershipRole.MEMBER)
    db.session.commit()
    login(people["supervisor"])
    assert client.get(f"/reflection/shared/{shared_entry.id}").status_code == 404


def test_share_revoke_and_supervisor_reads_are_audited_but_the_authors_reads_are_not(
    client, login, people, shared_entry
):
    login(people["author"])
    client.get(f"/reflection/{shared_entry.id}")
    client.get(f"/reflection/shared/{shared_entry.id}")
    login(people["supervisor"])
    client.get(f"/reflection/shared/{shared_entry.id}")
    client.get(f"/reflection/shared/{shared_entry.id}")
    login(people["author"])
    client.post(f"/reflection/{shared_entry.id}/revoke")
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action.like("reflection.%")).order_by(AuditEvent.id)
    ).all()
    assert [e.action for e in events] == [
        "reflection.shared",
        "reflection.read_by_supervisor",
        "reflection.read_by_supervisor",
        "reflection.share_revoked",
    ]
    read = events[1]
    assert read.actor_id == people["supervisor"].id and read.subject_id == people["author"].id
    assert read.details == {"entry_id": shared_entry.id}
    assert all(SECRET not in str(e.details) for e in events)


@pytest.mark.parametrize("who", ["other_manager", "admin", "platform_admin", "other_learner"])
def test_only_a_manager_of_the_authors_team_or_a_trainer_of_the_organisation_can_be_chosen(people, who, build):
    entry = make_entry(people["author"])
    with pytest.raises(services.ServiceError):
        services.share_entry(people["author"], entry, people[who])
    outsider = build.user("trainer")  # a trainer in another organisation
    with pytest.raises(services.ServiceError):
        services.share_entry(people["author"], entry, outsider)
    assert {u.id for u in services.eligible_supervisors(people["author"])} == {
        people["supervisor"].id,
        people["trainer"].id,
    }


def test_an_entry_has_at_most_one_active_share(people, shared_entry):
    with pytest.raises(services.ServiceError, match="already shared"):
        services.share_entry(people["author"], shared_entry, people["trainer"])
    services.revoke_share(people["author"], shared_entry)
    services.share_entry(people["author"], shared_entry, people["trainer"])
    assert shared_entry.active_share.supervisor_id == people["trainer"].id
    assert len(shared_entry.shares) == 2


def test_share_through_the_page(client, login, people):
    entry = make_entry(people["author"])
    login(people["author"])
    page = client.get(f"/reflection/{entry.id}/share").get_data(as_text=True)
    assert people["supervisor"].name in page and people["other_manager"].name not in page
    response = client.post(f"/reflection/{entry.id}/share", data={"supervisor": str(people["other_manager"].id)})
    assert response.status_code == 200 and entry.active_share is None
    response = client.post(f"/reflection/{entry.id}/share", data={"supervisor": str(people["trainer"].id)})
    assert response.status_code == 302
    db.session.refresh(entry)
    assert entry.active_share.supervisor_id == people["trainer"].id


@pytest.mark.parametrize(
    "path",
    [
        "/reflection/{id}",
        "/reflection/{id}/edit",
        "/reflection/{id}/delete",
        "/reflection/{id}/share",
        "/reflection/shared/{id}",
    ],
)
def test_someone_elses_entry_answers_exactly_as_a_missing_one(client, login, people, path):
    entry = make_entry(people["author"])
    missing = entry.id + 1000
    login(people["supervisor"])
    theirs = client.get(path.format(id=entry.id))
    nothing = client.get(path.format(id=missing))
    assert theirs.status_code == nothing.status_code == 404
    assert theirs.get_data() == nothing.get_data()


def test_someone_elses_cpd_record_answers_exactly_as_a_missing_one(client, login, people):
    from equiptrain.reflection import cpd

    theirs = cpd.add_manual(people["author"], date=dt.date(2025, 1, 1), hours=1, kind="individual", title="x")
    db.session.commit()
    login(people["supervisor"])
    a, b = client.post(f"/cpd/{theirs.id}/delete"), client.post(f"/cpd/{theirs.id + 1000}/delete")
    assert a.status_code == b.status_code == 404 and a.get_data() == b.get_data()
