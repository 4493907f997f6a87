"""The customer portal: accounts, actions and their emails, sign-in, one-time links.

Importing it registers the portal sign-in as what follows a customer's billing email."""

from models.billing_email import on_billing_email_change
from models.staff.session import StaffSession


@on_billing_email_change
def _sign_in_follows(
    customer_id: int,
    old: str,
    new: str,
    values: dict[str, object],
    staff: StaffSession,
    sender: str,
) -> str:
    """The portal sign-in moves to the new billing email (models/portal/sign_in_email.py, loaded
    on the first change: it brings the mail code, which the app's first paint does not need)."""
    from models.portal.sign_in_email import follow_billing_email

    return follow_billing_email(customer_id, old, new, values, staff, sender)
