"""The three portal actions staff take (send activation, lock, reset and unlock): when each
applies, and each done as one write transaction — state change, outbox message, audit event —
only on the account state the clerk saw and confirmed (its version)."""

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

import peewee as pw

from models.audit.events import record_event
from models.clock import shown_time, utcnow
from models.customers import CustomerNotFound
from models.env import env_int
from models.fields import MAX_REASON_CHARS, greeting_name
from models.mail.outbox import STATUS_FAILED, STATUS_PENDING, STATUS_SENT, STATUS_WITHDRAWN, enqueue
from models.portal.emails import KIND_ACTIVATION, KIND_RESET, hours, one_line, portal_email
from models.portal.secrets import CREDENTIAL_PASSWORD, link_credential, temp_password_lifetime
from models.portal.tokens import (
    LINK_LIFETIME,
    PURPOSE_ACTIVATION,
    PURPOSE_RESET,
    cancel_open_tokens,
)
from models.staff.permissions import (
    Permission,
    authorize,
    refusal_text,
    role_allows,
    role_of,
)
from models.staff.session import StaffSession
from models.store.engine import write_transaction
from models.store.tables import (
    PORTAL_ACTIVE,
    PORTAL_LOCKED,
    PORTAL_NOT_ACTIVATED,
    AccessLogEntry,
    AuditEvent,
    Customer,
    OutboxMessage,
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
ACTION_PERMISSIONS = {
    ACTION_SEND: Permission.PORTAL_SEND,
    ACTION_LOCK: Permission.PORTAL_LOCK,
    ACTION_RESET: Permission.PORTAL_RESET,
}
EMAILED_ACTIONS = (f"portal_{ACTION_SEND}", f"portal_{ACTION_RESET}")

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
        temp_password_lifetime=temp_password_lifetime(),
        lockout_attempts=env_int(LOCKOUT_ATTEMPTS_ENV, 10, 1, 10),
        lockout_duration=timedelta(minutes=env_int(LOCKOUT_MINUTES_ENV, 30, 30, 10_080)),
    )


class PortalActionRefused(Exception):
    """The action does not apply to this customer now; the message says why."""


class PortalActionConflict(PortalActionRefused):
    """Another clerk (or the customer) changed the account since the clerk looked: nothing was
    done; the message says what changed, who changed it and when."""


class PortalActionFailed(Exception):
    """The database did not take the change; nothing was changed. The message is safe to show."""


def login_key(email: str) -> str:
    """The form of an email that portal sign-in matches on."""
    return email.strip().casefold()


def when(moment: datetime | None) -> str:
    """A stored moment as the staff member reads it, in their time zone with the zone named
    (one the state implies must be there: a sent email's sending time, a sign-in lock's end)."""
    if moment is None:
        raise ValueError("A moment the account's state implies is missing from the database.")
    return shown_time(moment)


def stored_when(moment: datetime) -> str:
    """A moment written into stored text (a withdrawal reason): UTC, whoever reads it later."""
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
    version: int = 0  # the account's version (0: no account yet): the action checks it
    on_its_way: str = ""  # an email with a password or link on its way: who sent it, when

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


def _credential_message(account: PortalAccount | None) -> OutboxMessage | None:
    """The message whose email carries the account's current password or link, if any."""
    if account is None or account.credential_message is None:
        return None
    return OutboxMessage.get_or_none(OutboxMessage.id == account.credential_message)


def _email_state(message: OutboxMessage) -> str:
    """Where the email with the password or link is, for staff."""
    if message.status == STATUS_PENDING:
        return f"email queued at {when(message.created_at)}, not delivered yet"
    if message.status == STATUS_SENT:
        return f"email sent at {when(message.sent_at)}"
    if message.status == STATUS_FAILED:
        return f"the email could not be delivered ({message.last_error}); do the action again"
    return f"the email was not sent ({message.last_error})"


