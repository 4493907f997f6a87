"""Codes of customers merged into another: each stays reserved and still finds the survivor.

This module imports no other custdesk operation, so models/customers.py and models/search/query.py
can consult it without an import cycle.
"""

import peewee as pw

from models.clock import utcnow
from models.store.tables import AuditEvent, BaseModel, Customer


class CustomerAlias(BaseModel):
    """The code of a customer merged away, pointing at the customer that survived the merge."""

    id = pw.AutoField()
    alias_key = pw.CharField(max_length=32, unique=True)  # the code casefolded, like code_key
    code = pw.CharField(max_length=32)
    customer = pw.ForeignKeyField(Customer, backref="aliases", on_delete="CASCADE")
    customer_id: int
    merged_from = pw.ForeignKeyField(
        Customer, unique=True, backref="merged_into", on_delete="CASCADE"
    )
    merged_from_id: int
    merge_event = pw.ForeignKeyField(AuditEvent, null=True, backref="aliases", on_delete="SET NULL")
    merge_event_id: int | None
    created_at = pw.DateTimeField(default=utcnow)


def alias_key(code: str) -> str:
    """The form of a code that aliases are matched on: case does not count (as code_key)."""
    return code.strip().casefold()


def code_is_alias(key: str) -> str | None:
    """The code of the customer that an alias key (a casefolded code) finds, or None."""
    return (
        Customer.select(Customer.code)
        .join(CustomerAlias, on=CustomerAlias.customer)
        .where(CustomerAlias.alias_key == key)
        .scalar()
    )


def merged_ids(customer_id: int) -> list[int]:
    """The customer and every customer merged into it (directly or through earlier merges,
    whose aliases a later merge repoints): whose history and access log it shows."""
    merged = CustomerAlias.select(CustomerAlias.merged_from).where(
        CustomerAlias.customer == customer_id
    )
    return [customer_id, *(row.merged_from_id for row in merged)]


def taken_alias_keys(keys: list[str]) -> set[str]:
    """Which of these code keys a merge reserved as aliases (for bulk code generation)."""
    return set(
        CustomerAlias.select(CustomerAlias.alias_key)
        .where(CustomerAlias.alias_key.in_(keys))
        .scalars()
    )


def alias_target(code: str) -> int | None:
    """The id of the customer a merged-away code finds, or None when it is no alias."""
    return (
        CustomerAlias.select(CustomerAlias.customer)
        .where(CustomerAlias.alias_key == alias_key(code))
        .scalar()
    )


def aliases_of(customer_id: int) -> list[str]:
    """The merged-away codes that find this customer, oldest first."""
    return [
        row.code
        for row in CustomerAlias.select(CustomerAlias.code)
        .where(CustomerAlias.customer == customer_id)
        .order_by(CustomerAlias.created_at, CustomerAlias.id)
    ]


def merged_into(customer_id: int) -> str | None:
    """The code of the customer this (archived) customer was merged into, or None."""
    return (
        Customer.select(Customer.code)
        .join(CustomerAlias, on=CustomerAlias.customer)
        .where(CustomerAlias.merged_from == customer_id)
        .scalar()
    )
