"""`equiptrain worker` and `equiptrain jobs status|retry|run-due`."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from equiptrain import transaction
from equiptrain.extensions import db


@click.command("worker")
@click.option("--threads", default=None, type=click.IntRange(1, 32), help="Jobs run at once (default JOBS_WORKERS).")
@click.option("--no-periodic", is_flag=True, help="Do not run the schedule here (another consumer or cron does).")
@with_appcontext
def worker(threads: int | None, no_periodic: bool):
    """Run a job consumer: delivers the outbox, sends invitations, runs the schedule (until Ctrl+C)."""
    from equiptrain.jobs.queue import run_consumer

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    db.session.remove()
    db.engine.dispose()
    click.echo(f"EquipTrain job consumer on {app.config.get('JOBS_URL') or 'instance/jobs.db'} (Ctrl+C to stop)")
    run_consumer(app, workers=threads or int(app.config["JOBS_WORKERS"]), periodic=not no_periodic)


@click.group("jobs")
def jobs_group():
    """The job queue, the outbox and the schedule."""


@jobs_group.command("status")
@with_appcontext
def jobs_status():
    """Queue length, failed deliveries with their error, and the next run of each scheduled task."""
    from equiptrain.jobs import services

    s = services.status()
    click.echo(s.summary)
    click.echo(f"Queued jobs: {s.queued} waiting, {s.scheduled} scheduled for later (retries)")
    click.echo(f"Outbox: {s.outbox_pending} waiting to be delivered, {len(s.outbox_failed)} failed")
    for item in s.outbox_failed:
        click.echo(f"  failed {item.id}: {item.kind} {item.category} to {item.recipient}: {item.last_error}")
    for item in s.outbox_retrying:
        click.echo(
            f"  retrying {item.id}: {item.kind} to {item.recipient}, attempt {item.attempts}, next at "
            f"{item.next_attempt_at:%Y-%m-%d %H:%M} UTC: {item.last_error}"
        )
    click.echo("Schedule:")
    for line in s.schedules:
        last = f"last {line.last_period}" if line.last_period else "not run yet"
        error = f" FAILED: {line.last_error}" if line.last_error else ""
        click.echo(f"  {line.name} ({line.every}): next {line.next_run:%Y-%m-%d %H:%M} UTC, {last}{error}")


@jobs_group.command("retry")
@click.argument("ident")
@with_appcontext
def jobs_retry(ident: str):
    """Try a failed delivery again (its number) or let a scheduled task run again (its name)."""
    from equiptrain.jobs import services

    transaction.writes_now()
    try:
        message = services.retry(ident)
    except (LookupError, ValueError) as error:
        raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo(message)


@jobs_group.command("run-due")
@click.option("--schedule-only", is_flag=True, help="Run the due scheduled tasks but leave queued jobs waiting.")
@with_appcontext
def jobs_run_due(schedule_only: bool):
    """Run what is due now, once: the scheduled tasks whose time has come, then the queued jobs (for cron)."""
    from equiptrain.jobs import schedule
    from equiptrain.jobs.queue import jobs

    transaction.writes_now()
    ran = schedule.run_due()
    click.echo(f"Scheduled tasks run: {', '.join(ran) or 'none due'}")
    if not schedule_only:
        click.echo(f"Queued jobs run: {jobs().run_pending()}")
        db.session.commit()


def init_app(app) -> None:
    app.cli.add_command(worker)
    app.cli.add_command(jobs_group)
