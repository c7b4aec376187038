"""The jobs page, the organisation's scheduled-message settings and a person's messages in a real browser: each
passes the accessibility scan, works with the keyboard and fits a 320 px screen."""

from __future__ import annotations

import itertools

from equiptrain import mail
from equiptrain.accounts import services
from equiptrain.accounts.models import MembershipRole, Profession, TeamSetting

PASSWORD = "browser test passphrase"
_n = itertools.count()


def _people(live_db):
    n = next(_n)
    org = services.create_organisation(None, f"Jobs Trust {n}")
    team = services.create_team(None, org, "Harbour CMHT", TeamSetting.COMMUNITY)

    def person(name, **roles):
        return services.create_user(
            None,
            name=name,
            email=f"{name.split()[0].lower()}{n}@jobs.example",
            profession=Profession.NURSE,
            organisation=org,
            password=PASSWORD,
            **roles,
        )

    manager = person("Mina Manager")
    services.set_membership(None, manager, team, MembershipRole.MANAGER)
    admin = person("Ada Admin", is_org_admin=True)
    platform = person("Pat Platform", is_platform_admin=True)
    mail.send(manager.email, "Your EQUIP training is due in 14 days", "Hello", category="deadline_reminder")
    live_db.session.commit()
    return manager, admin, platform


def test_the_new_pages_pass_the_scan_and_work_by_keyboard(browse, live_db):
    manager, admin, platform = _people(live_db)

    tab = browse()
    tab.sign_in(manager.email, PASSWORD)
    tab.goto("/account/messages")
    assert tab.page.get_by_text("Your EQUIP training is due in 14 days").is_visible()
    box = tab.page.get_by_label("Send me the weekly digest about my teams")
    assert box.is_checked()
    box.focus()
    tab.page.keyboard.press("Space")
    tab.page.get_by_role("button", name="Save my choice").focus()
    with tab.page.expect_navigation():
        tab.page.keyboard.press("Enter")
    tab.scan()
    assert not tab.page.get_by_label("Send me the weekly digest about my teams").is_checked()

    tab = browse()
    tab.sign_in(admin.email, PASSWORD)
    tab.goto("/admin/messages")
    tab.page.get_by_label("Managers' weekly digest", exact=False).first.uncheck()
    tab.page.get_by_label("Day the managers' weekly digest is sent").select_option(label="Thursday")
    with tab.page.expect_navigation():
        tab.page.get_by_role("button", name="Save", exact=True).click()
    tab.scan()
    assert tab.page.get_by_text("The scheduled messages have been saved").is_visible()
    assert tab.page.get_by_label("Day the managers' weekly digest is sent").input_value() == "3"

    tab = browse()
    tab.sign_in(platform.email, PASSWORD)
    tab.goto("/admin/jobs")
    assert tab.page.get_by_role("heading", name="Schedule", exact=True).is_visible()

    small = browse({"width": 320, "height": 640})
    small.sign_in(platform.email, PASSWORD)
    for path in ("/admin/jobs", "/account/messages"):
        small.goto(path)
        width = small.page.evaluate("document.documentElement.scrollWidth")
        assert width <= 320, (path, width)
