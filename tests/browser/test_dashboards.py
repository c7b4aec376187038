"""The dashboards in a real browser: every page passes the accessibility scan, the matrix is usable with a
keyboard, and the pages fit a 320 px screen (the wide tables scroll inside their own labelled region)."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from sqlalchemy import select

from equiptrain.accounts import services
from equiptrain.accounts.models import MembershipRole, Profession, TeamSetting
from equiptrain.content.models import ConfidenceItem, Module
from equiptrain.dashboards import services as dashboard_services
from equiptrain.db import utcnow
from equiptrain.learning.models import ModuleProgress
from equiptrain.reflection.models import ConfidenceResponse, ReflectiveEntry

PASSWORD = "browser test passphrase"
_n = itertools.count()


@pytest.fixture
def trust(live_db):
    n = next(_n)
    session = live_db.session
    org = services.create_organisation(None, f"Dashboard Trust {n}")
    team = services.create_team(None, org, "Riverside CMHT", TeamSetting.COMMUNITY)
    modules = []
    for i in range(2):
        module = Module(
            slug=f"dash-{n}-{i}",
            position=500 + 10 * n + i,
            title=f"Dashboard module {n}.{i}",
            summary="s",
            intro_html="<p>i</p>",
            estimated_minutes=30,
            cpd_individual_hours=1,
            cpd_participatory_hours=1,
            requires_units=True,
            requires_quiz=False,
            requires_reflection=False,
            requires_practice=False,
            requires_workshop=False,
            content_hash="x",
        )
        session.add(module)
        modules.append(module)
    if session.scalar(select(ConfidenceItem.id).limit(1)) is None:
        session.add(ConfidenceItem(slug="explain", position=1, text="I can explain why involvement matters"))
    session.flush()
    admin = services.create_user(
        None,
        name=f"Admin {n}",
        email=f"dash-admin{n}@browser.example",
        profession=Profession.NURSE,
        organisation=org,
        password=PASSWORD,
        is_org_admin=True,
    )
    admin.is_programme_lead = True
    manager = services.create_user(
        None,
        name=f"Manager {n}",
        email=f"dash-manager{n}@browser.example",
        profession=Profession.NURSE,
        organisation=org,
        password=PASSWORD,
    )
    services.set_membership(None, manager, team, MembershipRole.MANAGER)
    items = session.scalars(select(ConfidenceItem)).all()
    for i in range(6):
        person = services.create_user(
            None,
            name=f"Learner {n}.{i}",
            email=f"dash-learner{n}-{i}@browser.example",
            profession=list(Profession)[i % 4],
            organisation=org,
            password=PASSWORD if i else None,
        )
        services.set_membership(None, person, team, MembershipRole.MEMBER)
        session.flush()
        if i % 2:
            session.add(
                ModuleProgress(user_id=person.id, module_id=modules[0].id, started_at=utcnow(), completed_at=utcnow())
            )
            session.add(
                ReflectiveEntry(
                    author_id=person.id, template="free", title="t", fields={"text": "x"}, guard_outcome="clean"
                )
            )
        if i:
            for phase, value in (("before", 2), ("after", 4)):
                session.add(
                    ConfidenceResponse(
                        user_id=person.id,
                        module_id=modules[0].id,
                        phase=phase,
                        answers={it.slug: value for it in items},
                    )
                )
    session.flush()
    dashboard_services.save_requirements(
        admin,
        org,
        module_ids={modules[0].id},
        core_workshop=True,
        deadline=dt.date.today() - dt.timedelta(days=1),
        joiner_days=30,
    )
    session.commit()
    return {"admin": admin.email, "manager": manager.email, "team_id": team.id}


def test_every_dashboard_page_passes_the_scan(browse, trust):
    tab = browse()
    tab.sign_in(trust["manager"], PASSWORD)
    assert "Riverside CMHT" in tab.page.locator("main").inner_text()
    team = f"/dashboards/teams/{trust['team_id']}"
    for path in ("/dashboards", team, team + "?sort=status&dir=desc&overdue=yes", team + "?status=complete"):
        assert tab.goto(path).status == 200, path
    # The matrix: sort by a column with the keyboard, then open a person's page.
    tab.goto(team)
    tab.page.get_by_role("link", name="Deadline").focus()
    with tab.page.expect_navigation():
        tab.page.keyboard.press("Enter")
    tab.scan()
    assert tab.page.locator("th[aria-sort=ascending]").inner_text().strip() == "Deadline"
    tab.page.get_by_role("link", name="Learner").first.click()
    tab.page.wait_for_load_state()
    tab.scan()
    # A reminder, sent with the keyboard, and the throttled second one.
    tab.page.get_by_role("button", name="a reminder").click()
    tab.page.wait_for_load_state()
    tab.scan()
    assert "Reminder sent to" in tab.page.locator("main").inner_text()
    tab.page.get_by_role("button", name="a reminder").click()
    tab.page.wait_for_load_state()
    tab.scan()
    assert "at most one reminder a week" in tab.page.locator("main").inner_text()

    admin = browse()
    admin.sign_in(trust["admin"], PASSWORD)
    for path in ("/dashboards/organisation", "/dashboards/organisation?sort=overdue&dir=desc", "/admin/training", team):
        assert admin.goto(path).status == 200, path
    admin.goto("/admin/training")
    admin.page.get_by_label("Completion deadline").fill("")
    admin.page.get_by_label("Days to complete for people who join later").fill("")
    admin.page.get_by_role("button", name="Save training requirements").click()
    admin.page.wait_for_load_state()
    admin.scan()
    assert "Give a completion deadline" in admin.page.locator(".nhsuk-error-summary").inner_text()


@pytest.mark.parametrize(
    "who,path", [("manager", "team"), ("admin", "/dashboards/organisation"), ("admin", "/admin/training")]
)
def test_dashboards_fit_a_320_pixel_screen(browse, trust, who, path):
    tab = browse({"width": 320, "height": 640})
    tab.sign_in(trust[who], PASSWORD)
    tab.goto(f"/dashboards/teams/{trust['team_id']}" if path == "team" else path)
    overflow = tab.page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at 320px"
    if path != "/admin/training":  # the wide tables scroll inside a focusable, labelled region
        assert tab.page.locator("[role=region][tabindex='0']").first.get_attribute("aria-labelledby")
