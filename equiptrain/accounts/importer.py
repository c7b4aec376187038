"""Importing staff from a CSV file: every row is checked first, then all are added or none are."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select

from equiptrain.accounts.models import MembershipRole, Organisation, Profession, Team, User
from equiptrain.accounts.services import create_user, find_user_by_email, invite, normalise_email, set_membership
from equiptrain.audit.services import record
from equiptrain.extensions import db

COLUMNS = ["name", "email", "profession", "employee_number", "team", "manager"]
_YES = {"yes", "y", "true", "1"}
_NO = {"no", "n", "false", "0", ""}


@dataclass
class ImportProblem:
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.column}: {self.message}"


class ImportInvalid(Exception):
    def __init__(self, problems: list[ImportProblem]):
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


@dataclass
class ImportResult:
    created: list[User] = field(default_factory=list)
    updated: list[User] = field(default_factory=list)


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
    """Check every row; raise ImportInvalid listing every problem by line number."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    headers = [h.strip().lower().replace(" ", "_") for h in (reader.fieldnames or [])]
    missing = [c for c in COLUMNS if c not in headers and c != "employee_number"]
    if missing:
        raise ImportInvalid([ImportProblem(1, "header", f"missing column(s) {', '.join(missing)}; the first line "
                                                        f"must name the columns: {','.join(COLUMNS)}")])
    reader.fieldnames = headers
    teams = {t.name.lower(): t for t in db.session.scalars(select(Team).where(Team.organisation_id == organisation.id))}
    problems: list[ImportProblem] = []
    rows: list[_Row] = []
    seen: dict[tuple[str, int], int] = {}
    for raw in reader:
        line = reader.line_num
        values = {k: (v or "").strip() for k, v in raw.items() if k is not None}
        if None in raw:
            problems.append(ImportProblem(line, "row", f"has more values than the {len(headers)} columns; "
                                                       "check for an unquoted comma"))
            continue
        if not any(values.values()):
            continue
        row_problems = []
        name = values.get("name", "")
        if not name:
            row_problems.append(ImportProblem(line, "name", "is empty; enter the person's full name"))
        try:
            email = normalise_email(validate_email(values.get("email", ""), check_deliverability=False).normalized)
        except EmailNotValidError as exc:
            email = ""
            row_problems.append(ImportProblem(line, "email", f"'{values.get('email', '')}' is not an email "
                                                             f"address ({exc})"))
        profession = _profession(values.get("profession", ""))
        if profession is None:
            row_problems.append(ImportProblem(line, "profession", f"'{values.get('profession', '')}' is not a "
                                              "profession we know; use one of: " +
                                              ", ".join(p.label.lower() for p in Profession)))
        team = teams.get(values.get("team", "").lower())
        if team is None:
            known = ", ".join(sorted(t.name for t in teams.values())) or "none yet"
            row_problems.append(ImportProblem(line, "team", f"no team called '{values.get('team', '')}' in "
                                              f"{organisation.name}; create it first or use one of: {known}"))
        manager = values.get("manager", "").lower()
        if manager not in _YES | _NO:
            row_problems.append(ImportProblem(line, "manager", f"'{values.get('manager')}' should be yes or no"))
        existing = find_user_by_email(email) if email else None
        if existing is not None and existing.organisation_id != organisation.id:
            row_problems.append(ImportProblem(line, "email", f"{email} already belongs to someone in another "
                                                             "organisation; ask a platform administrator"))
        if email and team is not None:
            key = (email, team.id)
            if key in seen:
                row_problems.append(ImportProblem(line, "email", f"{email} is already listed for team "
                                                                 f"{team.name} on line {seen[key]}"))
            seen[key] = line
        if row_problems or profession is None or team is None:
            problems.extend(row_problems)
            continue
        rows.append(_Row(line, name, email, profession, values.get("employee_number") or None, team,
                         MembershipRole.MANAGER if manager in _YES else MembershipRole.MEMBER))
    if problems:
        raise ImportInvalid(problems)
    if not rows:
        raise ImportInvalid([ImportProblem(2, "row", "the file has no people in it")])
    return rows


def import_users(actor: User | None, organisation: Organisation, text: str, *,
                 send_invites: bool = True) -> ImportResult:
    """Add everyone in the CSV (or, on any bad row, no one); new people are invited."""
    rows = parse(text, organisation)
    result = ImportResult()
    with db.session.begin_nested():
        for row in rows:
            user = find_user_by_email(row.email)
            if user is None:
                user = create_user(actor, name=row.name, email=row.email, profession=row.profession,
                                   organisation=organisation, employee_number=row.employee_number)
                result.created.append(user)
            elif user not in result.created and user not in result.updated:
                result.updated.append(user)
            set_membership(actor, user, row.team, row.role)
        if send_invites:
            for user in result.created:
                invite(actor, user)
    record("users.imported", actor, organisation, organisation_id=organisation.id, created=len(result.created),
           updated=len(result.updated), rows=len(rows))
    return result
