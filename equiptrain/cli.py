"""The `equiptrain` command: serve, worker, jobs, users, demo, content, certificates, backup, restore."""

from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext
from sqlalchemy import func, inspect, select
from werkzeug.serving import run_simple

from equiptrain import transaction
from equiptrain.certificates.cli import certificates as certificates_command
from equiptrain.content.sync import sync_on_serve
from equiptrain.errors import ServiceError
from equiptrain.extensions import db
from equiptrain.records.cli import COMMANDS as records_commands

# Steps run before `serve` starts: syncing the course content when its files changed.
SERVE_PREPARATIONS: list = [sync_on_serve]


def _create_app():
    from equiptrain import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_default_commands=False, add_version_option=False)
def main():
    """EquipTrain: the EQUIP staff training platform."""


def upgrade_database() -> None:
    from flask_migrate import upgrade

    transaction.reads_first()  # at head this only reads; a migration runs before the servers start
    upgrade(revision="heads")


def database_is_empty() -> bool:
    from equiptrain.accounts.models import User

    if "users" not in inspect(db.engine).get_table_names():
        return True
    return db.session.scalar(select(func.count(User.id))) == 0


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=5000, show_default=True, type=int, help="Port to listen on.")
@click.option("--demo", is_flag=True, help="Load the demo trust (also loaded on an empty database).")
@click.option(
    "--threads",
    default=8,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Requests served at once (threads of the worker).",
)
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 32),
    help="Worker processes. More than one needs a shared rate-limit store (see the README).",
)
@click.option("--debug", is_flag=True, help="Werkzeug's development server with the debugger (never in production).")
@click.option("--no-worker", is_flag=True, help="Run no job consumer beside the site (`equiptrain worker` runs them).")
@with_appcontext
def serve(host: str, port: int, demo: bool, threads: int, workers: int, debug: bool, no_worker: bool):
    """Prepare the instance folder and database, then serve the site (gunicorn, threaded)."""
    from equiptrain.server import quiet

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    click.echo(f"Instance folder: {app.instance_path}")
    if workers > 1 and app.config["RATELIMIT_STORAGE_URI"] == "memory://":
        raise click.ClickException(
            "--workers above 1 needs a rate-limit store the workers share: set "
            "EQUIPTRAIN_RATELIMIT_STORAGE_URI (see 'Running it for a whole trust')."
        )
    upgrade_database()
    for prepare in SERVE_PREPARATIONS:
        prepare(app)
    if demo or database_is_empty():
        from equiptrain.demo import load_demo

        with quiet("equiptrain.mail"):  # the demo's invitations are in the outbox; no log line for each
            click.echo(load_demo())
    db.session.remove()
    db.engine.dispose()  # the server's threads (and any forked worker) open their own connections
    url = f"http://{host}:{port}/"
    if not app.config["PUBLIC_URL_CONFIGURED"]:
        # Links, QR codes and badges point at the address this server answers on (set before any worker forks).
        shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
        app.config["PUBLIC_URL"] = f"http://[{shown}]:{port}" if ":" in shown else f"http://{shown}:{port}"
        click.echo(f"PUBLIC_URL is not set: links and certificates use {app.config['PUBLIC_URL']}")
    consumer = None if no_worker else start_consumer(app.config["PUBLIC_URL"])
    try:
        _serve(app, url, host, port, workers, threads, debug)
    finally:
        if consumer is not None:
            consumer.terminate()
            consumer.wait(timeout=30)


def start_consumer(public_url: str):
    """The job consumer beside the web workers, as its own process (`equiptrain worker`), stopped with them.

    It is told the address the site serves on, so what it makes (emails, certificates' QR codes) links there too.
    """
    import subprocess

    click.echo("Starting the job consumer (equiptrain worker)")
    code = "import sys; from equiptrain.cli import main; sys.argv = ['equiptrain', 'worker']; main()"
    return subprocess.Popen([sys.executable, "-c", code], env={**os.environ, "EQUIPTRAIN_PUBLIC_URL": public_url})


