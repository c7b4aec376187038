"""Read-only queries for the dashboards. Each page runs a fixed number of statements whatever the size of the
team or organisation: people are selected by a subquery, and each per-person figure is one aggregate query.

Privacy: reflective entries are read only as a count and the latest date per author; confidence is only ever
returned as a group figure, and only for groups of at least MIN_GROUP_SIZE people.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import overload

from flask import current_app
from sqlalchemy import and_, case, false, func, not_, or_, select
from sqlalchemy.orm import load_only

from equiptrain import release
from equiptrain.accounts.models import Membership, MembershipRole, Profession, Team, User
from equiptrain.certificates.models import Certificate, CertificateStatus
from equiptrain.content.models import ConfidenceItem, Module
from equiptrain.content.rules import supervision_sessions_required
from equiptrain.dashboards import requirements as rules
from equiptrain.dashboards.models import Reminder, TeamDeadline
from equiptrain.extensions import db
from equiptrain.learning.models import ModuleProgress, ProgressStatus
from equiptrain.reflection.models import ConfidenceResponse, ReflectiveEntry
from equiptrain.workshops import queries as workshop_queries


def today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


@overload
def _date(value: dt.date) -> dt.date: ...
@overload
def _date(value: None) -> None: ...
@overload
def _date(value: dt.date | None) -> dt.date | None: ...
def _date(value: dt.date | None) -> dt.date | None:
    """The day of a datetime (a date, or None, as it is)."""
    return value.date() if isinstance(value, dt.datetime) else value


def current_modules() -> list[Module]:
    """The course's modules in order, with only the columns the dashboards show."""
    return list(
        db.session.scalars(
            select(Module)
            .options(load_only(Module.id, Module.slug, Module.title, Module.position))
            .where(Module.retired_at.is_(None))
            .order_by(Module.position)
        )
    )


def _team_member_ids(team_id: int):
    """The active members of a team, as a subquery of user ids."""
    return (
        select(Membership.user_id)
        .join(User, User.id == Membership.user_id)
        .where(Membership.team_id == team_id, User.deactivated_at.is_(None))
    )


# -- per-person figures ---------------------------------------------------------------------------------------------
# Everything the matrix shows about a person beside module progress. Each entry is one query over a set of
# people (a list of ids or a SELECT of ids) returning {user_id: value}. A new column (certificates, say) is one
# more entry here and one more in FACT_COLUMNS.


def reflective_summary(user_ids) -> dict[int, tuple[int, dt.date]]:
    """{author_id: (number of entries, the day of the latest)}: a count and a date, never anything written."""
    rows = db.session.execute(
        select(ReflectiveEntry.author_id, func.count(ReflectiveEntry.id), func.max(ReflectiveEntry.created_at))
        .where(ReflectiveEntry.author_id.in_(user_ids))
        .group_by(ReflectiveEntry.author_id)
    ).all()
    return {author: (n, _date(latest)) for author, n, latest in rows}


def last_reminders(user_ids) -> dict[int, dt.datetime]:
    return dict(
        db.session.execute(
            select(Reminder.user_id, func.max(Reminder.sent_at))
            .where(Reminder.user_id.in_(user_ids))
            .group_by(Reminder.user_id)
        ).all()
    )


def certificate_counts(user_ids) -> dict[int, int]:
    """{user_id: certificates they hold that are valid now (not replaced or revoked)}; absent: none."""
    return dict(
        db.session.execute(
            select(Certificate.user_id, func.count(Certificate.id))
            .where(Certificate.user_id.in_(user_ids), Certificate.status == CertificateStatus.VALID)
            .group_by(Certificate.user_id)
        ).all()
    )


def person_facts(user_ids) -> dict[str, dict]:
    return {
        "certificates": certificate_counts(user_ids),
        "core": {user_id: _date(at) for user_id, at in workshop_queries.core_attendance(user_ids).items()},
        # the latest core attended (a renewal): its expiry counts from here
        "core_renewed": {user_id: _date(at) for user_id, at in workshop_queries.core_completed(user_ids).items()},
        "follow_ups": workshop_queries.follow_ups_attended(user_ids),
        "reflections": reflective_summary(user_ids),
        "reminded": last_reminders(user_ids),
    }


