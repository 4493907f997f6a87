"""Archive, not delete: an archived customer is hidden from the list, keeps its code reserved
(the customer row keeps its unique code_key) and can be restored."""

from models.aliases import merged_into
from models.audit.events import record_event
from models.clock import utcnow
from models.customers import CustomerNotFound, CustomerRecord, load_customer
from models.duplicates import settle_changes
from models.staff.permissions import Permission, authorize
from models.staff.session import StaffSession
from models.store.engine import write_transaction
from models.store.tables import Customer


class ArchiveRefused(Exception):
    """Archiving or restoring does not apply to this customer now; the message says why."""


def _customer(customer_id: int) -> Customer:
    customer = Customer.get_or_none(Customer.id == customer_id)
    if customer is None:
        raise CustomerNotFound(f"Customer {customer_id} no longer exists.")
    return customer


def _label(customer: Customer) -> str:
    name = customer.display_name
    return f"{customer.code} ({name})" if name else customer.code


def _set_archived(customer: Customer, archived: bool, expected_version: int | None) -> None:
    """Set or clear archived_at with the version check; inside the write transaction."""
    version = customer.version if expected_version is None else expected_version
    updated = (
        Customer.update(
            archived_at=utcnow() if archived else None,
            version=Customer.version + 1,
            updated_at=utcnow(),
        )
        .where((Customer.id == customer.id) & (Customer.version == version))
        .execute()
    )
    if not updated:
        raise ArchiveRefused(
            f"Someone else changed {_label(customer)} since you opened it; "
            "look at it again and retry."
        )
    settle_changes()


def archive_customer(
    customer_id: int, staff: StaffSession, expected_version: int | None = None
) -> CustomerRecord:
    """Archive a customer (audited); with expected_version, only if nobody saved it since."""
    authorize(staff, Permission.ARCHIVE, customer_id)
    with write_transaction():
        customer = _customer(customer_id)
        if customer.archived_at is not None:
            raise ArchiveRefused(f"{_label(customer)} is already archived.")
        _set_archived(customer, True, expected_version)
        record_event(
            customer.id,
            staff,
            "archived",
            detail=f"Archived {_label(customer)}; the code stays reserved",
        )
    return load_customer(customer_id)


def restore_customer(
    customer_id: int, staff: StaffSession, expected_version: int | None = None
) -> CustomerRecord:
    """Bring an archived customer back to the list (audited). A customer merged into another
    comes back only by undoing that merge."""
    authorize(staff, Permission.ARCHIVE, customer_id)
    with write_transaction():
        customer = _customer(customer_id)
        if customer.archived_at is None:
            raise ArchiveRefused(f"{_label(customer)} is not archived.")
        survivor = merged_into(customer.id)
        if survivor is not None:
            raise ArchiveRefused(
                f"{_label(customer)} was merged into {survivor}: undo the merge "
                f"from {survivor}'s history to bring it back."
            )
        _set_archived(customer, False, expected_version)
        record_event(customer.id, staff, "restored", detail=f"Restored {_label(customer)}")
    return load_customer(customer_id)
