"""Staff sync from ESR: starters, movers and leavers reconciled from a staff file, all or nothing.

`plan(...)` reads and checks the file and works out what would change without changing anything (the dry run and
the page's preview); `apply(plan)` makes those changes inside one transaction. A file with any problem changes
nothing: `SyncInvalid` lists the problems as `FILE:LINE: column: problem`. Limits and file safety are the staff
import's (`accounts.importer`): IMPORT_MAX_BYTES, IMPORT_MAX_ROWS, IMPORT_PROBLEMS_SHOWN, formula-like cells.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import secrets
from collections import defaultdict
from dataclasses import dataclass, field
from typing import cast

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from equiptrain import csvsafe
from equiptrain.accounts.importer import _profession
from equiptrain.accounts.invitations import queue_invitations
from equiptrain.accounts.models import BulkInvitation, Membership, MembershipRole, Organisation, Profession, User
from equiptrain.accounts.services import end_all_sessions, normalise_email, update_details
from equiptrain.auditlog.services import log_event
from equiptrain.db import utcnow
from equiptrain.extensions import db
from equiptrain.records.models import NotInEsr, RecordsSettings, StaffAssignment, TeamMapping, TeamMove

# The documented default layout: the field each column fills, and the header it has in the file.
DEFAULT_COLUMNS: dict[str, str] = {
    "employee_number": "Employee Number",
    "assignment_number": "Assignment Number",
    "first_name": "First Name",
    "last_name": "Last Name",
    "email": "Work Email",
    "staff_group": "Staff Group",
    "unit": "Organisation",
    "cost_centre": "Cost Centre",
    "start_date": "Assignment Start Date",
    "end_date": "Assignment End Date",
}
FIELD_LABELS = {
    "employee_number": "Employee number",
    "assignment_number": "Assignment number",
    "first_name": "First name",
    "last_name": "Last name",
    "email": "Work email",
    "staff_group": "Staff group or profession",
    "unit": "Organisation unit",
    "cost_centre": "Cost centre",
    "start_date": "Start date",
    "end_date": "End date",
}
REQUIRED = ("employee_number", "first_name", "last_name", "email", "start_date")
DEFAULT_DATE_FORMAT = "%d/%m/%Y"
_MAX_LENGTH = {
    "employee_number": 50,
    "assignment_number": 50,
    "first_name": 100,
    "last_name": 100,
    "email": 254,
    "staff_group": 200,
    "unit": 200,
    "cost_centre": 200,
}
# ESR staff groups that say which profession someone has; anything else is "other" (changeable on their page).
STAFF_GROUPS = {
    "nursing and midwifery registered": Profession.NURSE,
    "medical and dental": Profession.PSYCHIATRIST,
    "allied health professionals": Profession.OCCUPATIONAL_THERAPIST,
    "additional clinical services": Profession.SUPPORT_WORKER,
    "add prof scientific and technic": Profession.PSYCHOLOGIST,
    "students": Profession.STUDENT,
}


@dataclass
class SyncProblem:
    filename: str
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"{self.filename}:{self.line}: {self.column}: {self.message}"


class SyncInvalid(Exception):
    """The file cannot be synced: `problems` holds the first IMPORT_PROBLEMS_SHOWN, `total` counts all."""

    def __init__(self, problems: list[SyncProblem], total: int | None = None):
        self.problems = problems
        self.total = len(problems) if total is None else total
        super().__init__(f"{self.total} problem(s)")


class SyncRefused(Exception):
    """The sync would deactivate more than the organisation's share; run it again forced if that is right."""


@dataclass
class Row:
    line: int
    employee_number: str
    assignment_number: str
    name: str
    email: str
    staff_group: str
    unit: str
    cost_centre: str
    start_date: dt.date
    end_date: dt.date | None
    team_id: int | None = None


@dataclass
class Change:
    """One line of the preview: who, and what happens to them."""

    employee_number: str
    name: str
    detail: str = ""


