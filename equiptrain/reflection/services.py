"""The reflective log's rules: writing (through the anonymisation guard), editing, deleting, sharing with one
supervisor and revoking, and who may read an entry."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import exists, or_, select

from equiptrain import signals
from equiptrain.accounts.models import Membership, MembershipRole, User
from equiptrain.auditlog.services import log_event
from equiptrain.content.models import Module, Scenario, Unit
from equiptrain.db import utcnow
from equiptrain.errors import ServiceError
from equiptrain.extensions import db
from equiptrain.reflection import guard
from equiptrain.reflection.kinds import CODE_THEMES, TEMPLATES
from equiptrain.reflection.models import ReflectiveEntry, Share
from equiptrain.trainers.models import TrainerProfile
from equiptrain.workshops.models import Facilitator, Invitation, ObserverFeedback


class GuardTripped(ServiceError):
    """The text holds likely identifiers and the author has not confirmed they identify no one."""

    def __init__(self, matches: dict[str, list[guard.Match]]):
        count = sum(len(m) for m in matches.values())
        super().__init__(
            f"Your reflection may contain details that identify someone ({count} found, marked "
            "below). Remove them, or confirm that they identify no one."
        )
        self.matches = matches


@dataclass
class EntryInput:
    """What the author wrote: a title, the template's answers and what the entry is about."""

    title: str
    fields: dict = field(default_factory=dict)
    module_id: int | None = None
    unit_id: int | None = None
    scenario_id: int | None = None
    workshop_id: int | None = None
    observer_feedback_id: int | None = None
    prompt_slug: str | None = None


def may_supervise(author: User, supervisor: User) -> bool:
    if supervisor.id == author.id or not supervisor.is_active:
        return False
    if author.team_ids & supervisor.managed_team_ids:
        return True
    return (
        supervisor.is_trainer
        and supervisor.organisation_id is not None
        and supervisor.organisation_id == author.organisation_id
    )


def eligible_supervisors(author: User) -> list[User]:
    """Who the author may share with: managers of their teams and trainers in their organisation."""
    managers = select(Membership.user_id).where(
        Membership.team_id.in_(author.team_ids or {-1}), Membership.role == MembershipRole.MANAGER
    )
    trainers = (
        select(TrainerProfile.user_id)
        .join(User, User.id == TrainerProfile.user_id)
        .where(TrainerProfile.ended_at.is_(None), User.organisation_id == author.organisation_id)
    )
    who = [User.id.in_(managers)]
    if author.organisation_id is not None:
        who.append(User.id.in_(trainers))
    people = db.session.scalars(
        select(User).where(User.id != author.id, User.deactivated_at.is_(None), or_(*who)).order_by(User.name)
    ).all()
    return [p for p in people if may_supervise(author, p)]


def _clean(author: User, data: EntryInput, template_key: str) -> dict:
    template = TEMPLATES.get(template_key)
    if template is None:
        raise ServiceError(
            "Choose one of the templates: NMC reflective account, Gibbs, What? So what? Now what? or free text.",
            "template",
        )
    title = (data.title or "").strip()
    if not title:
        raise ServiceError("Enter a title for your reflection.", "title")
    fields = {f.key: (data.fields.get(f.key) or "").strip() for f in template.fields}
    if not any(fields.values()):
        raise ServiceError(
            "Write something in at least one part of the template before saving.", template.fields[0].key
        )
    if template.code_themes:
        themes = [t for t in data.fields.get("code_themes") or [] if t in CODE_THEMES]
        fields["code_themes"] = themes
    module = db.session.get(Module, data.module_id) if data.module_id else None
    if data.module_id and (module is None or module.retired_at is not None):
        raise ServiceError("That module is not available: choose another or none.", "module_id")
    for ident, model in ((data.unit_id, Unit), (data.scenario_id, Scenario)):
        if ident:
            obj: Unit | Scenario | None = db.session.get(model, ident)  # type: ignore[assignment]
            if obj is None or module is None or obj.module_id != module.id:
                raise ServiceError(
                    "The unit or scenario this entry was started from is not part of the chosen "
                    "module: start again from the module page.",
                    "module_id",
                )
    _check_workshop_links(author, data)
    prompt = data.prompt_slug
    if prompt and (module is None or prompt not in {p.get("slug") for p in module.reflective_prompts or []}):
        prompt = None
    return {
        "template": template.key,
        "title": title[:200],
        "fields": fields,
        "module_id": module.id if module else None,
        "unit_id": data.unit_id or None,
        "scenario_id": data.scenario_id or None,
        "workshop_id": data.workshop_id or None,
        "observer_feedback_id": data.observer_feedback_id or None,
        "prompt_slug": prompt,
    }


