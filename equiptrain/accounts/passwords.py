"""Password hashing (argon2id) and the password rules: long enough and not common (NCSC guidance)."""

from __future__ import annotations

import gzip
from functools import lru_cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

MIN_LENGTH = 12
MAX_LENGTH = 256
# 19,646 common passwords, bundled so the check needs no network (list from Django, BSD licence).
COMMON_PASSWORDS_FILE = Path(__file__).resolve().parent.parent / "data" / "common-passwords.txt.gz"


@lru_cache(maxsize=1)
def _common_passwords() -> frozenset[str]:
    with gzip.open(COMMON_PASSWORDS_FILE, "rt", encoding="utf-8") as fh:
        return frozenset(line.strip().lower() for line in fh if line.strip())


def password_problems(password: str, *, email: str = "", name: str = "") -> list[str]:
    """What is wrong with a proposed password, as messages saying how to fix it (empty when fine)."""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(f"Enter a password of at least {MIN_LENGTH} characters. Three random words work well.")
    if len(password) > MAX_LENGTH:
        problems.append(f"Enter a password of {MAX_LENGTH} characters or fewer.")
    lowered = password.lower()
    # "password123456" is as guessable as "password": strip the digits and symbols people tack on.
    stem = lowered.strip("0123456789!?.@#$%&*_- ")
    if lowered in _common_passwords() or stem in _common_passwords() or len(set(lowered)) < 4:
        problems.append("That password is one of the most common passwords. Choose something less predictable.")
    elif (email and lowered == email.lower()) or (name and lowered == name.lower()):
        problems.append("Your password must not be your email address or your name.")
    return problems


def _hasher() -> PasswordHasher:
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    hasher = app.extensions.get("equiptrain.password_hasher")
    if hasher is None:
        hasher = PasswordHasher(
            time_cost=app.config["ARGON2_TIME_COST"],
            memory_cost=app.config["ARGON2_MEMORY_COST"],
            parallelism=app.config["ARGON2_PARALLELISM"],
        )
        app.extensions["equiptrain.password_hasher"] = hasher
    return hasher


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True if `password` matches; always does the work of one check, so timing reveals nothing."""
    hasher = _hasher()
    if password_hash is None:
        password_hash = app_dummy_hash()
        try:
            hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            pass
        return False
    try:
        return hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def rehashed(password_hash: str, password: str) -> str | None:
    """A new hash of `password` at the configured cost when `password_hash` (already verified) was made at another
    cost, else None: existing hashes move to the current cost on the person's next sign-in."""
    hasher = _hasher()
    try:
        return hasher.hash(password) if hasher.check_needs_rehash(password_hash) else None
    except InvalidHashError:
        return None


def app_dummy_hash() -> str:
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    dummy = app.extensions.get("equiptrain.dummy_hash")
    if dummy is None:
        dummy = app.extensions["equiptrain.dummy_hash"] = _hasher().hash("not a real password, for timing")
    return dummy
