"""What follows a customer's billing email when a save changes it: a registry the portal joins
(its sign-in moves with the address), so the customer core never imports a feature."""

from collections.abc import Callable

from models.staff.session import StaffSession


class FollowRefused(Exception):
    """What moves with a customer's billing email cannot move to the new one: the save is
    refused, with this message for the Billing Email field."""


# (customer id, old email, new email, the saved values, staff, mail sender) -> a notice or "".
BillingEmailFollower = Callable[[int, str, str, dict[str, object], StaffSession, str], str]
_BILLING_EMAIL_FOLLOWERS: list[BillingEmailFollower] = []


def on_billing_email_change(follower: BillingEmailFollower) -> BillingEmailFollower:
    """Register what moves with a customer's billing email (the portal sign-in, registered by
    models/portal/__init__.py), run inside the save's write transaction; it returns what
    to tell the clerk ("" for nothing) or raises FollowRefused."""
    _BILLING_EMAIL_FOLLOWERS.append(follower)
    return follower


def follow_billing_email(
    customer_id: int,
    old: str,
    new: str,
    values: dict[str, object],
    staff: StaffSession,
    sender: str,
) -> str:
    """Move what follows the billing email, inside the save's transaction; the notices joined."""
    if not _BILLING_EMAIL_FOLLOWERS:
        raise RuntimeError(
            "Nothing is registered to follow billing emails: import models.portal before "
            "saving customers, or the portal sign-in would stay on the old address."
        )
    notices = [
        follow(customer_id, old, new, values, staff, sender) for follow in _BILLING_EMAIL_FOLLOWERS
    ]
    return " ".join(notice for notice in notices if notice)
