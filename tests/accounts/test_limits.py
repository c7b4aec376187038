"""Sign-in limits that cannot lock a person out: failures from one address do not stop the right password from
another; guessing from many addresses is throttled per account over an hour, except in browsers the person has
signed in with before."""

from __future__ import annotations

from tests.builders import PASSWORD

WRONG = "wrong password here"


def _from(app, address):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def _try(client, email, password):
    return client.post("/sign-in", data={"email": email, "password": password}).status_code


def test_failures_from_one_address_do_not_stop_the_right_password_from_another(app, build):
    user = build.user()
    attacker = _from(app, "203.0.113.7")
    statuses = [_try(attacker, user.email, WRONG) for _ in range(12)]
    assert statuses[:5] == [200] * 5 and set(statuses[5:]) == {429}
    assert _try(_from(app, "198.51.100.2"), user.email, PASSWORD) == 302


def test_one_address_cannot_fill_the_accounts_hourly_limit(app, build, monkeypatch):
    monkeypatch.setitem(app.config, "SIGNIN_LIMIT_PER_ACCOUNT", "100 per minute; 10 per hour")
    user = build.user()
    attacker = _from(app, "203.0.113.7")
    statuses = [_try(attacker, user.email, WRONG) for _ in range(15)]
    assert statuses.count(200) == 10 and statuses[-1] == 429
    assert _try(_from(app, "198.51.100.2"), user.email, PASSWORD) == 302


def test_guessing_from_many_addresses_is_throttled_per_account(app, build):
    user = build.user()
    failures = 0
    for n in range(12):  # 12 addresses, 3 guesses each: 36 guesses, over the account's 30 an hour
        guesser = _from(app, f"192.0.2.{n + 1}")
        failures += sum(_try(guesser, user.email, WRONG) == 200 for _ in range(3))
    assert failures == 30
    assert _try(_from(app, "192.0.2.200"), user.email, WRONG) == 429
    # A new browser is held back too, even with the right password, until the hour is up...
    assert _try(_from(app, "198.51.100.9"), user.email, PASSWORD) == 429


def test_a_browser_that_signed_in_before_is_never_locked_out_by_others(app, build):
    user = build.user()
    own = _from(app, "198.51.100.2")
    assert _try(own, user.email, PASSWORD) == 302
    own.post("/sign-out")
    for n in range(12):
        guesser = _from(app, f"192.0.2.{n + 1}")
        for _ in range(3):
            _try(guesser, user.email, WRONG)
    assert _try(_from(app, "198.51.100.3"), user.email, PASSWORD) == 429  # a new browser waits
    assert _try(own, user.email, PASSWORD) == 302  # the person's own browser signs in


def test_the_device_cookie_is_for_one_account_and_cannot_be_forged(app, build):
    user, other = build.user(), build.user()
    own = _from(app, "198.51.100.2")
    assert _try(own, user.email, PASSWORD) == 302
    own.post("/sign-out")
    for n in range(12):
        guesser = _from(app, f"192.0.2.{n + 1}")
        for _ in range(3):
            _try(guesser, other.email, WRONG)
    assert _try(own, other.email, PASSWORD) == 429  # known for `user`, not for `other`
    forged = _from(app, "198.51.100.4")
    forged.set_cookie("equiptrain_device", own.get_cookie("equiptrain_device").value + "x")
    assert _try(forged, other.email, PASSWORD) == 429


# Issue 24: a trust behind one address. NHS staff reach the site from a handful of trust addresses, so other
# people's failures from the shared address must not block a browser that has signed in before.
TRUST = "203.0.113.50"


def test_a_spray_from_the_trust_address_does_not_block_a_known_browser_there(app, build):
    user = build.user()
    victims = [build.user() for _ in range(8)]
    own = _from(app, TRUST)
    assert _try(own, user.email, PASSWORD) == 302
    own.post("/sign-out")
    sprayer = _from(app, TRUST)
    statuses = [_try(sprayer, v.email, WRONG) for v in victims for _ in range(3)]
    assert statuses[-1] == 429  # the address is over its 20 a minute: new browsers there wait
    assert _try(_from(app, TRUST), user.email, PASSWORD) == 429
    assert _try(own, user.email, PASSWORD) == 302  # the person's own browser signs in


def test_someone_guessing_a_colleagues_password_at_the_trust_does_not_block_the_colleague(app, build):
    user = build.user()
    own = _from(app, TRUST)
    assert _try(own, user.email, PASSWORD) == 302
    own.post("/sign-out")
    guesser = _from(app, TRUST)
    assert [_try(guesser, user.email, WRONG) for _ in range(6)][-1] == 429
    assert _try(own, user.email, PASSWORD) == 302


def test_a_known_browser_still_has_its_own_per_account_limit(app, build):
    user = build.user()
    own = _from(app, TRUST)
    assert _try(own, user.email, PASSWORD) == 302
    own.post("/sign-out")
    statuses = [_try(own, user.email, WRONG) for _ in range(7)]
    assert statuses[:5] == [200] * 5 and set(statuses[5:]) == {429}
