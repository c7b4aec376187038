"""Sign-in, home and administration pages in a real browser: accessible, keyboard-operable, and usable at 320 px."""

from __future__ import annotations

import itertools

import pytest

from equiptrain.accounts import services
from equiptrain.accounts.models import MembershipRole, Profession, TeamSetting

PASSWORD = "browser test passphrase"
_n = itertools.count()


@pytest.fixture
def people(live_db):
    """An organisation with a team, a manager, a learner and an admin, committed to the live database."""
    n = next(_n)
    org = services.create_organisation(None, f"Browser Trust {n}")
    team = services.create_team(None, org, "Harbour CMHT", TeamSetting.COMMUNITY)
    made = {}
    for key, extra in (("admin", {"is_org_admin": True}), ("manager", {}), ("learner", {})):
        made[key] = services.create_user(
            None,
            name=f"{key.title()} {n}",
            email=f"{key}{n}@browser.example",
            profession=Profession.NURSE,
            organisation=org,
            password=PASSWORD,
            **extra,
        )
    services.set_membership(None, made["manager"], team, MembershipRole.MANAGER)
    services.set_membership(None, made["learner"], team, MembershipRole.MEMBER)
    live_db.session.commit()
    return {**made, "team_id": team.id, "org": org.name}


def test_sign_in_with_the_keyboard_alone(browse, people):
    tab = browse()
    page = tab.page
    tab.goto("/sign-in")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to main content"
    page.keyboard.press("Enter")
    # Tab into the form and type, as someone without a mouse would.
    page.get_by_label("Email address").focus()
    page.keyboard.type(people["learner"].email)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: url.split("#")[0] == tab.base_url + "/")
    tab.scan()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Hello")


def test_wrong_password_shows_an_accessible_error_summary(browse, people):
    tab = browse()
    tab.goto("/sign-in")
    tab.page.get_by_label("Email address").fill(people["learner"].email)
    tab.page.get_by_label("Password").fill("not the password at all")
    tab.page.get_by_role("button", name="Sign in").click()
    tab.page.wait_for_load_state()
    tab.scan()
    summary = tab.page.locator(".nhsuk-error-summary")
    assert "email address or password is not right" in summary.inner_text()


def test_admin_pages_are_accessible(browse, people):
    tab = browse()
    tab.sign_in(people["admin"].email, PASSWORD)
    for path in (
        "/admin/people",
        "/admin/people/new",
        "/admin/teams",
        "/admin/import",
        "/admin/audit",
        f"/admin/people/{people['learner'].id}",
        "/account",
        f"/teams/{people['team_id']}",
        f"/teams/{people['team_id']}/invite",
        "/about",
        "/accessibility",
        "/privacy",
    ):
        response = tab.goto(path)
        assert response.status == 200, path
    # A form with errors shows the error summary, and it passes the scan too.
    tab.goto("/admin/people/new")
    tab.page.get_by_role("button", name="Add and invite").click()
    tab.page.wait_for_load_state()
    tab.scan()
    assert "Enter the person's full name" in tab.page.locator(".nhsuk-error-summary").inner_text()


def test_manager_invites_to_their_team_and_signs_out(browse, people):
    tab = browse()
    tab.sign_in(people["manager"].email, PASSWORD)
    tab.goto(f"/teams/{people['team_id']}/invite")
    page = tab.page
    page.get_by_label("Full name").fill("Newcomer Nurse")
    page.get_by_label("Email address").fill(f"newcomer{next(_n)}@browser.example")
    page.get_by_label("Profession").select_option("nurse")
    page.get_by_role("button", name="Send invitation").click()
    page.wait_for_load_state()
    tab.scan()
    assert "Newcomer Nurse" in page.locator("main").inner_text()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()
    tab.scan()
    assert "You have signed out" in page.locator("main").inner_text()


def test_sign_out_of_every_device_from_my_account(browse, people):
    laptop, phone = browse(), browse({"width": 320, "height": 640})
    laptop.sign_in(people["learner"].email, PASSWORD)
    phone.sign_in(people["learner"].email, PASSWORD)
    laptop.goto("/account")
    laptop.page.get_by_role("button", name="Sign out of every device").click()
    laptop.page.wait_for_load_state()
    laptop.scan()
    assert "You have signed out of every device (2 sessions)" in laptop.page.locator("main").inner_text()
    phone.goto("/account")
    assert phone.page.url.startswith(phone.base_url + "/sign-in")


@pytest.mark.parametrize("path", ["/sign-in", "/", "/admin/people", "/admin/teams", "/account"])
def test_pages_fit_a_320_pixel_screen(browse, people, path):
    tab = browse({"width": 320, "height": 640})
    tab.sign_in(people["admin"].email, PASSWORD) if path != "/sign-in" else None
    tab.goto(path)
    overflow = tab.page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at 320px"


def test_invited_person_sets_a_password_from_the_email(browse, live_app, live_db):
    import email
    import re
    from pathlib import Path

    from equiptrain.jobs.queue import jobs

    n = next(_n)
    org = services.create_organisation(None, f"Invite Trust {n}")
    person = services.create_user(
        None,
        name="Invited Person",
        email=f"invited{n}@browser.example",
        profession=Profession.SOCIAL_WORKER,
        organisation=org,
    )
    services.invite(None, person)
    live_db.session.commit()
    jobs(live_app).run_pending()  # what a consumer does once the invitation is committed: deliver it
    outbox = Path(live_app.config["MAIL_OUTBOX_DIR"])
    bodies = [email.message_from_bytes(f.read_bytes(), policy=email.policy.default) for f in outbox.glob("*.eml")]
    [message] = [m for m in bodies if m["To"] == person.email]
    path = re.search(r"http://equiptrain.test(/set-password/\S+)", message.get_content()).group(1)
    tab = browse()
    tab.goto(path)
    tab.page.get_by_label("New password", exact=True).fill("too short")
    tab.page.get_by_label("Confirm new password").fill("too short")
    tab.page.get_by_role("button", name="Save password and sign in").click()
    tab.page.wait_for_load_state()
    tab.scan()
    assert "at least 12 characters" in tab.page.locator(".nhsuk-error-summary").inner_text()
    tab.page.get_by_label("New password", exact=True).fill("a lighthouse in winter")
    tab.page.get_by_label("Confirm new password").fill("a lighthouse in winter")
    tab.page.get_by_role("button", name="Save password and sign in").click()
    tab.page.wait_for_load_state()
    tab.scan()
    assert tab.page.get_by_role("heading", level=1).inner_text() == "Hello, Invited Person"
