"""The organisation's training address page in a real browser: reached from the administration hub, scanned by axe
with its error showing and after saving, used by keyboard only, and at 320 px."""

from __future__ import annotations

import itertools

from equiptrain.accounts import services
from equiptrain.accounts.models import Organisation, Profession

PASSWORD = "browser test passphrase"
_n = itertools.count()


def _admin(live_db):
    n = next(_n)
    org = services.create_organisation(None, f"Address Trust {n}")
    admin = services.create_user(
        None,
        name="Ada Admin",
        email=f"ada{n}@address.example",
        profession=Profession.NURSE,
        organisation=org,
        password=PASSWORD,
        is_org_admin=True,
    )
    live_db.session.commit()
    return org.id, admin.email


def test_an_admin_sets_and_clears_the_address_by_keyboard(browse, live_db):
    org_id, email = _admin(live_db)
    tab = browse()
    page = tab.page
    tab.sign_in(email, PASSWORD)
    tab.goto("/admin/")
    page.get_by_role("link", name="Training address").click()
    page.wait_for_load_state()
    tab.scan()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Training address")

    field = page.get_by_label("Training address")
    field.fill("not an address")
    page.get_by_role("button", name="Save the training address").click()
    page.wait_for_load_state()
    tab.scan()  # the error summary and the field's error pass too
    assert page.locator(".nhsuk-error-summary").is_visible()
    assert page.get_by_text("Enter an email address like").first.is_visible()

    field = page.get_by_label("Training address")
    field.fill("equip.training@address.example.nhs.uk")
    field.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    tab.scan()
    assert page.get_by_text("Calendar invitations now come from equip.training@address.example.nhs.uk").is_visible()
    live_db.session.rollback()  # a fresh read: what the server has committed since
    assert live_db.session.get(Organisation, org_id).training_email == "equip.training@address.example.nhs.uk"

    clear = page.get_by_role("button", name="Clear it and use the site's address")
    clear.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    tab.scan()
    live_db.session.rollback()  # a fresh read: what the server has committed since
    assert live_db.session.get(Organisation, org_id).training_email is None

    narrow = browse({"width": 320, "height": 640})
    narrow.sign_in(email, PASSWORD)
    narrow.goto("/admin/training-address")
    width = narrow.page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320