def _serve(app, url: str, host: str, port: int, workers: int, threads: int, debug: bool) -> None:
    from equiptrain.server import EmbeddedServer, gunicorn_options

    if debug:
        click.echo(
            f"EquipTrain is running on {url} with Werkzeug's development server and debugger (press Ctrl+C to stop)"
        )
        run_simple(host, port, app, threaded=True, use_reloader=False, use_debugger=True)
        return
    click.echo(
        f"EquipTrain is serving on {url} with gunicorn ({workers} worker(s) x {threads} threads; press Ctrl+C to stop)"
    )
    EmbeddedServer(app, gunicorn_options(host, port, workers, threads)).run()


@click.command("demo")
@click.option("--large", is_flag=True, help="Instead, load a trust of 10,000 staff in 500 teams (for measuring).")
@click.option("--sso", is_flag=True, help="Also let the demo trust sign in through the local test OpenID Provider.")
@with_appcontext
def demo_command(large: bool, sso: bool):
    """Load the demo trust: teams, managers, learners, trainers and their records."""
    from equiptrain.demo import DEMO_PASSWORD, load_demo
    from equiptrain.server import quiet

    upgrade_database()
    transaction.writes_now()
    if large:
        import time

        from equiptrain.accounts.passwords import hash_password
        from equiptrain.demo.large import load_large

        started = time.perf_counter()
        message = load_large(hash_password(DEMO_PASSWORD))
        click.echo(f"{message} ({time.perf_counter() - started:.1f} s)")
        return
    with quiet("equiptrain.mail"):  # the demo's invitations are in the outbox; no log line for each
        click.echo(load_demo())
    if sso:
        from equiptrain.demo import DEMO_ORGANISATION
        from equiptrain.demo.sso import set_up

        click.echo(set_up(DEMO_ORGANISATION))


@click.group("users")
def users():
    """Create and import people."""


@users.command("create")
@click.option("--name", required=True)
@click.option("--email", required=True)
@click.option("--profession", default="other", show_default=True)
@click.option("--organisation", "org_name", help="Organisation name (created if it does not exist).")
@click.option("--team", "team_name", help="Team name within the organisation (must exist).")
@click.option("--manager", is_flag=True, help="Manager of --team.")
@click.option("--admin", is_flag=True, help="Administrator of the organisation.")
@click.option("--platform-admin", is_flag=True, help="Administrator of the whole platform.")
@click.option("--trainer", type=click.Choice(["professional", "service_user", "carer"]))
@click.option("--password", is_flag=True, help="Set a password now (asked for) instead of emailing an invitation.")
@with_appcontext
def users_create(name, email, profession, org_name, team_name, manager, admin, platform_admin, trainer, password):
    """Create one person and invite them (or set their password)."""
    from equiptrain.accounts import services
    from equiptrain.accounts.importer import _profession
    from equiptrain.accounts.models import MembershipRole, Organisation, Team
    from equiptrain.trainers.models import TrainerKind

    transaction.writes_now()
    prof = _profession(profession)
    if prof is None:
        raise click.BadParameter(f"unknown profession {profession!r}", param_hint="--profession")
    org = None
    if org_name:
        org = db.session.scalar(select(Organisation).where(func.lower(Organisation.name) == org_name.lower()))
        org = org or services.create_organisation(None, org_name)
    pw = None
    if password:
        pw = getpass.getpass("Password: ")
        if pw != getpass.getpass("Repeat the password: "):
            raise click.ClickException("The passwords do not match.")
    try:
        user = services.create_user(
            None,
            name=name,
            email=email,
            profession=prof,
            organisation=org,
            password=pw,
            is_org_admin=admin,
            is_platform_admin=platform_admin,
            trainer_kind=TrainerKind(trainer) if trainer else None,
        )
        if team_name:
            if org is None:
                raise ServiceError("--team needs --organisation.")
            team = db.session.scalar(
                select(Team).where(Team.organisation_id == org.id, func.lower(Team.name) == team_name.lower())
            )
            if team is None:
                raise ServiceError(f"{org.name} has no team called {team_name}.")
            services.set_membership(None, user, team, MembershipRole.MANAGER if manager else MembershipRole.MEMBER)
        if pw is None:
            services.invite(None, user)
    except ServiceError as exc:
        db.session.rollback()
        raise click.ClickException(exc.message) from None
    db.session.commit()
    backend = current_app.config["MAIL_BACKEND"]
    click.echo(f"Created {user.email}" + ("" if pw else f"; invitation written by the {backend} mail backend"))


