"""Fixtures for the accounts tests: the single sign-on providers (started once per run, when a test asks)."""

from tests.accounts.sso_support import client_key, minting_provider, node_provider

__all__ = ["client_key", "minting_provider", "node_provider"]
