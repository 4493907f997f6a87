"""A portal sign-in that cannot be turned against customers (issue 13 point 3), on both engines:
unknown emails answer like known ones through the whole sequence, in the same time; failures
count per source with growing delays; an email's lock bars only the sources that failed; a
staff-locked or archived account is refused before its password is checked; hashes are
rehashed at the current cost; new passwords are checked with zxcvbn."""

import io
import re
import statistics
import time
from datetime import timedelta

import pytest
from support.portal import (
    NEW_PASSWORD,
    activated,
    desk,
    seen,
)

from models.archive import archive_customer
from models.clock import utcnow
from models.portal.actions import lock_account
from models.portal.passwords import hash_cost, hash_password
from models.portal.signin import NOT_RIGHT, sign_in
from models.portal.signin_limits import SOURCE_FREE_FAILURES, email_key, source_delay
from models.store.tables import (
    AccessLogEntry,
    PortalAccount,
    SignInEmail,
    SignInLockSource,
    SignInSource,
)
from tui.cli import main

ATTACKER = "203.0.113.66"
CUSTOMER = "198.51.100.20"


def own_password(email: str) -> int:
    """A customer who has signed in once and set NEW_PASSWORD (from the customer's address)."""
    customer_id, temporary = activated(email)
    assert sign_in(email, temporary, NEW_PASSWORD, address=CUSTOMER).accepted
    return customer_id


def answers(email: str, password: str, count: int, address: str = ATTACKER) -> list[str]:
    """The portal's answers to `count` attempts, with the lock's end time blanked out."""
    return [
        re.sub(
            r"after .* UTC", "after <time> UTC", sign_in(email, password, address=address).message
        )
        for _ in range(count)
    ]


def lift_source_wait(address: str) -> None:
    """The source's current delay has passed (as if it waited)."""
    SignInSource.update(next_attempt_at=utcnow() - timedelta(seconds=1)).where(
        SignInSource.source == address
    ).execute()


# ------------------------------------------------------------------ the same answers


@pytest.mark.usefixtures("no_source_delays")
def test_known_unknown_staff_locked_and_archived_emails_answer_alike_to_the_end(db):
    own_password("known@example.com")
    locked_id = own_password("locked@example.com")
    lock_account(locked_id, desk(), expected_version=seen(locked_id))
    archive_customer(own_password("archived@example.com"), desk())
    sequences = {
        email: answers(email, "wrong guess here", 12)
        for email in (
            "known@example.com",
            "nobody@example.com",
            "locked@example.com",
            "archived@example.com",
        )
    }
    locked = "Too many failed sign-in attempts: try again after <time> UTC."
    expected = [NOT_RIGHT] * 10 + [locked] * 2
    assert all(sequence == expected for sequence in sequences.values()), sequences
    # ... and the right password changes nothing for the locked and archived accounts.
    for email in ("locked@example.com", "archived@example.com"):
        assert answers(email, NEW_PASSWORD, 1, address="192.0.2.1") == [NOT_RIGHT]


@pytest.mark.usefixtures("no_source_delays")
def test_unknown_emails_are_counted_by_hash_only(db):
    answers("Nobody@Example.com ", "wrong guess here", 10)
    [row] = SignInEmail.select()
    assert row.email_key == email_key("nobody@example.com") and row.failed_attempts == 10
    assert row.locked_until is not None
    stored = [str(v) for r in SignInEmail.select().tuples() for v in r]
    stored += [str(v) for r in SignInLockSource.select().tuples() for v in r]
    assert not any("nobody" in value.casefold() for value in stored)


def test_a_staff_locked_account_answers_alike_to_right_and_wrong_passwords(db):
    customer_id = own_password("jo@example.com")
    lock_account(customer_id, desk(), expected_version=seen(customer_id))
    right = sign_in("jo@example.com", NEW_PASSWORD, address="192.0.2.1")
    wrong = sign_in("jo@example.com", "wrong guess here", address="192.0.2.2")
    assert (right.accepted, right.message) == (wrong.accepted, wrong.message) == (False, NOT_RIGHT)
    assert PortalAccount.get(PortalAccount.customer == customer_id).failed_attempts == 2


# ------------------------------------------------------------------ who a lock applies to


@pytest.mark.usefixtures("no_source_delays")
def test_an_email_lock_bars_only_the_sources_that_failed(db):
    customer_id = own_password("jo@example.com")
    answers("jo@example.com", "wrong guess here", 10)  # someone who knows the email
    barred = sign_in("jo@example.com", NEW_PASSWORD, address=ATTACKER)  # even the right one
    assert not barred.accepted and barred.message.startswith("Too many failed sign-in attempts")
    assert sign_in("jo@example.com", NEW_PASSWORD, address=CUSTOMER).accepted
    account = PortalAccount.get(PortalAccount.customer == customer_id)
    assert account.failed_attempts == 0 and account.locked_until is None
    assert SignInLockSource.select().count() == 0


