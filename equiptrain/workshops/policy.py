"""Who may do what with a workshop: its organisation's administrators manage it; its facilitators (and those
administrators) run it; members of invited teams and invited guests see it once published and take part. A
lived-experience trainer's support record is theirs and the administrators'. Outside the organisation (and not
invited) a workshop answers as a missing one would. Guests open only the pages allow-listed here."""

from __future__ import annotations

from equiptrain.accounts.models import User
from equiptrain.accounts.services import administers
from equiptrain.authz import allow_guests, can, policy, scope
from equiptrain.workshops.models import Role, RolePlayRound, TrainerSupport, Workshop, WorkshopStatus
from equiptrain.workshops.roleplay import assignment
from equiptrain.workshops.services import invited, is_facilitator

allow_guests(
    {
        # their workshop: the invitation and reply, the calendar file, their role brief in a round, feedback
        "workshops.detail": "workshop_id",
        "workshops.reply": "workshop_id",
        "workshops.ics": "workshop_id",
        "workshops.my_role": "workshop_id",
        "workshops.brief": "workshop_id",
        "workshops.observe": "workshop_id",
        "workshops.feedback": "workshop_id",
        "guests.attendance_certificate": "workshop_id",  # their certificate of attendance, once signed off
        "workshops.check_in": None,  # the service checks the code belongs to a workshop they are invited to
    }
)


@scope(Workshop)
def workshop_scope(user: User, workshop: Workshop) -> bool:
    return (
        user.is_platform_admin
        or (workshop.organisation_id is not None and workshop.organisation_id == user.organisation_id)
        or is_facilitator(user, workshop)
        or invited(user, workshop)
    )


@policy(Workshop, "manage")
def manages_workshop(user: User, workshop: Workshop) -> bool:
    return administers(user, workshop.organisation_id)


@policy(Workshop, "facilitate")
def facilitates(user: User, workshop: Workshop) -> bool:
    return administers(user, workshop.organisation_id) or is_facilitator(user, workshop)


@policy(Workshop, "view")
def sees_workshop(user: User, workshop: Workshop) -> bool:
    return facilitates(user, workshop) or (workshop.status is not WorkshopStatus.DRAFT and invited(user, workshop))


@policy(Workshop, "take_part")
def takes_part(user: User, workshop: Workshop) -> bool:
    return workshop.is_published and invited(user, workshop)


@policy(
    TrainerSupport,
    "view",
    refusal="A lived-experience trainer's support record is seen by that trainer and administrators only.",
)
def sees_support(user: User, support: TrainerSupport) -> bool:
    return support.trainer_id == user.id or administers(user, support.workshop.organisation_id)


# A round's role briefs: participants read only their own role's; facilitators read them all.
def _reads_brief(role: Role):
    def rule(user: User, round_: RolePlayRound) -> bool:
        if can(user, "facilitate", round_.workshop):
            return True
        mine = assignment(user, round_)
        return mine is not None and mine.role is role

    return rule


for _role in Role:
    policy(
        RolePlayRound,
        f"read_{_role.value}_brief",
        refusal="You can read only your own role's brief. Go back to your role.",
    )(_reads_brief(_role))


@policy(RolePlayRound, "observe", refusal="Only the group's observer fills in the checklist.")
def observes(user: User, round_: RolePlayRound) -> bool:
    mine = assignment(user, round_)
    return mine is not None and mine.role is Role.OBSERVER
