"""Review comments: lived-experience trainers leave them from the site, the course team decides on them; pages
show who wrote and reviewed each unit, and every module lists its references."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from equiptrain.extensions import db
from equiptrain.reviews.models import CommentState, ReviewComment
from equiptrain.trainers.models import TrainerKind
from tests.learning.helpers import unit
from tests.reviews.helpers import comment


@pytest.fixture
def carer(build):
    return build.user("trainer", trainer_kind=TrainerKind.CARER)


def test_a_carer_trainer_reads_any_unit_and_leaves_a_comment(course, build, login, client, carer):
    login(carer)
    index = client.get("/reviews/")
    assert index.status_code == 200
    # Every unit is open for review, whatever the module order (listening is locked for learning).
    target = unit("listening", "summarising")
    assert f'/reviews/units/{target.id}"' in index.text
    page = client.get(f"/reviews/units/{target.id}")
    assert page.status_code == 200 and "Teaching text about summarising" in page.text
    assert "Not yet reviewed by a service-user or carer trainer." in page.text
    response = client.post(f"/reviews/units/{target.id}", data={"body": "  Say who\nthe carer is.  "})
    assert response.status_code == 302
    saved = db.session.scalar(select(ReviewComment).where(ReviewComment.unit_id == target.id))
    assert (saved.body, saved.author_role, saved.state) == ("Say who\nthe carer is.", "carer", CommentState.OPEN)
    assert saved.unit_hash == target.content_hash
    assert "Say who\nthe carer is." in client.get(f"/reviews/units/{target.id}").text


def test_an_empty_or_overlong_comment_is_a_form_error(course, login, client, carer):
    login(carer)
    target = unit("foundations", "what-involvement-means")
    empty = client.post(f"/reviews/units/{target.id}", data={"body": "   "})
    assert empty.status_code == 200 and "Write your comment." in empty.text
    long = client.post(f"/reviews/units/{target.id}", data={"body": "x" * 4001})
    assert long.status_code == 200 and "4000 characters or fewer" in long.text
    assert db.session.scalar(select(ReviewComment.id)) is None


def test_professional_trainers_and_learners_cannot_comment(course, build, login, client):
    target = unit("foundations", "what-involvement-means")
    for person in (build.user("trainer"), build.user()):
        login(person)
        assert client.get("/reviews/").status_code == 403
        assert client.post(f"/reviews/units/{target.id}", data={"body": "Hello"}).status_code == 403
    assert db.session.scalar(select(ReviewComment.id)) is None


def test_the_unit_page_offers_the_comment_link_only_to_lived_experience_trainers(course, build, login, client, carer):
    path = "/modules/foundations/units/what-involvement-means"
    login(carer)
    page = client.get(path).text
    assert "Leave a review comment on this page" in page
    assert "Written by a professional trainer, November 2026." in page
    login(build.user())
    assert "Leave a review comment" not in client.get(path).text


def test_the_course_team_sees_every_comment_with_its_state_and_decides(course, build, login, client, carer):
    admin = build.user("admin", org=carer.organisation)
    first = comment(carer, unit("foundations", "what-involvement-means"), "Too much jargon.")
    second = comment(carer, unit("listening", "summarising"), "Add a view from a carer.")
    db.session.commit()
    login(admin)
    listing = client.get("/reviews/comments")
    assert listing.status_code == 200
    assert "Too much jargon." in listing.text and "Add a view from a carer." in listing.text
    assert "Open (2)" in listing.text

    refused = client.post(f"/reviews/comments/{first.id}", data={"state": "declined", "reason": " "})
    assert refused.status_code == 200 and "Say why the comment is declined" in refused.text
    assert (
        client.post(
            f"/reviews/comments/{first.id}", data={"state": "declined", "reason": "The glossary covers it."}
        ).status_code
        == 302
    )
    assert client.post(f"/reviews/comments/{second.id}", data={"state": "accepted", "reason": ""}).status_code == 302
    db.session.refresh(first)
    db.session.refresh(second)
    assert (first.state, first.decision_reason, first.decided_by_id) == (
        CommentState.DECLINED,
        "The glossary covers it.",
        admin.id,
    )
    assert second.state is CommentState.ACCEPTED and second.decision_reason is None
    declined = client.get("/reviews/comments?state=declined").text
    assert "Too much jargon." in declined and "Add a view from a carer." not in declined
    # The trainer sees the answer on the page they commented on.
    login(carer)
    assert "The glossary covers it." in client.get(f"/reviews/units/{first.unit_id}").text


def test_the_comment_list_runs_a_fixed_number_of_queries(course, build, login, client, carer, count_queries):
    login(build.user("admin", org=carer.organisation))
    counts = []
    for n in (1, 6):
        for i in range(n):
            comment(carer, unit("foundations", "what-involvement-means"), f"Comment {i}")
        db.session.commit()
        with count_queries() as counted:
            response = client.get("/reviews/comments")
        assert response.status_code == 200 and f"Comment {n - 1}" in response.text
        counts.append(counted.count)
    assert counts[0] == counts[1], counts


def test_every_module_page_ends_with_its_references(course, build, login, client):
    login(build.user())
    page = client.get("/modules/foundations").text
    assert '<h2 id="references">References</h2>' in page
    assert "Bee P et al (2015). Professional perspectives on involvement." in page
    assert page.index('id="references"') > page.index("Reflect")
    # Each scenario says who wrote it and that no lived-experience trainer has reviewed it yet.
    assert page.count("Written by a professional trainer, November 2026.") == 2


def test_the_home_page_points_lived_experience_trainers_to_the_review(course, build, login, client, carer):
    login(carer)
    assert "Review the course pages" in client.get("/").text
    login(build.user("trainer"))
    assert "Review the course pages" not in client.get("/").text


def test_an_organisations_admin_sees_only_comments_by_its_own_trainers(course, build, login, client, carer):
    own = build.user("admin", org=carer.organisation)
    other = build.user("admin")  # another organisation
    mine = comment(carer, unit("foundations", "what-involvement-means"), "A comment from our trainer.")
    db.session.commit()
    login(own)
    assert "A comment from our trainer." in client.get("/reviews/comments").text
    login(other)
    assert "A comment from our trainer." not in client.get("/reviews/comments").text
    assert client.get(f"/reviews/comments/{mine.id}").status_code == 404  # another organisation's: as if missing
    login(build.user("platform_admin"))
    assert "A comment from our trainer." in client.get("/reviews/comments").text
