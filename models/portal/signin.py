"""The customer portal's side: the sign-in check and setting a password with a one-time link.
Every attempt goes into the access log. Failures are limited per email and per source
(models/portal/signin_limits.py) so that no answer, and no answer's timing, tells whether an email has
an account, and nobody can lock a customer out from elsewhere."""

from dataclasses import dataclass
from datetime import datetime

import peewee as pw

from models.audit.chain import append
from models.clock import utcnow
from models.portal.actions import PortalPolicy, login_key, portal_policy, when
from models.portal.passwords import (
    MAX_BCRYPT_COST,
    MIN_BCRYPT_COST,
    EqualTime,
    bcrypt_cost,
    hash_cost,
    hash_password,
    password_problem,
)
from models.portal.signin_limits import (
    count_email_failure,
    count_source_failure,
    email_key,
    email_state,
    forget_failures,
    lock_applies,
    source_wait,
)
from models.portal.tokens import TokenRefused, mark_used, usable_token
from models.store.engine import write_transaction
from models.store.tables import PORTAL_LOCKED, AccessLogEntry, Customer, PortalAccount

NOT_RIGHT = "The email or password is not right."
STAFF_LOCKED = "This portal account is locked. Please contact us to unlock it."
# A stored hash's cost ("$2b$12$…"); the exact text of 0006_signin_limits's index.
HASH_COST = pw.SQL("substr(password_hash, 5, 2)")


@dataclass(frozen=True)
class SignInResult:
    """The portal's answer: in or not, and the reason in words for the customer."""

    accepted: bool
    message: str
    customer_id: int | None = None
    needs_new_password: bool = False


@dataclass(frozen=True)
class _Attempt:
    """One sign-in attempt: what was typed (the email), from where, and when."""

    email: str
    key: str  # the email's hashed key for failure counts
    source: str
    now: datetime


class _Changed(Exception):
    """The account changed between reading it and writing the outcome: the attempt fails."""


def _log(customer_id: int | None, email: str, address: str, success: bool, reason: str) -> None:
    """One access-log entry; inside the write transaction."""
    append(
        AccessLogEntry,
        customer=customer_id,
        email=email[:254],
        address=address[:64],
        success=success,
        reason=reason[:200],
    )


def _refuse(
    account: PortalAccount | None,
    email: str,
    address: str,
    reason: str,
    message: str,
    needs_new_password: bool = False,
) -> SignInResult:
    """Log a refused attempt and say so."""
    customer_id = account.customer_id if account else None
    with write_transaction():
        _log(customer_id, email, address, False, reason)
    return SignInResult(False, message, customer_id, needs_new_password)


def _locked_message(until: datetime) -> str:
    """The answer while a lock applies, the same for every email."""
    return f"Too many failed sign-in attempts: try again after {when(until)}."


def _count_failure(
    account: PortalAccount | None,
    attempt: _Attempt,
    policy: PortalPolicy,
    reason: str,
    lock_refusal: datetime | None = None,
) -> SignInResult:
    """A failure: one more for the source (its delay past its free failures) and, unless it is
    a refusal by the email's lock (`lock_refusal`, the lock's end), one more for the email (its
    lock at the limit); the same whether or not the email is known."""
    message = NOT_RIGHT if lock_refusal is None else _locked_message(lock_refusal)
    with write_transaction():
        if lock_refusal is None:
            failures, locked = count_email_failure(
                account, attempt.key, attempt.source, attempt.now, policy
            )
            reason += f" ({failures} in a row)" if reason == "wrong password" else ""
            if locked is not None:
                reason += f"; locked until {when(locked)}"
        source_failures, waits = count_source_failure(attempt.source, attempt.now)
        if waits is not None:
            reason += (
                f"; {source_failures} failures from this address: it waits until {waits:%H:%M:%S}"
            )
        _log(account.customer_id if account else None, attempt.email, attempt.source, False, reason)
    return SignInResult(False, message, account.customer_id if account else None)


def _accept(
    account: PortalAccount, attempt: _Attempt, new_hash: str | None, rehash: str | None
) -> SignInResult:
    """Let the customer in, clearing failures; a new password replaces the old one for good, a
    rehash (the same password at the current bcrypt cost) replaces the stored hash."""
    changes: dict[pw.Field, object] = {
        PortalAccount.failed_attempts: 0,
        PortalAccount.locked_until: None,
        PortalAccount.last_sign_in_at: attempt.now,
    }
    if rehash:
        changes[PortalAccount.password_hash] = rehash
    if new_hash:
        changes.update(
            {
                PortalAccount.password_hash: new_hash,
                PortalAccount.must_change_password: False,
                PortalAccount.temp_password_expires_at: None,
                PortalAccount.version: PortalAccount.version + 1,
                PortalAccount.updated_at: attempt.now,
            }
        )
    try:
        with write_transaction():
            updated = (
                PortalAccount.update(changes)
                .where(
                    (PortalAccount.id == account.id)
                    & (PortalAccount.version == account.version)
                    & (PortalAccount.status == account.status)
                    & (PortalAccount.password_hash == account.password_hash)
                )
                .execute()
            )
            if not updated:
                raise _Changed
            forget_failures(attempt.key)
            _log(
                account.customer_id,
                attempt.email,
                attempt.source,
                True,
                "signed in; own password set"
                if new_hash
                else "signed in; password rehashed at the current cost"
                if rehash
                else "signed in",
            )
    except _Changed:
        return _refuse(
            account,
            attempt.email,
            attempt.source,
            "refused: the account changed during sign-in",
            "Your account was changed while you were signing in; please try again.",
        )
    return SignInResult(
        True, "Signed in." + (" Your new password is set." if new_hash else ""), account.customer_id
    )