@users.command("import")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--organisation", "org_name", required=True, help="The organisation whose teams the file names.")
@click.option("--no-invite", is_flag=True, help="Do not email invitations to the new people.")
@with_appcontext
def users_import(csv_file: Path, org_name: str, no_invite: bool):
    """Import people from a CSV file: name,email,profession,employee_number,team,manager.

    Every row is checked first; if any is wrong, nothing is imported. The people are saved first, then their
    invitations are sent in batches, with progress shown.
    """
    from equiptrain.accounts import invitations
    from equiptrain.accounts.importer import ImportInvalid, import_users, read_limited
    from equiptrain.accounts.models import Organisation

    transaction.writes_now()
    org = db.session.scalar(select(Organisation).where(func.lower(Organisation.name) == org_name.lower()))
    if org is None:
        raise click.ClickException(f"There is no organisation called {org_name!r}.")
    try:
        with csv_file.open("rb") as stream:
            text = read_limited(stream, csv_file.stat().st_size)
        result = import_users(None, org, text, send_invites=not no_invite)
    except ImportInvalid as exc:
        db.session.rollback()
        for problem in exc.problems:
            click.echo(f"{csv_file}:{problem.line}: {problem.column}: {problem.message}", err=True)
        if exc.total > len(exc.problems):
            click.echo(f"... and {exc.total - len(exc.problems)} more.", err=True)
        click.echo(f"Nothing was imported: {exc.total} problem(s). Correct the file and run again.", err=True)
        sys.exit(1)
    db.session.commit()
    click.echo(f"Imported {len(result.created)} new and updated {len(result.updated)} people into {org.name}.")
    if result.invitations is not None:
        _send_invitations(invitations, result.invitations.id)


def _send_invitations(invitations, run_id: int) -> None:
    run = invitations.send_batches(run_id, progress=lambda r: click.echo(f"Invitations: {r.done} of {r.total}"))
    click.echo(f"Sent {run.sent} invitation(s)" + (f"; {run.skipped} not needed" if run.skipped else "") + ".")


@users.command("send-invitations")
@with_appcontext
def users_send_invitations():
    """Finish sending any import's invitations that a restart interrupted."""
    from equiptrain.accounts import invitations

    runs = invitations.unfinished()
    if not runs:
        click.echo("No invitations are waiting to be sent.")
    for run in runs:
        waiting = f"{run.organisation.name}: {run.total - run.done} of {run.total} invitations still to send"
        if not invitations.claim_stalled(run):
            click.echo(
                f"{waiting}; a server is sending them now (it reported within the last "
                f"{invitations.STALLED_AFTER.seconds // 60} minutes)."
            )
            continue
        db.session.commit()
        click.echo(waiting + ".")
        _send_invitations(invitations, run.id)


@click.group("content")
def content():
    """Check and load the course files in course_content/."""


