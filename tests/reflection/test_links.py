"""An entry links only to the author's own workshop and to observer feedback given to the author."""

from __future__ import annotations

import pytest

from equiptrain.errors import ServiceError
from equiptrain.extensions import db
from equiptrain.reflection import services
from equiptrain.workshops.models import ObserverFeedback, Role
from tests.workshops.test_roleplay import _running


def _entry(author, **links):
    return services.create_entry(
        author,
        "free",
        services.EntryInput(title="After the role play", fields={"text": "I rushed the summary."}, **links),
    )


def test_links_to_own_workshop_and_feedback_only(build):
    w, people, facilitator, round_ = _running(build)
    by_role = {a.role: a.user for a in round_.groups[0].assignments}
    practitioner, observer = by_role[Role.PRACTITIONER], by_role[Role.OBSERVER]
    feedback = ObserverFeedback(
        group_id=round_.groups[0].id,
        observer_id=observer.id,
        practitioner_id=practitioner.id,
        checklist={},
        comments="Good open questions.",
    )
    db.session.add(feedback)
    db.session.flush()

    entry = _entry(practitioner, workshop_id=w.id, observer_feedback_id=feedback.id)
    assert (entry.workshop_id, entry.observer_feedback_id) == (w.id, feedback.id)
    with pytest.raises(ServiceError, match="not given to you"):
        _entry(observer, observer_feedback_id=feedback.id)
    outsider = build.user()
    with pytest.raises(ServiceError, match="not invited to that workshop"):
        _entry(outsider, workshop_id=w.id)
    assert _entry(facilitator, workshop_id=w.id).workshop_id == w.id
