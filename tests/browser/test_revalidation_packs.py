"""The revalidation pack form in a real browser for a social worker and a support worker, scanned by axe (also at
320 px): the regulator is chosen from the profession, another can be chosen, and the PDF downloads."""

from __future__ import annotations

import itertools

import pytest

from equiptrain.accounts import services
from equiptrain.accounts.models import MembershipRole, Profession, TeamSetting

PASSWORD = "browser test passphrase"
_n = itertools.count()


@pytest.fixture
def people(live_db):
    n = next(_n)
    org = services.create_organisation(None, f"Pack Trust {n}")
    team = services.create_team(None, org, "Riverside CMHT", TeamSetting.COMMUNITY)
    made = {}
    for key, profession in (("social_worker", Profession.SOCIAL_WORKER), ("support", Profession.SUPPORT_WORKER)):
        made[key] = services.create_user(
            None,
            name=f"Pack {key} {n}",
            email=f"pack-{key}{n}@browser.example",
            profession=profession,
            organisation=org,
            password=PASSWORD,
        )
        services.set_membership(None, made[key], team, MembershipRole.MEMBER)
    live_db.session.commit()
    return made


def test_the_pack_form_follows_the_profession_and_downloads(browse, people):
    tab = browse()
    page = tab.page
    tab.sign_in(people["social_worker"].email, PASSWORD)
    tab.goto("/cpd/revalidation-pack")
    select = page.get_by_label("Your regulator")
    assert select.input_value() == "swe"
    assert page.get_by_text("For Social Work England").is_visible()
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the pack (PDF)").click()
    assert download.value.suggested_filename.startswith("revalidation-pack-")

    narrow = browse({"width": 320, "height": 640})
    narrow.sign_in(people["support"].email, PASSWORD)
    narrow.goto("/cpd/revalidation-pack")
    assert narrow.page.get_by_label("Your regulator").input_value() == "none"
    assert narrow.page.get_by_text("has no regulator that asks for CPD").is_visible()