def _check_workshop_links(author: User, data: EntryInput) -> None:
    """An entry may point only at a workshop the author took part in, and at observer feedback given to them."""
    if data.observer_feedback_id:
        feedback = db.session.get(ObserverFeedback, data.observer_feedback_id)
        if feedback is None or feedback.practitioner_id != author.id:
            raise ServiceError(
                "That observer feedback was not given to you: start the entry from your own role-play round.", "title"
            )
    if data.workshop_id:
        took_part = db.session.scalar(
            select(
                exists().where(Invitation.workshop_id == data.workshop_id, Invitation.user_id == author.id)
                | exists().where(Facilitator.workshop_id == data.workshop_id, Facilitator.user_id == author.id)
            )
        )
        if not took_part:
            raise ServiceError(
                "You were not invited to that workshop: start the entry from one of your own workshops.", "title"
            )


def _run_guard(author: User, values: dict, confirmed: bool) -> tuple[str, int]:
    texts = {"title": values["title"], **{k: v for k, v in values["fields"].items() if isinstance(v, str)}}
    matches = guard.check_fields(texts)
    count = sum(len(m) for m in matches.values())
    if count and not confirmed:
        raise GuardTripped(matches)
    if count:
        kinds = sorted({m.kind for ms in matches.values() for m in ms})
        log_event("reflection.guard_confirmed", author, subject=author, matches=count, kinds=kinds)
        return "confirmed", count
    return "clean", 0


def _announce(author: User, entry: ReflectiveEntry) -> None:
    if entry.module is not None:
        # Receivers get the User itself, not the request's current_user proxy (blinker would not see through it).
        author = getattr(author, "_get_current_object", lambda: author)()
        signals.reflection_written.send(author, module_slug=entry.module.slug, entry_id=entry.id, at=utcnow())


def create_entry(author: User, template: str, data: EntryInput, *, confirmed: bool = False) -> ReflectiveEntry:
    """Save a new entry after the guard: raises GuardTripped unless the text is clean or the author confirmed."""
    values = _clean(author, data, template)
    outcome, count = _run_guard(author, values, confirmed)
    entry = ReflectiveEntry(author=author, guard_outcome=outcome, guard_matches=count, created_at=utcnow(), **values)
    db.session.add(entry)
    db.session.flush()
    _announce(author, entry)
    return entry


def update_entry(author: User, entry: ReflectiveEntry, data: EntryInput, *, confirmed: bool = False) -> ReflectiveEntry:
    """Edit an entry (its template stays); the guard runs again on the new text."""
    if entry.author_id != author.id:
        raise ServiceError("Only the author can edit a reflection.")
    values = _clean(author, data, entry.template)
    outcome, count = _run_guard(author, values, confirmed)
    linked_before = entry.module_id
    for key, value in values.items():
        setattr(entry, key, value)
    entry.guard_outcome, entry.guard_matches, entry.edited_at = outcome, count, utcnow()
    db.session.flush()
    if entry.module_id != linked_before:
        _announce(author, entry)
    return entry


def delete_entry(author: User, entry: ReflectiveEntry) -> None:
    """Delete the entry and its text for good; shares go with it. The audit keeps only that it happened."""
    if entry.author_id != author.id:
        raise ServiceError("Only the author can delete a reflection.")
    log_event("reflection.deleted", author, subject=entry, was_shared=entry.active_share is not None)
    db.session.delete(entry)
    db.session.flush()


def share_entry(author: User, entry: ReflectiveEntry, supervisor: User | None) -> Share:
    """Share one entry with one supervisor (a manager of one of the author's teams, or a trainer in the
    organisation). An entry has at most one active share: revoke it before sharing with someone else."""
    if entry.author_id != author.id:
        raise ServiceError("Only the author can share a reflection.")
    if entry.active_share is not None:
        raise ServiceError(
            f"This reflection is already shared with {entry.active_share.supervisor.name}. Stop "
            "sharing it first, then share it with someone else.",
            "supervisor",
        )
    if supervisor is None or not may_supervise(author, supervisor):
        raise ServiceError("Choose a manager of one of your teams or a trainer in your organisation.", "supervisor")
    share = Share(entry=entry, supervisor=supervisor, shared_at=utcnow())
    db.session.add(share)
    db.session.flush()
    log_event("reflection.shared", author, subject=entry, supervisor_id=supervisor.id)
    return share


def revoke_share(author: User, entry: ReflectiveEntry) -> Share:
    """Stop sharing: the supervisor can no longer read the entry."""
    if entry.author_id != author.id:
        raise ServiceError("Only the author can stop sharing a reflection.")
    share = entry.active_share
    if share is None:
        raise ServiceError("This reflection is not shared with anyone.")
    share.revoked_at = utcnow()
    db.session.flush()
    log_event("reflection.share_revoked", author, subject=entry, supervisor_id=share.supervisor_id)
    return share


def note_read(reader: User, entry: ReflectiveEntry) -> None:
    """Audit a read by someone other than the author (the subject is the author, so it is 'about them')."""
    if reader.id != entry.author_id:
        log_event("reflection.read_by_supervisor", reader, subject=entry.author, entry_id=entry.id)
