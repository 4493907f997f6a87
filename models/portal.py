"""The three portal actions staff take (send activation, lock, reset and unlock): when each
applies, and each done as one write transaction — state change, outbox message, audit event."""

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

import peewee as pw

from models.audit import record_event
from models.clock import utcnow
from models.customers import CustomerNotFound
from models.engine import write_transaction
from models.env import env_int
from models.outbox import enqueue
from models.passwords import hash_password, temporary_password
from models.permissions import (
    Permission,
    authorize,
    refusal_text,
    role_allows,
    role_of,
)
from models.portal_emails import KIND_ACTIVATION, KIND_RESET, one_line, portal_email
from models.portal_tokens import PURPOSE_ACTIVATION, PURPOSE_RESET, cancel_open_tokens, issue_token
from models.staff import StaffSession
from models.tables import (
    PORTAL_ACTIVE,
    PORTAL_LOCKED,
    PORTAL_NOT_ACTIVATED,
    Customer,
    PortalAccount,
    staff_view_of_account,
)

ACTION_SEND = "send_activation"
ACTION_LOCK = "lock"
ACTION_RESET = "reset_and_unlock"
ACTIONS = (ACTION_SEND, ACTION_LOCK, ACTION_RESET)
ACTION_LABELS = {
    ACTION_SEND: "Send Activation Email",
    ACTION_LOCK: "Lock Account",
    ACTION_RESET: "Reset Password and Unlock",
}
ACTION_KEYS = {ACTION_SEND: "s", ACTION_LOCK: "l", ACTION_RESET: "r"}
ACTION_PERMISSIONS = {ACTION_SEND: Permission.PORTAL_SEND, ACTION_LOCK: Permission.PORTAL_LOCK,
                      ACTION_RESET: Permission.PORTAL_RESET}
MAX_REASON_CHARS = 200

TEMP_HOURS_ENV = "CUSTDESK_TEMP_PASSWORD_HOURS"
LOCKOUT_ATTEMPTS_ENV = "CUSTDESK_LOCKOUT_ATTEMPTS"
LOCKOUT_MINUTES_ENV = "CUSTDESK_LOCKOUT_MINUTES"


@dataclass(frozen=True)
class PortalPolicy:
    """How long temporary passwords last and when failed sign-ins lock an account."""

    temp_password_lifetime: timedelta
    lockout_attempts: int
    lockout_duration: timedelta


def portal_policy() -> PortalPolicy:
    """The policy from the environment; defaults 72 h, 10 attempts, 30 minutes.

    The lockout stays within PCI DSS 8.3.4: at most 10 attempts, at least 30 minutes.
    """
    return PortalPolicy(
        temp_password_lifetime=timedelta(hours=env_int(TEMP_HOURS_ENV, 72, 1, 720)),
        lockout_attempts=env_int(LOCKOUT_ATTEMPTS_ENV, 10, 1, 10),
        lockout_duration=timedelta(minutes=env_int(LOCKOUT_MINUTES_ENV, 30, 30, 10_080)),
    )


class PortalActionRefused(Exception):
    """The action does not apply to this customer now; the message says why."""


class PortalActionFailed(Exception):
    """The database did not take the change; nothing was changed. The message is safe to show."""


def login_key(email: str) -> str:
    """The form of an email that portal sign-in matches on."""
    return email.strip().casefold()


def when(moment: datetime) -> str:
    """A stored moment for people, marked as UTC."""
    return f"{moment:%Y-%m-%d %H:%M} UTC"


@dataclass(frozen=True)
class ActionChoice:
    """One entry of the Actions menu: whether it applies, and if not, why."""

    action: str
    label: str
    key: str
    available: bool
    reason: str = ""


@dataclass(frozen=True)
class PortalSummary:
    """A customer's portal account as staff see it, with the actions that apply."""

    customer_id: int
    name: str
    email: str
    status: str
    status_text: str
    actions: tuple[ActionChoice, ...]

    def choice(self, action: str) -> ActionChoice:
        """The menu entry for one action."""
        return next(c for c in self.actions if c.action == action)


