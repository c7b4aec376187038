"""Demo step: certificates. Module and programme certificates are issued by the earlier steps' events (Sam Okafor
holds the foundations and core workshop certificates, Tomasz Nowak the core workshop one); this step adds a
reissued one (a misspelt name corrected) and a revoked one, and records Margaret Doyle's consent to be named."""

from __future__ import annotations

from sqlalchemy import select

from equiptrain.certificates import services
from equiptrain.certificates.models import Certificate
from equiptrain.content.models import Module
from equiptrain.demo import timeline
from equiptrain.demo.learning import _everything_open
from equiptrain.extensions import db


def load(world: dict) -> None:
    people = world["people"]
    admin = people["admin"]
    people["carer-trainer"].trainer_profile.named_on_certificates = True
    services.issue_due([p for p in people.values() if p.id is not None])

    # Tomasz's certificate went out with his name misspelt; the administrator reissued it. The old one stays
    # verifiable as replaced and points to the new one.
    ot = people["ot"]
    first = db.session.scalar(
        select(Certificate).where(Certificate.user_id == ot.id, Certificate.achievement == "equip-core-workshop")
    )
    if first is not None:
        first.recipient_name = "Tomasz Nowack"
        first.claim = dict(first.claim, name="Tomasz Nowack")
        db.session.flush()
        services.reissue(admin, first, "name corrected: Nowack to Nowak")

    # Chloe's module was completed under her account on a shared ward computer; the certificate was revoked.
    foundations = db.session.scalar(select(Module).where(Module.slug == "foundations"))
    if foundations is None:
        raise RuntimeError("the foundations module is missing: load the course first (equiptrain content sync)")
    chloe = people["support-worker"]
    with timeline.at(timeline.SHARED_COMPUTER):
        _everything_open(chloe, foundations)
        services.issue_due([chloe])  # (issuing otherwise waits for the commit)
    revoked = db.session.scalar(select(Certificate).where(Certificate.user_id == chloe.id))
    if revoked is not None:
        services.revoke(
            admin,
            revoked,
            "Issued in error: the module was completed by a colleague on a shared "
            "computer while Chloe was signed in. Chloe will retake it.",
        )
    db.session.flush()
