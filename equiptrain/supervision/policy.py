"""Who sees and keeps a team's supervision plan: the organisation's administrators, the team's managers and the
trainers who deliver to the team (a published or past workshop it is invited to); administrators and those
trainers start plans and link the workshops that deliver them."""

from __future__ import annotations

from equiptrain.accounts.models import Team, User
from equiptrain.accounts.services import administers
from equiptrain.authz import policy
from equiptrain.workshops.queries import delivers_to

REFUSAL = "A team's supervision plan is seen by its managers, the trainers who deliver to it and administrators."


@policy(Team, "see_supervision", refusal=REFUSAL)
def sees_supervision(user: User, team: Team) -> bool:
    return administers(user, team.organisation_id) or team.id in user.managed_team_ids or delivers_to(user, team)


@policy(Team, "plan_supervision", refusal=REFUSAL)
def plans_supervision(user: User, team: Team) -> bool:
    return administers(user, team.organisation_id) or delivers_to(user, team)