def describe_account(account: PortalAccount | None, now: datetime) -> str:
    """The account's state in one line for staff: status, any lock with its reason and end, and
    where the email with a new password or link is."""
    if account is None or account.status == PORTAL_NOT_ACTIVATED:
        return "not activated"
    if account.status == PORTAL_LOCKED:
        reason = f": {account.lock_reason}" if account.lock_reason else ""
        return f"locked by staff{reason} (only Reset Password and Unlock lifts it)"
    if _auto_locked(account, now):
        return (
            f"locked after {account.failed_attempts} failed sign-ins, until "
            f"{when(account.locked_until)} (lifts by itself, or Reset Password and Unlock)"
        )
    message = _credential_message(account) if account.must_change_password else None
    if message is not None and message.status != STATUS_SENT:
        return f"active, old password ended: {_email_state(message)}"
    if account.must_change_password and message and message.credential != CREDENTIAL_PASSWORD:
        return (
            f"active: one-time link {_email_state(message)}, waiting for the customer to "
            "choose a password"
        )
    if account.must_change_password:
        expires = account.temp_password_expires_at
        if expires is not None and expires <= now:
            return f"active: the temporary password expired unused at {when(expires)}"
        return "active: temporary password sent, not used yet" + (
            f" (expires {when(expires)})" if expires else ""
        )
    last = f", last sign-in {when(account.last_sign_in_at)}" if account.last_sign_in_at else ""
    return f"active{last}"


def _email_holder(customer: Customer) -> Customer | None:
    """Another customer whose portal account already signs in with this customer's billing
    email."""
    key = login_key(customer.billing_email)
    return (
        Customer.select()
        .join(PortalAccount)
        .where((PortalAccount.login_email == key) & (Customer.id != customer.id))
        .first()
    )


def _email_reason(customer: Customer) -> str:
    """Why the customer's billing email cannot carry a portal account, or ''."""
    if not customer.billing_email.strip():
        return "no billing email"
    holder = _email_holder(customer)
    if holder is not None:
        return (
            f"the billing email is already the portal sign-in of {holder.code} "
            f"({holder.display_name})"
        )
    return ""


def _send_reason(customer: Customer, account: PortalAccount | None, now: datetime) -> str:
    """Why Send Activation Email does not apply, or ''."""
    status = account.status if account else PORTAL_NOT_ACTIVATED
    if customer.archived_at is not None:
        return "the customer is archived"
    if status == PORTAL_LOCKED or _auto_locked(account, now):
        return "account locked (use Reset Password and Unlock)"
    if status == PORTAL_ACTIVE and account is not None and not account.must_change_password:
        return (
            "already activated: the customer has chosen a password (use Reset Password and Unlock)"
        )
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


def _choices(
    customer: Customer, account: PortalAccount | None, now: datetime
) -> tuple[ActionChoice, ...]:
    """The three menu entries for a customer."""
    reasons = {
        ACTION_SEND: _send_reason(customer, account, now),
        ACTION_LOCK: _lock_reason(account),
        ACTION_RESET: _reset_reason(customer, account),
    }
    return tuple(
        ActionChoice(a, ACTION_LABELS[a], ACTION_KEYS[a], not reasons[a], reasons[a])
        for a in ACTIONS
    )


def _load(customer_id: int) -> tuple[Customer, PortalAccount | None]:
    """A customer and their portal account (None before the first action)."""
    customer = Customer.get_or_none(Customer.id == customer_id)
    if customer is None:
        raise CustomerNotFound(f"Customer {customer_id} no longer exists.")
    return customer, staff_view_of_account(customer_id)


def _latest_event(customer_id: int, actions: tuple[str, ...] | None = None) -> AuditEvent | None:
    """The latest portal action done on a customer (of the given actions), from the audit."""
    condition = (
        (AuditEvent.customer == customer_id)
        & (AuditEvent.result == "done")
        & AuditEvent.action.startswith("portal_")
    )
    if actions:
        condition &= AuditEvent.action.in_(actions)
    return (
        AuditEvent.select()
        .where(condition)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .first()
    )


