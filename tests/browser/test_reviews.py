"""A carer trainer comments on a course page and the course team declines it with a reason, in a real browser;
the module page with its references and the unit page with who wrote it are scanned too."""

from __future__ import annotations

from pathlib import Path

from flask import current_app
from sqlalchemy import select

from equiptrain.accounts import services as accounts
from equiptrain.accounts.models import Profession
from equiptrain.content.models import Module, Unit
from equiptrain.content.sync import sync_course
from equiptrain.trainers.models import TrainerKind

PASSWORD = "a long review password"


def test_a_carer_trainer_comments_and_the_course_team_answers(browse, live_db):
    sync_course(Path(current_app.config["CONTENT_DIR"]))
    accounts.create_user(
        None,
        name="Rowan Ellery",
        email="review.carer@example.nhs.uk",
        profession=Profession.OTHER,
        organisation=None,
        password=PASSWORD,
        trainer_kind=TrainerKind.CARER,
    )
    accounts.create_user(
        None,
        name="Course Lead",
        email="review.admin@example.nhs.uk",
        profession=Profession.NURSE,
        organisation=None,
        password=PASSWORD,
        is_platform_admin=True,
    )
    first = live_db.session.scalar(select(Unit).join(Module).where(Module.position == 1, Unit.position == 1))
    unit_title = first.title
    live_db.session.commit()

    tab = browse({"width": 320, "height": 800})
    tab.sign_in("review.carer@example.nhs.uk", PASSWORD)
    tab.goto("/modules/foundations")
    assert tab.page.get_by_role("heading", name="References").is_visible()
    tab.goto("/modules/foundations/units/" + first.slug)
    assert "Not yet reviewed by a service-user or carer trainer." in tab.page.content()
    tab.page.get_by_role("link", name="Leave a review comment on this page for the course team").click()
    tab.page.wait_for_load_state()
    tab.scan()
    tab.page.get_by_role("button", name="Send comment").click()  # empty: an accessible error summary
    tab.page.wait_for_load_state()
    tab.scan()
    assert "Write your comment." in tab.page.locator(".nhsuk-error-summary").inner_text()
    tab.page.get_by_label("Your comment").fill("The carer box could say more about siblings.")
    tab.page.get_by_role("button", name="Send comment").click()
    tab.page.wait_for_load_state()
    tab.scan()
    assert "your comment has been sent" in tab.page.content()
    tab.goto("/reviews/")

    admin = browse()
    admin.sign_in("review.admin@example.nhs.uk", PASSWORD)
    admin.goto("/reviews/comments")
    assert unit_title in admin.page.content()
    admin.page.get_by_role("link", name="The carer box could say more about siblings.").first.click()
    admin.page.wait_for_load_state()
    admin.scan()
    admin.page.get_by_label("Decline, with a reason").check()
    admin.page.get_by_label("Reason (required when declining)").fill("Module 5 covers siblings.")
    admin.page.get_by_role("button", name="Save decision").click()
    admin.page.wait_for_load_state()
    admin.scan()
    assert "The comment is now declined." in admin.page.content()