@dataclass
class Cell:
    status: ProgressStatus
    on: dt.date | None  # completed (complete) or started (in progress)


@dataclass
class MemberRow:
    user_id: int
    name: str
    email: str
    profession: Profession
    employee_number: str | None
    role: MembershipRole
    invited: bool  # has not yet set a password
    joined: dt.date
    modules: dict[int, Cell] = field(default_factory=dict)
    core_on: dt.date | None = None
    core_last: dt.date | None = None  # the latest core attended (later than core_on once renewed)
    core_expires: dt.date | None = None  # when attending (or renewing) the core expires, where it does
    follow_ups: int = 0
    certificates: int = 0
    entries: int = 0
    latest_entry: dt.date | None = None
    reminded_at: dt.datetime | None = None
    deadline: dt.date | None = None
    status: ProgressStatus = rules.NOT_STARTED
    overdue: bool = False

    @property
    def status_label(self) -> str:
        return self.status.label

    @property
    def account_label(self) -> str:
        return "Invited, not signed in yet" if self.invited else "Active"


# (key, heading) for the columns after the modules, in order; templates and exports read this.
FACT_COLUMNS = (
    ("core_on", "Core workshop"),
    ("follow_ups", "Follow-ups attended"),
    ("certificates", "Certificates"),
    ("entries", "Reflective entries"),
    ("latest_entry", "Latest entry"),
)


def team_deadline(team_id: int) -> dt.date | None:
    return db.session.scalar(select(TeamDeadline.deadline).where(TeamDeadline.team_id == team_id))


def team_matrix(
    team: Team,
    requirements: rules.Requirements,
    modules: list[Module],
    only_user_id: int | None = None,
    on: dt.date | None = None,
) -> list[MemberRow]:
    """Every active member of the team (never-started and invited people too), with their training."""
    on = on or today()
    people = _team_member_ids(team.id)
    if only_user_id is not None:
        people = people.where(Membership.user_id == only_user_id)
    members = db.session.execute(
        select(
            User.id,
            User.name,
            User.email,
            User.profession,
            User.employee_number,
            Membership.role,
            User.password_hash.is_(None),
            Membership.joined_at,
        )
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.team_id == team.id, User.id.in_(people))
        .order_by(User.name)
    ).all()
    progress = db.session.execute(
        select(
            ModuleProgress.user_id, ModuleProgress.module_id, ModuleProgress.started_at, ModuleProgress.completed_at
        ).where(ModuleProgress.user_id.in_(people))
    ).all()
    facts = person_facts(people)
    later = team_deadline(team.id)
    module_ids = {m.id for m in modules}
    required = requirements.required_module_ids(module_ids) & module_ids
    rows = {}
    for uid, name, email, profession, number, role, invited, joined in members:
        rows[uid] = MemberRow(uid, name, email, profession, number, role, bool(invited), _date(joined))
    for uid, module_id, started, completed in progress:
        if uid in rows and module_id in module_ids:
            rows[uid].modules[module_id] = (
                Cell(rules.COMPLETE, _date(completed)) if completed else Cell(rules.IN_PROGRESS, _date(started))
            )
    for row in rows.values():
        row.core_on = facts["core"].get(row.user_id)
        row.core_last = facts["core_renewed"].get(row.user_id) or row.core_on
        row.core_expires = requirements.core_expiry(row.core_last)
        row.follow_ups = facts["follow_ups"].get(row.user_id, 0)
        row.certificates = facts["certificates"].get(row.user_id, 0)
        row.entries, row.latest_entry = facts["reflections"].get(row.user_id, (0, None))
        row.reminded_at = facts["reminded"].get(row.user_id)
        done = sum(1 for mid in required if (c := row.modules.get(mid)) and c.status == rules.COMPLETE)
        row.status = rules.person_status(
            done, len(row.modules), len(required), row.core_on is not None, requirements.core_mandatory
        )
        row.deadline = requirements.deadline_for(row.joined, later)
        row.overdue = rules.is_overdue(row.deadline, row.status, on)
    return list(rows.values())


