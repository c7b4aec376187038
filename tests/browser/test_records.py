"""The trust-records pages in a real browser, at 320 px: a staff file previewed then confirmed, the mapping,
settings, competence names, exports, "not in ESR" and the xAPI queue, each scanned with axe-core."""

from __future__ import annotations

import itertools

from equiptrain.accounts import services
from equiptrain.accounts.models import Profession, TeamSetting
from equiptrain.records import services as records

PASSWORD = "browser records passphrase"
HEADER = (
    "Employee Number,Assignment Number,First Name,Last Name,Work Email,Staff Group,Organisation,Cost Centre,"
    "Assignment Start Date,Assignment End Date\n"
)
_n = itertools.count()


def test_trust_records_pages(browse, live_db, tmp_path):
    n = next(_n)
    org = services.create_organisation(None, f"Records Trust {n}")
    services.create_team(None, org, "Harbour CMHT", TeamSetting.COMMUNITY)
    admin = services.create_user(
        None,
        name=f"Admin {n}",
        email=f"records-admin{n}@browser.example",
        profession=Profession.OTHER,
        organisation=org,
        password=PASSWORD,
        is_org_admin=True,
    )
    records.set_team_mapping(None, org, "700 Harbour Community,Harbour CMHT\n")
    live_db.session.commit()
    staff = tmp_path / "esr.csv"
    staff.write_text(
        HEADER
        + "".join(
            f"R{n}-{i},1,Person,{i},rec{n}-{i}@browser.example,,700 Harbour Community,,01/04/2020,\n" for i in range(3)
        )
        + f"R{n}-9,1,Bad,Row,not-an-email,,700 Harbour Community,,01/04/2020,\n"
    )
    tab = browse({"width": 320, "height": 640})
    tab.sign_in(admin.email, PASSWORD)
    for path in (
        "/admin/records/",
        "/admin/records/settings",
        "/admin/records/team-mapping",
        "/admin/records/competences",
        "/admin/records/esr",
        "/admin/records/not-in-esr",
        "/admin/records/xapi",
    ):
        tab.goto(path)
        assert tab.page.evaluate("document.documentElement.scrollWidth") <= 320, path
    tab.goto("/admin/records/staff-sync")
    tab.page.set_input_files("input[type=file]", str(staff))
    tab.page.get_by_role("button", name="Check the file").click()
    tab.page.wait_for_load_state()
    tab.scan()
    assert "the file has 1 problem(s)" in tab.page.content()
    staff.write_text(
        HEADER
        + "".join(
            f"R{n}-{i},1,Person,{i},rec{n}-{i}@browser.example,,700 Harbour Community,,01/04/2020,\n" for i in range(3)
        )
    )
    tab.goto("/admin/records/staff-sync")
    tab.page.set_input_files("input[type=file]", str(staff))
    tab.page.get_by_role("button", name="Check the file").click()
    tab.page.wait_for_load_state()
    tab.scan()
    assert "Nothing has changed yet" in tab.page.content()
    tab.page.get_by_role("button", name="Confirm and apply these changes").click()
    tab.page.wait_for_load_state()
    tab.scan()
    assert "This file was applied" in tab.page.content()
    # the settings form, submitted with a mistake, shows its errors accessibly
    tab.goto("/admin/records/settings")
    tab.page.get_by_label("Date format of the staff file").fill("nonsense")
    tab.page.get_by_role("button", name="Save settings").click()
    tab.page.wait_for_load_state()
    tab.scan()
    assert "There is a problem" in tab.page.content()