def _event_text(event: AuditEvent) -> str:
    """An audit event for people: the action, who did it, when."""
    label = ACTION_LABELS.get(event.action.removeprefix("portal_"), event.action)
    return f"{label} by {event.staff} at {when(event.at)}"


def on_its_way(customer_id: int, account: PortalAccount | None) -> str:
    """'' unless an email with a password or link is on its way (queued, or sent and not used
    yet): then what it is, who sent it and when, and where it is."""
    message = _credential_message(account)
    if (
        message is None
        or account is None
        or account.status != PORTAL_ACTIVE
        or not account.must_change_password
        or message.status not in (STATUS_PENDING, STATUS_SENT)
    ):
        return ""
    event = _latest_event(customer_id, EMAILED_ACTIONS)
    by = f": {_event_text(event)}" if event else ""
    return (
        f"an email with a new password or link is already on its way{by}; {_email_state(message)}"
    )


def portal_summary(customer_id: int, staff: StaffSession) -> PortalSummary:
    """The customer's portal state and which actions apply, for this staff member (read-only)."""
    customer, account = _load(customer_id)
    now = utcnow()
    return PortalSummary(
        customer.id,
        customer.display_name,
        customer.billing_email.strip(),
        account.status if account else PORTAL_NOT_ACTIVATED,
        describe_account(account, now),
        _for_role(_choices(customer, account, now), role_of(staff.login)),
        account.version if account else 0,
        on_its_way(customer.id, account),
    )


def _for_role(choices: tuple[ActionChoice, ...], role: str | None) -> tuple[ActionChoice, ...]:
    """The menu entries with those the role may not use marked unavailable, saying why."""
    return tuple(
        choice
        if role_allows(role, ACTION_PERMISSIONS[choice.action])
        else replace(
            choice, available=False, reason=refusal_text(role, ACTION_PERMISSIONS[choice.action])
        )
        for choice in choices
    )


def _clean_reason(reason: str) -> str:
    """A staff-typed reason, on one line and not too long."""
    text = one_line(reason)
    if len(text) > MAX_REASON_CHARS:
        raise PortalActionRefused(
            f"The reason is too long: at most {MAX_REASON_CHARS} characters (it has {len(text)})."
        )
    return text


class _Stale(Exception):
    """Inside the transaction: the account is not at the version the clerk confirmed."""


def _checked(
    action: str, customer_id: int, now: datetime, expected_version: int, resend: bool = False
) -> tuple[Customer, PortalAccount]:
    """Inside the transaction: the customer and account, once the action is known to apply to
    the state the clerk confirmed (`expected_version`; 0 for no account yet)."""
    customer, account = _load(customer_id)
    if (account.version if account else 0) != expected_version:
        raise _Stale
    choice = next(c for c in _choices(customer, account, now) if c.action == action)
    if not choice.available:
        raise PortalActionRefused(
            f"{choice.label} does not apply to {customer.display_name}: {choice.reason}."
        )
    underway = on_its_way(customer.id, account) if action == ACTION_SEND else ""
    if underway and not resend:
        raise PortalActionRefused(
            f"{choice.label} was not done for {customer.display_name}: "
            f"{underway}. Choose Send again to replace it."
        )
    if account is None:
        account = PortalAccount.create(customer=customer.id, updated_at=now)
    return customer, account


