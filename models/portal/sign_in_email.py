"""The portal sign-in follows the billing email: when a customer with a portal sign-in gets a
new billing email, the sign-in moves to it in the same transaction, and the old and the new
address are both told by email (OWASP ASVS V2.5.5). The customer core calls it through
models.billing_email (registered by models/portal/__init__.py), so the core and the other
features never import the portal."""

import peewee as pw

from models.audit.events import record_event
from models.billing_email import FollowRefused
from models.clock import utcnow
from models.fields import greeting_name
from models.mail.outbox import enqueue
from models.portal.emails import one_line, sign_in_moved_email
from models.staff.session import StaffSession
from models.store.tables import Customer, PortalAccount

ACTION_SIGN_IN_MOVED = "portal_sign_in_moved"
FIELD = "billing_email"


class SignInRefused(FollowRefused):
    """The new billing email cannot be the portal sign-in; the message names the field."""


def _key(email: str) -> str:
    """An email as portal sign-in matches it (as models.portal.actions.login_key)."""
    return email.strip().casefold()


def _holder(key: str, customer_id: int) -> Customer | None:
    """Another customer whose portal account signs in with `key`."""
    return (
        Customer.select(Customer.code, Customer.business_name, Customer.contact_name)
        .join(PortalAccount)
        .where((PortalAccount.login_email == key) & (Customer.id != customer_id))
        .first()
    )


def _refusal(new_email: str, customer_id: int) -> str:
    """Why the new billing email cannot take the sign-in, or ''."""
    if not new_email.strip():
        return (
            "Billing Email cannot be blank: it is this customer's portal sign-in (lock the "
            "portal account first if they should no longer sign in)."
        )
    holder = _holder(_key(new_email), customer_id)
    if holder is not None:
        return (
            f"Billing Email {new_email.strip()} is already the portal sign-in of "
            f"{holder.code} ({holder.display_name}); choose another address."
        )
    return ""


def follow_billing_email(
    customer_id: int,
    old_email: str,
    new_email: str,
    values: dict[str, object],
    staff: StaffSession,
    sender: str,
) -> str:
    """Inside the save's write transaction: move the portal sign-in to the new billing email,
    queue a notice to the old and to the new address, and audit it. Returns what to tell the
    clerk ('' when the customer has no sign-in). Raises SignInRefused, changing nothing."""
    account = (
        PortalAccount.select(PortalAccount.id, PortalAccount.version, PortalAccount.login_email)
        .where(PortalAccount.customer == customer_id)
        .first()
    )
    if account is None or not account.login_email or account.login_email == _key(new_email):
        return ""
    reason = _refusal(new_email, customer_id)
    if reason:
        raise SignInRefused(reason)
    old = old_email.strip() if _key(old_email) == account.login_email else account.login_email
    new = new_email.strip()
    try:
        moved = (
            PortalAccount.update(
                login_email=_key(new), version=PortalAccount.version + 1, updated_at=utcnow()
            )
            .where((PortalAccount.id == account.id) & (PortalAccount.version == account.version))
            .execute()
        )
    except pw.IntegrityError:  # another account took the address since the check above
        raise SignInRefused(
            _refusal(new, customer_id)
            or "Billing Email: the portal sign-in could not move; save again."
        ) from None
    if not moved:
        raise SignInRefused("Billing Email: the portal account changed just now; save again.")
    name = one_line(
        greeting_name(
            values.get("billing_contact_name"),
            values.get("contact_name"),
            values.get("business_name"),
        )
    )
    for address, to_old in ((old, True), (new, False)):
        subject, body = sign_in_moved_email(name, old, new, to_old)
        enqueue(customer_id, address, subject, body, sender)
    record_event(
        customer_id,
        staff,
        ACTION_SIGN_IN_MOVED,
        {"login_email": (old, new)},
        detail=f"Portal sign-in moved from {old} to {new}; both addresses told by email",
    )
    return f"The portal sign-in moved to {new}; the old and the new address are told by email."
