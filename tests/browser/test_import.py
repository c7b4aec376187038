"""The staff import in a real browser: a refused file lists its problems accessibly; an accepted one leads to the
invitations' progress page, which fills as the background sends them."""

from __future__ import annotations

import itertools

from equiptrain.accounts import services
from equiptrain.accounts.models import Profession, TeamSetting

PASSWORD = "browser import passphrase"
HEADER = "name,email,profession,employee_number,team,manager\n"
_n = itertools.count()


def test_import_problems_then_progress(browse, live_db, tmp_path):
    n = next(_n)
    org = services.create_organisation(None, f"Import Trust {n}")
    services.create_team(None, org, "Harbour CMHT", TeamSetting.COMMUNITY)
    admin = services.create_user(
        None,
        name=f"Admin {n}",
        email=f"import-admin{n}@browser.example",
        profession=Profession.OTHER,
        organisation=org,
        password=PASSWORD,
        is_org_admin=True,
    )
    live_db.session.commit()
    bad, good = tmp_path / "bad.csv", tmp_path / "good.csv"
    bad.write_text(HEADER + "".join(f"=cmd{i},nobody-{i},pilot,,Nowhere,maybe\n" for i in range(30)))
    good.write_text(
        HEADER + "".join(f"Person {i},imp{n}-{i}@browser.example,nurse,,Harbour CMHT,no\n" for i in range(12))
    )
    tab = browse({"width": 320, "height": 640})
    tab.sign_in(admin.email, PASSWORD)
    tab.goto("/admin/import")
    tab.page.set_input_files("input[type=file]", str(bad))
    tab.page.get_by_role("button", name="Import").click()
    tab.page.wait_for_load_state()
    tab.scan()
    assert "The first 50 of 150 problems" in tab.page.content()
    assert tab.page.evaluate("document.documentElement.scrollWidth") <= 320
    tab.page.set_input_files("input[type=file]", str(good))
    tab.page.get_by_role("button", name="Import").click()
    tab.page.wait_for_url("**/admin/import/invitations/*")
    tab.scan()
    for _ in range(50):  # the background sends 12 invitations in well under a second; look again until done
        if "All done: 12 invitations sent" in tab.page.content():
            break
        tab.page.get_by_role("link", name="Check progress again").click()
        tab.page.wait_for_load_state()
        tab.scan()
    assert "All done: 12 invitations sent" in tab.page.content()