def _conflict(action: str, customer_id: int) -> PortalActionConflict:
    """The refusal for an action confirmed on a state that has changed since: what it is now,
    and who changed it, when (the latest portal action, or the customer's own sign-in)."""
    customer, account = _load(customer_id)
    event = _latest_event(customer_id)
    changed = _event_text(event) if event else "a change"
    own = (
        AccessLogEntry.select()
        .where(
            (AccessLogEntry.customer == customer_id)
            & AccessLogEntry.success
            & AccessLogEntry.reason.contains("password set")
        )
        .order_by(AccessLogEntry.at.desc())
        .first()
    )
    if own is not None and (event is None or own.at > event.at):
        changed = f"the customer set their own password at {when(own.at)}"
    return PortalActionConflict(
        f"{ACTION_LABELS[action]} was not done: the portal account of {customer.display_name} "
        f"changed after you looked at it ({changed}). It is now {describe_account(account, utcnow())}."
        " Look at it again and decide."
    )


def _update_account(account: PortalAccount, now: datetime, **changes) -> None:
    """Change an account unless someone else changed it since it was read in this transaction."""
    updated = (
        PortalAccount.update(**changes, version=PortalAccount.version + 1, updated_at=now)
        .where((PortalAccount.id == account.id) & (PortalAccount.version == account.version))
        .execute()
    )
    if not updated:
        raise _Stale


def _withdraw_waiting(customer_id: int, why: str) -> int:
    """Withdraw the customer's portal emails still waiting (not being delivered right now): the
    action that replaces them, or a lock, makes them wrong. Inside the write transaction."""
    now = utcnow()
    return (
        OutboxMessage.update(status=STATUS_WITHDRAWN, last_error=why)
        .where(
            (OutboxMessage.customer == customer_id)
            & (OutboxMessage.credential != "")
            & (OutboxMessage.status == STATUS_PENDING)
            & (OutboxMessage.claimed_until.is_null() | (OutboxMessage.claimed_until < now))
        )
        .execute()
    )


def _storage_failure(error: pw.DatabaseError) -> PortalActionFailed:
    """The database refused the change: one line (no secret exists to quote)."""
    first_line = (str(error).strip().splitlines() or ["no detail"])[0]
    return PortalActionFailed(
        f"The database did not take the change: {first_line}. Nothing was changed."
    )


def _emailed_action(
    action: str,
    customer_id: int,
    staff: StaffSession,
    sender: str,
    portal_url: str,
    expected_version: int,
    reason: str = "",
    resend: bool = False,
) -> ActionResult:
    """Send Activation Email or Reset Password and Unlock: the old password and links end at
    once, the account is active and unlocked, and the email is queued; its new password or link
    is made only when it is delivered (models/portal/secrets.py)."""
    authorize(staff, ACTION_PERMISSIONS[action], customer_id)
    now = utcnow()
    kind = KIND_ACTIVATION if action == ACTION_SEND else KIND_RESET
    purpose = PURPOSE_ACTIVATION if action == ACTION_SEND else PURPOSE_RESET
    lifetime = LINK_LIFETIME[purpose] if portal_url else temp_password_lifetime()
    try:
        with write_transaction():
            customer, account = _checked(action, customer_id, now, expected_version, resend)
            email = customer.billing_email.strip()
            was = describe_account(account, now)
            cancel_open_tokens(account.id, now)
            _withdraw_waiting(
                customer.id,
                f"withdrawn: replaced by {ACTION_LABELS[action]} by {staff.login} at {stored_when(now)}",
            )
            name = greeting_name(
                customer.billing_contact_name, customer.contact_name, customer.business_name
            )
            draft = portal_email(kind, one_line(name), email, portal_url)
            message = enqueue(
                customer.id,
                email,
                draft.subject,
                draft.body_template,
                sender,
                link_credential(purpose) if portal_url else CREDENTIAL_PASSWORD,
                now + lifetime,
            )
            _update_account(
                account,
                now,
                status=PORTAL_ACTIVE,
                password_hash="",
                temp_password_expires_at=None,
                must_change_password=True,
                failed_attempts=0,
                locked_until=None,
                lock_reason="",
                login_email=login_key(email),
                credential_message=message.id,
            )
            record_event(
                customer.id,
                staff,
                f"portal_{action}",
                detail=_audit_detail(action, was, email, portal_url, lifetime, reason),
            )
    except _Stale:
        raise _conflict(action, customer_id) from None
    except pw.IntegrityError:  # a concurrent action took the account or the email
        if _account_version(customer_id) != expected_version:
            raise _conflict(action, customer_id) from None
        raise PortalActionRefused(
            "Someone else changed this portal account or its sign-in "
            "email just now; look at it again and retry."
        ) from None
    except pw.DatabaseError as error:
        raise _storage_failure(error) from None
    return ActionResult(
        action, customer.id, customer.display_name, email, message.id, bool(portal_url), None
    )


