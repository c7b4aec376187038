"""The requirements page with each mandatory module's and the core's expiry, and My programme with open refreshers
(a module's and the core's), in a real browser: each passes the accessibility scan, the form's errors are reached
by keyboard, and both fit a 320 px screen."""

from __future__ import annotations

import datetime as dt
import itertools

from equiptrain.accounts import services
from equiptrain.accounts.models import MembershipRole, Profession, TeamSetting
from equiptrain.dashboards import services as dashboard_services
from equiptrain.reminders.models import Refresher
from tests.dashboards import helpers

PASSWORD = "browser test passphrase"
_n = itertools.count()


def _world(live_db):
    n = next(_n)
    org = services.create_organisation(None, f"Expiry Trust {n}")
    team = services.create_team(None, org, "Harbour CMHT", TeamSetting.COMMUNITY)

    def person(name, **roles):
        return services.create_user(
            None,
            name=name,
            email=f"{name.split()[0].lower()}{n}@expiry.example",
            profession=Profession.NURSE,
            organisation=org,
            password=PASSWORD,
            **roles,
        )

    admin = person("Ada Admin", is_org_admin=True)
    learner = person("Lee Learner")
    services.set_membership(None, learner, team, MembershipRole.MEMBER)
    m1, m2 = helpers.modules(2)
    helpers.progress(learner, m1, days_ago=340)
    helpers.attended([learner], org, [team], days_ago=700)
    dashboard_services.save_requirements(
        admin,
        org,
        module_ids={m1.id, m2.id},
        core_workshop=True,
        deadline=dt.date.today() + dt.timedelta(days=60),
        joiner_days=None,
        module_expiry_months={m1.id: 12},
        core_expiry_months=24,
    )
    today = dt.date.today()
    live_db.session.add_all(
        [
            Refresher(user_id=learner.id, module_id=m1.id, expires_on=today + dt.timedelta(days=25)),
            Refresher(user_id=learner.id, core=True, expires_on=today + dt.timedelta(days=30)),
        ]
    )
    live_db.session.commit()
    return admin, learner, m1, m2


def test_expiry_settings_and_refreshers_pass_the_scan_by_keyboard_and_at_320px(browse, live_db):
    admin, learner, m1, m2 = _world(live_db)

    tab = browse()
    tab.sign_in(admin.email, PASSWORD)
    tab.goto("/admin/training")
    assert tab.page.get_by_label(f"{m1.title}: months until it expires").input_value() == "12"
    assert tab.page.get_by_label("The core workshop: months until it expires").input_value() == "24"
    tab.page.get_by_label(f"{m2.title}: months until it expires").fill("0")
    tab.page.get_by_role("button", name="Save training requirements").focus()
    with tab.page.expect_navigation():
        tab.page.keyboard.press("Enter")
    tab.scan()
    summary = tab.page.get_by_role("link", name=f"{m2.title}: enter a number of months from 1 to 120", exact=False)
    summary.focus()
    tab.page.keyboard.press("Enter")
    assert tab.page.evaluate("document.activeElement.name") == f"expiry_{m2.id}"

    tab = browse()
    tab.sign_in(learner.email, PASSWORD)
    tab.goto("/programme")
    assert tab.page.get_by_role("heading", name="Refreshers open").is_visible()
    assert tab.page.get_by_text("attend a day of a core workshop").is_visible()
    tab.page.get_by_text("When your training expires").click()
    assert tab.page.get_by_text("The core workshop: completed").is_visible()

    small = browse({"width": 320, "height": 640})
    small.sign_in(admin.email, PASSWORD)
    small.goto("/admin/training")
    assert small.page.evaluate("document.documentElement.scrollWidth") <= 320
    small = browse({"width": 320, "height": 640})
    small.sign_in(learner.email, PASSWORD)
    small.goto("/programme")
    assert small.page.evaluate("document.documentElement.scrollWidth") <= 320
