from __future__ import annotations

import datetime as dt

import pytest

from equiptrain.accounts.models import Profession
from equiptrain.dashboards import services
from equiptrain.extensions import db
from tests.dashboards import helpers


@pytest.fixture
def team_world(build):
    """A team with a manager and four members in different states; both modules mandatory, deadline yesterday."""
    org = build.org()
    team = build.team(org, name="Harbour CMHT")
    manager = build.user("manager", team=team, name="Mina Manager")
    done = build.user("learner", team=team, name="Dana Done", profession=Profession.SOCIAL_WORKER)
    midway = build.user("learner", team=team, name="Milo Midway")
    never = build.user("learner", team=team, name="Nell Never")
    invited = build.user("learner", team=team, name="Ivy Invited", password=None)
    admin = build.user("admin", org=org)
    m1, m2 = helpers.modules(2)
    for m in (m1, m2):
        helpers.progress(done, m)
    helpers.progress(midway, m1)
    helpers.progress(midway, m2, complete=False)
    helpers.attended([done], org, [team])
    services.save_requirements(
        admin,
        org,
        module_ids={m1.id, m2.id},
        core_workshop=False,
        deadline=dt.date.today() - dt.timedelta(days=1),
        joiner_days=None,
        module_expiry_months={m1.id: 12, m2.id: 12},
        core_expiry_months=12,
    )
    db.session.commit()
    return {
        "org": org,
        "team": team,
        "manager": manager,
        "done": done,
        "midway": midway,
        "never": never,
        "invited": invited,
        "admin": admin,
        "modules": (m1, m2),
    }
