"""Issue 24: argon2id at OWASP's minimum (19 MiB, t=2, p=1) by default, and a hash made at another cost is
replaced with one at the configured cost on the person's next successful sign-in (never on a failed one)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.low_level import Type

from equiptrain import config as config_module
from equiptrain.extensions import db
from tests.builders import PASSWORD


def test_the_default_cost_is_owasps_argon2id_minimum():
    assert config_module.DEFAULTS["ARGON2_MEMORY_COST"] == 19456
    assert config_module.DEFAULTS["ARGON2_TIME_COST"] == 2
    assert config_module.DEFAULTS["ARGON2_PARALLELISM"] == 1


def test_an_old_hash_is_replaced_on_the_next_sign_in_and_still_works(app, build, client):
    user = build.user()
    old = PasswordHasher(time_cost=3, memory_cost=2048, parallelism=2, type=Type.ID).hash(PASSWORD)
    user.password_hash = old
    db.session.commit()

    assert client.post("/sign-in", data={"email": user.email, "password": "wrong password here"}).status_code == 200
    db.session.refresh(user)
    assert user.password_hash == old  # a failed sign-in changes nothing

    assert client.post("/sign-in", data={"email": user.email, "password": PASSWORD}).status_code == 302
    db.session.refresh(user)
    assert user.password_hash != old
    params = user.password_hash.split("$")[3]
    cfg = app.config
    assert params == f"m={cfg['ARGON2_MEMORY_COST']},t={cfg['ARGON2_TIME_COST']},p={cfg['ARGON2_PARALLELISM']}"
    client.post("/sign-out")
    assert client.post("/sign-in", data={"email": user.email, "password": PASSWORD}).status_code == 302


def test_a_hash_at_the_current_cost_is_left_alone(build, client):
    user = build.user()
    current = user.password_hash
    assert client.post("/sign-in", data={"email": user.email, "password": PASSWORD}).status_code == 302
    db.session.refresh(user)
    assert user.password_hash == current