@dataclass
class Plan:
    organisation: Organisation
    full: bool
    today: dt.date
    rows: list[Row]
    new: list[Change] = field(default_factory=list)
    moved: list[Change] = field(default_factory=list)
    updated: list[Change] = field(default_factory=list)
    leaving: list[Change] = field(default_factory=list)
    unchanged: list[Change] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    active_people: int = 0
    share: float = 0.1
    # What apply() acts on, worked out by plan().
    _starters: list[list[Row]] = field(default_factory=list, repr=False)
    _people: list[tuple[User, list[Row]]] = field(default_factory=list, repr=False)
    _leavers: list[tuple[User, str]] = field(default_factory=list, repr=False)

    @property
    def counts(self) -> dict[str, int]:
        return {
            "new": len(self.new),
            "moved": len(self.moved),
            "updated": len(self.updated),
            "leaving": len(self.leaving),
            "unchanged": len(self.unchanged),
        }

    @property
    def over_guard(self) -> bool:
        return bool(self.active_people) and len(self.leaving) > self.share * self.active_people


@dataclass
class SyncResult:
    plan: Plan
    invitations: BulkInvitation | None = None


def settings_for(organisation: Organisation) -> RecordsSettings:
    """The organisation's settings row (created with the defaults on first use)."""
    found = db.session.scalar(select(RecordsSettings).where(RecordsSettings.organisation_id == organisation.id))
    if found is None:
        found = RecordsSettings(
            organisation_id=organisation.id,
            columns={},
            date_format=DEFAULT_DATE_FORMAT,
            deactivation_share=0.1,
            competences={},
            actor_employee_number=False,
        )
        db.session.add(found)
        db.session.flush()
    return found


def columns_for(settings: RecordsSettings) -> dict[str, str]:
    return {**DEFAULT_COLUMNS, **{k: v for k, v in (settings.columns or {}).items() if k in DEFAULT_COLUMNS and v}}


def _key(header: str) -> str:
    return " ".join(header.strip().lower().replace("_", " ").split())


