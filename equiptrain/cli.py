"""The `equiptrain` command: serve, db, users, demo, content."""
from __future__ import annotations

import getpass
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext
from sqlalchemy import func, inspect, select
from werkzeug.serving import run_simple

from equiptrain.extensions import db

# Steps other features add to run before `serve` starts (e.g. syncing course content).
SERVE_PREPARATIONS: list = []


def _create_app():
    from equiptrain import create_app
    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_default_commands=False, add_version_option=False)
def main():
    """EquipTrain: the EQUIP staff training platform."""


def upgrade_database() -> None:
    from flask_migrate import upgrade
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
@with_appcontext
def serve(host: str, port: int, demo: bool):
    """Prepare the instance folder and database, then serve the site (development server)."""
    app = current_app._get_current_object()
    click.echo(f"Instance folder: {app.instance_path}")
    upgrade_database()
    for prepare in SERVE_PREPARATIONS:
        prepare(app)
    if demo or database_is_empty():
        from equiptrain.demo import load_demo
        click.echo(load_demo())
    db.session.remove()
    click.echo(f"EquipTrain is running on http://{host}:{port}/ (press Ctrl+C to stop)")
    # The development server; production runs gunicorn (see the README).
    run_simple(host, port, app, threaded=True, use_reloader=False, use_debugger=False)


@click.command("demo")
@click.option("--large", is_flag=True, help="Instead, load a trust of 10,000 staff in 500 teams (for measuring).")
@with_appcontext
def demo_command(large: bool):
    """Load the demo trust: teams, managers, learners, trainers and their records."""
    from equiptrain.demo import DEMO_PASSWORD, load_demo
    upgrade_database()
    if large:
        import time

        from equiptrain.accounts.passwords import hash_password
        from equiptrain.demo.large import load_large

        started = time.perf_counter()
        message = load_large(hash_password(DEMO_PASSWORD))
        click.echo(f"{message} ({time.perf_counter() - started:.1f} s)")
        return
    click.echo(load_demo())


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
    from equiptrain.accounts.models import MembershipRole, Organisation, Team, TrainerKind

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
        user = services.create_user(None, name=name, email=email, profession=prof, organisation=org, password=pw,
                                    is_org_admin=admin, is_platform_admin=platform_admin,
                                    trainer_kind=TrainerKind(trainer) if trainer else None)
        if team_name:
            if org is None:
                raise services.ServiceError("--team needs --organisation.")
            team = db.session.scalar(select(Team).where(Team.organisation_id == org.id,
                                                        func.lower(Team.name) == team_name.lower()))
            if team is None:
                raise services.ServiceError(f"{org.name} has no team called {team_name}.")
            services.set_membership(None, user, team, MembershipRole.MANAGER if manager else MembershipRole.MEMBER)
        if pw is None:
            services.invite(None, user)
    except services.ServiceError as exc:
        db.session.rollback()
        raise click.ClickException(exc.message) from None
    db.session.commit()
    click.echo(f"Created {user.email}" + ("" if pw else f"; invitation written by the {current_app.config['MAIL_BACKEND']} mail backend"))


@users.command("import")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--organisation", "org_name", required=True, help="The organisation whose teams the file names.")
@click.option("--no-invite", is_flag=True, help="Do not email invitations to the new people.")
@with_appcontext
def users_import(csv_file: Path, org_name: str, no_invite: bool):
    """Import people from a CSV file: name,email,profession,employee_number,team,manager.

    Every row is checked first; if any is wrong, nothing is imported.
    """
    from equiptrain.accounts.importer import ImportInvalid, import_users
    from equiptrain.accounts.models import Organisation

    org = db.session.scalar(select(Organisation).where(func.lower(Organisation.name) == org_name.lower()))
    if org is None:
        raise click.ClickException(f"There is no organisation called {org_name!r}.")
    try:
        text = csv_file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise click.ClickException(f"{csv_file}: not UTF-8 text; save it from your spreadsheet as 'CSV UTF-8'.")
    try:
        result = import_users(None, org, text, send_invites=not no_invite)
    except ImportInvalid as exc:
        db.session.rollback()
        for problem in exc.problems:
            click.echo(f"{csv_file}:{problem.line}: {problem.column}: {problem.message}", err=True)
        click.echo(f"Nothing was imported: {len(exc.problems)} problem(s). Correct the file and run again.", err=True)
        sys.exit(1)
    db.session.commit()
    click.echo(f"Imported {len(result.created)} new and updated {len(result.updated)} people into {org.name}.")


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
        click.echo(f"{len(problems)} problem(s) in {root}. Fix them and run `equiptrain content validate` again.",
                   err=True)
        sys.exit(1)
    click.echo(f"{root}: the course content is valid.")


@content.command("sync")
@click.argument("path", required=False, type=click.Path(file_okay=False, path_type=Path))
@with_appcontext
def content_sync(path: Path | None):
    """Check the content tree, then load it into the database in one transaction (all or nothing)."""
    from equiptrain.content.loader import ContentInvalid
    from equiptrain.content.sync import sync_course

    root = path or Path(current_app.config["CONTENT_DIR"])
    upgrade_database()
    try:
        report = sync_course(root)
    except ContentInvalid as exc:
        db.session.rollback()
        for problem in exc.problems:
            click.echo(f"{root}/{problem}")
        click.echo(f"{len(exc.problems)} problem(s) in {root}; nothing was synced. Fix them and run "
                   f"`equiptrain content sync` again.", err=True)
        sys.exit(1)
    db.session.commit()
    click.echo(str(report))


def init_app(app) -> None:
    app.cli.add_command(serve)
    app.cli.add_command(demo_command)
    app.cli.add_command(users)
    app.cli.add_command(content)
