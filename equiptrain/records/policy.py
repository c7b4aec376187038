"""Who may open a staff sync or an ESR export: the organisation's administrators. To anyone from another
organisation they answer as missing ones would."""

from __future__ import annotations

from equiptrain.accounts.models import User
from equiptrain.accounts.policy import same_organisation
from equiptrain.accounts.services import administers
from equiptrain.authz import policy, scope
from equiptrain.records.models import EsrExport, StaffSyncRun


@scope(StaffSyncRun)
def sync_run_scope(user: User, run: StaffSyncRun) -> bool:
    return same_organisation(user, run.organisation_id)


@policy(StaffSyncRun, "manage")
def runs_staff_sync(user: User, run: StaffSyncRun) -> bool:
    return administers(user, run.organisation_id)


@scope(EsrExport)
def export_scope(user: User, export: EsrExport) -> bool:
    return same_organisation(user, export.organisation_id)


@policy(EsrExport, "view")
def sees_export(user: User, export: EsrExport) -> bool:
    return administers(user, export.organisation_id)
