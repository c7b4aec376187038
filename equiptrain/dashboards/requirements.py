"""An organisation's training requirements as a plain value, and the rules that turn them into a person's
deadline and status. No database access here beyond `load` (two queries)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from equiptrain.dashboards.models import MandatoryModule, TrainingRequirements
from equiptrain.extensions import db
from equiptrain.learning.models import ProgressStatus

NOT_STARTED, IN_PROGRESS, COMPLETE = ProgressStatus.NOT_STARTED, ProgressStatus.IN_PROGRESS, ProgressStatus.COMPLETE
STATUS_LABELS = {s: s.label for s in (NOT_STARTED, IN_PROGRESS, COMPLETE)}


@dataclass(frozen=True)
class Requirements:
    organisation_id: int
    deadline: dt.date | None = None
    joiner_days: int | None = None
    core_mandatory: bool = False
    refresh_months: int | None = None
    mandatory_module_ids: frozenset[int] = frozenset()
    refresher_whole_module: bool = False

    @property
    def has_requirements(self) -> bool:
        return bool(self.mandatory_module_ids or self.core_mandatory)

    def required_module_ids(self, all_module_ids) -> frozenset[int]:
        """The modules that count for 'complete': the mandatory ones, or every module when none is mandatory."""
        return self.mandatory_module_ids or frozenset(all_module_ids)

    def deadline_for(self, joined: dt.date | None, team_deadline: dt.date | None = None) -> dt.date | None:
        """The later of the organisation's (or the team's later) date and `joiner_days` after joining."""
        if not self.has_requirements:
            return None
        dates = [d for d in (self.deadline, team_deadline) if d is not None]
        if self.joiner_days is not None and joined is not None:
            dates.append(joined + dt.timedelta(days=self.joiner_days))
        return max(dates) if dates else None

    def expiry(self, completed: dt.date | None) -> dt.date | None:
        if completed is None or not self.refresh_months:
            return None
        month = completed.month - 1 + self.refresh_months
        year, month = completed.year + month // 12, month % 12 + 1
        for day in (completed.day, 30, 29, 28):  # the same day of the month, or the month's last
            try:
                return dt.date(year, month, day)
            except ValueError:
                continue
        return None


def person_status(
    modules_done: int, modules_started: int, required: int, core_done: bool, core_mandatory: bool
) -> ProgressStatus:
    """Complete once every required module (and the core workshop, when mandatory) is done."""
    if modules_done >= required and (core_done or not core_mandatory):
        return COMPLETE
    if modules_started or core_done:
        return IN_PROGRESS
    return NOT_STARTED


def is_overdue(deadline: dt.date | None, status: str, today: dt.date) -> bool:
    return deadline is not None and status != COMPLETE and today > deadline


def load(organisation_id: int) -> Requirements:
    """The organisation's requirements (two queries); an organisation that set nothing requires nothing."""
    row = db.session.scalar(select(TrainingRequirements).where(TrainingRequirements.organisation_id == organisation_id))
    mandatory = frozenset(
        db.session.scalars(select(MandatoryModule.module_id).where(MandatoryModule.organisation_id == organisation_id))
    )
    if row is None:
        return Requirements(organisation_id, mandatory_module_ids=mandatory)
    return Requirements(
        organisation_id,
        row.deadline,
        row.joiner_days,
        row.core_workshop_mandatory,
        row.refresh_months,
        mandatory,
        row.refresher_whole_module,
    )
