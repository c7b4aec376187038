"""One release mechanism for every aggregate of private answers (issue 24 item 3, issue 23): a figure never moves
with one person's answers, so comparing two views over time cannot reveal them."""

from __future__ import annotations

import datetime as dt

from equiptrain import release
from equiptrain.extensions import db
from equiptrain.reflection.models import ConfidenceResponse
from equiptrain.workshops.attendance import feedback_summary
from equiptrain.workshops.models import FeedbackResponse
from tests.dashboards import helpers
from tests.reflection.helpers import confidence_items
from tests.workshops.helpers import make_workshop

# Six people's before/after answers to one statement: means 13/6 = 2.17 and 20/6 = 3.33. The seventh answers
# 1 and 5, which used to move the figures to 14/7 = 2.00 and 25/7 = 3.57 and so give them away.
SIX = [(2, 3), (2, 3), (3, 4), (2, 4), (2, 3), (2, 3)]
SEVENTH = (1, 5)


def _answer(person, module, before, after, minute):
    at = dt.datetime(2026, 11, 1, 9, minute, tzinfo=dt.UTC)
    for phase, value in (("before", before), ("after", after)):
        db.session.add(
            ConfidenceResponse(
                user_id=person.id,
                module_id=module.id,
                phase=phase,
                answers={i.slug: value for i in confidence_items()},
                answered_at=at,
            )
        )
    db.session.commit()


def _figures(page: str, statement: str) -> str:
    row = page.split(statement, 2)[-1]
    return row[: row.index("</tr>")]


def test_the_seventh_pair_attack_on_the_team_dashboard_fails(build, client, login):
    org = build.org()
    team = build.team(org)
    manager = build.user("manager", team=team)
    [module] = helpers.modules(1)
    statement = confidence_items()[0].text
    people = [build.user("learner", team=team) for _ in range(7)]
    for i, (person, (before, after)) in enumerate(zip(people, SIX, strict=False)):
        _answer(person, module, before, after, i)
    login(manager)
    url = f"/dashboards/teams/{team.id}"
    six = client.get(url).get_data(as_text=True)
    assert "5 people answered" in six and "Newer answers are added" in six
    assert "2.17" not in six and "3.33" not in six  # the old running figure
    _answer(people[6], module, *SEVENTH, 6)
    seven = client.get(url).get_data(as_text=True)
    assert "2.00" not in seven and "3.57" not in seven and "2.0<" not in seven
    # The two views show the same figures: subtracting them gives nothing about the sixth or seventh person.
    assert _figures(six, statement) == _figures(seven, statement)
    # Three more people complete a whole block of 5 new people: only then do the figures move, by a block.
    for i, person in enumerate(build.user("learner", team=team) for _ in range(3)):
        _answer(person, module, 3, 4, 10 + i)
    ten = client.get(url).get_data(as_text=True)
    assert "10 people answered" in ten and "Newer answers are added" not in ten
    assert _figures(ten, statement) != _figures(seven, statement)


def test_anonymous_workshop_feedback_is_released_in_blocks(build):
    org = build.org()
    workshop = make_workshop(build, org=org)

    def give(useful):
        db.session.add(
            FeedbackResponse(
                workshop_id=workshop.id,
                organisation_id=org.id,
                useful=useful,
                lived_experience_valuable=4,
                do_differently="",
                submitted_on=dt.date(2026, 11, 1),
            )
        )
        db.session.flush()

    for value in (4, 4, 4, 4):
        give(value)
    assert feedback_summary(workshop)["shown"] is False
    give(4)
    five = feedback_summary(workshop)
    assert five["shown"] and five["useful"] == 4.0 and five["count"] == 5
    give(1)  # the sixth person's low score would have moved the mean to 3.5
    six = feedback_summary(workshop)
    assert six["useful"] == five["useful"] and six["waiting"] == 1


def test_blocks_count_people_not_rows():
    rows = [("a", 1), ("a", 2), ("a", 3), ("b", 4), ("c", 5), ("d", 6), ("e", 7), ("f", 8)]
    cohort, out = release.in_blocks(rows, 5, order=lambda r: (r[1],), person=lambda r: r[0])
    assert [r[1] for r in cohort] == [1, 2, 3, 4, 5, 6, 7] and out.people == 5 and out.waiting == 1


def test_closed_round_and_groups_apart():
    assert not release.closed_round(12, closed=False, k=5).shown
    assert not release.closed_round(4, closed=True, k=5).shown
    assert release.closed_round(5, closed=True, k=5).released == 5
    assert release.groups_apart({"service_user": 6, "carer": 5}, 5)
    assert not release.groups_apart({"service_user": 9, "carer": 2}, 5)
