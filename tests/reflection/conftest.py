import pytest

from tests.reflection.helpers import make_entry


@pytest.fixture
def people(build):
    """An author, the manager of their team (their supervisor), and everyone else who must not read."""
    org = build.org()
    team = build.team(org)
    other_team = build.team(org)
    return {
        "org": org,
        "team": team,
        "author": build.user("learner", team=team),
        "supervisor": build.user("manager", team=team),
        "other_manager": build.user("manager", team=other_team),
        "trainer": build.user("trainer", org=org),
        "admin": build.user("admin", org=org),
        "platform_admin": build.user("platform_admin"),
        "other_learner": build.user("learner", team=team),
    }


@pytest.fixture
def shared_entry(people):
    return make_entry(people["author"], shared_with=people["supervisor"])
