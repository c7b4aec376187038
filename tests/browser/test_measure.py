"""The involvement measure in the browser: a service user answers on a 320 px phone (standard and Easy Read),
a carer is refused an identifier in free text, a manager opens a round, types in a paper form, closes it and
reads the results beside the audit. Every page is scanned by axe, the public pages at 320 px."""

from __future__ import annotations

from equiptrain.careaudit import measure_services
from equiptrain.careaudit.models import RoundKind
from tests.builders import PASSWORD, Builders
from tests.careaudit.helpers import make_criteria, make_round, score_plans
from tests.careaudit.measure_helpers import answers, open_round

NARROW = {"width": 320, "height": 640}


def test_people_answer_on_a_phone_and_the_manager_reads_the_results(browse, live_db):
    build = Builders()
    org = build.org()
    team = build.team(org, "Riverside involvement")
    manager = build.user("manager", team=team)
    admin = build.user("admin", org=org)
    make_criteria()
    audit = make_round(manager, team, RoundKind.BASELINE, "Audit baseline")
    score_plans(manager, audit, [1, 1, 0, 2, 1])
    round_ = open_round(manager, team)
    for value in (3, 4, 4):
        measure_services.submit(round_, respondent="service_user", answers=answers(value))
    token, tid, rid = round_.token, team.id, round_.id
    live_db.session.commit()

    phone = browse(NARROW)
    phone.goto(f"/m/{token}")
    assert "Your privacy" in phone.page.content()
    phone.page.get_by_label("About my own care").check()
    phone.page.get_by_role("group", name="Staff listen to what I have to say about my care.").get_by_label(
        "Agree", exact=True
    ).check()
    phone.page.get_by_role("button", name="Send my answers").click()
    phone.scan()
    assert "Your answers are in" in phone.page.content()

    easy = browse(NARROW)
    easy.goto(f"/m/{token}?easy=1")
    easy.page.get_by_label("I look after someone").check()
    easy.page.get_by_role("group", name="Staff listen to me.").get_by_label("Yes, a lot").check()
    easy.page.get_by_label("What would help you have more say?").fill("Name: Jo Bloggs told me")
    easy.page.get_by_role("button", name="Send my answers").click()
    easy.scan()
    assert "possible name" in easy.page.content()
    easy.page.get_by_label("What would help you have more say?").fill("Being asked first")
    easy.page.get_by_role("button", name="Send my answers").click()
    easy.scan()
    assert "Nobody will know what you said" in easy.page.content()

    tab = browse()
    tab.sign_in(manager.email, PASSWORD)
    tab.goto(f"/care-plan-audit/teams/{tid}/measure")
    tab.goto(f"/care-plan-audit/measure/{rid}")
    assert "5 responses so far" in tab.page.content()
    tab.page.get_by_role("link", name="Type in a paper response").click()
    tab.scan()
    tab.page.get_by_label("As a carer, family member or friend").check()
    tab.page.get_by_role("button", name="Save this paper response").click()
    tab.scan()
    assert "Answer at least one question" in tab.page.content()
    tab.page.get_by_label("As a carer, family member or friend").check()
    tab.page.get_by_role("group", name="Staff listen to what I have to say about my care.").get_by_label(
        "Disagree", exact=True
    ).check()
    tab.page.get_by_role("button", name="Save this paper response").click()
    tab.scan()
    tab.goto(f"/care-plan-audit/measure/{rid}")
    tab.page.get_by_role("button", name="Close the round now").click()
    tab.scan()
    assert "Everyone (6): mean score" in tab.page.content()
    tab.goto(f"/care-plan-audit/teams/{tid}/involvement")
    assert "Audit baseline" in tab.page.content()
    tab.goto(f"/care-plan-audit/teams/{tid}/report")

    admin_tab = browse(NARROW)
    admin_tab.sign_in(admin.email, PASSWORD)
    admin_tab.goto("/care-plan-audit/organisation/measure")
    assert "Riverside involvement" in admin_tab.page.content()
    closed = browse(NARROW)
    closed.goto(f"/m/{token}")
    assert "has closed" in closed.page.content()
