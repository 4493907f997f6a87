"""The customer portal's side: the sign-in check and setting a password with a one-time link.
Every attempt goes into the access log; failures in a row lock the account for a while."""

from dataclasses import dataclass
from datetime import datetime

import peewee as pw

from models.clock import utcnow
from models.engine import write_transaction
from models.passwords import hash_password, password_problem, spend_equal_time, verify_password
from models.portal import PortalPolicy, login_key, portal_policy, when
from models.portal_tokens import TokenRefused, mark_used, usable_token
from models.tables import PORTAL_LOCKED, AccessLogEntry, Customer, PortalAccount

NOT_RIGHT = "The email or password is not right."
STAFF_LOCKED = "This portal account is locked. Please contact us to unlock it."


@dataclass(frozen=True)
class SignInResult:
    """The portal's answer: in or not, and the reason in words for the customer."""

    accepted: bool
    message: str
    customer_id: int | None = None
    needs_new_password: bool = False


class _Changed(Exception):
    """The account changed between reading it and writing the outcome: the attempt fails."""


def _log(customer_id: int | None, email: str, address: str, success: bool, reason: str) -> None:
    """One access-log entry; inside the write transaction."""
    AccessLogEntry.create(customer=customer_id, email=email[:254], address=address[:64],
                          success=success, reason=reason[:200])


def _refuse(account: PortalAccount | None, email: str, address: str, reason: str,
            message: str, needs_new_password: bool = False) -> SignInResult:
    """Log a refused attempt and say so."""
    customer_id = account.customer_id if account else None
    with write_transaction():
        _log(customer_id, email, address, False, reason)
    return SignInResult(False, message, customer_id, needs_new_password)


def _count_failure(account: PortalAccount, email: str, address: str, now: datetime,
                   policy: PortalPolicy) -> SignInResult:
    """A wrong password: one more failure in a row, and the automatic lock at the limit."""
    expired = PortalAccount.locked_until.is_null(False) & (PortalAccount.locked_until <= now)
    with write_transaction():
        (PortalAccount.update(
            failed_attempts=pw.Case(None, [(expired, 1)], PortalAccount.failed_attempts + 1),
            locked_until=pw.Case(None, [(expired, None)], PortalAccount.locked_until))
         .where(PortalAccount.id == account.id).execute())
        failures = (PortalAccount.select(PortalAccount.failed_attempts)
                    .where(PortalAccount.id == account.id).scalar())
        reason = f"wrong password ({failures} in a row)"
        if failures >= policy.lockout_attempts:
            until = now + policy.lockout_duration
            PortalAccount.update(locked_until=until).where(PortalAccount.id == account.id).execute()
            reason += f"; locked until {when(until)}"
        _log(account.customer_id, email, address, False, reason)
    return SignInResult(False, NOT_RIGHT, account.customer_id)


def _accept(account: PortalAccount, email: str, address: str, now: datetime,
            new_hash: str | None) -> SignInResult:
    """Let the customer in, clearing failures; a new password replaces the old one for good."""
    changes = {PortalAccount.failed_attempts: 0, PortalAccount.locked_until: None,
               PortalAccount.last_sign_in_at: now}
    if new_hash:
        changes.update({PortalAccount.password_hash: new_hash,
                        PortalAccount.must_change_password: False,
                        PortalAccount.temp_password_expires_at: None,
                        PortalAccount.version: PortalAccount.version + 1,
                        PortalAccount.updated_at: now})
    try:
        with write_transaction():
            updated = PortalAccount.update(changes).where(
                (PortalAccount.id == account.id) & (PortalAccount.version == account.version)
                & (PortalAccount.status == account.status)).execute()
            if not updated:
                raise _Changed
            _log(account.customer_id, email, address, True,
                 "signed in; own password set" if new_hash else "signed in")
    except _Changed:
        return _refuse(account, email, address, "refused: the account changed during sign-in",
                       "Your account was changed while you were signing in; please try again.")
    return SignInResult(True, "Signed in." + (" Your new password is set." if new_hash else ""),
                        account.customer_id)


