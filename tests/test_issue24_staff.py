"""Issue 24, what staff tripped over: our own 403 text, the trainer's workshop list, the console after sign-off,
the refused deadline that names the team."""

from __future__ import annotations

import datetime as dt
import re

from equiptrain.extensions import db
from equiptrain.workshops import attendance
from equiptrain.workshops.models import AttendanceStatus
from tests.workshops.helpers import make_workshop


def test_a_403_page_has_our_own_words_not_werkzeugs(build, client, login):
    login(build.user("learner"))
    response = client.get("/admin/people")
    assert response.status_code == 403
    text = response.get_data(as_text=True)
    assert "You do not have access to this page" in text and "ask your team manager or an administrator" in text
    assert "permission to access the requested resource" not in text


def test_a_trainer_with_upcoming_workshops_is_not_told_there_are_none(build, client, login):
    workshop = make_workshop(build)
    trainer = workshop.facilitators[0].user
    login(trainer)
    text = client.get("/workshops/").get_data(as_text=True)
    assert "You have no upcoming workshops" not in text
    assert workshop.title in text and text.index("Workshops you facilitate") < text.index("invited to")


def test_the_console_after_sign_off_says_how_many_attended(build, client, login):
    team = build.team()
    people = [build.user("learner", team=team) for _ in range(8)]
    workshop = make_workshop(build, teams=[team], starts_in=dt.timedelta(days=-2))
    trainer = workshop.facilitators[0].user
    attendance.mark(trainer, workshop, {p.id: AttendanceStatus.PRESENT for p in people})
    attendance.sign_off(trainer, workshop)
    db.session.commit()
    login(trainer)
    text = client.get(f"/workshops/{workshop.id}/console").get_data(as_text=True)
    assert "0 present" not in text and "8 attended" in text


def test_a_refused_deadline_names_the_team_and_links_to_its_deadline(build, client, login):
    admin = build.user("admin")
    team = build.team(admin.organisation, name="North Community Mental Health Team")
    login(admin)
    assert (
        client.post("/admin/training/team-deadline", data={"team": team.id, "team_deadline": "2027-03-01"}).status_code
        == 302
    )
    response = client.post("/admin/training", data={"deadline": "2027-06-30", "joiner_days": "90"})
    text = response.get_data(as_text=True)
    assert "North Community Mental Health Team: 01 March 2027" in text
    assert 'href="#team-deadlines"' in text and 'id="team-deadlines"' in text


NAV_LINK = re.compile(r'class="nhsuk-header__navigation-link" href="([^"]+)"[^>]*>\s*(?:<strong[^>]*>)?\s*([^<]+?)\s*<')


def _nav(client) -> list[str]:
    return [label for _href, label in NAV_LINK.findall(client.get("/account").get_data(as_text=True))]


def test_an_administrators_header_leads_to_one_hub_of_every_admin_page(app, build, client, login):
    login(build.user("admin"))
    nav = _nav(client)
    assert nav[0] == "Administration" and len(nav) <= 11
    assert not {"People", "Teams", "Trainers", "Issued certificates", "Review comments"} & set(nav)
    hub = client.get("/admin/")
    assert hub.status_code == 200
    text = hub.get_data(as_text=True)
    linked = set(re.findall(r'href="([^"?#]+)', text))
    admin_pages = {
        rule.rule
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/admin/")
        and rule.rule != "/admin/"
        and "GET" in rule.methods
        and not rule.arguments
        and rule.endpoint not in ("accounts.new_person", "accounts.organisations")  # reached from People; platform
        # pages only a platform administrator opens (the job queue) are on the platform administrator's hub
        and "admin" in getattr(app.view_functions[rule.endpoint], "required_roles", ("admin",))
    }
    assert admin_pages <= linked, admin_pages - linked


def test_a_managers_header_leads_with_the_teams_tools(build, client, login):
    team = build.team()
    login(build.user("manager", team=team))
    nav = _nav(client)
    assert set(nav[:3]) == {"Team training", "Supervision", "Care-plan audit"}, nav
    assert "Administration" not in nav


def test_a_trainers_header_leads_with_workshops_and_supervision(build, client, login):
    login(build.user("trainer"))
    assert _nav(client)[:2] == ["Workshops", "Supervision"]


def test_a_learners_header_is_the_learners_own(build, client, login):
    login(build.user("learner"))
    nav = _nav(client)
    assert nav[:2] == ["Home", "My programme"] and "Administration" not in nav and "Team training" not in nav