def _archived(account: PortalAccount) -> bool:
    """Whether the account's customer is archived: an archived customer cannot sign in."""
    return (
        Customer.select(Customer.archived_at).where(Customer.id == account.customer_id).scalar()
        is not None
    )


def _account(key: str) -> PortalAccount | None:
    """The portal account that signs in with this email."""
    return PortalAccount.get_or_none(PortalAccount.login_email == key) if key else None


def _customer_names(account: PortalAccount) -> tuple[str, ...]:
    """The customer's names, which a new password must not be built from."""
    customer = Customer.get_by_id(account.customer_id)
    return (
        customer.contact_name,
        customer.business_name,
        customer.billing_contact_name,
        customer.billing_business_name,
    )


def highest_stored_cost() -> int:
    """The highest bcrypt cost among stored password hashes (0 when there is none); one step
    in the index of 0006_signin_limits on the same expression."""
    highest = (
        PortalAccount.select(HASH_COST)
        .where(HASH_COST.between(f"{MIN_BCRYPT_COST:02d}", f"{MAX_BCRYPT_COST:02d}"))
        .order_by(HASH_COST.desc())
        .limit(1)
        .scalar()
    )
    return int(highest) if highest and highest.isdigit() else 0


def _refusal_time() -> EqualTime:
    """Every refusal takes as long as a check at the highest cost in use (the current cost, or
    a higher one stored hashes still have), whether or not the email exists."""
    return EqualTime(max(bcrypt_cost(), highest_stored_cost()))


def _not_checked_reason(account: PortalAccount | None) -> str:
    """Why the password of this email is not even checked, for the access log; '' if it is."""
    if account is None:
        return "unknown email"
    if account.status == PORTAL_LOCKED:
        return "refused: locked by staff (password not checked)"
    if _archived(account):
        return "refused: customer archived (password not checked)"
    return ""


def sign_in(
    email: str, password: str, new_password: str | None = None, address: str = ""
) -> SignInResult:
    """The portal's sign-in check. A temporary password must come with a new password, which
    replaces it. An unknown email, a staff-locked or archived account and a wrong password get
    the same answers, in the same time, through any sequence of attempts."""
    policy = portal_policy()
    attempt = _Attempt(email, email_key(login_key(email)), address[:64], utcnow())
    account = _account(login_key(email))
    waits = source_wait(attempt.source, attempt.now)
    if waits is not None:  # the same for every email: nothing is looked at
        return _refuse(
            account,
            email,
            attempt.source,
            f"refused: this address waits after failed sign-ins, until {waits:%H:%M:%S}",
            f"Too many failed sign-in attempts from your address: try again after "
            f"{waits:%Y-%m-%d %H:%M:%S} UTC.",
        )
    timer = _refusal_time()
    state = email_state(account, attempt.key)
    if lock_applies(state, attempt.key, attempt.source, attempt.now):
        timer.spend(password)  # a locked email never says whether the password was right
        return _count_failure(
            account,
            attempt,
            policy,
            "refused: locked after failed sign-ins",
            lock_refusal=state.locked_until,
        )
    not_checked = _not_checked_reason(account)
    if not_checked:
        timer.spend(password)
        return _count_failure(account, attempt, policy, not_checked)
    if account is None:
        raise ValueError("An unknown email reached the password check.")  # never: see above
    if not timer.check(password, account.password_hash):
        return _count_failure(account, attempt, policy, "wrong password")
    return _signed_in(account, attempt, password, new_password)


def _signed_in(
    account: PortalAccount, attempt: _Attempt, password: str, new_password: str | None
) -> SignInResult:
    """The password was right: finish with a temporary password's rules, a new password, or a
    rehash at the current cost."""
    email, now = attempt.email, attempt.now
    temporary = password if account.must_change_password else ""
    if temporary:
        expires = account.temp_password_expires_at
        if expires is not None and expires <= now:
            return _refuse(
                account,
                email,
                attempt.source,
                "refused: temporary password expired",
                "This temporary password has expired. Please ask us for a new one.",
            )
        if new_password is None:
            return _refuse(
                account,
                email,
                attempt.source,
                "refused: new password needed",
                "Temporary password accepted: choose your own password to finish signing in.",
                needs_new_password=True,
            )
    if new_password is None:
        current = hash_cost(account.password_hash) == bcrypt_cost()
        return _accept(account, attempt, None, None if current else hash_password(password))
    problem = password_problem(
        new_password,
        email=account.login_email or "",
        temporary=temporary,
        names=_customer_names(account),
    )
    if problem:
        return _refuse(
            account, email, attempt.source, "refused: new password not acceptable", problem
        )
    return _accept(account, attempt, hash_password(new_password), None)


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
    problem = password_problem(new_password, email=email, names=_customer_names(account))
    if problem:
        return _refuse(account, email, address, "refused: new password not acceptable", problem)
    new_hash = hash_password(new_password)
    try:
        with write_transaction():
            updated = (
                PortalAccount.update(
                    password_hash=new_hash,
                    must_change_password=False,
                    temp_password_expires_at=None,
                    failed_attempts=0,
                    locked_until=None,
                    version=PortalAccount.version + 1,
                    updated_at=now,
                )
                .where((PortalAccount.id == account.id) & (PortalAccount.status != PORTAL_LOCKED))
                .execute()
            )
            if not updated or not mark_used(row, now):
                raise _Changed
            _log(account.customer_id, email, address, True, f"password set with {row.purpose} link")
    except _Changed:
        return _refuse(
            account,
            email,
            address,
            "refused: link used or account changed meanwhile",
            "This link has just been used or replaced. Ask us for a new one.",
        )
    return SignInResult(
        True, "Your password is set. You can now sign in with it.", account.customer_id
    )
