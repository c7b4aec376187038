"""Setting-aware ordering: a learner's module page offers the scenarios set where their team works first."""

from __future__ import annotations

from types import SimpleNamespace

from equiptrain.accounts.models import TeamSetting
from equiptrain.content.ordering import by_setting, rank, team_settings
from equiptrain.content.sync import sync_course
from tests.content.trees import ROLEPLAY, write, write_valid_tree


def test_by_setting_puts_fitting_then_all_then_others_and_keeps_course_order():
    items = [
        SimpleNamespace(slug=s, setting=setting)
        for s, setting in [("a", "community"), ("b", "all"), ("c", "inpatient"), ("d", "crisis"), ("e", "inpatient")]
    ]
    assert [i.slug for i in by_setting(items, frozenset({"inpatient"}))] == ["c", "e", "b", "a", "d"]
    assert [i.slug for i in by_setting(items, frozenset({"inpatient", "crisis"}))] == ["c", "d", "e", "b", "a"]
    assert [i.slug for i in by_setting(items, frozenset())] == ["a", "b", "c", "d", "e"]
    assert (rank("crisis", {"crisis"}), rank("all", {"crisis"}), rank("community", {"crisis"})) == (0, 1, 2)


def test_team_settings_are_the_learners_teams(build):
    ward = build.team(setting=TeamSetting.INPATIENT)
    crisis = build.team(setting=TeamSetting.CRISIS)
    learner = build.user(team=ward)
    build.user(team=crisis)
    assert team_settings(learner) == frozenset({"inpatient"})
    assert team_settings(build.user("trainer")) == frozenset()  # no team


def test_the_module_page_lists_the_teams_setting_first(tmp_path, build, login, client):
    root = write_valid_tree(tmp_path / "course")
    ward_play = (
        ROLEPLAY.replace("slug: first-meeting", "slug: ward-meeting")
        .replace("title: A first care-planning meeting", "title: A meeting on the ward")
        .replace("setting: community", "setting: inpatient")
    )
    write(root, "modules/01-foundations/scenarios/ward-meeting.yaml", ward_play)
    sync_course(root)

    login(build.user(team=build.team(setting=TeamSetting.INPATIENT)))
    page = client.get("/modules/foundations").text
    assert page.index("A meeting on the ward") < page.index("A first care-planning meeting")
    assert "Your setting" in page and "Inpatient." in page

    login(build.user(team=build.team(setting=TeamSetting.COMMUNITY)))
    page = client.get("/modules/foundations").text
    assert page.index("A first care-planning meeting") < page.index("A meeting on the ward")