@dataclass(frozen=True)
class ActionResult:
    """What an action did: to whom, and which outbox message (if any) carries the email."""

    action: str
    customer_id: int
    name: str
    email: str
    outbox_id: int | None = None
    link_mode: bool = False
    expires_at: datetime | None = None


def _auto_locked(account: PortalAccount | None, now: datetime) -> bool:
    """Whether failed sign-ins have the account locked at this moment."""
    return bool(account and account.locked_until and account.locked_until > now)


def describe_account(account: PortalAccount | None, now: datetime) -> str:
    """The account's state in one line for staff: status, and any lock with its reason and end."""
    if account is None or account.status == PORTAL_NOT_ACTIVATED:
        return "not activated"
    if account.status == PORTAL_LOCKED:
        reason = f": {account.lock_reason}" if account.lock_reason else ""
        return f"locked by staff{reason} (only Reset Password and Unlock lifts it)"
    if _auto_locked(account, now):
        return (f"locked after {account.failed_attempts} failed sign-ins, until "
                f"{when(account.locked_until)} (lifts by itself, or Reset Password and Unlock)")
    if account.must_change_password and account.temp_password_expires_at is None:
        return "active: one-time link sent, waiting for the customer to choose a password"
    if account.must_change_password:
        expires = account.temp_password_expires_at
        if expires is not None and expires <= now:
            return f"active: the temporary password expired unused at {when(expires)}"
        return "active: temporary password sent, not used yet" + (
            f" (expires {when(expires)})" if expires else "")
    last = f", last sign-in {when(account.last_sign_in_at)}" if account.last_sign_in_at else ""
    return f"active{last}"


def _email_holder(customer: Customer) -> Customer | None:
    """Another customer whose portal account already signs in with this customer's billing
    email."""
    key = login_key(customer.billing_email)
    return (Customer.select().join(PortalAccount)
            .where((PortalAccount.login_email == key) & (Customer.id != customer.id)).first())


def _email_reason(customer: Customer) -> str:
    """Why the customer's billing email cannot carry a portal account, or ''."""
    if not customer.billing_email.strip():
        return "no billing email"
    holder = _email_holder(customer)
    if holder is not None:
        return (f"the billing email is already the portal sign-in of {holder.code} "
                f"({holder.display_name})")
    return ""


def _send_reason(customer: Customer, account: PortalAccount | None, now: datetime) -> str:
    """Why Send Activation Email does not apply, or ''."""
    status = account.status if account else PORTAL_NOT_ACTIVATED
    if customer.archived_at is not None:
        return "the customer is archived"
    if status == PORTAL_LOCKED or _auto_locked(account, now):
        return "account locked (use Reset Password and Unlock)"
    if status == PORTAL_ACTIVE and not account.must_change_password:
        return ("already activated: the customer has chosen a password "
                "(use Reset Password and Unlock)")
    return _email_reason(customer)


def _lock_reason(account: PortalAccount | None) -> str:
    """Why Lock Account does not apply, or ''."""
    status = account.status if account else PORTAL_NOT_ACTIVATED
    if status == PORTAL_NOT_ACTIVATED:
        return "not activated yet"
    if status == PORTAL_LOCKED:
        return "account locked already"
    return ""


def _reset_reason(customer: Customer, account: PortalAccount | None) -> str:
    """Why Reset Password and Unlock does not apply, or ''."""
    status = account.status if account else PORTAL_NOT_ACTIVATED
    if customer.archived_at is not None:
        return "the customer is archived"
    if status == PORTAL_NOT_ACTIVATED:
        return "not activated yet (use Send Activation Email)"
    return _email_reason(customer)


def _choices(customer: Customer, account: PortalAccount | None,
             now: datetime) -> tuple[ActionChoice, ...]:
    """The three menu entries for a customer."""
    reasons = {ACTION_SEND: _send_reason(customer, account, now),
               ACTION_LOCK: _lock_reason(account),
               ACTION_RESET: _reset_reason(customer, account)}
    return tuple(ActionChoice(a, ACTION_LABELS[a], ACTION_KEYS[a], not reasons[a], reasons[a])
                 for a in ACTIONS)


