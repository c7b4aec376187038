"""The reflection feature's routes, by job: the reflective log and sharing (`log_views`), the CPD record, the
revalidation pack and the subject access download (`cpd_views`), the confidence self-assessment
(`confidence_views`); here, the navigation and the home page panels."""

from __future__ import annotations

from flask import render_template

from equiptrain import ui
from equiptrain.markdown import render_user_text
from equiptrain.reflection import (  # noqa: F401  (the *_views modules add their routes to bp)
    bp,
    confidence,
    confidence_views,
    cpd_views,
    guard,
    log_views,
    queries,
)

__all__ = ["bp"]


@bp.context_processor
def _template_helpers():
    return {"render_user_text": render_user_text, "guard_highlight": guard.highlight}


ui.add_nav("Reflective log", "reflection.index", ("learner",), order=30)
ui.add_nav("CPD record", "reflection.cpd_record", ("learner",), order=31)


def _confidence_panel(user) -> str | None:
    waiting = confidence.pending(user)
    if not waiting:
        return None
    return render_template("reflection/panel_confidence.html", waiting=waiting)


def _shared_panel(user) -> str | None:
    if not (user.is_manager or user.is_trainer):
        return None
    count = queries.count_shared_with(user)
    return render_template("reflection/panel_shared.html", count=count) if count else None


ui.add_home_panel("reflection-confidence", _confidence_panel, order=20)
ui.add_home_panel("reflection-shared", _shared_panel, order=60)
