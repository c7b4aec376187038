"""The confidence self-assessment's pages: answering before and after a module, and the learner's chart."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup

from equiptrain.authz import roles_required
from equiptrain.content.snapshot import ModuleView
from equiptrain.errors import ServiceError
from equiptrain.forms import form_error
from equiptrain.learning.views import add_module_panel
from equiptrain.reflection import bp, chart, confidence, queries
from equiptrain.reflection.forms import confidence_form_class


def _module_panel(user, module: ModuleView, complete: bool) -> Markup | None:
    """The invitation to answer the questionnaire: "before" until they have, "after" once the module is complete."""
    phase = confidence.phase_to_ask(user, module.id, complete)
    if phase is None:
        return None
    return Markup(render_template("reflection/_confidence_prompt.html", module=module, phase=phase))


add_module_panel(_module_panel)


@bp.route("/reflection/confidence")
@roles_required("learner")
def confidence_chart():
    items = confidence.items()
    changes = confidence.my_changes(current_user)
    s = confidence.scale()
    return render_template(
        "reflection/confidence_chart.html",
        items=items,
        scale=s,
        charts=[chart.module_chart(c, items, s) for c in changes],
    )


def _local(target: str | None) -> str | None:
    """Only a path on this site (the module page that asked) is followed after answering."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return None


@bp.route("/modules/<slug>/confidence/<phase>", methods=["GET", "POST"])
@roles_required("learner")
def confidence_form(slug: str, phase: str):
    if phase not in confidence.PHASES:
        abort(404)
    module = queries.module_by_slug(slug) or abort(404)
    items, s = confidence.items(), confidence.scale()
    done = confidence.response_for(current_user, module, phase)
    form = confidence_form_class(items, s)()
    if done is None and form.validate_on_submit():
        answers = {i.slug: form[f"item_{i.slug}"].data for i in items}
        try:
            confidence.answer(current_user, module, phase, answers)
        except ServiceError as exc:
            form_error(form, exc)
        else:
            flash("Thank you: your answers are saved. Only you see them; your team sees only group totals.", "info")
            return redirect(_local(request.args.get("next")) or url_for("reflection.confidence_chart"))
    return render_template(
        "reflection/confidence_form.html",
        form=form,
        module=module,
        phase=phase,
        phase_text=confidence.PHASES[phase],
        done=done,
        items=items,
    )
