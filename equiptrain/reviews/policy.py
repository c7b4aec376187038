"""Who reviews the course and who reads the comments: service-user and carer trainers comment; the course team
(platform admins, and each organisation's admins for their own trainers' comments) decides on them."""

from __future__ import annotations

from equiptrain.accounts.models import User
from equiptrain.accounts.policy import same_organisation
from equiptrain.authz import policy, scope
from equiptrain.reviews.models import ReviewComment
from equiptrain.reviews.services import lived_experience_kind


@policy(User, "review_course", refusal="Reviewing the course is for service-user and carer trainers.")
def reviews_course(user: User, other: User) -> bool:
    return other.id == user.id and lived_experience_kind(user) is not None


def _course_team_for(user: User, comment: ReviewComment) -> bool:
    """Platform admins see every comment; an organisation's admins see those by their own organisation's
    trainers (the same scope as queries.visible_to)."""
    return user.is_platform_admin or (
        user.is_org_admin
        and user.organisation_id is not None
        and comment.author.organisation_id == user.organisation_id
    )


@scope(ReviewComment)
def comment_scope(user: User, comment: ReviewComment) -> bool:
    return comment.author_id == user.id or same_organisation(user, comment.author.organisation_id)


@policy(ReviewComment, "decide")
def decides_comment(user: User, comment: ReviewComment) -> bool:
    return _course_team_for(user, comment)


@policy(ReviewComment, "view")
def sees_comment(user: User, comment: ReviewComment) -> bool:
    return _course_team_for(user, comment) or comment.author_id == user.id