# -- confidence, for groups only ------------------------------------------------------------------------------------


@dataclass
class GroupConfidence:
    people: int
    shown: bool
    change: float | None = None
    items: list[tuple[str, float | None, float | None]] = field(default_factory=list)  # (statement, before, after)
    waiting: int = 0  # newer pairs held back until a whole block of people can be added


def _mean(values) -> float | None:
    values = list(values)
    return round(sum(values) / len(values), 2) if values else None


def _group_confidence(responses, items: list[ConfidenceItem], k: int) -> GroupConfidence:
    """responses: (user_id, module_id, phase, answers, answered_at, id). Pairs (person, module) answered before
    and after count, released in blocks of at least k people (`equiptrain.release`): a figure never moves with
    one person's answers."""
    by_pair: dict[tuple[int, int], dict[str, dict]] = defaultdict(dict)
    done_at: dict[tuple[int, int], tuple] = {}
    for user_id, module_id, phase, answers, answered_at, row_id in responses:
        by_pair[(user_id, module_id)][phase] = answers or {}
        key = (answered_at.replace(tzinfo=None) if answered_at else dt.datetime.min, row_id)
        done_at[(user_id, module_id)] = max(done_at.get((user_id, module_id), key), key)
    complete = [p for p in by_pair.items() if "before" in p[1] and "after" in p[1]]
    pairs, released = release.in_blocks(complete, k, order=lambda p: done_at[p[0]], person=lambda p: p[0][0])
    people = released.people
    if not released.shown:
        return GroupConfidence(len({user_id for (user_id, _), _ in complete}), False)
    changes, per_item = [], []
    for (_, _), both in pairs:
        before, after = _mean(both["before"].values()), _mean(both["after"].values())
        if before is not None and after is not None:
            changes.append(after - before)
    for item in items:
        per_item.append(
            (
                item.text,
                _mean(b["before"][item.slug] for _, b in pairs if item.slug in b["before"]),
                _mean(b["after"][item.slug] for _, b in pairs if item.slug in b["after"]),
            )
        )
    return GroupConfidence(people, True, _mean(changes), per_item, released.waiting)


def confidence_items() -> list[ConfidenceItem]:
    return list(
        db.session.scalars(
            select(ConfidenceItem).where(ConfidenceItem.retired_at.is_(None)).order_by(ConfidenceItem.position)
        )
    )


def team_confidence(team: Team, items: list[ConfidenceItem]) -> GroupConfidence:
    rows = db.session.execute(
        select(
            ConfidenceResponse.user_id,
            ConfidenceResponse.module_id,
            ConfidenceResponse.phase,
            ConfidenceResponse.answers,
            ConfidenceResponse.answered_at,
            ConfidenceResponse.id,
        ).where(ConfidenceResponse.user_id.in_(_team_member_ids(team.id)))
    ).all()
    return _group_confidence(rows, items, int(current_app.config["MIN_GROUP_SIZE"]))


# -- the team summary -----------------------------------------------------------------------------------------------


@dataclass
class TeamSummary:
    members: int
    module_complete: dict[int, int]
    core_attended: int
    trained: bool
    follow_up_due: bool
    follow_ups_scheduled: int
    overdue: int
    complete: int
    confidence: GroupConfidence
    core_done: bool = False  # enough members attended the core (TEAM_TRAINED_SHARE)
    supervision_held: int = 0
    supervision_required: int = 0

    def percent(self, n: int) -> int:
        return round(100 * n / self.members) if self.members else 0


def team_summary(team: Team, rows: list[MemberRow], modules: list[Module], items) -> TeamSummary:
    n = len(rows)
    complete = {
        m.id: sum(1 for r in rows if (c := r.modules.get(m.id)) and c.status == rules.COMPLETE) for m in modules
    }
    attended = sum(1 for r in rows if r.core_on)
    # Students on placement take the course without the team's workshops: the core share counts staff only.
    staff = sum(1 for r in rows if r.profession is not Profession.STUDENT)
    core_done = staff > 0 and attended / staff >= float(current_app.config["TEAM_TRAINED_SHARE"])
    counts = workshop_queries.team_workshops([team.id]).get(team.id, {})
    scheduled, held = counts.get("follow_ups", 0), counts.get("supervision_held", 0)
    required = supervision_sessions_required()
    return TeamSummary(
        n,
        complete,
        attended,
        core_done and held >= required,
        core_done and not scheduled,
        scheduled,
        sum(r.overdue for r in rows),
        sum(r.status == rules.COMPLETE for r in rows),
        team_confidence(team, items),
        core_done,
        held,
        required,
    )


