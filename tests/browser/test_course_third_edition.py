"""The course's third edition in a real browser, every page scanned by axe (WCAG 2.2 A and AA): a unit with
setting variants (the learner's setting first), a local page, the core days on a workshop page, students,
a lived-experience trainer's selection record and declared connections, at desktop width and at 320 px."""

from __future__ import annotations

from pathlib import Path

from flask import current_app

from equiptrain.accounts.models import TeamSetting
from equiptrain.content.models import LocalPage
from equiptrain.content.sync import sync_course
from equiptrain.trainers.models import TrainerKind
from tests.builders import PASSWORD, Builders
from tests.workshops.helpers import make_core_day, make_module, make_workshop

NARROW = {"width": 320, "height": 640}


def test_variants_local_pages_core_days_students_and_trainers(browse, live_db):
    sync_course(Path(current_app.config["CONTENT_DIR"]))
    build = Builders()
    org = build.org()
    ward = build.team(org, "Browser Ward", setting=TeamSetting.INPATIENT)
    admin = build.user("admin", org=org)
    build.user("learner", team=ward)
    from equiptrain.accounts.models import MembershipRole
    from equiptrain.accounts.services import set_membership

    set_membership(None, admin, ward, MembershipRole.MEMBER)  # the admin works on the ward too
    le = build.user("trainer", org=org, trainer_kind=TrainerKind.CARER)
    pro = build.user("trainer", org=org)
    live_db.session.add(
        LocalPage(
            organisation_name=org.name,
            module_slug="foundations",
            slug="who-to-call",
            position=1,
            title="Who to call (browser)",
            owner="the IG team",
            review_by="2027-06",
            minutes=1,
            body_html="<p>Ring extension 1234.</p>",
            content_hash="h",
        )
    )
    module = make_module()
    w = make_workshop(build, org=org, teams=[ward], facilitators=[pro, le], modules=[module], admin=admin)
    make_core_day(module)
    wid, le_id = w.id, le.id
    live_db.session.commit()

    for viewport in (None, NARROW):
        tab = browse(viewport)
        tab.sign_in(admin.email, PASSWORD)
        tab.goto("/modules/listening/units/learning-disability-and-autism")
        variants = tab.page.locator(".et-variants").first.inner_text()
        assert variants.index("Your setting: Inpatient") < variants.index("Setting: Any setting")
        tab.goto("/modules/foundations")
        assert "From your organisation" in tab.page.content()
        tab.goto("/modules/foundations/local/who-to-call")
        assert "Who to call (browser)" in tab.page.content()
        tab.goto(f"/workshops/{wid}")
        assert "The core days" in tab.page.content()
        tab.goto("/students")
        tab.goto(f"/trainers/{le_id}/selection")

    # An administrator adds a student with the keyboard-operable form; errors are announced in a summary.
    tab = browse()
    tab.sign_in(admin.email, PASSWORD)
    tab.goto("/students")
    tab.page.get_by_role("button", name="Add student").click()
    tab.page.wait_for_load_state()
    tab.scan()
    assert "There is a problem" in tab.page.content()
    tab.page.get_by_label("Full name").fill("Browser Student")
    tab.page.get_by_label("Email address").fill("browser.student@uni.example.ac.uk")
    tab.page.get_by_label("University").fill("University of Northbridge")
    tab.page.get_by_label("Placement ends on").fill("2030-06-30")
    tab.page.get_by_role("button", name="Add student").click()
    tab.page.wait_for_load_state()
    tab.scan()
    assert "Browser Student" in tab.page.content()

    # The selection record, saved.
    tab.goto(f"/trainers/{le_id}/selection")
    tab.page.get_by_label("How they were recruited").fill("Advert through the carers' centre")
    tab.page.get_by_label("References").fill("Two, received")
    tab.page.get_by_label("Training").fill("Train-the-trainers")
    tab.page.get_by_label("Support agreed").fill("Debriefs and payment")
    tab.page.get_by_role("button", name="Save selection record").click()
    tab.page.wait_for_load_state()
    tab.scan()
    assert "Selection record saved" in tab.page.content()

    # The carer trainer declares a connection, at 320 px.
    phone = browse(NARROW)
    phone.sign_in(le.email, PASSWORD)
    phone.goto("/my/connections")
    phone.page.get_by_role("button", name="Declare").click()
    phone.page.wait_for_load_state()
    phone.scan()
    assert "You will not be scheduled" in phone.page.content()
