"""Anonymous feedback: no column links a response to a person; one response each; aggregates only from 5."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import inspect

from equiptrain.errors import ServiceError
from equiptrain.extensions import db
from equiptrain.workshops import attendance
from equiptrain.workshops.models import AttendanceStatus, FeedbackInvitation, FeedbackResponse, UsedFeedbackToken
from tests.workshops.helpers import make_workshop


def test_no_column_links_a_response_to_a_person(app):
    inspector = inspect(db.engine)
    for table in ("feedback_responses", "used_feedback_tokens"):
        columns = {c["name"] for c in inspector.get_columns(table)}
        foreign = {fk["referred_table"] for fk in inspector.get_foreign_keys(table)}
        assert not {"user_id", "person_id", "respondent_id", "token", "invitation_id"} & columns
        assert not any("user" in c for c in columns)
        assert foreign <= {"workshops", "organisations"}
        assert not any(c.endswith("_at") for c in columns)  # no timestamp to match against the token table
    assert {c["name"] for c in inspector.get_columns("feedback_responses")} == {
        "id",
        "workshop_id",
        "organisation_id",
        "useful",
        "lived_experience_valuable",
        "do_differently",
        "submitted_on",
    }
    assert {c["name"] for c in inspector.get_columns("used_feedback_tokens")} == {"token_hash", "workshop_id"}
    issued = {c["name"] for c in inspector.get_columns("feedback_invitations")}
    assert issued == {"id", "workshop_id", "user_id", "issued_at"}  # no token, no response
    assert {fk["referred_table"] for fk in inspector.get_foreign_keys("feedback_invitations")} == {"workshops", "users"}


def _signed_off(build, n):
    team = build.team()
    people = [build.user("learner", team=team) for _ in range(n)]
    w = make_workshop(build, teams=[team], starts_in=dt.timedelta(hours=-3))
    actor = w.facilitators[0].user
    attendance.mark(actor, w, {p.id: AttendanceStatus.PRESENT for p in people})
    attendance.sign_off(actor, w)
    db.session.commit()
    return w, people, actor


def test_one_response_each_and_the_threshold(build, client, login):
    w, people, facilitator = _signed_off(build, 6)
    for i, person in enumerate(people[:4]):
        login(person)
        token = attendance.feedback_token(w, person)
        response = client.post(
            f"/workshops/{w.id}/feedback/{token}",
            data={"useful": "5", "lived_experience_valuable": "4", "do_differently": f"Ask first {i}"},
        )
        assert "recorded anonymously" in response.get_data(as_text=True)
    login(people[0])
    again = client.post(
        f"/workshops/{w.id}/feedback/{attendance.feedback_token(w, people[0])}",
        data={"useful": "1", "lived_experience_valuable": "1"},
    )
    assert "already given feedback" in again.get_data(as_text=True)
    assert db.session.query(FeedbackResponse).count() == 4
    login(facilitator)
    page = client.get(f"/workshops/{w.id}/feedback-results").get_data(as_text=True)
    assert "4 people have answered" in page and "Ask first" not in page
    attendance.submit_feedback(
        people[4], w, attendance.feedback_token(w, people[4]), useful=3, lived_experience_valuable=5, do_differently=""
    )
    db.session.commit()
    page = client.get(f"/workshops/{w.id}/feedback-results").get_data(as_text=True)
    assert "Ask first 2" in page and "4.6" in page
    login(people[5])
    assert client.get(f"/workshops/{w.id}/feedback-results").status_code == 403


def test_someone_elses_token_is_refused(build):
    w, (a, b), _ = _signed_off(build, 2)
    with pytest.raises(ServiceError, match="not yours"):
        attendance.submit_feedback(
            a, w, attendance.feedback_token(w, b), useful=5, lived_experience_valuable=5, do_differently=""
        )
    outsider = build.user("learner")
    with pytest.raises(ServiceError):
        attendance.submit_feedback(
            outsider,
            w,
            attendance.feedback_token(w, outsider),
            useful=5,
            lived_experience_valuable=5,
            do_differently="",
        )
    assert db.session.query(UsedFeedbackToken).count() == 0
    assert db.session.query(FeedbackInvitation).count() == 2
