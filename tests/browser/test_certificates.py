"""Certificate pages in a real browser, each scanned by axe: My certificates (also at 320 px), the verification
pages in every state, the lookup form, the organisation's list, revoking, and a trainer's naming choice."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from equiptrain.accounts import services as accounts
from equiptrain.accounts.models import MembershipRole, Profession, TeamSetting
from equiptrain.certificates import services
from equiptrain.trainers.models import TrainerKind

PASSWORD = "browser test passphrase"
_n = itertools.count()


def _claim(name: str, n: int) -> dict:
    return {
        "name": name,
        "profession": "Nurse",
        "achievement": f"browser-cert-{n}",
        "title": "EQUIP foundations certificate",
        "description": "Awarded for the first two modules.",
        "modules": [
            {
                "slug": "foundations",
                "title": "Foundations of involved care planning",
                "outcomes": ["Describe what involvement in care planning means in practice"],
            }
        ],
        "hours": {"individual": 3.0, "participatory": 7.0},
        "completed_on": dt.date.today().isoformat(),
        "workshops": [
            {
                "title": "EQUIP day 1",
                "date": dt.date.today().isoformat(),
                "kind": "Core workshop",
                "trainers": ["Dr Nia Evans (professional trainer)", "a service-user trainer"],
            }
        ],
        "issuer": {"key": "0", "name": "Browser Trust"},
    }


@pytest.fixture
def setting(live_db):
    n = next(_n)
    org = accounts.create_organisation(None, f"Certificate Trust {n}")
    team = accounts.create_team(None, org, "Riverside CMHT", TeamSetting.COMMUNITY)
    made = {}
    for key in ("admin", "learner", "trainer"):
        made[key] = accounts.create_user(
            None,
            name="فاطمة الزهراء" if key == "learner" else f"Cert {key.title()} {n}",
            email=f"cert-{key}{n}@browser.example",
            profession=Profession.NURSE,
            organisation=org,
            password=PASSWORD,
            is_org_admin=key == "admin",
            trainer_kind=TrainerKind.SERVICE_USER if key == "trainer" else None,
        )
    accounts.set_membership(None, made["learner"], team, MembershipRole.MEMBER)
    valid = services._insert(made["learner"], _claim("فاطمة الزهراء", n))
    old = services._insert(made["learner"], {**_claim("Fatima Al-Zahra", n), "achievement": f"browser-old-{n}"})
    new = services.reissue(made["admin"], old, "name corrected")
    revoked = services._insert(made["learner"], {**_claim("فاطمة الزهراء", n), "achievement": f"browser-rev-{n}"})
    services.revoke(made["admin"], revoked, "Issued in error")
    live_db.session.commit()
    return {**made, "valid": valid, "old": old, "new": new, "revoked": revoked}


def test_learner_pages_and_verification_states(browse, setting):
    tab = browse()
    page = tab.page
    tab.sign_in(setting["learner"].email, PASSWORD)
    tab.goto("/certificates/")
    link = page.get_by_label("Verification link (select it and copy)").first
    assert link.input_value().endswith(f"/verify/{setting['valid'].display_code}") or link.input_value().endswith(
        f"/verify/{setting['new'].display_code}"
    )
    assert page.get_by_text("Revoked", exact=True).first.is_visible()
    for cert in ("valid", "revoked", "old"):
        tab.goto(f"/verify/{setting[cert].display_code}")
    assert page.get_by_role("link", name="check the current certificate").is_visible()
    tab.goto("/verify")
    page.get_by_label("Verification code").fill("not a code")
    page.get_by_role("button", name="Check the certificate").click()
    page.wait_for_load_state()
    tab.scan()
    assert page.locator(".nhsuk-error-summary").is_visible()
    page.get_by_label("Verification code").fill(setting["valid"].code.lower())
    page.get_by_role("button", name="Check the certificate").click()
    page.wait_for_load_state()
    tab.scan()
    assert page.get_by_text("This certificate is valid.").is_visible()

    narrow = browse({"width": 320, "height": 640})
    narrow.sign_in(setting["learner"].email, PASSWORD)
    narrow.goto("/certificates/")
    assert narrow.page.evaluate("document.documentElement.scrollWidth") <= 320


def test_admin_list_revoke_and_trainer_naming(browse, setting):
    tab = browse()
    page = tab.page
    tab.sign_in(setting["admin"].email, PASSWORD)
    tab.goto("/admin/certificates")
    tab.goto(f"/admin/certificates/{setting['valid'].id}")
    page.get_by_role("button", name="Revoke the certificate").click()
    page.wait_for_load_state()
    tab.scan()
    assert page.locator(".nhsuk-error-summary").is_visible()
    page.get_by_label("Reason for revoking").fill("Issued in error")
    page.get_by_role("button", name="Revoke the certificate").click()
    page.wait_for_load_state()
    tab.scan()
    assert page.get_by_text("Reason: Issued in error").is_visible()

    trainer = browse()
    trainer.sign_in(setting["trainer"].email, PASSWORD)
    trainer.goto("/account")
    trainer.page.get_by_label("Name me on the certificates of workshops I deliver").check()
    trainer.page.get_by_role("button", name="Save naming choice").click()
    trainer.page.wait_for_load_state()
    trainer.scan()
    assert trainer.page.get_by_text("You are named").is_visible()
