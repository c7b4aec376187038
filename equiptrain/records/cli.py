"""Commands for the trust's records: `equiptrain staff sync|mapping`, `equiptrain esr export|nightly`,
`equiptrain xapi send`."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import func, select

from equiptrain import transaction
from equiptrain.extensions import db


def _organisation(name: str):
    from equiptrain.accounts.models import Organisation

    org = db.session.scalar(select(Organisation).where(func.lower(Organisation.name) == name.lower()))
    if org is None:
        raise click.ClickException(f"There is no organisation called {name!r}.")
    return org


@click.group("staff")
def staff():
    """Staff records from ESR: sync starters, movers and leavers; map organisation units to teams."""


@staff.command("sync")
@click.argument("staff_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--organisation", "org_name", required=True, help="The organisation the staff file is from.")
@click.option("--dry-run", is_flag=True, help="Show what would change, and change nothing.")
@click.option("--full", is_flag=True, help="The file is a full extract: people missing from it are leavers.")
@click.option("--force", is_flag=True, help="Deactivate even more than the organisation's share of its people.")
@with_appcontext
def staff_sync(staff_file: Path, org_name: str, dry_run: bool, full: bool, force: bool):
    """Reconcile the organisation's people with an ESR staff file, all or nothing.

    Starters are created and invited, movers change team (the move is kept with its date), people whose end date
    has passed are deactivated, and so (with --full) are people missing from the file. Nothing is deleted.
    """
    from equiptrain.accounts import invitations
    from equiptrain.accounts.importer import ImportInvalid, read_limited
    from equiptrain.records import staffsync

    transaction.writes_now()
    org = _organisation(org_name)
    try:
        with staff_file.open("rb") as stream:
            text = read_limited(stream, staff_file.stat().st_size)
        plan = staffsync.plan(text, org, full=full, filename=str(staff_file))
    except ImportInvalid as exc:
        db.session.rollback()
        for p in exc.problems:
            click.echo(f"{staff_file}:{p.line}: {p.column}: {p.message}", err=True)
        sys.exit(1)
    except staffsync.SyncInvalid as exc:
        db.session.rollback()
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        if exc.total > len(exc.problems):
            click.echo(f"... and {exc.total - len(exc.problems)} more.", err=True)
        click.echo(f"Nothing was changed: {exc.total} problem(s). Correct the file and run again.", err=True)
        sys.exit(1)
    _print_plan(plan)
    if dry_run:
        db.session.rollback()
        click.echo("Dry run: nothing was changed.")
        return
    try:
        result = staffsync.apply(None, plan, force=force)
    except staffsync.SyncRefused as exc:
        db.session.rollback()
        click.echo(str(exc) + " (--force)", err=True)
        sys.exit(2)
    db.session.commit()
    click.echo("Synced: " + ", ".join(f"{n} {k}" for k, n in plan.counts.items()) + ".")
    if result.invitations is not None:
        run = invitations.send_batches(result.invitations.id)
        if run is not None:
            click.echo(f"Sent {run.sent} invitation(s).")


def _print_plan(plan) -> None:
    click.echo(
        f"{plan.organisation.name}: "
        + ", ".join(f"{n} {k}" for k, n in plan.counts.items())
        + (" (full extract)" if plan.full else "")
    )
    for title, changes in (
        ("New", plan.new),
        ("Moved", plan.moved),
        ("Updated", plan.updated),
        ("Leaving", plan.leaving),
    ):
        for c in changes:
            click.echo(f"  {title}: {c.employee_number} {c.name}" + (f" ({c.detail})" if c.detail else ""))
    for note in plan.notes:
        click.echo(f"  Note: {note}")
    if plan.over_guard:
        click.echo(
            f"  Warning: {len(plan.leaving)} of {plan.active_people} active people would be deactivated, more than "
            f"{plan.share:.0%}."
        )


@staff.command("mapping")
@click.argument("mapping_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--organisation", "org_name", required=True)
@with_appcontext
def staff_mapping(mapping_file: Path, org_name: str):
    """Replace the organisation's unit-to-team mapping with a CSV file of `unit,team` lines."""
    from equiptrain.records import services

    transaction.writes_now()
    org = _organisation(org_name)
    try:
        count = services.set_team_mapping(None, org, mapping_file.read_text(encoding="utf-8-sig"), str(mapping_file))
    except services.MappingInvalid as exc:
        db.session.rollback()
        for problem in exc.problems:
            click.echo(problem, err=True)
        sys.exit(1)
    db.session.commit()
    click.echo(f"{org.name}: {count} organisation unit(s) mapped to teams.")


@click.group("esr")
def esr_group():
    """The competence export for ESR."""


@esr_group.command("export")
@click.option("--organisation", "org_name", required=True)
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path), help=".csv or .xlsx")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="Everything achieved from this date (YYYY-MM-DD).")
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), help="... up to this date (default: today).")
@with_appcontext
def esr_export(org_name: str, out: Path, since: dt.datetime | None, until: dt.datetime | None):
    """Export the competences achieved: what changed since the last export (revocations listed apart), or, with
    --since, everything achieved in a date range."""
    from equiptrain.records import esr
    from equiptrain.records.staffsync import settings_for

    transaction.writes_now()
    org = _organisation(org_name)
    if out.suffix.lower() not in (".csv", ".xlsx"):
        raise click.ClickException("--out must name a .csv or .xlsx file.")
    settings = settings_for(org)
    if not any((settings.competences or {}).values()):
        raise click.ClickException(f"{org.name} maps no achievement to a competence yet: set the mapping first.")
    export = esr.make_export(None, org, since=since.date() if since else None, until=until.date() if until else None)
    files = esr.write_files(export, out, settings.date_format)
    db.session.commit()
    click.echo(f"{export.achieved} competence(s) achieved, {export.revoked} revoked: " + ", ".join(map(str, files)))


@esr_group.command("nightly")
@click.option("--folder", type=click.Path(file_okay=False, path_type=Path), help="Default: ESR_EXPORT_DIR.")
@with_appcontext
def esr_nightly(folder: Path | None):
    """Write every organisation's incremental export into its folder (what the nightly job runs)."""
    from equiptrain.records import esr

    transaction.writes_now()
    files = esr.nightly_export(folder)
    click.echo(f"Wrote {len(files)} file(s)." if files else "Nothing to write (no ESR_EXPORT_DIR or no mapping).")


@click.group("xapi")
def xapi_group():
    """xAPI statements to the learning record store."""


@xapi_group.command("send")
@click.option("--limit", default=500, show_default=True, type=click.IntRange(1, 100_000))
@with_appcontext
def xapi_send(limit: int):
    """Send the statements that are due (retries wait their back-off)."""
    from equiptrain.records import xapi

    counts = xapi.deliver_pending(limit=limit)
    click.echo(f"Sent {counts['sent']}, to retry {counts['retry']}, failed {counts['failed']}.")


COMMANDS = [staff, esr_group, xapi_group]
