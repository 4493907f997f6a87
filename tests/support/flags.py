"""The duplicate flags worked out from scratch, every customer against every other, by the
rules of models/duplicates.py: what the stored flags must always equal."""

from models.duplicates import (
    REASON_EMAIL,
    REASON_PHONE,
    duplicate_flags,
    flag_message,
    name_key,
    postal_key,
    similar_names,
)
from models.store.search_copy import digits, fold
from models.store.tables import Customer

_NAMES = ("business name", "contact name")


def _flag(row: Customer, live: list[Customer]) -> str | None:
    others = [other for other in live if other.id != row.id]
    for key, reason in (
        (lambda c: fold(c.billing_email), REASON_EMAIL),
        (lambda c: digits(c.billing_phone), REASON_PHONE),
    ):
        if key(row):
            same = [other for other in others if key(other) == key(row)]
            if same:
                return _message(same[0], reason)
    names = [
        (what, name_key(value))
        for what, value in zip(_NAMES, (row.business_name, row.contact_name))
    ]
    postal = postal_key(row.billing_postal_code)
    if not postal:
        return None
    for other in others:
        if postal_key(other.billing_postal_code) != postal:
            continue
        if (
            row.billing_country
            and other.billing_country
            and row.billing_country != other.billing_country
        ):
            continue
        keys = [name_key(other.business_name), name_key(other.contact_name)]
        for what, key in names:
            if key and any(k and similar_names(k, key) for k in keys):
                return _message(other, f"similar {what} at the same postal code")
    return None


def _message(other: Customer, reason: str) -> str:
    return flag_message(other.code, other.business_name or other.contact_name, reason)


def expected_flags() -> dict[int, str]:
    """Every customer's flag (archived ones too), worked out by brute force."""
    everyone = list(Customer.select().order_by(Customer.id))
    live = [c for c in everyone if c.archived_at is None]
    flags = {row.id: _flag(row, live) for row in everyone}
    return {row_id: flag for row_id, flag in flags.items() if flag is not None}


def stored_flags() -> dict[int, str]:
    """Every customer's stored flag."""
    return duplicate_flags([c.id for c in Customer.select(Customer.id)])


def assert_flags_right() -> dict[int, str]:
    """The stored flags are exactly the ones worked out from scratch; returns them."""
    stored = stored_flags()
    assert stored == expected_flags()
    return stored