def parse_date(value: str, fmt: str) -> dt.date | None:
    """A date in the organisation's format, or ISO 8601 (YYYY-MM-DD) whatever the format; None if neither."""
    for f in (fmt, "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(value, f).date()
        except ValueError:
            continue
    return None


class _Problems:
    def __init__(self, filename: str, keep: int):
        self.filename, self.keep, self.total = filename, keep, 0
        self.kept: list[SyncProblem] = []

    def add(self, line: int, column: str, message: str) -> None:
        self.total += 1
        if len(self.kept) < self.keep:
            self.kept.append(SyncProblem(self.filename, line, column, message))

    def raise_any(self) -> None:
        if self.total:
            raise SyncInvalid(self.kept, self.total)


def _short(value: str, limit: int = 60) -> str:
    return value if len(value) <= limit else value[:limit] + "…"


def parse(text: str, organisation: Organisation, filename: str = "staff.csv") -> list[Row]:
    """Every row of the staff file, checked; SyncInvalid lists the problems and nothing is changed."""
    settings = settings_for(organisation)
    columns = columns_for(settings)
    labels = {f: f"{FIELD_LABELS[f]} ({columns[f]})" for f in columns}
    problems = _Problems(filename, int(current_app.config["IMPORT_PROBLEMS_SHOWN"]))
    max_rows = int(current_app.config["IMPORT_MAX_ROWS"])
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    try:
        header = next(reader, [])
    except csv.Error as exc:
        raise SyncInvalid([SyncProblem(filename, 1, "header", f"cannot be read ({exc})")]) from None
    index = {_key(h): i for i, h in enumerate(header)}
    where = {f: index.get(_key(h)) for f, h in columns.items()}
    missing = [columns[f] for f in REQUIRED if where[f] is None]
    if where["unit"] is None and where["cost_centre"] is None:
        missing.append(f"{columns['unit']} or {columns['cost_centre']}")
    if missing:
        raise SyncInvalid(
            [
                SyncProblem(
                    filename,
                    1,
                    "header",
                    f"missing column(s) {', '.join(missing)}; the first line must name the columns "
                    "(change the names on the trust records settings page if your file uses others)",
                )
            ]
        )
    mapping = {
        m.unit.lower(): m.team_id
        for m in db.session.scalars(select(TeamMapping).where(TeamMapping.organisation_id == organisation.id))
    }
    rows: list[Row] = []
    seen: dict[tuple[str, str], int] = {}
    email_owner: dict[str, tuple[str, int]] = {}
    count = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.add(
                reader.line_num,
                "row",
                f'cannot be read ({exc}); check for a very long value or a quote (") that is never closed',
            )
            continue
        line = reader.line_num
        if not any(c.strip() for c in cells):
            continue
        count += 1
        if count > max_rows:
            raise SyncInvalid(
                [
                    SyncProblem(
                        filename,
                        line,
                        "file",
                        f"has more than {max_rows} rows; a staff file may have at most {max_rows}",
                    )
                ]
            )
        if len(cells) > len(header):
            problems.add(line, "row", f"has more values than the {len(header)} columns; check for an unquoted comma")
            continue
        values = {f: (cells[i].strip() if i is not None and i < len(cells) else "") for f, i in where.items()}
        before = problems.total
        for f, value in values.items():
            if f in _MAX_LENGTH and len(value) > _MAX_LENGTH[f]:
                problems.add(line, labels[f], f"is {len(value)} characters long; it can be at most {_MAX_LENGTH[f]}")
            if csvsafe.is_dangerous(value):
                problems.add(
                    line, labels[f], f"begins with '{value[0]}', which a spreadsheet runs as a formula; remove it"
                )
        for f in ("employee_number", "first_name", "last_name"):
            if not values[f]:
                problems.add(line, labels[f], "is empty")
        email = ""
        try:
            email = normalise_email(validate_email(values["email"], check_deliverability=False).normalized)
        except EmailNotValidError as exc:
            problems.add(line, labels["email"], f"'{_short(values['email'])}' is not an email address ({exc})")
        start = parse_date(values["start_date"], settings.date_format)
        if start is None:
            problems.add(
                line,
                labels["start_date"],
                f"'{_short(values['start_date'])}' is not a date in the form {_describe(settings.date_format)}",
            )
        end = None
        if values["end_date"]:
            end = parse_date(values["end_date"], settings.date_format)
            if end is None:
                problems.add(
                    line,
                    labels["end_date"],
                    f"'{_short(values['end_date'])}' is not a date in the form {_describe(settings.date_format)}",
                )
            elif start is not None and end < start:
                problems.add(line, labels["end_date"], f"{end:%d/%m/%Y} is before the start date {start:%d/%m/%Y}")
        if not values["unit"] and not values["cost_centre"]:
            problems.add(line, labels["unit"], "is empty; each row needs an organisation unit or a cost centre")
        key = (values["employee_number"], values["assignment_number"])
        if values["employee_number"] and key in seen:
            problems.add(
                line,
                labels["employee_number"],
                f"employee {key[0]}, assignment '{key[1]}' is already on line {seen[key]}",
            )
        seen.setdefault(key, line)
        if email and values["employee_number"]:
            owner = email_owner.setdefault(email, (values["employee_number"], line))
            if owner[0] != values["employee_number"]:
                problems.add(
                    line, labels["email"], f"{email} is also the work email of employee {owner[0]} on line {owner[1]}"
                )
        if problems.total > before or start is None:
            continue
        team_id = mapping.get(values["unit"].lower()) if values["unit"] else None
        if team_id is None and values["cost_centre"]:
            team_id = mapping.get(values["cost_centre"].lower())
        rows.append(
            Row(
                line,
                values["employee_number"],
                values["assignment_number"],
                f"{values['first_name']} {values['last_name']}",
                email,
                values["staff_group"],
                values["unit"],
                values["cost_centre"],
                start,
                end,
                team_id,
            )
        )
    _check_against_accounts(rows, organisation, problems, labels)
    problems.raise_any()
    if not rows:
        raise SyncInvalid([SyncProblem(filename, 2, "row", "the file has no people in it")])
    return rows


def _describe(fmt: str) -> str:
    return fmt.replace("%d", "DD").replace("%m", "MM").replace("%Y", "YYYY").replace("%y", "YY").replace("%b", "Mon")


def _check_against_accounts(rows: list[Row], organisation: Organisation, problems: _Problems, labels) -> None:
    """A work email already used by someone outside the organisation, or by someone with another employee number."""
    emails = sorted({r.email for r in rows})
    users: dict[str, User] = {}
    for start in range(0, len(emails), 500):
        for user in db.session.scalars(select(User).where(User.email.in_(emails[start : start + 500]))):
            users[user.email] = user
    for row in rows:
        owner = users.get(row.email)
        if owner is None:
            continue
        user = owner
        if user.organisation_id != organisation.id:
            problems.add(
                row.line,
                labels["email"],
                f"{row.email} already belongs to someone in another organisation; ask a platform administrator",
            )
        elif user.employee_number and user.employee_number != row.employee_number:
            problems.add(
                row.line,
                labels["email"],
                f"{row.email} belongs to {user.name}, whose employee number is {user.employee_number}, "
                f"not {row.employee_number}",
            )


def exempt_reason(user: User, not_in_esr: set[int]) -> str | None:
    """Why a sync never deactivates this person (not employed through ESR), or None."""
    if user.is_platform_admin:
        return "platform administrator"
    if user.id in not_in_esr:
        return "marked not in ESR"
    if user.is_guest:
        return "guest"
    if user.profession is Profession.STUDENT:
        return "student"
    if user.trainer_profile is not None and user.trainer_profile.kind.lived_experience:
        return "lived-experience trainer"
    return None


def _active(row: Row, today: dt.date) -> bool:
    return row.end_date is None or row.end_date >= today


def plan(text: str, organisation: Organisation, *, full: bool = False, filename: str = "staff.csv", today=None) -> Plan:
    """What a sync of this file would do (nothing is changed). Raises SyncInvalid for a file with problems."""
    today = today or utcnow().date()
    rows = parse(text, organisation, filename)
    settings = settings_for(organisation)
    result = Plan(organisation, full, today, rows, share=settings.deactivation_share)
    people: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        people[row.employee_number].append(row)
    org_users = list(
        db.session.scalars(
            select(User)
            .where(User.organisation_id == organisation.id)
            .options(selectinload(User.memberships).selectinload(Membership.team), selectinload(User.trainer_profile))
        )
    )
    result.active_people = sum(1 for u in org_users if u.is_active)
    by_number = {u.employee_number: u for u in org_users if u.employee_number}
    by_email = {u.email: u for u in org_users}
    assignments: dict[int, list[StaffAssignment]] = defaultdict(list)
    for a in db.session.scalars(select(StaffAssignment).where(StaffAssignment.organisation_id == organisation.id)):
        assignments[a.user_id].append(a)
    not_in_esr = set(db.session.scalars(select(NotInEsr.user_id)))
    team_names = {t.id: t.name for t in organisation.teams}
    unmapped: dict[str, int] = defaultdict(int)
    for number, person_rows in people.items():
        current = [r for r in person_rows if _active(r, today)]
        first = person_rows[0]
        user = by_number.get(number) or by_email.get(first.email)
        for r in current:
            if r.team_id is None:
                unmapped[r.unit or r.cost_centre] += 1
        if user is None:
            if not current:
                continue  # left before they were ever here
            if not any(r.team_id for r in current):
                continue  # outside the units taking part in the programme
            result.new.append(Change(number, first.name, _teams(current, team_names)))
            result._starters.append(person_rows)
            continue
        if not current:
            reason = exempt_reason(user, not_in_esr)
            if user.is_active and reason is None:
                ended = max(r.end_date for r in person_rows if r.end_date)
                result.leaving.append(Change(number, user.name, f"end date {ended:%d/%m/%Y}"))
                result._leavers.append((user, f"end date {ended:%d/%m/%Y} passed"))
            elif user.is_active:
                result.notes.append(f"{user.name} ({number}) has an end date but is not deactivated: {reason}.")
                result.unchanged.append(Change(number, user.name))
            else:
                result.unchanged.append(Change(number, user.name))
            result._people.append((user, person_rows))
            continue
        if not user.is_active:
            result.notes.append(
                f"{user.name} ({number}) is in the file but deactivated here; reactivate them on their page if they "
                "have come back."
            )
            result.unchanged.append(Change(number, user.name))
            result._people.append((user, person_rows))
            continue
        added, removed = _team_changes(user, current, assignments.get(user.id, []))
        if added or removed:
            detail = ", ".join(
                [f"from {team_names.get(t, '?')}" for t in sorted(removed)]
                + [f"to {team_names.get(t, '?')}" for t in sorted(added)]
            )
            result.moved.append(Change(number, user.name, detail))
        elif user.name != first.name or user.email != first.email or user.employee_number != number:
            result.updated.append(Change(number, user.name, _detail_change(user, first, number)))
        else:
            result.unchanged.append(Change(number, user.name))
        result._people.append((user, person_rows))
    if full:
        in_file = set(people)
        for user in org_users:
            if not user.is_active or not user.employee_number or user.employee_number in in_file:
                continue
            if exempt_reason(user, not_in_esr) is not None:
                continue
            result.leaving.append(Change(user.employee_number, user.name, "not in the full extract"))
            result._leavers.append((user, "missing from a full extract"))
    for unit, n in sorted(unmapped.items()):
        result.notes.append(f"{n} row(s) for '{unit}', which no team is mapped to, were left out.")
    return result


def _teams(rows: list[Row], names: dict[int, str]) -> str:
    return ", ".join(sorted({names.get(r.team_id, "?") for r in rows if r.team_id}))


def _detail_change(user: User, row: Row, number: str) -> str:
    parts = []
    if user.name != row.name:
        parts.append(f"name {user.name} → {row.name}")
    if user.email != row.email:
        parts.append(f"email {user.email} → {row.email}")
    if user.employee_number != number:
        parts.append(f"employee number recorded ({number})")
    return "; ".join(parts)


def _team_changes(user: User, current: list[Row], known: list[StaffAssignment]) -> tuple[set[int], set[int]]:
    """Teams to join and to leave. The teams a sync manages are those of the assignments it saw before (or, on a
    first sync, the person's present teams); a team someone was added to by hand alongside is left alone."""
    wanted = {r.team_id for r in current if r.team_id}
    if not wanted:
        # Only in units no team is mapped to: a mapping still being built must not take people out of their teams.
        return set(), set()
    have = user.team_ids
    managed = {a.team_id for a in known if a.team_id} if known else set(have)
    return wanted - have, (managed & have) - wanted


def _store_assignments(user: User, rows: list[Row], organisation: Organisation, known: dict) -> None:
    for row in rows:
        a = known.get((row.employee_number, row.assignment_number))
        if a is None:
            a = StaffAssignment(
                organisation_id=organisation.id,
                user_id=user.id,
                employee_number=row.employee_number,
                assignment_number=row.assignment_number,
            )
            db.session.add(a)
            known[(row.employee_number, row.assignment_number)] = a
        values = {
            "user_id": user.id,
            "staff_group": row.staff_group or None,
            "unit": row.unit or row.cost_centre or None,
            "team_id": row.team_id,
            "start_date": row.start_date,
            "end_date": row.end_date,
        }
        if any(getattr(a, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(a, k, v)
            a.synced_at = utcnow()


def _profession_of(staff_group: str) -> Profession:
    return STAFF_GROUPS.get(staff_group.strip().lower()) or _profession(staff_group) or Profession.OTHER


def deactivate_by_sync(actor: User | None, user: User, reason: str) -> None:
    """Deactivate and sign out everywhere; nothing the person did is deleted."""
    user.deactivated_at = utcnow()
    user.session_nonce = secrets.token_hex(16)
    end_all_sessions(user)
    log_event("user.deactivated", actor, user, by="staff sync", reason=reason)


def apply(actor: User | None, p: Plan, *, force: bool = False) -> SyncResult:
    """Make the changes `p` describes, in one transaction (a savepoint: all of it or none)."""
    if p.over_guard and not force:
        raise SyncRefused(
            f"This sync would deactivate {len(p.leaving)} of {p.active_people} active people in "
            f"{p.organisation.name}, more than the {p.share:.0%} allowed. If the file is a truncated extract, "
            "nothing has changed: get a complete file. If the leavers are right, run it again forced."
        )
    org = p.organisation
    today = p.today
    result = SyncResult(p)
    created: list[User] = []
    with db.session.begin_nested():
        known = {
            (a.employee_number, a.assignment_number): a
            for a in db.session.scalars(select(StaffAssignment).where(StaffAssignment.organisation_id == org.id))
        }
        by_user: dict[int, list[StaffAssignment]] = defaultdict(list)
        for a in known.values():
            by_user[a.user_id].append(a)
        teams = {t.id: t for t in org.teams}
        for person_rows in p._starters:
            first = person_rows[0]
            user = User(
                name=first.name,
                email=first.email,
                profession=_profession_of(first.staff_group),
                employee_number=first.employee_number,
                organisation=org,
            )
            db.session.add(user)
            db.session.flush()
            log_event("user.created", actor, user, email=user.email, by="staff sync")
            for team_id in sorted({r.team_id for r in person_rows if r.team_id and _active(r, today)}):
                user.memberships.append(Membership(team=teams[team_id], role=MembershipRole.MEMBER))
                db.session.add(
                    TeamMove(user_id=user.id, from_team_id=None, to_team_id=team_id, moved_on=first.start_date)
                )
            _store_assignments(user, person_rows, org, known)
            created.append(user)
        for user, person_rows in p._people:
            current = [r for r in person_rows if _active(r, today)]
            first = person_rows[0]
            if user.is_active and current:
                added, removed = _team_changes(user, current, by_user.get(user.id, []))
                # The date of the move: a new assignment's start date; a changed unit on the same assignment
                # is dated by the sync that saw it.
                starts = [
                    r.start_date
                    for r in current
                    if r.team_id in added
                    and (r.employee_number, r.assignment_number) not in known
                    and by_user.get(user.id)
                    and r.start_date <= today
                ]
                moved_on = max(starts) if starts else today
                for team_id in sorted(removed):
                    membership = next(m for m in user.memberships if m.team_id == team_id)
                    user.memberships.remove(membership)
                    db.session.add(TeamMove(user_id=user.id, from_team_id=team_id, to_team_id=None, moved_on=moved_on))
                for team_id in sorted(added):
                    user.memberships.append(Membership(team=teams[team_id], role=MembershipRole.MEMBER))
                    db.session.add(TeamMove(user_id=user.id, from_team_id=None, to_team_id=team_id, moved_on=moved_on))
                if added or removed:
                    db.session.flush()
                    log_event(
                        "user.moved",
                        actor,
                        user,
                        by="staff sync",
                        joined=[teams[t].name for t in sorted(added)],
                        left=[teams[t].name for t in sorted(removed)],
                        on=moved_on.isoformat(),
                    )
                if (
                    user.name != first.name
                    or user.email != first.email
                    or user.employee_number != first.employee_number
                ):
                    update_details(
                        cast(User, actor),
                        user,
                        name=first.name,
                        email=first.email,
                        profession=user.profession,
                        employee_number=first.employee_number,
                    )
            _store_assignments(user, person_rows, org, known)
        for user, reason in p._leavers:
            if actor is not None and user.id == actor.id:
                p.notes.append(f"You ({user.name}) were not deactivated: ask another administrator.")
                continue
            deactivate_by_sync(actor, user, reason)
        db.session.flush()
        if created:
            # Invited as anyone else is: where the organisation signs in only with NHS accounts, the invitation
            # says so instead of carrying a password link (accounts.services.invite).
            result.invitations = queue_invitations(actor, org, created)
        log_event("staff.synced", actor, org, organisation_id=org.id, full=p.full, counts=p.counts)
    return result
