"""`equiptrain certificates issue`: issue every certificate people already qualify for (existing sites, new
rules), in batches that each commit or roll back as a whole."""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from equiptrain import transaction
from equiptrain.accounts.models import Organisation, User
from equiptrain.extensions import db
from equiptrain.learning.models import ModuleProgress


@click.group("certificates")
def certificates():
    """Certificates: issue those already earned."""


@certificates.command("issue")
@click.option("--organisation", "org_name", help="Only people in this organisation (default: everyone).")
@click.option(
    "--batch-size",
    default=200,
    show_default=True,
    type=click.IntRange(1, 10_000),
    help="People checked per transaction; a failing batch changes nothing.",
)
@with_appcontext
def issue(org_name: str | None, batch_size: int):
    """Issue every certificate that people already qualify for and do not hold yet."""
    from equiptrain.certificates import services

    transaction.writes_now()  # it writes while the site may be serving: SQLite's write lock when each batch begins
    query = (
        select(User.id)
        .where(
            User.deactivated_at.is_(None),
            select(ModuleProgress.id)
            .where(ModuleProgress.user_id == User.id, ModuleProgress.completed_at.is_not(None))
            .exists(),
        )
        .order_by(User.id)
    )
    if org_name:
        org = db.session.scalar(select(Organisation).where(Organisation.name == org_name))
        if org is None:
            click.echo(
                f"There is no organisation called {org_name!r}. Check the name (it must match exactly) "
                "or leave out --organisation.",
                err=True,
            )
            sys.exit(1)
        query = query.where(User.organisation_id == org.id)
    ids = list(db.session.scalars(query))
    db.session.rollback()
    issued = 0
    with click.progressbar(length=len(ids), label="Checking people", show_pos=True) as bar:
        for start in range(0, len(ids), batch_size):
            chunk = ids[start : start + batch_size]
            try:
                users = list(
                    db.session.scalars(
                        select(User)
                        .where(User.id.in_(chunk))
                        .options(selectinload(User.organisation))
                        .order_by(User.id)
                    )
                )
                issued += len(services.issue_due(users))
                db.session.commit()
            except Exception as exc:
                db.session.rollback()
                click.echo(
                    f"\nStopped: checking people {start + 1}-{start + len(chunk)} failed ({exc}). That batch "
                    f"issued nothing; {issued} certificate(s) from earlier batches are kept. Fix the problem "
                    "and run the command again: it only issues what is still missing.",
                    err=True,
                )
                sys.exit(1)
            bar.update(len(chunk))
    click.echo(f"Issued {issued} certificate(s) to people who already qualified ({len(ids)} people checked).")
