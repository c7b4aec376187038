"""The demo has module and programme certificates, a reissued (superseded) one and a revoked one."""

from sqlalchemy import select

from equiptrain.accounts.models import User
from equiptrain.certificates.models import Certificate, CertificateStatus
from equiptrain.demo import load_demo
from equiptrain.extensions import db


def test_demo_certificates(app, client, no_course):
    load_demo()
    rows = db.session.execute(
        select(User.email, Certificate.achievement, Certificate.status, Certificate.recipient_name).join(
            User, User.id == Certificate.user_id
        )
    ).all()
    held = {(email.split("@")[0], achievement, status.value) for email, achievement, status, _ in rows}
    assert ("sam.okafor", "equip-foundations", "valid") in held  # a programme certificate (two modules)
    assert ("sam.okafor", "equip-core-workshop", "valid") in held  # a module certificate with a workshop
    assert ("tomasz.nowak", "equip-core-workshop", "superseded") in held
    assert ("tomasz.nowak", "equip-core-workshop", "valid") in held
    assert ("chloe.bennett", "equip-core-workshop", "revoked") in held
    old = db.session.scalar(select(Certificate).where(Certificate.status == CertificateStatus.SUPERSEDED))
    assert old.recipient_name == "Tomasz Nowack" and old.superseded_by.recipient_name == "Tomasz Nowak"
    assert "a service-user trainer" in old.claim["workshops"][0]["trainers"]
    page = client.get(f"/verify/{old.display_code}").get_data(as_text=True)
    assert f"/verify/{old.superseded_by.display_code}" in page
