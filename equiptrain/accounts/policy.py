"""Who may see and change organisations, teams, people and bulk invitations. Outside one's organisation a team or
person answers as a missing one would (`scope`)."""

from __future__ import annotations

from equiptrain.accounts.models import BulkInvitation, Organisation, Team, User
from equiptrain.accounts.services import administers
from equiptrain.accounts.sso_models import SsoProvider
from equiptrain.authz import allow_guests, policy, scope

allow_guests(
    {
        "accounts.home": None,
        "accounts.my_account": None,
        "accounts.sign_in": None,
        "accounts.sign_out": None,
        "accounts.request_reset": None,
        "accounts.set_password": None,
        "accounts.about": None,
        "accounts.accessibility": None,
        "accounts.privacy": None,
        # single sign-on's public pages: the page after signing out at the provider, the key it checks us with
        "sso.signed_out": None,
        "sso.provider_jwks": None,
    }
)


def same_organisation(user: User, organisation_id: int | None) -> bool:
    """Platform admins belong everywhere; everyone else to their own organisation."""
    return user.is_platform_admin or (organisation_id is not None and user.organisation_id == organisation_id)


@scope(Organisation)
def organisation_scope(user: User, org: Organisation) -> bool:
    return same_organisation(user, org.id)


@policy(Organisation, "view", "manage")
def manages_organisation(user: User, org: Organisation) -> bool:
    return administers(user, org.id)


@policy(Organisation, "view_training")
def sees_organisation_training(user: User, org: Organisation) -> bool:
    """Organisation-wide training pages: its administrators and programme leads."""
    return administers(user, org.id) or (user.is_programme_lead and user.organisation_id == org.id)


@scope(Team)
def team_scope(user: User, team: Team) -> bool:
    return same_organisation(user, team.organisation_id) or team.id in user.team_ids


@policy(Team, "view")
def team_member(user: User, team: Team) -> bool:
    return administers(user, team.organisation_id) or team.id in user.team_ids


@policy(Team, "manage")
def manages_team(user: User, team: Team) -> bool:
    return administers(user, team.organisation_id)


@policy(Team, "invite")
def invites_to_team(user: User, team: Team) -> bool:
    return administers(user, team.organisation_id) or team.id in user.managed_team_ids


@policy(Team, "view_progress")
def sees_team_progress(user: User, team: Team) -> bool:
    """A programme lead sees every team's training in their organisation, and administers nobody."""
    return (
        administers(user, team.organisation_id)
        or team.id in user.managed_team_ids
        or (user.is_programme_lead and user.organisation_id == team.organisation_id)
    )


@scope(User)
def person_scope(user: User, other: User) -> bool:
    return other.id == user.id or same_organisation(user, other.organisation_id) or bool(user.team_ids & other.team_ids)


@policy(User, "view")
def sees_person(user: User, other: User) -> bool:
    return (
        administers(user, other.organisation_id) or other.id == user.id or bool(user.managed_team_ids & other.team_ids)
    )


@policy(User, "manage")
def manages_person(user: User, other: User) -> bool:
    return administers(user, other.organisation_id)


@scope(BulkInvitation)
def invitation_run_scope(user: User, run: BulkInvitation) -> bool:
    return same_organisation(user, run.organisation_id)


@policy(BulkInvitation, "view")
def sees_invitation_run(user: User, run: BulkInvitation) -> bool:
    return administers(user, run.organisation_id)


@scope(SsoProvider)
def sso_provider_scope(user: User, provider: SsoProvider) -> bool:
    return same_organisation(user, provider.organisation_id)


@policy(SsoProvider, "manage")
def manages_sso_provider(user: User, provider: SsoProvider) -> bool:
    return administers(user, provider.organisation_id)
