"""The reflective log, the guard, sharing, the CPD record and the confidence chart in a real browser; every page
is scanned by axe."""

from __future__ import annotations

import itertools

import pytest

from equiptrain.accounts import services
from equiptrain.accounts.models import MembershipRole, Profession, TeamSetting
from tests.reflection.helpers import confidence_items, make_module

PASSWORD = "browser test passphrase"
_n = itertools.count()


@pytest.fixture
def setting(live_db):
    n = next(_n)
    org = services.create_organisation(None, f"Reflection Trust {n}")
    team = services.create_team(None, org, "Riverside CMHT", TeamSetting.COMMUNITY)
    made = {}
    for key in ("manager", "learner"):
        made[key] = services.create_user(
            None,
            name=f"Refl {key.title()} {n}",
            email=f"refl-{key}{n}@browser.example",
            profession=Profession.NURSE,
            organisation=org,
            password=PASSWORD,
        )
    services.set_membership(None, made["manager"], team, MembershipRole.MANAGER)
    services.set_membership(None, made["learner"], team, MembershipRole.MEMBER)
    live_db.session.commit()
    module = make_module(f"Browser reflection module {n}")
    items = confidence_items()
    return {**made, "module_slug": module.slug, "item_slugs": [i.slug for i in items]}


def _click(tab, role: str, name: str):
    tab.page.get_by_role(role, name=name).first.click()
    tab.page.wait_for_load_state()
    tab.scan()


def test_write_trip_the_guard_fix_save_share_and_see_cpd_and_confidence(browse, setting):
    tab = browse()
    page = tab.page
    tab.sign_in(setting["learner"].email, PASSWORD)
    tab.goto("/reflection/")
    _click(tab, "link", "Write a reflection")
    page.get_by_label("NMC reflective account").check()
    _click(tab, "button", "Continue")
    page.get_by_label("Title").fill("Listening before assessing")
    nature = page.get_by_label("What was the nature of the CPD activity, feedback or experience?")
    nature.fill("A review with a man (NHS number 943 476 5919) who wanted to talk about work.")
    page.get_by_label("What did you learn from it?").fill("To ask what matters first.")
    page.get_by_label("How did you change or improve your practice as a result, or how will you?").fill(
        "I open every review with his agenda."
    )
    page.get_by_label("Prioritise people").check()
    _click(tab, "button", "Save reflection")
    assert page.locator(".nhsuk-error-summary").is_visible()
    assert page.locator("mark.et-guard-match").first.inner_text().startswith("943 476 5919")
    nature = page.get_by_label("What was the nature of the CPD activity, feedback or experience?")
    nature.fill("A review with a man who wanted to talk about work.")
    _click(tab, "button", "Save reflection")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Listening before assessing")
    assert page.get_by_text("Private: only you can read it.").is_visible()
    _click(tab, "link", "Share this reflection with a manager or trainer")
    page.get_by_label("Who do you want to share it with?").select_option(label=f"{setting['manager'].name} (manager)")
    _click(tab, "button", "Share this reflection")
    assert page.get_by_text(f"Shared with {setting['manager'].name}").is_visible()

    tab.goto("/cpd/new")
    page.get_by_label("What was the activity?").fill("Recovery college course")
    page.get_by_label("Date").fill("2025-02-03")
    page.get_by_label("Hours").fill("4")
    page.get_by_label("Participatory: you learned with other people (a workshop, a course, a discussion)").check()
    _click(tab, "button", "Add to my CPD record")
    assert page.get_by_role("cell", name="Recovery college course", exact=True).is_visible()
    # 4 of 35 hours, 4 of 20 participatory, 1 of 5 reflective accounts
    for left in ("31 to go", "16 to go", "4 to go"):
        assert page.get_by_text(left, exact=True).is_visible()

    tab.goto(f"/modules/{setting['module_slug']}/confidence/before")
    for slug in setting["item_slugs"]:
        page.locator(f'input[name="item_{slug}"][value="3"]').check()
    _click(tab, "button", "Save my answers")
    assert page.locator(".et-chart svg[role=img]").is_visible()
    assert page.get_by_role("table").first.is_visible()

    manager = browse({"width": 320, "height": 700})
    manager.sign_in(setting["manager"].email, PASSWORD)
    manager.goto("/reflection/shared/")
    manager.page.get_by_role("link", name="Listening before assessing").click()
    manager.page.wait_for_load_state()
    manager.scan()
    assert manager.page.get_by_text("A review with a man who wanted to talk about work.").is_visible()
