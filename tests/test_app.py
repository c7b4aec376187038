"""The request cycle: one commit at the end, and only when something was written."""

from __future__ import annotations

from sqlalchemy import func, select

from equiptrain.extensions import db


def test_a_request_whose_only_write_is_a_bulk_statement_still_commits(app):
    """The end of a request commits when anything was written, including a bulk DELETE with no flush."""
    from sqlalchemy import delete

    from equiptrain.auditlog.models import AuditEvent
    from equiptrain.auditlog.services import log_event

    log_event("test.marker", None)
    db.session.commit()
    db.session.info.pop("equiptrain.wrote", None)  # that flush is done with; the request starts clean
    probe = app.test_request_context("/")
    with probe:
        db.session.execute(delete(AuditEvent).where(AuditEvent.action == "test.marker"))
        assert db.session.info.get("equiptrain.wrote") is True
        response = app.process_response(app.response_class("ok"))
    assert response.status_code == 200
    db.session.rollback()  # back to the last commit: the delete must have been committed by the request
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "test.marker")) == 0
