"""A customer's portal sign-in attempts, newest first, as the Access log tab shows them."""

from dataclasses import dataclass
from datetime import datetime

import peewee

from models.aliases import merged_ids
from models.audit.events import record_event
from models.paging import PAGE_ROWS, RecordPage, record_page
from models.staff.permissions import Permission, authorize
from models.staff.session import StaffSession
from models.store.engine import write_transaction
from models.store.tables import AccessLogEntry

DEFAULT_LIMIT = 200
READ_ACTION = "access_log_read"


@dataclass(frozen=True)
class AccessRow:
    """One sign-in attempt: when, whether it succeeded and why, from where, with which email."""

    id: int
    at: datetime
    success: bool
    reason: str
    address: str
    email: str

    @property
    def outcome(self) -> str:
        """ "Success" or "Failed", for people."""
        return "Success" if self.success else "Failed"


def access_log(
    customer_id: int, staff: StaffSession, limit: int = DEFAULT_LIMIT, before_id: int | None = None
) -> list[AccessRow]:
    """The customer's sign-in attempts, newest first; `before_id` pages on from an older row.

    Reading it is audited: sign-in addresses are personal data.
    """
    authorize(staff, Permission.ACCESS_LOG, customer_id)
    _record_reading(customer_id, staff)
    return _attempts(customer_id, limit, before_id)


def access_log_page(
    customer_id: int, staff: StaffSession, after: AccessRow | None = None, limit: int = PAGE_ROWS
) -> RecordPage[AccessRow]:
    """A page of the customer's sign-in attempts, newest first, starting below the attempt
    `after` (the last of the page before), with the count of all. Reading the first page is
    audited (sign-in addresses are personal data); the pages after it continue that reading."""
    authorize(staff, Permission.ACCESS_LOG, customer_id)
    if after is None:
        _record_reading(customer_id, staff)
    rows = _attempts(customer_id, limit + 1, after.id if after is not None else None)
    total = AccessLogEntry.select().where(_attempts_of(customer_id)).count()
    return record_page(rows, limit, total)


def _record_reading(customer_id: int, staff: StaffSession) -> None:
    with write_transaction():
        record_event(
            customer_id,
            staff,
            READ_ACTION,
            counts_as_change=False,
            detail="Read the portal access log",
        )


def _attempts_of(customer_id: int) -> peewee.Expression:
    """The condition for the attempts of a customer and of the customers merged into it."""
    return AccessLogEntry.customer.in_(merged_ids(customer_id))


def _attempts(customer_id: int, limit: int, before_id: int | None) -> list[AccessRow]:
    """Up to `limit` attempts, newest first, older than `before_id` when given (keyset)."""
    query = AccessLogEntry.select().where(_attempts_of(customer_id))
    if before_id is not None:
        query = query.where(AccessLogEntry.id < before_id)
    return [
        AccessRow(entry.id, entry.at, entry.success, entry.reason, entry.address, entry.email)
        for entry in query.order_by(AccessLogEntry.id.desc()).limit(limit)
    ]