def _load(customer_id: int) -> tuple[Customer, PortalAccount | None]:
    """A customer and their portal account (None before the first action)."""
    customer = Customer.get_or_none(Customer.id == customer_id)
    if customer is None:
        raise CustomerNotFound(f"Customer {customer_id} no longer exists.")
    return customer, staff_view_of_account(customer_id)


def greeting_name(customer: Customer) -> str:
    """The name to greet a customer by in an email."""
    return one_line(customer.billing_contact_name or customer.contact_name
                    or customer.business_name)


def portal_summary(customer_id: int, staff: StaffSession) -> PortalSummary:
    """The customer's portal state and which actions apply, for this staff member (read-only)."""
    customer, account = _load(customer_id)
    now = utcnow()
    return PortalSummary(customer.id, customer.display_name, customer.billing_email.strip(),
                         account.status if account else PORTAL_NOT_ACTIVATED,
                         describe_account(account, now),
                         _for_role(_choices(customer, account, now), role_of(staff.login)))


def _for_role(choices: tuple[ActionChoice, ...], role: str | None) -> tuple[ActionChoice, ...]:
    """The menu entries with those the role may not use marked unavailable, saying why."""
    return tuple(choice if role_allows(role, ACTION_PERMISSIONS[choice.action])
                 else replace(choice, available=False,
                              reason=refusal_text(role, ACTION_PERMISSIONS[choice.action]))
                 for choice in choices)


def _clean_reason(reason: str) -> str:
    """A staff-typed reason, on one line and not too long."""
    text = one_line(reason)
    if len(text) > MAX_REASON_CHARS:
        raise PortalActionRefused(f"The reason is too long: at most {MAX_REASON_CHARS} characters "
                                  f"(it has {len(text)}).")
    return text


def _checked(action: str, customer_id: int, now: datetime) -> tuple[Customer, PortalAccount]:
    """Inside the transaction: the customer and account, once the action is known to apply."""
    customer, account = _load(customer_id)
    choice = next(c for c in _choices(customer, account, now) if c.action == action)
    if not choice.available:
        raise PortalActionRefused(f"{choice.label} does not apply to {customer.display_name}: "
                                  f"{choice.reason}.")
    if account is None:
        account = PortalAccount.create(customer=customer.id, updated_at=now)
    return customer, account


def _update_account(account: PortalAccount, now: datetime, **changes) -> None:
    """Change an account unless someone else changed it since it was read in this transaction."""
    updated = (PortalAccount.update(**changes, version=PortalAccount.version + 1, updated_at=now)
               .where((PortalAccount.id == account.id)
                      & (PortalAccount.version == account.version))
               .execute())
    if not updated:
        raise PortalActionRefused("Someone else changed this portal account just now; "
                                  "look at it again and retry.")


@dataclass(frozen=True)
class _Credentials:
    """What an emailed action hands the customer: a temporary password, or a one-time link."""

    secret: str = field(repr=False)  # never in a traceback or a log line
    password_hash: str = field(repr=False)
    expires_at: datetime | None = None


def _prepare_password(now: datetime) -> _Credentials:
    """A new temporary password and its hash (slow: bcrypt), made before the transaction."""
    password = temporary_password()
    return _Credentials(password, hash_password(password),
                        now + portal_policy().temp_password_lifetime)


