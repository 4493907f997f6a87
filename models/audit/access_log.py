"""A customer's portal sign-in attempts, newest first, as the Access log tab shows them."""

from dataclasses import dataclass
from datetime import datetime

from models.aliases import merged_ids
from models.audit.events import record_event
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
    with write_transaction():
        record_event(
            customer_id,
            staff,
            READ_ACTION,
            counts_as_change=False,
            detail="Read the portal access log",
        )
    query = (
        AccessLogEntry.select()
        .where(AccessLogEntry.customer.in_(merged_ids(customer_id)))
        .order_by(AccessLogEntry.id.desc())
        .limit(limit)
    )
    if before_id is not None:
        query = query.where(AccessLogEntry.id < before_id)
    return [
        AccessRow(entry.id, entry.at, entry.success, entry.reason, entry.address, entry.email)
        for entry in query
    ]