@content.command("validate")
@click.argument("path", required=False, type=click.Path(file_okay=False, path_type=Path))
@with_appcontext
def content_validate(path: Path | None):
    """Check the whole content tree; print every problem as file:line: field: message."""
    from equiptrain.content.loader import validate_course

    root = path or Path(current_app.config["CONTENT_DIR"])
    problems = validate_course(root)
    for problem in problems:
        click.echo(f"{root}/{problem}" if not str(problem).startswith("/") else str(problem))
    if problems:
        click.echo(
            f"{len(problems)} problem(s) in {root}. Fix them and run `equiptrain content validate` again.", err=True
        )
        sys.exit(1)
    click.echo(f"{root}: the course content is valid.")


@content.command("status")
@click.argument("path", required=False, type=click.Path(file_okay=False, path_type=Path))
@with_appcontext
def content_status(path: Path | None):
    """List the units and scenarios no service-user or carer trainer has reviewed yet (from the files)."""
    from equiptrain.content import provenance
    from equiptrain.content.loader import read_tree

    root = path or Path(current_app.config["CONTENT_DIR"])
    tree, problems = read_tree(root)
    programme = tree.programme.model if tree.programme else None
    required = bool(programme and programme.publishing.require_lived_experience_review)
    for line in provenance.status_report(provenance.status_rows(tree), required):
        click.echo(line)
    if problems:
        click.echo(f"{len(problems)} problem(s) in {root}: run `equiptrain content validate` to see them.", err=True)


@content.command("sync")
@click.argument("path", required=False, type=click.Path(file_okay=False, path_type=Path))
@with_appcontext
def content_sync(path: Path | None):
    """Check the content tree, then load it into the database in one transaction (all or nothing)."""
    from equiptrain.content.loader import ContentInvalid
    from equiptrain.content.sync import sync_course

    root = path or Path(current_app.config["CONTENT_DIR"])
    upgrade_database()
    transaction.writes_now()
    try:
        report = sync_course(root)
    except ContentInvalid as exc:
        db.session.rollback()
        for problem in exc.problems:
            click.echo(f"{root}/{problem}")
        click.echo(
            f"{len(exc.problems)} problem(s) in {root}; nothing was synced. Fix them and run "
            f"`equiptrain content sync` again.",
            err=True,
        )
        sys.exit(1)
    db.session.commit()
    click.echo(str(report))


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Replace PATH if it exists.")
@with_appcontext
def backup_command(path: Path, yes: bool):
    """Copy the database to PATH, consistently, while the site keeps serving (SQLite online backup; pg_dump)."""
    from equiptrain.backup import BackupError, backup

    if path.exists() and not yes:
        raise click.ClickException(f"{path} already exists. Choose a new file name, or add --yes to replace it.")
    if not path.parent.is_dir():
        raise click.ClickException(f"The folder {path.parent} does not exist. Create it first.")
    try:
        click.echo(backup(current_app.config["SQLALCHEMY_DATABASE_URI"], path))
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Confirm that the database's current contents are to be replaced.")
@with_appcontext
def restore_command(path: Path, yes: bool):
    """Replace the database's contents with a backup made by `equiptrain backup`."""
    from equiptrain.backup import BackupError, expected_from_app, restore

    if not yes:
        raise click.ClickException(
            "Restoring replaces everything in the database with the backup. Stop the app "
            "servers, then run the command again with --yes."
        )
    db.session.remove()
    db.engine.dispose()  # no connection of ours may sit on the old contents
    try:
        click.echo(restore(current_app.config["SQLALCHEMY_DATABASE_URI"], path, expected_from_app()))
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(
        "Start the app servers again; everyone will need to sign in again if their session was newer than the backup."
    )


def init_app(app) -> None:
    from equiptrain.accounts.sso_cli import sso_command

    app.cli.add_command(serve)
    app.cli.add_command(demo_command)
    app.cli.add_command(users)
    app.cli.add_command(content)
    app.cli.add_command(certificates_command)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    for command in records_commands:
        app.cli.add_command(command)
    app.cli.add_command(sso_command)
    from equiptrain.jobs import cli as jobs_cli

    jobs_cli.init_app(app)
