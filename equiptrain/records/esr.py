"""The competence export for ESR: one row per person and competence achieved, incrementally.

Each organisation maps its achievements (a module, the core workshop, each certificate) to the competence names its
ESR team gives (`RecordsSettings.competences`). Every export keeps its lines, so an incremental export holds only
what changed since the last incremental one, with revocations (a competence exported before and no longer held:
a revoked certificate, say) as a separate list. A range export (`since`/`until`) lists everything achieved in those
dates again and leaves the increments alone. Only events and dates leave: nothing anyone wrote.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from equiptrain import csvsafe
from equiptrain.accounts.models import Organisation, User
from equiptrain.auditlog.services import log_event
from equiptrain.certificates.models import Certificate, CertificateStatus
from equiptrain.content.models import Module, Programme
from equiptrain.dashboards import requirements as requirement_rules
from equiptrain.db import utcnow
from equiptrain.extensions import db
from equiptrain.learning.models import ModuleProgress
from equiptrain.records.models import EsrExport, EsrExportLine, StaffAssignment
from equiptrain.records.staffsync import settings_for
from equiptrain.workshops import queries as workshop_queries
from equiptrain.workshops.models import WorkshopKind

HEADER = ["Employee Number", "Assignment Number", "Competence Name", "Achieved On", "Expires On"]
CORE_WORKSHOP = "workshop:core"
EXAMPLE_TEMPLATE = "<VPD>|LOCAL|EQUIP Foundations|"


@dataclass(frozen=True)
class Achievement:
    key: str
    label: str


def achievement_keys() -> list[Achievement]:
    """Everything the export can map: each module, the core workshop, each certificate (course order)."""
    found = [
        Achievement(f"module:{slug}", f"Module: {title}")
        for slug, title in db.session.execute(
            select(Module.slug, Module.title).where(Module.retired_at.is_(None)).order_by(Module.position)
        )
    ]
    found.append(Achievement(CORE_WORKSHOP, "Core workshop attended"))
    programme = db.session.scalar(select(Programme).order_by(Programme.id).limit(1))
    for c in programme.certificates if programme else []:
        found.append(Achievement(f"certificate:{c['slug']}", f"Certificate: {c['title']}"))
    return found


@dataclass(frozen=True)
class Line:
    user_id: int
    achievement: str
    employee_number: str
    assignment_number: str
    competence: str
    achieved_on: dt.date
    expires_on: dt.date | None

    def cells(self) -> list:
        return [self.employee_number, self.assignment_number, self.competence, self.achieved_on, self.expires_on]


def current_lines(organisation: Organisation) -> tuple[list[Line], int]:
    """What people in the organisation hold now, as export lines; and how many achievers lack an employee number."""
    settings = settings_for(organisation)
    names: dict[str, str] = {k: v for k, v in (settings.competences or {}).items() if v}
    if not names:
        return [], 0
    people = {u.id: u for u in db.session.scalars(select(User).where(User.organisation_id == organisation.id))}
    achieved: dict[tuple[int, str], dt.date] = {}
    for user_id, slug, at in db.session.execute(
        select(ModuleProgress.user_id, Module.slug, ModuleProgress.completed_at)
        .join(Module, Module.id == ModuleProgress.module_id)
        .join(User, User.id == ModuleProgress.user_id)
        .where(User.organisation_id == organisation.id, ModuleProgress.completed_at.is_not(None))
    ):
        if at is not None:  # always, by the query's condition; narrows the type
            achieved[(user_id, f"module:{slug}")] = at.date()
    for user_id, last in workshop_queries.core_completed(
        select(User.id).where(User.organisation_id == organisation.id)
    ).items():
        if last is not None:  # attended the core, or renewed it (its expiry counts from here)
            achieved[(user_id, CORE_WORKSHOP)] = last.date()
    certificate_records: dict[tuple[int, str], list[str]] = {}
    for user_id, slug, on, claim in db.session.execute(
        select(Certificate.user_id, Certificate.achievement, Certificate.completed_on, Certificate.claim)
        .join(User, User.id == Certificate.user_id)
        .where(User.organisation_id == organisation.id, Certificate.status == CertificateStatus.VALID)
    ):
        achieved[(user_id, f"certificate:{slug}")] = on
        certificate_records[(user_id, f"certificate:{slug}")] = [
            f"module:{m.get('slug')}" for m in (claim or {}).get("modules", [])
        ] + (
            [CORE_WORKSHOP]
            if any(w.get("kind") == WorkshopKind.CORE.label for w in (claim or {}).get("workshops", []))
            else []
        )
    # Expiry is the organisation's training requirements' (each mandatory module's, the core's); a certificate
    # expires with the first of the completions it records.
    requirements = requirement_rules.load(organisation.id)
    module_ids = dict(db.session.execute(select(Module.slug, Module.id)).all())

    def expiry(user_id: int, key: str, on: dt.date) -> dt.date | None:
        if key == CORE_WORKSHOP:
            return requirements.core_expiry(on)
        if key.startswith("module:"):
            return requirements.module_expiry(module_ids.get(key.removeprefix("module:"), -1), on)
        dates = [
            d
            for k in certificate_records.get((user_id, key), [])
            if (when := achieved.get((user_id, k))) is not None and (d := expiry(user_id, k, when)) is not None
        ]
        return min(dates) if dates else None

    assignments: dict[int, str] = {}
    for user_id, number in db.session.execute(
        select(StaffAssignment.user_id, StaffAssignment.assignment_number)
        .where(StaffAssignment.organisation_id == organisation.id)
        .order_by(StaffAssignment.end_date.is_not(None), StaffAssignment.start_date, StaffAssignment.id)
    ):
        assignments.setdefault(user_id, number)
    lines, missing = [], set()
    for (user_id, key), on in sorted(achieved.items()):
        if key not in names or user_id not in people:
            continue
        user = people[user_id]
        if not user.employee_number:
            missing.add(user_id)
            continue
        expires = expiry(user_id, key, on)
        lines.append(Line(user_id, key, user.employee_number, assignments.get(user_id, ""), names[key], on, expires))
    return lines, len(missing)


def _baseline(organisation: Organisation) -> dict[tuple[int, str], EsrExportLine]:
    """The last state each (person, achievement) was exported in, by the incremental exports."""
    latest: dict[tuple[int, str], EsrExportLine] = {}
    for line in db.session.scalars(
        select(EsrExportLine)
        .join(EsrExport, EsrExport.id == EsrExportLine.export_id)
        .where(EsrExport.organisation_id == organisation.id, EsrExport.kind == "incremental")
        .order_by(EsrExportLine.id)
    ):
        latest[(line.user_id, line.achievement)] = line
    return latest


def _same(old: EsrExportLine, new: Line) -> bool:
    return not old.revoked and (
        old.employee_number,
        old.assignment_number,
        old.competence,
        old.achieved_on,
        old.expires_on,
    ) == (new.employee_number, new.assignment_number, new.competence, new.achieved_on, new.expires_on)


def make_export(
    actor: User | None,
    organisation: Organisation,
    *,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> EsrExport:
    """A new export, kept with its lines: incremental, or (with `since`) everything achieved in a date range."""
    lines, _missing = current_lines(organisation)
    export = EsrExport(
        organisation_id=organisation.id,
        kind="range" if since else "incremental",
        since=since,
        until=until,
        actor_id=actor.id if actor else None,
        created_at=utcnow(),
    )
    achieved: list[Line] = []
    revoked: list[EsrExportLine] = []
    if since:
        last = until or utcnow().date()
        achieved = [line for line in lines if since <= line.achieved_on <= last]
    else:
        base = _baseline(organisation)
        achieved = [
            line
            for line in lines
            if (old := base.get((line.user_id, line.achievement))) is None or not _same(old, line)
        ]
        now = {(line.user_id, line.achievement) for line in lines}
        revoked = [old for key, old in base.items() if not old.revoked and key not in now]
    for line in achieved:
        export.lines.append(
            EsrExportLine(
                user_id=line.user_id,
                achievement=line.achievement,
                employee_number=line.employee_number,
                assignment_number=line.assignment_number,
                competence=line.competence,
                achieved_on=line.achieved_on,
                expires_on=line.expires_on,
                revoked=False,
            )
        )
    for old in revoked:
        export.lines.append(
            EsrExportLine(
                user_id=old.user_id,
                achievement=old.achievement,
                employee_number=old.employee_number,
                assignment_number=old.assignment_number,
                competence=old.competence,
                achieved_on=old.achieved_on,
                expires_on=old.expires_on,
                revoked=True,
            )
        )
    export.achieved, export.revoked = len(achieved), len(revoked)
    db.session.add(export)
    db.session.flush()
    log_event(
        "esr.exported",
        actor,
        export,
        organisation_id=organisation.id,
        kind=export.kind,
        achieved=export.achieved,
        revoked=export.revoked,
    )
    return export


def rows_of(export: EsrExport, *, revoked: bool, date_format: str = "%d/%m/%Y") -> list[list]:
    """The export's rows (achieved, or revocations) as cells; dates in the organisation's format."""
    out = []
    for line in export.lines:
        if line.revoked is revoked:
            out.append(
                [
                    line.employee_number,
                    line.assignment_number,
                    line.competence,
                    line.achieved_on.strftime(date_format),
                    line.expires_on.strftime(date_format) if line.expires_on else "",
                ]
            )
    return out


def csv_text(export: EsrExport, *, revoked: bool, date_format: str = "%d/%m/%Y") -> str:
    return csvsafe.csv_text(HEADER, rows_of(export, revoked=revoked, date_format=date_format))


def xlsx_bytes(export: EsrExport) -> bytes:
    """Both lists in one workbook: "Achieved" and "Revoked" sheets, dates as dates, cells neutralised."""
    from openpyxl import Workbook

    book = Workbook()
    sheets = [("Achieved", False), ("Revoked", True)]
    for n, (title, revoked) in enumerate(sheets):
        sheet = book.active if n == 0 else book.create_sheet()
        assert sheet is not None
        sheet.title = title
        csvsafe.xlsx_append(sheet, HEADER)
        for line in export.lines:
            if line.revoked is revoked:
                csvsafe.xlsx_append(
                    sheet,
                    [line.employee_number, line.assignment_number, line.competence, line.achieved_on, line.expires_on],
                )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def write_files(export: EsrExport, out: Path, date_format: str = "%d/%m/%Y") -> list[Path]:
    """Write the export to `out` (.csv or .xlsx). A CSV's revocations go beside it in `<name>-revocations.csv`."""
    if out.suffix.lower() == ".xlsx":
        out.write_bytes(xlsx_bytes(export))
        return [out]
    revocations = out.with_name(f"{out.stem}-revocations.csv")
    out.write_text(csv_text(export, revoked=False, date_format=date_format), encoding="utf-8")
    revocations.write_text(csv_text(export, revoked=True, date_format=date_format), encoding="utf-8")
    return [out, revocations]


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "organisation"


def nightly_export(directory: str | Path | None = None) -> list[Path]:
    """The nightly export: an incremental export of every organisation that maps competences, written into
    ESR_EXPORT_DIR/<organisation>/ (or `directory`), each organisation committed on its own. The job queue
    schedules this; `equiptrain esr nightly` runs it from cron meanwhile. Returns the files written."""
    base = directory or current_app.config.get("ESR_EXPORT_DIR")
    if not base:
        return []
    written: list[Path] = []
    from equiptrain.records.models import RecordsSettings

    org_ids = list(
        db.session.scalars(select(RecordsSettings.organisation_id).order_by(RecordsSettings.organisation_id))
    )
    for org_id in org_ids:
        org = db.session.get(Organisation, org_id)
        settings = settings_for(org) if org else None
        if org is None or settings is None or not any((settings.competences or {}).values()):
            continue
        folder = Path(base) / slug(org.name)
        folder.mkdir(parents=True, exist_ok=True)
        export = make_export(None, org)
        stamp = export.created_at.strftime("%Y-%m-%d-%H%M%S")
        written += write_files(export, folder / f"esr-competences-{stamp}.csv", settings.date_format)
        db.session.commit()
    return written