@pytest.mark.usefixtures("no_source_delays")
def test_a_source_that_fails_during_the_lock_is_barred_without_extending_it(db):
    customer_id = own_password("jo@example.com")
    answers("jo@example.com", "wrong guess here", 10)
    until = PortalAccount.get(PortalAccount.customer == customer_id).locked_until
    assert answers("jo@example.com", "wrong guess here", 1, address="192.0.2.9") == [NOT_RIGHT]
    assert answers("jo@example.com", NEW_PASSWORD, 1, address="192.0.2.9") == [
        "Too many failed sign-in attempts: try again after <time> UTC."
    ]
    assert PortalAccount.get(PortalAccount.customer == customer_id).locked_until == until


# ------------------------------------------------------------------ per source


def test_source_delays_double_up_to_an_hour():
    delays = [source_delay(n) for n in range(1, SOURCE_FREE_FAILURES + 14)]
    assert delays[:SOURCE_FREE_FAILURES] == [None] * SOURCE_FREE_FAILURES
    seconds = [d.total_seconds() for d in delays[SOURCE_FREE_FAILURES:]]
    assert seconds == [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 3600]


def test_one_source_must_wait_whatever_email_it_tries(db):
    own_password("jo@example.com")
    emails = [
        "jo@example.com",
        "a@example.com",
        "b@example.com",
        "c@example.com",
        "d@example.com",
        "e@example.com",
    ]
    for email in emails:  # six failures on six emails: under every email's limit
        assert sign_in(email, "wrong guess here", address=ATTACKER).message == NOT_RIGHT
    source = SignInSource.get_by_id(ATTACKER)
    assert source.failed_attempts == 6
    assert timedelta(0) < source.next_attempt_at - utcnow() <= timedelta(seconds=1)
    known = sign_in("jo@example.com", NEW_PASSWORD, address=ATTACKER)
    unknown = sign_in("z@example.com", NEW_PASSWORD, address=ATTACKER)
    assert not known.accepted and known.message == unknown.message
    assert known.message.startswith("Too many failed sign-in attempts from your address")
    assert SignInSource.get_by_id(ATTACKER).failed_attempts == 6  # waiting is not failing
    assert sign_in("jo@example.com", NEW_PASSWORD, address=CUSTOMER).accepted  # others unaffected
    lift_source_wait(ATTACKER)
    sign_in("f@example.com", "wrong guess here", address=ATTACKER)
    wait = SignInSource.get_by_id(ATTACKER).next_attempt_at - utcnow()
    assert timedelta(seconds=1) < wait <= timedelta(seconds=2)


def test_a_source_is_forgotten_after_a_day_without_failures(db):
    for n in range(SOURCE_FREE_FAILURES + 1):
        sign_in(f"user{n}@example.com", "wrong guess here", address=ATTACKER)
    SignInSource.update(
        last_failed_at=utcnow() - timedelta(hours=25),
        next_attempt_at=utcnow() - timedelta(hours=25),
    ).execute()
    assert sign_in("x@example.com", "wrong guess here", address="192.0.2.3").message == NOT_RIGHT
    assert SignInSource.get_or_none(SignInSource.source == ATTACKER) is None


def test_portal_login_takes_the_source_from_address(db, db_url, monkeypatch, capsys):
    own_password("jo@example.com")
    for _ in range(SOURCE_FREE_FAILURES + 1):
        monkeypatch.setattr("sys.stdin", io.StringIO("wrong guess here\n"))
        assert (
            main(["--db", db_url, "portal-login", "nobody@example.com", "--address", ATTACKER]) == 1
        )
    capsys.readouterr()
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{NEW_PASSWORD}\n"))
    assert main(["--db", db_url, "portal-login", "jo@example.com", "--address", ATTACKER]) == 1
    out = capsys.readouterr().out
    assert out.startswith("Too many failed sign-in attempts from your address: try again after ")
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{NEW_PASSWORD}\n"))
    assert main(["--db", db_url, "portal-login", "jo@example.com", "--address", CUSTOMER]) == 0
    reasons = [e.reason for e in AccessLogEntry.select().where(AccessLogEntry.address == ATTACKER)]
    assert reasons[-1].startswith("refused: this address waits after failed sign-ins")


# ------------------------------------------------------------------ time and cost


