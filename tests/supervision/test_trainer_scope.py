"""Issue 24 item 6: a trainer sees and plans the supervision of the teams they deliver to, and no other team's:
not a trainer still shadowing (no workshop yet), not teams nobody in their workshops belongs to."""

from __future__ import annotations

import datetime as dt

from equiptrain.extensions import db
from equiptrain.supervision import queries, services
from equiptrain.trainers.models import TrainerKind
from tests.supervision.helpers import make_template
from tests.workshops.helpers import make_workshop


def test_a_trainer_sees_only_the_plans_of_teams_they_deliver_to(build, client, login):
    make_template(1)
    org = build.org()
    delivered, elsewhere = build.team(org, name="Delivered team"), build.team(org, name="Other team")
    trainer = build.user("trainer", org=org)
    shadowing = build.user("trainer", org=org, trainer_kind=TrainerKind.SERVICE_USER)  # no workshop yet
    colleague = build.user("trainer", org=org, trainer_kind=TrainerKind.SERVICE_USER)
    make_workshop(build, org=org, teams=[delivered], facilitators=[trainer, colleague])
    admin = build.user("admin", org=org)
    for team in (delivered, elsewhere):
        plan = services.start_plan(admin, team, dt.date(2026, 1, 10))
        services.add_action(
            admin, plan, session_number=1, action="Write goals with the person", owner="Manager", due_on=plan.starts_on
        )
    db.session.commit()

    login(trainer)
    assert client.get(f"/supervision/teams/{delivered.id}").status_code == 200
    assert client.get(f"/supervision/teams/{elsewhere.id}").status_code == 403
    page = client.get("/supervision/").get_data(as_text=True)
    assert "Delivered team" in page and "Other team" not in page
    assert client.post(f"/supervision/teams/{elsewhere.id}/actions", data={}).status_code == 403
    assert [r["plan"].team.name for r in queries.overview(trainer)["rows"]] == ["Delivered team"]

    login(shadowing)
    for team in (delivered, elsewhere):
        assert client.get(f"/supervision/teams/{team.id}").status_code == 403
    page = client.get("/supervision/").get_data(as_text=True)
    assert "Delivered team" not in page and "Other team" not in page
    assert queries.overview(shadowing)["rows"] == []
    assert queries.overview(shadowing)["without"] == []
