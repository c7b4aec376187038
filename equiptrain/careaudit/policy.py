"""Who runs a team's care-plan audit: the team's managers, its organisation's administrators and the trainers who
deliver to it. Nobody from another organisation (to them a team or round answers as a missing one would)."""

from __future__ import annotations

from equiptrain.accounts.models import Team, User
from equiptrain.accounts.services import administers
from equiptrain.authz import allow_guests, policy, scope
from equiptrain.careaudit.measure_models import MeasureRound
from equiptrain.careaudit.models import AuditRound
from equiptrain.workshops.queries import delivers_to

# The involvement measure's questionnaire is answered by anyone with the link, with no account.
allow_guests({"measure_public.respond": None, "measure_public.thanks": None})


@policy(Team, "audit", refusal="A team's care-plan audit is seen by its managers, its trainers and administrators.")
def may_audit(user: User, team: Team) -> bool:
    if user.is_guest:
        return False
    return administers(user, team.organisation_id) or team.id in user.managed_team_ids or delivers_to(user, team)


@scope(AuditRound)
def round_scope(user: User, round_: AuditRound) -> bool:
    return user.is_platform_admin or round_.team.organisation_id == user.organisation_id


@policy(AuditRound, "view")
def sees_round(user: User, round_: AuditRound) -> bool:
    return may_audit(user, round_.team)


@scope(MeasureRound)
def measure_round_scope(user: User, round_: MeasureRound) -> bool:
    return user.is_platform_admin or round_.team.organisation_id == user.organisation_id


@policy(MeasureRound, "view")
def runs_measure_round(user: User, round_: MeasureRound) -> bool:
    return may_audit(user, round_.team)
