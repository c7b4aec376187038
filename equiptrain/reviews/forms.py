"""Forms for leaving a review comment and deciding on one."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import RadioField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from equiptrain.forms import choices

from .models import CommentState
from .services import MAX_BODY


class CommentForm(FlaskForm):
    body = TextAreaField(
        "Your comment",
        validators=[
            DataRequired("Write your comment."),
            Length(max=MAX_BODY, message=f"Keep the comment to {MAX_BODY} characters or fewer."),
        ],
        description="What rings true, what does not, what is missing, what should change. Do not include anything "
        "that identifies you or anyone else unless you want the course team to know it.",
    )


class DecisionForm(FlaskForm):
    state = RadioField(
        "Decision",
        choices=choices(
            [
                (CommentState.ACCEPTED.value, "Accept: we will act on this"),
                (CommentState.DECLINED.value, "Decline, with a reason"),
                (CommentState.OPEN.value, "Keep open"),
            ]
        ),
        validators=[InputRequired("Choose a decision.")],
    )
    reason = TextAreaField(
        "Reason (required when declining)",
        validators=[Length(max=2000)],
        description="The trainer who wrote the comment reads this.",
    )
