"""Importing staff from a CSV file: every row is checked first, then all are added or none are.

Limits (settings): IMPORT_MAX_BYTES for the file, checked before it is read; IMPORT_MAX_ROWS for the people in
it; IMPORT_PROBLEMS_SHOWN for how many problems are kept to show (all are counted). New people's invitations are
queued (`accounts.invitations`) and sent in the background in batches, not in the request.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import BinaryIO

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from equiptrain import csvsafe, signals
from equiptrain.accounts.invitations import queue_invitations
from equiptrain.accounts.models import BulkInvitation, Membership, MembershipRole, Organisation, Profession, Team, User
from equiptrain.accounts.services import normalise_email, set_membership
from equiptrain.auditlog.services import log_event
from equiptrain.extensions import db

COLUMNS = ["name", "email", "profession", "employee_number", "team", "manager"]
_YES = {"yes", "y", "true", "1"}
_NO = {"no", "n", "false", "0", ""}
# The longest value each column's database field holds.
_MAX_LENGTH = {"name": 200, "email": 254, "employee_number": 50}


@dataclass
class ImportProblem:
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.column}: {self.message}"


class ImportInvalid(Exception):
    """The file cannot be imported. `problems` holds the first few (IMPORT_PROBLEMS_SHOWN), `total` counts all."""

    def __init__(self, problems: list[ImportProblem], total: int | None = None):
        self.problems = problems
        self.total = len(problems) if total is None else total
        super().__init__(f"{self.total} problem(s)")


class _Problems:
    """Collects problems, keeping only the first `keep` of them but counting every one."""

    def __init__(self, keep: int):
        self.keep, self.total = keep, 0
        self.kept: list[ImportProblem] = []

    def add(self, problem: ImportProblem) -> None:
        self.total += 1
        if len(self.kept) < self.keep:
            self.kept.append(problem)

    def raise_any(self) -> None:
        if self.total:
            raise ImportInvalid(self.kept, self.total)


@dataclass
class ImportResult:
    created: list[User] = field(default_factory=list)
    updated: list[User] = field(default_factory=list)
    invitations: BulkInvitation | None = None


def read_limited(stream: BinaryIO, size: int | None = None) -> str:
    """Read an uploaded or opened file as text, refusing it as soon as it passes IMPORT_MAX_BYTES (so a huge
    file is never read whole). `size`, if known, is checked first."""
    limit = int(current_app.config["IMPORT_MAX_BYTES"])
    too_big = ImportInvalid(
        [
            ImportProblem(
                0,
                "file",
                f"is larger than the {_describe_bytes(limit)} an import "
                "may be; split it into smaller files and import each",
            )
        ]
    )
    if size is not None and size > limit:
        raise too_big
    raw = stream.read(limit + 1)
    if len(raw) > limit:
        raise too_big
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = None
    if text is None or "\x00" in text:
        raise ImportInvalid(
            [ImportProblem(0, "file", "is not UTF-8 text; save it from your spreadsheet as 'CSV UTF-8'")]
        )
    return text


def _describe_bytes(n: int) -> str:
    return f"{n / 1024 / 1024:.0f} MB" if n >= 1024 * 1024 else f"{n / 1024:.0f} KB"


def _rows(reader: csv.DictReader, problems: _Problems):
    """The reader's rows; a line the csv module cannot read (a value over its field size limit, which is also
    what an unbalanced quote produces) is a problem on that line, not a crash."""
    while True:
        try:
            raw = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            problems.add(
                ImportProblem(
                    reader.line_num,
                    "row",
                    f'cannot be read ({exc}); check for a very long value or a quote (") that is never closed',
                )
            )
            continue
        yield raw


@dataclass
class _Row:
    line: int
    name: str
    email: str
    profession: Profession
    employee_number: str | None
    team: Team
    role: MembershipRole


def _profession(value: str) -> Profession | None:
    key = value.strip().lower().replace("-", " ").replace("_", " ")
    for p in Profession:
        if key in (p.value.replace("_", " "), p.label.lower()):
            return p
    return {"ot": Profession.OCCUPATIONAL_THERAPIST, "doctor": Profession.PSYCHIATRIST}.get(key)


def parse(text: str, organisation: Organisation) -> list[_Row]:
    """Check every row; raise ImportInvalid listing the first problems by line number, and how many in all."""
    max_rows = int(current_app.config["IMPORT_MAX_ROWS"])
    problems = _Problems(int(current_app.config["IMPORT_PROBLEMS_SHOWN"]))
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    try:
        fieldnames = reader.fieldnames or []
    except csv.Error as exc:
        raise ImportInvalid([ImportProblem(1, "header", f"cannot be read ({exc})")]) from None
    headers = [h.strip().lower().replace(" ", "_") for h in fieldnames]
    missing = [c for c in COLUMNS if c not in headers and c != "employee_number"]
    if missing:
        raise ImportInvalid(
            [
                ImportProblem(
                    1,
                    "header",
                    f"missing column(s) {', '.join(missing)}; the first line "
                    f"must name the columns: {','.join(COLUMNS)}",
                )
            ]
        )
    reader.fieldnames = headers
    teams = {t.name.lower(): t for t in db.session.scalars(select(Team).where(Team.organisation_id == organisation.id))}
    candidates: list[tuple[int, dict]] = []
    people = 0
    for raw in _rows(reader, problems):
        line = reader.line_num
        if None in raw:
            problems.add(
                ImportProblem(
                    line, "row", f"has more values than the {len(headers)} columns; check for an unquoted comma"
                )
            )
            continue
        values = {k: (v or "").strip() for k, v in raw.items() if k is not None}
        if not any(values.values()):
            continue
        people += 1
        if people > max_rows:
            raise ImportInvalid(
                [
                    ImportProblem(
                        line,
                        "file",
                        f"has more than {max_rows} people; an import may have "
                        f"at most {max_rows}: split the file and import each "
                        "part",
                    )
                ]
            )
        candidates.append((line, values))
    existing = _existing_users(candidates)
    rows: list[_Row] = []
    seen: dict[tuple[str, int], int] = {}
    for line, values in candidates:
        row_problems = _check_cells(line, values)
        name = values.get("name", "")
        if not name:
            row_problems.append(ImportProblem(line, "name", "is empty; enter the person's full name"))
        try:
            email = normalise_email(validate_email(values.get("email", ""), check_deliverability=False).normalized)
        except EmailNotValidError as exc:
            email = ""
            row_problems.append(
                ImportProblem(line, "email", f"'{_short(values.get('email', ''))}' is not an email address ({exc})")
            )
        profession = _profession(values.get("profession", ""))
        if profession is None:
            row_problems.append(
                ImportProblem(
                    line,
                    "profession",
                    f"'{_short(values.get('profession', ''))}' is not "
                    "a profession we know; use one of: " + ", ".join(p.label.lower() for p in Profession),
                )
            )
        team = teams.get(values.get("team", "").lower())
        if team is None:
            known = ", ".join(sorted(t.name for t in teams.values())) or "none yet"
            row_problems.append(
                ImportProblem(
                    line,
                    "team",
                    f"no team called '{_short(values.get('team', ''))}' in "
                    f"{organisation.name}; create it first or use one of: {known}",
                )
            )
        manager = values.get("manager", "").lower()
        if manager not in _YES | _NO:
            row_problems.append(
                ImportProblem(line, "manager", f"'{_short(values.get('manager', ''))}' should be yes or no")
            )
        user = existing.get(email) if email else None
        if user is not None and user.organisation_id != organisation.id:
            row_problems.append(
                ImportProblem(
                    line,
                    "email",
                    f"{email} already belongs to someone in another organisation; ask a platform administrator",
                )
            )
        if email and team is not None:
            key = (email, team.id)
            if key in seen:
                row_problems.append(
                    ImportProblem(line, "email", f"{email} is already listed for team {team.name} on line {seen[key]}")
                )
            seen[key] = line
        if row_problems or profession is None or team is None:
            for problem in row_problems:
                problems.add(problem)
            continue
        rows.append(
            _Row(
                line,
                name,
                email,
                profession,
                values.get("employee_number") or None,
                team,
                MembershipRole.MANAGER if manager in _YES else MembershipRole.MEMBER,
            )
        )
    problems.raise_any()
    if not rows:
        raise ImportInvalid([ImportProblem(2, "row", "the file has no people in it")])
    return rows


def _short(value: str, limit: int = 60) -> str:
    """A value quoted back in a message, cut short: a problem list must stay readable whatever the file holds."""
    return value if len(value) <= limit else value[:limit] + "…"


def _check_cells(line: int, values: dict[str, str]) -> list[ImportProblem]:
    """Lengths the database holds, and values a spreadsheet would run as a formula. Such values are refused:
    no name, email, profession, team or employee number begins with =, +, - or @, so one that does is a mistake
    or an attack, and the person importing can fix the cell and try again."""
    found = []
    for column, value in values.items():
        if column in _MAX_LENGTH and len(value) > _MAX_LENGTH[column]:
            found.append(
                ImportProblem(line, column, f"is {len(value)} characters long; it can be at most {_MAX_LENGTH[column]}")
            )
        if csvsafe.is_dangerous(value):
            found.append(
                ImportProblem(
                    line,
                    column,
                    f"begins with '{value[0]}', which a spreadsheet runs as a "
                    "formula; remove that character (no name, email or team "
                    "begins with =, +, - or @)",
                )
            )
    return found


def _existing_users(candidates: list[tuple[int, dict]]) -> dict[str, User]:
    """The accounts the file's email addresses already have, in a few queries whatever the file's size."""
    emails = sorted({normalise_email(values.get("email", "")) for _line, values in candidates} - {""})
    found: dict[str, User] = {}
    for start in range(0, len(emails), 500):
        for user in db.session.scalars(
            select(User).options(selectinload(User.memberships)).where(User.email.in_(emails[start : start + 500]))
        ):
            found[user.email] = user
    return found


def import_users(
    actor: User | None, organisation: Organisation, text: str, *, send_invites: bool = True
) -> ImportResult:
    """Add everyone in the CSV (or, on any bad row, no one). New people's invitations are queued in
    `result.invitations`: the caller starts sending them once this commits (`invitations.start`)."""
    rows = parse(text, organisation)
    result = ImportResult()
    existing = _existing_users([(row.line, {"email": row.email}) for row in rows])
    counted: set[str] = set()
    created: set[str] = set()
    joined: list[tuple[User, Team, MembershipRole]] = []
    with db.session.begin_nested():
        for row in rows:
            user = existing.get(row.email)
            if user is None:
                # The rows were checked above (the addresses are new, in one query for the whole file), so the
                # people are added as one batch, not through create_user's one-at-a-time look-up and flush.
                user = User(
                    name=row.name,
                    email=row.email,
                    profession=row.profession,
                    employee_number=row.employee_number,
                    organisation=organisation,
                )
                db.session.add(user)
                existing[row.email] = user
                created.add(row.email)
                result.created.append(user)
            elif row.email not in counted:
                result.updated.append(user)
            counted.add(row.email)
            if row.email in created:
                user.memberships.append(Membership(team=row.team, role=row.role))
                joined.append((user, row.team, row.role))
            else:
                set_membership(actor, user, row.team, row.role)
        db.session.flush()
        for user in result.created:
            log_event("user.created", actor, user, email=user.email, imported=True)
        for user, team, role in joined:
            log_event(
                "role.changed",
                actor,
                user,
                organisation_id=team.organisation_id,
                team=team.name,
                before=None,
                after=role.value,
            )
            signals.member_joined.send(user, team=team, role=role, actor=actor)
        if send_invites and result.created:
            result.invitations = queue_invitations(actor, organisation, result.created)
    log_event(
        "users.imported",
        actor,
        organisation,
        organisation_id=organisation.id,
        created=len(result.created),
        updated=len(result.updated),
        rows=len(rows),
    )
    return result
