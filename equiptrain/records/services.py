"""Rules of the trust-records feature: who may see its objects, the team mapping, the settings, the staff
sync runs that a page previews before it applies them, "not in ESR"."""

from __future__ import annotations

import csv
import io

from sqlalchemy import delete, select, update

from equiptrain import csvsafe
from equiptrain.accounts.models import Organisation, Team, User
from equiptrain.auditlog.services import log_event
from equiptrain.db import utcnow
from equiptrain.errors import ServiceError
from equiptrain.extensions import db
from equiptrain.records import staffsync
from equiptrain.records.models import NotInEsr, RecordsSettings, StaffSyncRun, TeamMapping


class MappingInvalid(Exception):
    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s)")


def parse_team_mapping(text: str, organisation: Organisation, filename: str = "mapping") -> dict[str, tuple[str, Team]]:
    """`unit,team` lines (a header line `unit,team` is allowed) -> {unit lower-cased: (unit, Team)};
    MappingInvalid lists the problems."""
    teams = {t.name.lower(): t for t in organisation.teams}
    found: dict[str, tuple[str, Team]] = {}
    problems: list[str] = []
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    try:
        for cells in reader:
            line = reader.line_num
            if not any(c.strip() for c in cells):
                continue
            if len(cells) != 2:
                problems.append(f"{filename}:{line}: row: write the organisation unit, a comma, then the team")
                continue
            unit, team_name = cells[0].strip(), cells[1].strip()
            if (
                line == 1
                and unit.lower() in ("unit", "organisation unit", "cost centre")
                and team_name.lower() == "team"
            ):
                continue
            if not unit or len(unit) > 200 or csvsafe.is_dangerous(unit):
                problems.append(f"{filename}:{line}: unit: '{unit[:60]}' is empty, too long or starts with = + - @")
                continue
            team = teams.get(team_name.lower())
            if team is None:
                known = ", ".join(sorted(t.name for t in organisation.teams)) or "none yet"
                problems.append(
                    f"{filename}:{line}: team: no team called '{team_name[:60]}' in {organisation.name}; "
                    f"use one of: {known}"
                )
                continue
            if unit.lower() in found:
                problems.append(f"{filename}:{line}: unit: '{unit[:60]}' is mapped twice")
                continue
            found[unit.lower()] = (unit, team)
            if len(found) > 5000:
                problems.append(f"{filename}:{line}: file: more than 5000 units")
                break
    except csv.Error as exc:
        problems.append(f"{filename}:{reader.line_num}: row: cannot be read ({exc})")
    if problems:
        raise MappingInvalid(problems[:50] + ([f"... and {len(problems) - 50} more"] if len(problems) > 50 else []))
    return found


def set_team_mapping(actor: User | None, organisation: Organisation, text: str, filename: str = "mapping") -> int:
    """Replace the organisation's mapping of units to teams (all or nothing); returns how many units are mapped."""
    found = parse_team_mapping(text, organisation, filename)
    db.session.execute(delete(TeamMapping).where(TeamMapping.organisation_id == organisation.id))
    for unit, team in found.values():
        db.session.add(TeamMapping(organisation_id=organisation.id, unit=unit, team_id=team.id))
    db.session.flush()
    log_event("records.mapping_changed", actor, organisation, organisation_id=organisation.id, units=len(found))
    return len(found)


def mapping_text(organisation: Organisation) -> str:
    rows = db.session.execute(
        select(TeamMapping.unit, Team.name)
        .join(Team, Team.id == TeamMapping.team_id)
        .where(TeamMapping.organisation_id == organisation.id)
        .order_by(TeamMapping.unit)
    )
    return "".join(f"{unit},{team}\n" for unit, team in rows)


def update_settings(actor: User, organisation: Organisation, **values) -> RecordsSettings:
    settings = staffsync.settings_for(organisation)
    for key, value in values.items():
        setattr(settings, key, value)
    settings.updated_at = utcnow()
    db.session.flush()
    log_event("records.settings_changed", actor, organisation, organisation_id=organisation.id, fields=sorted(values))
    return settings


def parse_competences(text: str, keys: set[str]) -> dict[str, str]:
    """`key = competence name` lines -> mapping; ServiceError names the first wrong line."""
    found: dict[str, str] = {}
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line:
            continue
        key, sep, name = line.partition("=")
        key, name = key.strip(), name.strip()
        if not sep or key not in keys:
            raise ServiceError(
                f"Line {n}: start with one of the achievements listed, then '=', then the competence name.",
                "competences",
            )
        if len(name) > 300 or csvsafe.is_dangerous(name):
            raise ServiceError(
                f"Line {n}: a competence name is at most 300 characters and cannot start with = + - or @.",
                "competences",
            )
        if name:
            found[key] = name
    return found


def start_sync(actor: User, organisation: Organisation, filename: str, text: str, full: bool) -> StaffSyncRun:
    """Keep an uploaded staff file so its preview can be confirmed (nothing about people changes yet). Earlier
    files of the organisation that were never applied are let go: only the newest can be confirmed, and a staff
    file is personal data kept no longer than needed."""
    db.session.execute(
        update(StaffSyncRun)
        .where(
            StaffSyncRun.organisation_id == organisation.id,
            StaffSyncRun.applied_at.is_(None),
            StaffSyncRun.text.is_not(None),
        )
        .values(text=None)
    )
    run = StaffSyncRun(
        organisation_id=organisation.id,
        actor_id=actor.id,
        filename=(filename or "staff.csv")[:200],
        text=text,
        full=full,
        summary={},
    )
    db.session.add(run)
    db.session.flush()
    return run


def finish_sync(run: StaffSyncRun, counts: dict[str, int]) -> None:
    run.applied_at, run.text, run.summary = utcnow(), None, counts
    db.session.flush()


def set_not_in_esr(actor: User, user: User, value: bool) -> None:
    """Mark someone as not employed through ESR (a sync never deactivates them), or clear the mark."""
    current = db.session.get(NotInEsr, user.id)
    if value and current is None:
        db.session.add(NotInEsr(user_id=user.id, marked_by_id=actor.id))
    elif not value and current is not None:
        db.session.delete(current)
    else:
        return
    db.session.flush()
    log_event("user.not_in_esr", actor, user, value=value)


def register_schedule() -> None:
    """Trust records on the job queue's schedule: xAPI statements every five minutes (each retried with its own
    back-off), and the nightly ESR export into ESR_EXPORT_DIR (nothing to do where that is not set)."""
    from equiptrain.jobs import schedule
    from equiptrain.records import esr, xapi

    schedule.register(
        "xapi.deliver", xapi.deliver_pending, every="5min", description="Send xAPI statements to the record store"
    )
    schedule.register(
        "esr.nightly_export", esr.nightly_export, every="day", description="Write each organisation's ESR export"
    )
