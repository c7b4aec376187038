"""A quiz or practice attempt is its learner's alone: to anyone else it answers as a missing one would."""

from __future__ import annotations

from equiptrain.authz import policy, private
from equiptrain.learning.models import PracticeAttempt, QuizAttempt

private(QuizAttempt)
private(PracticeAttempt)


@policy(QuizAttempt, "view")
@policy(PracticeAttempt, "view")
def owns_attempt(user, attempt) -> bool:
    return attempt.user_id == user.id
