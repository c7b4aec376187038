"""Who may see and manage a certificate: its holder, their team's managers, and the organisation's administrators.
A certificate is private: to anyone else it answers as a missing one would. Verification and the Open Badges
documents are public (and open to guests)."""

from __future__ import annotations

from equiptrain.accounts.models import User
from equiptrain.accounts.services import administers
from equiptrain.authz import allow_guests, policy, private
from equiptrain.certificates.models import Certificate

allow_guests(
    {
        "certificates.lookup": None,
        "certificates.verify": None,
        "certificates.assertion": None,
        "certificates.credential": None,
        "certificates.issuer": None,
        "certificates.badge_class": None,
        "certificates.badge_image": None,
        "certificates.jwks": None,
        "certificates.key": None,
        "certificates.revocations": None,
        "certificates.status_list": None,
    }
)
private(Certificate)


@policy(Certificate, "view")
def sees_certificate(user: User, cert: Certificate) -> bool:
    return (
        administers(user, cert.organisation_id)
        or cert.user_id == user.id
        or bool(user.managed_team_ids & cert.user.team_ids)
    )


@policy(Certificate, "manage")
def manages_certificate(user: User, cert: Certificate) -> bool:
    return administers(user, cert.organisation_id)
