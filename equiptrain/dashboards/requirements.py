"""An organisation's training requirements as a plain value, and the rules that turn them into a person's
deadline and status. No database access here beyond `load` (two queries)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

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
    mandatory_module_ids: frozenset[int] = frozenset()
    refresher_whole_module: bool = False
    # {mandatory module id: months until its completion expires}; modules that do not expire are absent.
    module_expiry_months: dict[int, int] = field(default_factory=dict, hash=False)
    core_expiry_months: int | None = None

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

    @property
    def expires(self) -> bool:
        """Whether anything this organisation requires expires (a mandatory module or the core)."""
        return bool(self.module_expiry_months or self.core_expiry_months)

    def module_expiry(self, module_id: int, completed: dt.date | None) -> dt.date | None:
        """When a completion of this module expires: only a mandatory module given months expires."""
        months = self.module_expiry_months.get(module_id) if module_id in self.mandatory_module_ids else None
        return add_months(completed, months) if completed is not None and months else None

    def core_expiry(self, completed: dt.date | None) -> dt.date | None:
        """When attending the core (or renewing it) expires."""
        months = self.core_expiry_months
        return add_months(completed, months) if completed is not None and months else None


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, or that month's last day where it is shorter."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise ValueError(day)


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
    mandatory = db.session.execute(
        select(MandatoryModule.module_id, MandatoryModule.expiry_months).where(
            MandatoryModule.organisation_id == organisation_id
        )
    ).all()
    ids = frozenset(m for m, _months in mandatory)
    expiry = {m: months for m, months in mandatory if months}
    if row is None:
        return Requirements(organisation_id, mandatory_module_ids=ids, module_expiry_months=expiry)
    return Requirements(
        organisation_id,
        row.deadline,
        row.joiner_days,
        row.core_workshop_mandatory,
        ids,
        row.refresher_whole_module,
        expiry,
        row.core_expiry_months,
    )