def _account_version(customer_id: int) -> int:
    """The account's version now (0: no account)."""
    return (
        PortalAccount.select(PortalAccount.version)
        .where(PortalAccount.customer == customer_id)
        .scalar()
    ) or 0


def _audit_detail(
    action: str, was: str, email: str, portal_url: str, lifetime: timedelta, reason: str
) -> str:
    """What an emailed action did, for the audit trail (there is no password or link yet)."""
    what = "one-time link" if portal_url else "temporary password"
    text = (
        f"{ACTION_LABELS[action]}: was {was}; now active, old password and links ended; "
        f"email with a {what} (valid {hours(lifetime)} from delivery) queued to {email}"
    )
    return f"{text}. Reason: {reason}" if reason else text


def send_activation(
    customer_id: int,
    staff: StaffSession,
    *,
    expected_version: int,
    sender: str,
    portal_url: str = "",
    resend: bool = False,
) -> ActionResult:
    """Activate the portal account and queue the activation email with a temporary password
    (or a one-time link when a portal address is given), in one transaction, if the account is
    still at `expected_version`. An email already on its way is replaced only with `resend`."""
    return _emailed_action(
        ACTION_SEND, customer_id, staff, sender, portal_url, expected_version, resend=resend
    )


def reset_and_unlock(
    customer_id: int,
    staff: StaffSession,
    *,
    expected_version: int,
    sender: str,
    portal_url: str = "",
    reason: str = "",
) -> ActionResult:
    """Unlock the account, clear failed sign-ins, end the old password at once and queue the
    email with a new one, in one transaction, if the account is still at `expected_version`."""
    return _emailed_action(
        ACTION_RESET,
        customer_id,
        staff,
        sender,
        portal_url,
        expected_version,
        _clean_reason(reason),
    )


def lock_account(
    customer_id: int, staff: StaffSession, *, expected_version: int, reason: str = ""
) -> ActionResult:
    """Lock the account, if it is still at `expected_version`: the portal refuses every sign-in
    until staff reset and unlock it, and no waiting portal email is sent."""
    authorize(staff, Permission.PORTAL_LOCK, customer_id)
    reason = _clean_reason(reason)
    now = utcnow()
    try:
        with write_transaction():
            customer, account = _checked(ACTION_LOCK, customer_id, now, expected_version)
            was = describe_account(account, now)
            _update_account(account, now, status=PORTAL_LOCKED, lock_reason=reason)
            cancelled = cancel_open_tokens(account.id, now)
            withdrawn = _withdraw_waiting(
                customer.id,
                f"withdrawn: the account was locked by {staff.login} at {stored_when(now)}",
            )
            detail = f"Lock Account: was {was}; now locked by staff"
            if cancelled:
                detail += f"; {cancelled} unused link(s) cancelled"
            if withdrawn:
                detail += f"; {withdrawn} waiting email(s) withdrawn"
            record_event(
                customer.id,
                staff,
                f"portal_{ACTION_LOCK}",
                detail=f"{detail}. Reason: {reason}" if reason else detail,
            )
    except _Stale:
        raise _conflict(ACTION_LOCK, customer_id) from None
    except pw.DatabaseError as error:
        raise _storage_failure(error) from None
    return ActionResult(
        ACTION_LOCK, customer.id, customer.display_name, customer.billing_email.strip()
    )
