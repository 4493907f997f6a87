"""A customer's portal status as people read it, for headers and lists."""

from models.store.tables import PORTAL_NOT_ACTIVATED, PORTAL_STATUS_LABELS, PortalAccount


def portal_status_label(customer_id: int | None) -> str:
    """The portal status of a customer ("not activated" when it has no portal account yet)."""
    status = PORTAL_NOT_ACTIVATED
    if customer_id is not None:
        status = (
            PortalAccount.select(PortalAccount.status)
            .where(PortalAccount.customer == customer_id)
            .scalar()
        ) or PORTAL_NOT_ACTIVATED
    return PORTAL_STATUS_LABELS.get(status, status)
