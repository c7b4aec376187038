"""Reflective log pages: list, write (through the guard), read, edit, delete, share and revoke; and the pages a
supervisor reads shared entries on."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from equiptrain.accounts.models import User
from equiptrain.authz import get_or_abort, roles_required
from equiptrain.db import db_id
from equiptrain.errors import ServiceError
from equiptrain.extensions import db
from equiptrain.forms import EmptyForm, choices, form_error
from equiptrain.reflection import bp, guard, queries, services
from equiptrain.reflection.forms import ShareForm, TemplateChoiceForm, entry_form_class
from equiptrain.reflection.kinds import CODE_THEMES, TEMPLATES, text_fields
from equiptrain.reflection.models import ReflectiveEntry

# Query arguments that start an entry from elsewhere (a module's prompt, a unit, a scenario, a workshop).
_LINK_ARGS = ("module", "prompt", "unit", "scenario", "workshop", "observer_feedback")


@bp.route("/reflection/")
@roles_required("learner")
def index():
    return render_template("reflection/index.html", entries=queries.my_entries(current_user), templates=TEMPLATES)


@bp.route("/reflection/new")
@roles_required("learner")
def new():
    form = TemplateChoiceForm(request.args)
    links = {k: request.args[k] for k in _LINK_ARGS if request.args.get(k)}
    if "template" in request.args and form.validate():
        return redirect(url_for("reflection.write", template=form.template.data, **links))
    return render_template("reflection/new.html", form=form, links=links, templates=TEMPLATES)


def _int_arg(name: str) -> int | None:
    return request.args.get(name, type=db_id)


def _entry_form(template, entry: ReflectiveEntry | None = None):
    form_class = entry_form_class(template)
    form = form_class(obj=None)
    modules = queries.active_modules()
    form.module_id.choices = choices([("", "Not about a module")] + [(m.id, m.title) for m in modules])
    if request.method == "GET":
        if entry is not None:
            form.title.data = entry.title
            for f in template.fields:
                form[f.key].data = entry.fields.get(f.key, "")
            if template.code_themes:
                form["code_themes"].data = entry.fields.get("code_themes", [])
            form.module_id.data = str(entry.module_id or "")
            form.unit_id.data, form.scenario_id.data = entry.unit_id, entry.scenario_id
            form.workshop_id.data, form.observer_feedback_id.data = entry.workshop_id, entry.observer_feedback_id
            form.prompt_slug.data = entry.prompt_slug
        else:
            module = queries.module_by_slug(request.args.get("module", ""))
            form.module_id.data = str(module.id) if module else ""
            form.unit_id.data, form.scenario_id.data = _int_arg("unit"), _int_arg("scenario")
            form.workshop_id.data, form.observer_feedback_id.data = _int_arg("workshop"), _int_arg("observer_feedback")
            form.prompt_slug.data = request.args.get("prompt") or None
    return form, modules


def _prompt_text(modules, module_id, prompt_slug) -> str | None:
    for module in modules:
        if str(module.id) == str(module_id or ""):
            return next((p["prompt"] for p in module.reflective_prompts or [] if p.get("slug") == prompt_slug), None)
    return None


def _input(form, template) -> services.EntryInput:
    return services.EntryInput(
        title=form.title.data or "",
        fields=form.answers(template),
        module_id=int(form.module_id.data) if (form.module_id.data or "").isdigit() else None,
        unit_id=form.unit_id.data,
        scenario_id=form.scenario_id.data,
        workshop_id=form.workshop_id.data,
        observer_feedback_id=form.observer_feedback_id.data,
        prompt_slug=form.prompt_slug.data or None,
    )


def _save(form, template, save):
    """Run `save(input, confirmed)`; on a guard trip or a rule, put the messages on the form. Returns the entry."""
    try:
        return save(_input(form, template), bool(form.confirm_no_identifiers.data)), None
    except services.GuardTripped as trip:
        for key, found in trip.matches.items():
            kinds = ", ".join(sorted({m.label for m in found}))
            form[key].errors = [
                *form[key].errors,
                f"This may identify someone ({kinds}): remove it, or confirm below that it identifies no one.",
            ]
        form.form_errors.append(trip.message)
        form.confirm_no_identifiers.data = False
        return None, trip.matches
    except ServiceError as exc:
        form_error(form, exc)
        return None, None


@bp.route("/reflection/new/<template>", methods=["GET", "POST"])
@roles_required("learner")
def write(template: str):
    tpl = TEMPLATES.get(template) or abort(404)
    form, modules = _entry_form(tpl)
    matches = None
    if form.validate_on_submit():
        entry, matches = _save(
            form, tpl, lambda data, ok: services.create_entry(current_user, tpl.key, data, confirmed=ok)
        )
        if entry is not None:
            flash("Your reflection is saved. Only you can read it.", "info")
            return redirect(url_for("reflection.entry", entry_id=entry.id))
    return render_template(
        "reflection/write.html",
        form=form,
        template=tpl,
        entry=None,
        matches=matches or {},
        prompt=_prompt_text(modules, form.module_id.data, form.prompt_slug.data),
    )


@bp.route("/reflection/<int:entry_id>/edit", methods=["GET", "POST"])
@roles_required("learner")
def edit(entry_id: int):
    entry = get_or_abort(ReflectiveEntry, entry_id, "edit")
    tpl = TEMPLATES[entry.template]
    form, modules = _entry_form(tpl, entry)
    matches = None
    if form.validate_on_submit():
        saved, matches = _save(
            form, tpl, lambda data, ok: services.update_entry(current_user, entry, data, confirmed=ok)
        )
        if saved is not None:
            flash("Your changes are saved.", "info")
            return redirect(url_for("reflection.entry", entry_id=entry.id))
    return render_template(
        "reflection/write.html",
        form=form,
        template=tpl,
        entry=entry,
        matches=matches or {},
        prompt=_prompt_text(modules, form.module_id.data, form.prompt_slug.data),
    )


def _recheck(entry: ReflectiveEntry) -> list[str]:
    """What today's guard finds in an entry saved as clean under older rules: the author is prompted to edit it
    (existing text is never blocked or changed)."""
    if entry.guard_outcome != "clean":
        return []
    texts = {"title": entry.title, **{k: v for k, v in entry.fields.items() if isinstance(v, str)}}
    found = guard.check_fields(texts)
    return sorted({m.label for ms in found.values() for m in ms})


def _entry_page(entry: ReflectiveEntry, shared_view: bool):
    tpl = TEMPLATES[entry.template]
    return render_template(
        "reflection/entry.html",
        entry=entry,
        template=tpl,
        answers=text_fields(entry.fields, tpl),
        themes=CODE_THEMES,
        shared_view=shared_view,
        recheck=[] if shared_view else _recheck(entry),
        workshop=queries.workshop_title(entry.workshop_id),
        form=EmptyForm(),
    )


@bp.route("/reflection/<int:entry_id>")
@roles_required("learner")
def entry(entry_id: int):
    return _entry_page(get_or_abort(ReflectiveEntry, entry_id, "view"), shared_view=False)


@bp.route("/reflection/<int:entry_id>/delete", methods=["GET", "POST"])
@roles_required("learner")
def delete(entry_id: int):
    entry = get_or_abort(ReflectiveEntry, entry_id, "delete")
    form = EmptyForm()
    if form.validate_on_submit():
        services.delete_entry(current_user, entry)
        flash("Your reflection is deleted.", "info")
        return redirect(url_for("reflection.index"))
    return render_template("reflection/delete.html", entry=entry, form=form)


def _supervisor_role(person) -> str:
    return "trainer" if person.is_trainer and not (person.managed_team_ids & current_user.team_ids) else "manager"


@bp.route("/reflection/<int:entry_id>/share", methods=["GET", "POST"])
@roles_required("learner")
def share(entry_id: int):
    entry = get_or_abort(ReflectiveEntry, entry_id, "share")
    people = services.eligible_supervisors(current_user)
    form = ShareForm()
    form.supervisor.choices = choices(
        [("", "Choose someone")] + [(p.id, f"{p.name} ({_supervisor_role(p)})") for p in people]
    )
    if entry.active_share is None and form.validate_on_submit():
        supervisor = db.session.get(User, int(form.supervisor.data)) if form.supervisor.data.isdigit() else None
        try:
            if supervisor is None:
                raise ServiceError("Choose someone to share this reflection with.", "supervisor")
            services.share_entry(current_user, entry, supervisor)
        except ServiceError as exc:
            form_error(form, exc, "supervisor")
        else:
            flash(f"{supervisor.name} can now read this reflection. You can stop sharing it at any time.", "info")
            return redirect(url_for("reflection.entry", entry_id=entry.id))
    return render_template("reflection/share.html", entry=entry, form=form, people=people)


@bp.route("/reflection/<int:entry_id>/revoke", methods=["POST"])
@roles_required("learner")
def revoke(entry_id: int):
    entry = get_or_abort(ReflectiveEntry, entry_id, "share")
    EmptyForm().validate_on_submit() or abort(400)
    try:
        share = services.revoke_share(current_user, entry)
    except ServiceError as exc:
        flash(exc.message, "error")
    else:
        flash(f"{share.supervisor.name} can no longer read this reflection.", "info")
    return redirect(url_for("reflection.entry", entry_id=entry.id))


@bp.route("/reflection/shared/")
@roles_required("learner")
def shared_list():
    return render_template("reflection/shared_list.html", shares=queries.shared_with(current_user))


@bp.route("/reflection/shared/<int:entry_id>")
@roles_required("learner")
def shared(entry_id: int):
    entry = get_or_abort(ReflectiveEntry, entry_id, "read_shared")
    services.note_read(current_user, entry)
    return _entry_page(entry, shared_view=entry.author_id != current_user.id)