def _archived(account: PortalAccount) -> bool:
    """Whether the account's customer is archived: an archived customer cannot sign in."""
    return Customer.select(Customer.archived_at).where(
        Customer.id == account.customer_id).scalar() is not None


def _account(key: str) -> PortalAccount | None:
    """The portal account that signs in with this email."""
    return PortalAccount.get_or_none(PortalAccount.login_email == key) if key else None


def sign_in(email: str, password: str, new_password: str | None = None,
            address: str = "") -> SignInResult:
    """The portal's sign-in check. A temporary password must come with a new password, which
    replaces it; an unknown email gets the same answer, in about the same time, as a wrong
    password."""
    policy = portal_policy()
    now = utcnow()
    account = _account(login_key(email))
    if account is None:
        spend_equal_time(password)
        return _refuse(None, email, address, "unknown email", NOT_RIGHT)
    if account.locked_until is not None and account.locked_until > now:
        spend_equal_time(password)  # a locked account never says whether the password was right
        return _refuse(account, email, address, "refused: locked after failed sign-ins",
                       f"Too many failed sign-in attempts: try again after "
                       f"{when(account.locked_until)}.")
    if not verify_password(password, account.password_hash):
        return _count_failure(account, email, address, now, policy)
    if account.status == PORTAL_LOCKED:
        return _refuse(account, email, address, "refused: locked by staff", STAFF_LOCKED)
    if _archived(account):
        return _refuse(account, email, address, "refused: customer archived", STAFF_LOCKED)
    temporary = password if account.must_change_password else ""
    if temporary:
        expires = account.temp_password_expires_at
        if expires is not None and expires <= now:
            return _refuse(account, email, address, "refused: temporary password expired",
                           "This temporary password has expired. Please ask us for a new one.")
        if new_password is None:
            return _refuse(account, email, address, "refused: new password needed",
                           "Temporary password accepted: choose your own password to finish "
                           "signing in.", needs_new_password=True)
    if new_password is None:
        return _accept(account, email, address, now, None)
    problem = password_problem(new_password, email=account.login_email or "", temporary=temporary)
    if problem:
        return _refuse(account, email, address, "refused: new password not acceptable", problem)
    return _accept(account, email, address, now, hash_password(new_password))


def activate_with_link(token: str, new_password: str, address: str = "") -> SignInResult:
    """Set the customer's password with a one-time link from an activation or reset email."""
    now = utcnow()
    try:
        row = usable_token(token, now)
    except TokenRefused as refusal:
        return _refuse(None, "", address, "refused: link not usable", str(refusal))
    account = PortalAccount.get_by_id(row.account_id)
    email = account.login_email or ""
    if account.status == PORTAL_LOCKED:
        return _refuse(account, email, address, "refused: locked by staff", STAFF_LOCKED)
    if _archived(account):
        return _refuse(account, email, address, "refused: customer archived", STAFF_LOCKED)
    problem = password_problem(new_password, email=email)
    if problem:
        return _refuse(account, email, address, "refused: new password not acceptable", problem)
    new_hash = hash_password(new_password)
    try:
        with write_transaction():
            updated = PortalAccount.update(
                password_hash=new_hash, must_change_password=False, temp_password_expires_at=None,
                failed_attempts=0, locked_until=None, version=PortalAccount.version + 1,
                updated_at=now,
            ).where((PortalAccount.id == account.id)
                    & (PortalAccount.status != PORTAL_LOCKED)).execute()
            if not updated or not mark_used(row, now):
                raise _Changed
            _log(account.customer_id, email, address, True, f"password set with {row.purpose} link")
    except _Changed:
        return _refuse(account, email, address, "refused: link used or account changed meanwhile",
                       "This link has just been used or replaced. Ask us for a new one.")
    return SignInResult(True, "Your password is set. You can now sign in with it.",
                        account.customer_id)