def _emailed_action(action: str, customer_id: int, staff: StaffSession, sender: str,
                    portal_url: str,
                    reason: str = "") -> ActionResult:
    """Send Activation Email or Reset Password and Unlock: new credentials, unlocked, emailed."""
    authorize(staff, ACTION_PERMISSIONS[action], customer_id)
    now = utcnow()
    credentials = None if portal_url else _prepare_password(now)
    kind = KIND_ACTIVATION if action == ACTION_SEND else KIND_RESET
    try:
        with write_transaction():
            customer, account = _checked(action, customer_id, now)
            email = customer.billing_email.strip()
            if credentials is None:
                issued = issue_token(account.id, PURPOSE_ACTIVATION if action == ACTION_SEND
                                     else PURPOSE_RESET, staff.login, now)
                credentials = _Credentials(issued.token, "", issued.expires_at)
            else:
                cancel_open_tokens(account.id, now)
            _update_account(account, now, status=PORTAL_ACTIVE,
                            password_hash=credentials.password_hash,
                            temp_password_expires_at=None if portal_url
                            else credentials.expires_at,
                            must_change_password=True, failed_attempts=0, locked_until=None,
                            lock_reason="", login_email=login_key(email))
            draft = portal_email(kind, greeting_name(customer), email, credentials.secret,
                                 credentials.expires_at, portal_url)
            message = enqueue(customer.id, email, draft.subject, draft.body_template, sender,
                              draft.secret, draft.discard_after)
            record_event(customer.id, staff, f"portal_{action}", detail=_audit_detail(
                action, account, email, portal_url, credentials.expires_at, reason))
    except pw.IntegrityError:  # a concurrent action took the account or the email
        raise PortalActionRefused("Someone else changed this portal account or its sign-in "
                                  "email just now; look at it again and retry.") from None
    except pw.DatabaseError as error:  # `from None`: the driver's detail may quote the secret
        first_line = (str(error).strip().splitlines() or ["no detail"])[0]
        raise PortalActionFailed(f"The database did not take the change: {first_line}. "
                                 "Nothing was changed.") from None
    return ActionResult(action, customer.id, customer.display_name, email, message.id,
                        bool(portal_url), credentials.expires_at)


def _audit_detail(action: str, account: PortalAccount, email: str, portal_url: str,
                  expires_at: datetime, reason: str) -> str:
    """What an emailed action did, for the audit trail (never the password or the link)."""
    was = describe_account(account, utcnow())
    what = "one-time link" if portal_url else "temporary password"
    text = (f"{ACTION_LABELS[action]}: was {was}; now active; email with a {what} "
            f"(valid until {when(expires_at)}) queued to {email}")
    return f"{text}. Reason: {reason}" if reason else text


def send_activation(customer_id: int, staff: StaffSession, *, sender: str,
                    portal_url: str = "") -> ActionResult:
    """Activate the portal account with a new temporary password (or a one-time link when a
    portal address is given) and queue the activation email, in one transaction."""
    return _emailed_action(ACTION_SEND, customer_id, staff, sender, portal_url)


def reset_and_unlock(customer_id: int, staff: StaffSession, *, sender: str, portal_url: str = "",
                     reason: str = "") -> ActionResult:
    """Unlock the account, clear failed sign-ins, replace the password (the old one stops
    working) and queue the email, in one transaction."""
    return _emailed_action(ACTION_RESET, customer_id, staff, sender, portal_url,
                           _clean_reason(reason))


def lock_account(customer_id: int, staff: StaffSession, reason: str = "") -> ActionResult:
    """Lock the account: the portal refuses every sign-in until staff reset and unlock it."""
    authorize(staff, Permission.PORTAL_LOCK, customer_id)
    reason = _clean_reason(reason)
    now = utcnow()
    with write_transaction():
        customer, account = _checked(ACTION_LOCK, customer_id, now)
        was = describe_account(account, now)
        _update_account(account, now, status=PORTAL_LOCKED, lock_reason=reason)
        cancelled = cancel_open_tokens(account.id, now)
        detail = f"Lock Account: was {was}; now locked by staff"
        if cancelled:
            detail += f"; {cancelled} unused link(s) cancelled"
        record_event(customer.id, staff, f"portal_{ACTION_LOCK}",
                     detail=f"{detail}. Reason: {reason}" if reason else detail)
    return ActionResult(ACTION_LOCK, customer.id, customer.display_name,
                        customer.billing_email.strip())
