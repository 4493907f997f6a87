"""Customers put straight into the open database, and the fixed ones the pictures show."""

from models.store.tables import Customer
from support.detail import SAMPLE

MAPLE = {
    "code": "CST-000001",
    **{
        name: value
        for name, value in SAMPLE.items()
        if name not in ("tax_exempt", "accepts_marketing")
    },
}
MAPLE_AGAIN = {
    **MAPLE,
    "code": "CST-000002",
    "business_name": "Maple Leaf Supplies Inc.",
    "contact_name": "J. Doe",
    "billing_city": "Ottawa",
    "billing_phone": "+1 613 555 0199",
    "billing_email": "accounts@mapleleaf.example",
}  # a likely duplicate, to merge


def add(code: str, **values) -> int:
    """A customer inserted directly (the list does not care how it got there); its id."""
    return Customer.insert(code=code, code_key=code.casefold(), **values).execute()
