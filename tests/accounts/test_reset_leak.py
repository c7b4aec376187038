"""A password-reset request does the same work whether or not the account exists: one outbox row for every
address; the look-up, the token and the email happen after the response, in the background (so neither the page,
its timing nor the rows it writes tell them apart)."""

from __future__ import annotations

from sqlalchemy import select

from equiptrain.accounts import services
from equiptrain.auditlog.models import AuditEvent
from equiptrain.extensions import db
from equiptrain.jobs import outbox as jobs_outbox
from equiptrain.jobs.models import OutboxItem


def test_the_request_path_does_no_account_work_either_way(client, build, outbox, background_queue, monkeypatch):
    user = build.user()

    def forbidden(*args, **kwargs):
        raise AssertionError("account work on the request path")

    with monkeypatch.context() as m:
        m.setattr(services, "find_user_by_email", forbidden)
        m.setattr("equiptrain.accounts.tokens.make_token", forbidden)
        m.setattr("equiptrain.mail.send", forbidden)
        known = client.post("/reset-password", data={"email": user.email}, environ_base={"REMOTE_ADDR": "10.1.2.3"})
        unknown = client.post(
            "/reset-password", data={"email": "nobody@example.nhs.uk"}, environ_base={"REMOTE_ADDR": "10.1.2.3"}
        )
    assert known.status_code == unknown.status_code == 200
    assert known.get_data(as_text=True).replace(user.email, "@") == unknown.get_data(as_text=True).replace(
        "nobody@example.nhs.uk", "@"
    )
    assert outbox.messages == []
    # The same row was written for each (nothing in it says whether the account exists), and the same job queued.
    rows = db.session.scalars(select(OutboxItem).order_by(OutboxItem.id)).all()
    shapes = [
        (r.kind, r.category, r.status, r.user_id, r.organisation_id, r.subject, r.body, sorted(r.payload)) for r in rows
    ]
    assert (
        shapes
        == [("password_reset", "password_reset_request", "pending", None, None, "", None, ["email", "ip_address"])] * 2
    )
    assert [r.payload["email"] for r in rows] == [user.email, "nobody@example.nhs.uk"]
    assert [r.recipient for r in rows] == ["", ""]  # the jobs page and `jobs status` never show who asked
    assert [fn for fn, _args, _kwargs in background_queue.pending] == [jobs_outbox.deliver] * 2
    background_queue.run_pending()
    # Resolved, the request rows keep no address.
    for row in rows:
        db.session.refresh(row)
    assert [(r.status, r.payload, r.recipient) for r in rows] == [("sent", {}, "")] * 2
    assert [m["To"] for m in outbox.messages] == [user.email]
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action.like("password.reset_requested%")).order_by(AuditEvent.id)
    ).all()
    assert [(e.action, e.ip_address) for e in events] == [
        ("password.reset_requested", "10.1.2.3"),
        ("password.reset_requested_unknown", "10.1.2.3"),
    ]
