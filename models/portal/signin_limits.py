"""Limits on failed portal sign-ins that cannot be turned against customers.

- Per email: failures in a row lock the email (PCI DSS 8.3.4), counted the same way whether or
  not the email has a portal account (unknown emails by a hash only), so the answers never tell.
- The lock applies only to the sources (network addresses) that failed in that run: whoever
  knows a customer's email can lock themselves out, not the customer.
- Per source: after a few failures, whatever the emails, each try waits a delay that doubles,
  so one source cannot guess at, or lock, many customers.
"""

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

import peewee as pw

from models.portal.actions import PortalPolicy
from models.store.tables import PortalAccount, SignInEmail, SignInLockSource, SignInSource

SOURCE_FREE_FAILURES = 5  # failures from one source before its delays start
SOURCE_FIRST_DELAY = timedelta(seconds=1)  # then 2, 4, 8 … seconds
SOURCE_MAX_DELAY = timedelta(hours=1)
SOURCE_FORGET_AFTER = timedelta(hours=24)  # a source with no failure for this long starts afresh


def email_key(login_key: str) -> str:
    """The key failures are counted under for an email: a SHA-256 of its casefolded form, so no
    table of counts holds an email in plain text."""
    return hashlib.sha256(login_key.encode("utf-8")).hexdigest()


def source_delay(failures: int) -> timedelta | None:
    """How long a source waits after this many failures in its current run (None: no wait)."""
    if failures <= SOURCE_FREE_FAILURES:
        return None
    return min(SOURCE_FIRST_DELAY * 2 ** (failures - SOURCE_FREE_FAILURES - 1), SOURCE_MAX_DELAY)


def source_wait(source: str, now: datetime) -> datetime | None:
    """Until when this source must wait before it may try again, or None."""
    until = (
        SignInSource.select(SignInSource.next_attempt_at)
        .where(SignInSource.source == source)
        .scalar()
    )
    return until if until is not None and until > now else None


def count_source_failure(source: str, now: datetime) -> tuple[int, datetime | None]:
    """One more failure from this source (inside the write transaction): its failures in the
    current run and until when it must now wait."""
    SignInSource.delete().where(SignInSource.last_failed_at < now - SOURCE_FORGET_AFTER).execute()
    SignInSource.insert(
        source=source, failed_attempts=0, last_failed_at=now
    ).on_conflict_ignore().execute()
    where = SignInSource.source == source
    SignInSource.update(failed_attempts=SignInSource.failed_attempts + 1, last_failed_at=now).where(
        where
    ).execute()
    failures = SignInSource.select(SignInSource.failed_attempts).where(where).scalar()
    delay = source_delay(failures)
    if delay is None:
        return failures, None
    SignInSource.update(next_attempt_at=now + delay).where(where).execute()
    return failures, now + delay


@dataclass(frozen=True)
class EmailState:
    """An email's failures in a row and its lock, whether or not it has a portal account."""

    failures: int
    locked_until: datetime | None

    def locked(self, now: datetime) -> bool:
        """Whether the email is locked at this moment."""
        return self.locked_until is not None and self.locked_until > now


def _counter(account: PortalAccount | None, key: str):
    """The table and row an email's failures are counted in: the portal account's own columns,
    or the hashed row of an email without one."""
    if account is not None:
        return PortalAccount, PortalAccount.id == account.id
    return SignInEmail, SignInEmail.email_key == key


def email_state(account: PortalAccount | None, key: str) -> EmailState:
    """The email's failures and lock as stored now."""
    model, where = _counter(account, key)
    row = model.select(model.failed_attempts, model.locked_until).where(where).tuples().first()
    return EmailState(*row) if row else EmailState(0, None)


def lock_applies(state: EmailState, key: str, source: str, now: datetime) -> bool:
    """Whether the email's lock bars this source: it is locked, and this source failed in the
    run of failures that locked it."""
    return (
        state.locked(now)
        and SignInLockSource.select()
        .where((SignInLockSource.email_key == key) & (SignInLockSource.source == source))
        .exists()
    )


def count_email_failure(
    account: PortalAccount | None, key: str, source: str, now: datetime, policy: PortalPolicy
) -> tuple[int, datetime | None]:
    """One more failure for the email from this source (inside the write transaction): its
    failures in a row, and the end of the lock when this failure locks it (else None).

    A lapsed lock starts the count again. A failure while locked (from a source the lock does
    not bar) counts, and bars that source, but does not extend the lock."""
    model, where = _counter(account, key)
    if account is None:
        SignInEmail.insert(email_key=key).on_conflict_ignore().execute()
    lapsed = model.locked_until.is_null(False) & (model.locked_until <= now)
    model.update(
        {
            model.failed_attempts: pw.Case(None, [(lapsed, 1)], model.failed_attempts + 1),
            model.locked_until: pw.Case(None, [(lapsed, None)], model.locked_until),
        }
    ).where(where).execute()
    failures, locked_until = (
        model.select(model.failed_attempts, model.locked_until).where(where).tuples().get()
    )
    if failures == 1:  # a new run: the sources of an earlier one are no longer barred
        SignInLockSource.delete().where(SignInLockSource.email_key == key).execute()
    SignInLockSource.insert(email_key=key, source=source).on_conflict_ignore().execute()
    if failures < policy.lockout_attempts or (locked_until is not None and locked_until > now):
        return failures, None
    until = now + policy.lockout_duration
    model.update({model.locked_until: until}).where(where).execute()
    return failures, until


def forget_failures(key: str) -> None:
    """After a successful sign-in: no source stays barred for the email (inside the write
    transaction; the account's own count is reset by the caller)."""
    SignInLockSource.delete().where(SignInLockSource.email_key == key).execute()
