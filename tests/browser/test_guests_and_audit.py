"""Guests and the care-plan audit in the browser: a facilitator invites a guest, the guest replies and is kept to
their workshop; a manager runs an audit round, scores a plan (the guard refusing an identifier) and reads the
report. Every page is scanned by axe, some at 320 px wide."""

from __future__ import annotations

from equiptrain.careaudit.models import RoundKind
from equiptrain.trainers.models import TrainerKind
from tests.builders import PASSWORD, Builders
from tests.careaudit.helpers import make_criteria, make_round, score_plans
from tests.guests.helpers import make_guest
from tests.workshops.helpers import make_module, make_workshop

NARROW = {"width": 320, "height": 640}


def test_guest_invited_replies_and_opens_nothing_else(browse, live_db):
    build = Builders()
    org = build.org()
    team = build.team(org, "North CMHT guests")
    pro = build.user("trainer", org=org)
    su = build.user("trainer", org=org, trainer_kind=TrainerKind.SERVICE_USER)
    w = make_workshop(build, org=org, teams=[team], facilitators=[pro, su], modules=[make_module()])
    guest = make_guest(w, pro, role="Peer worker, Hearing Voices group")
    wid = w.id
    live_db.session.commit()

    trainer = browse()
    trainer.sign_in(pro.email, PASSWORD)
    trainer.goto(f"/workshops/{wid}")
    trainer.page.get_by_role("link", name="Guests from outside the team").click()
    trainer.scan()
    trainer.page.get_by_label("Full name").fill("Dr Femi Okonjo")
    trainer.page.get_by_label("Email address").fill("not an email")
    trainer.page.get_by_role("button", name="Send invitation").click()
    trainer.scan()
    assert "Enter an email address like" in trainer.page.content()
    trainer.page.get_by_label("Email address").fill("femi.okonjo@surgery.example")
    trainer.page.get_by_label("Their role").fill("GP, Riverside Surgery")
    trainer.page.get_by_role("button", name="Send invitation").click()
    trainer.scan()
    assert "Dr Femi Okonjo has been sent an invitation" in trainer.page.content()

    phone = browse(NARROW)
    phone.sign_in(guest.email, PASSWORD)  # lands on their workshop
    assert phone.page.url.endswith(f"/workshops/{wid}")
    phone.page.get_by_label("Yes, I will attend").check()
    phone.page.get_by_role("button", name="Send reply").click()
    phone.scan()
    assert "you are attending" in phone.page.content()
    for path in ("/programme", "/workshops/", "/reflection/", f"/teams/{team.id}", "/care-plan-audit/"):
        response = phone.goto(path)
        assert response.status == 403, path
    phone.goto("/account")


def test_manager_runs_an_audit_round_and_reads_the_report(browse, live_db):
    build = Builders()
    org = build.org()
    team = build.team(org, "North CMHT audit")
    manager = build.user("manager", team=team)
    make_criteria()
    baseline = make_round(manager, team, RoundKind.BASELINE, "Baseline spring")
    score_plans(manager, baseline, [{"own-words": 2}, 1, 0, {"carers": 2}, 1])
    follow_up = make_round(manager, team, RoundKind.FOLLOW_UP, "Follow-up autumn")
    score_plans(manager, follow_up, [2, 2, {"own-words": 2}, 1])
    tid = team.id
    live_db.session.commit()

    tab = browse()
    tab.sign_in(manager.email, PASSWORD)
    tab.nav("Care-plan audit")
    tab.scan()
    tab.page.get_by_role("link", name="North CMHT audit").click()
    tab.scan()
    tab.page.get_by_label("Name of the round").fill("Second follow-up")
    tab.page.get_by_label("Follow-up (after the supervision sessions)").check()
    tab.page.get_by_label("First day").fill("2027-11-01")
    tab.page.get_by_label("Last day").fill("2027-11-30")
    tab.page.get_by_role("button", name="Start the round").click()
    tab.scan()
    tab.page.get_by_role("link", name="Score a care plan").click()
    tab.scan()
    for radio in tab.page.locator("input[type=radio][value='2']").all():
        radio.check()
    tab.page.get_by_label("A short excerpt (optional)").fill("Mrs Okafor wants her daughter at reviews")
    tab.page.get_by_role("button", name="Save this plan's scores").click()
    tab.scan()
    assert "possible name" in tab.page.content()
    tab.page.get_by_label("A short excerpt (optional)").fill("'I want my daughter at reviews', in her words")
    tab.page.get_by_role("button", name="Save this plan's scores").click()
    tab.scan()
    assert "Plan scored" in tab.page.content()

    narrow = browse(NARROW)
    narrow.sign_in(manager.email, PASSWORD)
    narrow.goto(f"/care-plan-audit/teams/{tid}/report")
    content = narrow.page.content()
    assert "Baseline spring (5 plans)" in content and "Follow-up autumn: 4 plans scored; 1 more needed" in content
    assert narrow.page.locator("svg#audit-chart[role=img]").count() == 1