# -- the organisation -----------------------------------------------------------------------------------------------


@dataclass
class TeamLine:
    team_id: int
    name: str
    staff: int = 0
    complete: int = 0
    overdue: int = 0
    core_attended: int = 0
    attended_any: int = 0
    held: int = 0
    follow_ups: int = 0
    trained: bool = False
    core_done: bool = False
    supervision_held: int = 0
    follow_up_due: bool = False
    confidence: GroupConfidence | None = None

    @property
    def percent_complete(self) -> int:
        return round(100 * self.complete / self.staff) if self.staff else 0


def _overdue_condition(requirements: rules.Requirements, team_deadline, joined_at, on: dt.date):
    """SQL for 'their deadline has passed' (the same rule as Requirements.deadline_for): the later of the organisation's
    (or the team's later) date and `joiner_days` after joining is before `on`."""
    if not requirements.has_requirements:
        return false()
    base = func.coalesce(team_deadline, requirements.deadline) if requirements.deadline else team_deadline
    if requirements.joiner_days is None:
        return and_(base.is_not(None), base < on)
    joined_before = dt.datetime.combine(on - dt.timedelta(days=requirements.joiner_days), dt.time(), tzinfo=dt.UTC)
    return and_(or_(base.is_(None), base < on), joined_at < joined_before)


def organisation_table(
    organisation_id: int, requirements: rules.Requirements, modules: list[Module], on: dt.date | None = None
) -> list[TeamLine]:
    """One line per team of the organisation, counted inside the database (a fixed number of queries, and a
    result of one row per team however many staff)."""
    on = on or today()
    share = float(current_app.config["TEAM_TRAINED_SHARE"])
    sessions_required = supervision_sessions_required()
    k = int(current_app.config["MIN_GROUP_SIZE"])
    module_ids = {m.id for m in modules}
    required = requirements.required_module_ids(module_ids) & module_ids
    team_ids = select(Team.id).where(Team.organisation_id == organisation_id)
    people = (
        select(Membership.user_id)
        .join(User, User.id == Membership.user_id)
        .where(Membership.team_id.in_(team_ids), User.deactivated_at.is_(None))
    )
    # Correlated subqueries, one index lookup each per person: cheaper here than joining per-person aggregates.
    done = (
        select(func.count(ModuleProgress.completed_at))
        .where(ModuleProgress.user_id == Membership.user_id, ModuleProgress.module_id.in_(required or [-1]))
        .scalar_subquery()
    )
    core = workshop_queries.attended_core(Membership.user_id)
    complete = done >= len(required)
    if requirements.core_mandatory:
        complete = and_(complete, core)
    staff = User.university.is_(None)
    overdue = and_(not_(complete), _overdue_condition(requirements, TeamDeadline.deadline, Membership.joined_at, on))
    counts = (
        select(
            Membership.team_id,
            # students on placement are not the team's staff: they count in neither its staff nor its core share
            func.count(case((staff, 1))).label("staff"),
            func.count(case((complete, 1))).label("complete"),
            func.count(case((overdue, 1))).label("overdue"),
            func.count(case((and_(core, staff), 1))).label("core"),
            func.count(case((or_(core, workshop_queries.attended_follow_up(Membership.user_id)), 1))).label("attended"),
        )
        .join(User, User.id == Membership.user_id)
        .outerjoin(TeamDeadline, TeamDeadline.team_id == Membership.team_id)
        .where(Membership.team_id.in_(team_ids), User.deactivated_at.is_(None))
        .group_by(Membership.team_id)
        .subquery()
    )
    # The counts are None for a team without members (the outer join).
    rows: Sequence[tuple[int, str, int | None, int | None, int | None, int | None, int | None]] = db.session.execute(
        select(
            Team.id, Team.name, counts.c.staff, counts.c.complete, counts.c.overdue, counts.c.core, counts.c.attended
        )
        .outerjoin(counts, counts.c.team_id == Team.id)
        .where(Team.organisation_id == organisation_id)
        .order_by(Team.name)
    ).all()
    lines = {
        tid: TeamLine(tid, name, staff or 0, n_complete or 0, n_overdue or 0, n_core or 0, n_attended or 0)
        for tid, name, staff, n_complete, n_overdue, n_core, n_attended in rows
    }
    workshops = workshop_queries.team_workshops(team_ids)
    confidence_rows = defaultdict(list)
    for team_id, *response in db.session.execute(
        select(
            Membership.team_id,
            ConfidenceResponse.user_id,
            ConfidenceResponse.module_id,
            ConfidenceResponse.phase,
            ConfidenceResponse.answers,
            ConfidenceResponse.answered_at,
            ConfidenceResponse.id,
        )
        .join(Membership, Membership.user_id == ConfidenceResponse.user_id)
        .where(Membership.team_id.in_(team_ids), ConfidenceResponse.user_id.in_(people))
    ):
        confidence_rows[team_id].append(response)
    for line in lines.values():
        counts_for = workshops.get(line.team_id, {})
        line.held, line.follow_ups = counts_for.get("held", 0), counts_for.get("follow_ups", 0)
        line.core_done = line.staff > 0 and line.core_attended / line.staff >= share
        line.supervision_held = counts_for.get("supervision_held", 0)
        line.trained = line.core_done and line.supervision_held >= sessions_required
        line.follow_up_due = line.core_done and not line.follow_ups
        line.confidence = _group_confidence(confidence_rows.get(line.team_id, []), [], k)
    return list(lines.values())


