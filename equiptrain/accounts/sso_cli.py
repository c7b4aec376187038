"""`equiptrain sso add|list|remove`: an organisation's single sign-on providers from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from equiptrain import transaction
from equiptrain.accounts import sso, sso_oidc
from equiptrain.accounts.models import Organisation
from equiptrain.accounts.sso_models import EMAIL_CLAIMS, SsoProvider
from equiptrain.errors import ServiceError
from equiptrain.extensions import db


def _redirect_uri() -> str:
    return current_app.config["PUBLIC_URL"].rstrip("/") + "/sign-in/sso/callback"


def _organisation(name: str) -> Organisation:
    org = db.session.scalar(select(Organisation).where(Organisation.name == name))
    if org is None:
        raise click.ClickException(f"There is no organisation called {name}.")
    return org


@click.group("sso")
def sso_command():
    """Single sign-on (OpenID Connect) providers for organisations."""


@sso_command.command("add")
@click.option("--organisation", "org_name", required=True)
@click.option("--name", required=True, help='Shown as "Sign in with NAME".')
@click.option("--issuer", required=True, help="The provider's issuer URL, exactly (Entra: the tenant's own).")
@click.option("--client-id", required=True)
@click.option("--client-secret", help="For client_secret_basic (or client_secret_post with --post).")
@click.option("--post", is_flag=True, help="Send the client secret in the request body (client_secret_post).")
@click.option(
    "--private-key",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="PEM RSA private key for private_key_jwt (copied into the instance folder, mode 0600).",
)
@click.option("--domains", required=True, help="Email domains it vouches for, comma-separated.")
@click.option("--tenant", help="Tenant ID (tid) every ID token must carry.")
@click.option("--require-group", help="A groups/roles claim value every person must have.")
@click.option("--email-claim", type=click.Choice(EMAIL_CLAIMS), default="email", show_default=True)
@click.option("--trust-email", is_flag=True, help="Trust addresses in the domains without email_verified (Entra).")
@with_appcontext
def sso_add(org_name, name, issuer, client_id, client_secret, post, private_key, domains, tenant, require_group,
            email_claim, trust_email):  # fmt: skip
    """Add a provider; prints the redirect URI (and public key) to register with it."""
    if bool(client_secret) == bool(private_key):
        raise click.ClickException("Give exactly one of --client-secret and --private-key.")
    transaction.writes_now()
    org = _organisation(org_name)
    key_file = None
    if private_key:
        try:
            key_file, _key = sso_oidc.save_private_key(private_key.read_bytes())
        except ValueError as exc:
            raise click.ClickException(str(exc)) from None
    method = "private_key_jwt" if private_key else "client_secret_post" if post else "client_secret_basic"
    try:
        provider = sso.add_provider(
            None,
            org,
            sso.ProviderFields(
                name=name,
                issuer=issuer,
                client_id=client_id,
                domains=sso.parse_domains(domains),
                auth_method=method,
                client_secret=client_secret,
                key_file=key_file,
                email_claim=email_claim,
                tenant_id=tenant,
                required_group=require_group,
                trust_email=trust_email,
            ),
        )
        db.session.commit()
    except ServiceError as exc:
        db.session.rollback()
        if key_file:
            (sso_oidc.key_folder() / key_file).unlink(missing_ok=True)
        raise click.ClickException(exc.message) from None
    click.echo(f"Added {provider.name} (id {provider.id}) for {org.name}.")
    click.echo(f"Register this redirect URI with the provider: {_redirect_uri()}")
    if key_file:
        click.echo("Register this public key (JWKS) with the provider:")
        click.echo(json.dumps(sso_oidc.public_jwks(provider), indent=2))


@sso_command.command("list")
@with_appcontext
def sso_list():
    """List every provider (never its secret)."""
    click.echo(f"Redirect URI for every provider: {_redirect_uri()}")
    for provider in sso.all_providers():
        rules = [f"tenant {provider.tenant_id}"] if provider.tenant_id else []
        rules += [f"group {provider.required_group}"] if provider.required_group else []
        click.echo(
            f"{provider.id}\t{provider.organisation.name}\t{provider.name}\t{provider.issuer}\t{provider.auth_method}\t"
            f"{','.join(provider.domains)}\t{', '.join(rules) or '-'}"
        )


@sso_command.command("remove")
@click.argument("provider_id", required=False, type=int)
@click.option("--organisation", "org_name")
@click.option("--name")
@with_appcontext
def sso_remove(provider_id, org_name, name):
    """Remove a provider, by id or by --organisation and --name (people keep their accounts)."""
    transaction.writes_now()
    if provider_id is not None:
        provider = db.session.get(SsoProvider, provider_id)
    elif org_name and name:
        org = _organisation(org_name)
        provider = db.session.scalar(
            select(SsoProvider).where(SsoProvider.organisation_id == org.id, SsoProvider.name == name)
        )
    else:
        raise click.ClickException("Give a provider id, or --organisation and --name.")
    if provider is None:
        raise click.ClickException("There is no such provider. See `equiptrain sso list`.")
    label = provider.name
    key_file = sso.remove_provider(None, provider)
    db.session.commit()
    if key_file:
        (sso_oidc.key_folder() / key_file).unlink(missing_ok=True)
    click.echo(f"Removed {label}.")