def median_seconds(attempts: list[tuple[str, str]], addresses, rounds: int = 9) -> list[float]:
    """The median time of each kind of refused attempt, taken in turns round after round, so a
    busy moment on the machine slows every kind alike."""

    def timed(email: str, password: str) -> float:
        started = time.perf_counter()
        assert not sign_in(email, password, address=next(addresses)).accepted
        return time.perf_counter() - started

    times: list[list[float]] = [[] for _ in attempts]
    for _ in range(rounds):
        for kind, (email, password) in enumerate(attempts):
            times[kind].append(timed(email, password))
    return [statistics.median(kind) for kind in times]


@pytest.mark.parametrize(("stored_cost", "current_cost"), [(4, 10), (10, 4)])
def test_a_refusal_takes_the_same_time_whatever_the_stored_cost(
    db, monkeypatch, stored_cost, current_cost
):
    monkeypatch.setenv("CUSTDESK_BCRYPT_COST", str(stored_cost))
    customer_id = own_password("jo@example.com")
    locked_id = own_password("locked@example.com")
    lock_account(locked_id, desk(), expected_version=seen(locked_id))
    assert hash_cost(PortalAccount.get(PortalAccount.customer == customer_id).password_hash) == (
        stored_cost
    )
    monkeypatch.setenv("CUSTDESK_BCRYPT_COST", str(current_cost))
    addresses = (f"192.0.2.{n}" for n in range(1, 250))  # no per-address waits
    sign_in("warm@example.com", "warm up", address=next(addresses))
    wrong, unknown, locked = median_seconds(
        [
            ("jo@example.com", "not the password"),
            ("nobody@example.com", "not the password"),
            ("locked@example.com", NEW_PASSWORD),
        ],
        addresses,
    )
    assert wrong > 0.04  # the cost-10 check: ≈ 60 ms here
    assert 0.6 < unknown / wrong < 1.6 and 0.6 < locked / wrong < 1.6, (wrong, unknown, locked)


def test_a_successful_sign_in_rehashes_at_the_current_cost(db, monkeypatch):
    customer_id = own_password("jo@example.com")
    stored = PortalAccount.get(PortalAccount.customer == customer_id).password_hash
    assert hash_cost(stored) == 4
    monkeypatch.setenv("CUSTDESK_BCRYPT_COST", "5")
    assert sign_in("jo@example.com", NEW_PASSWORD, address=CUSTOMER).accepted
    rehashed = PortalAccount.get(PortalAccount.customer == customer_id).password_hash
    assert hash_cost(rehashed) == 5 and rehashed != stored
    assert sign_in("jo@example.com", NEW_PASSWORD, address=CUSTOMER).accepted
    assert PortalAccount.get(PortalAccount.customer == customer_id).password_hash == rehashed
    reasons = [e.reason for e in AccessLogEntry.select().order_by(AccessLogEntry.id)][-2:]
    assert reasons == ["signed in; password rehashed at the current cost", "signed in"]


def test_a_higher_cost_hash_is_checked_and_kept_until_sign_in(db, monkeypatch):
    customer_id, _ = activated("jo@example.com")
    PortalAccount.update(
        password_hash=hash_password(NEW_PASSWORD, cost=6), must_change_password=False
    ).where(PortalAccount.customer == customer_id).execute()
    assert not sign_in("jo@example.com", "not the password", address=CUSTOMER).accepted
    assert hash_cost(PortalAccount.get(PortalAccount.customer == customer_id).password_hash) == 6
    assert sign_in("jo@example.com", NEW_PASSWORD, address=CUSTOMER).accepted
    assert hash_cost(PortalAccount.get(PortalAccount.customer == customer_id).password_hash) == 4


# ------------------------------------------------------------------ new passwords


@pytest.mark.parametrize(
    ("password", "advice"),
    [
        ("aaaaaaaaaaaa", 'Repeats like "aaa" are easy to guess.'),
        ("password1234", "This is a very common password."),
        ("123456789012", "This is similar to a commonly used password."),
        ("JoBloggs2024!", "built from your email address or name"),
    ],
)
def test_a_weak_new_password_is_refused_with_advice(db, password, advice):
    customer_id, temporary = activated("jo@example.com")
    result = sign_in("jo@example.com", temporary, password, address=CUSTOMER)
    assert not result.accepted and advice in result.message
    assert PortalAccount.get(PortalAccount.customer == customer_id).must_change_password


def test_portal_login_shows_zxcvbns_advice(db, db_url, monkeypatch, capsys):
    _, temporary = activated("jo@example.com")
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{temporary}\npassword1234\n"))
    assert main(["--db", db_url, "portal-login", "jo@example.com", "--new-password"]) == 1
    out = capsys.readouterr().out.strip()
    assert out == (
        "The new password is too easy to guess (1 of 4). This is a very common "
        "password. Add another word or two. Uncommon words are better."
    )