def managed_teams(user: User) -> list[Team]:
    return list(
        db.session.scalars(
            select(Team)
            .join(Membership, Membership.team_id == Team.id)
            .where(Membership.user_id == user.id, Membership.role == MembershipRole.MANAGER)
            .order_by(Team.name)
        )
    )


CORE_WORKSHOP = "Core workshop"


def compliance_records(organisation_id: int, requirements: rules.Requirements, modules: list[Module]):
    """(employee number, name, email, module or workshop, completed on, expires on) for every completion by the
    organisation's active staff: each module completed, and the core workshop attended (renewed: its latest
    attendance), with the expiry of that module or of the core where the organisation gives one (three queries)."""
    titles = {m.id: m.title for m in modules}
    people = select(User.id).where(User.organisation_id == organisation_id, User.deactivated_at.is_(None))
    done = db.session.execute(
        select(User.employee_number, User.name, User.email, ModuleProgress.module_id, ModuleProgress.completed_at)
        .join(ModuleProgress, ModuleProgress.user_id == User.id)
        .where(User.id.in_(people), ModuleProgress.completed_at.is_not(None))
        .order_by(User.name, User.id, ModuleProgress.module_id)
    ).all()
    core = workshop_queries.core_completed(people)
    staff = {}
    if core:
        staff = {
            uid: (number, name, email)
            for uid, number, name, email in db.session.execute(
                select(User.id, User.employee_number, User.name, User.email).where(User.id.in_(people))
            )
        }
    for number, name, email, module_id, completed in done:
        if module_id in titles:
            on = _date(completed)
            yield (number, name, email, f"Module: {titles[module_id]}", on, requirements.module_expiry(module_id, on))
    for uid, on in sorted(core.items(), key=lambda item: staff[item[0]][1]):
        number, name, email = staff[uid]
        yield (number, name, email, CORE_WORKSHOP, _date(on), requirements.core_expiry(_date(on)))


def team_deadlines(organisation_id: int) -> list[tuple[str, dt.date]]:
    return list(
        db.session.execute(
            select(Team.name, TeamDeadline.deadline)
            .join(TeamDeadline, TeamDeadline.team_id == Team.id)
            .where(Team.organisation_id == organisation_id)
            .order_by(Team.name)
        ).all()
    )
