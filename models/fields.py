"""The customer's editable fields: names, labels and limits, shared by every layer."""

from dataclasses import dataclass

ADDRESS_SIDES = ("billing", "shipping")
MAX_REASON_CHARS = 200  # a reason staff type for a portal action (the confirm box holds no more)

TAX_EXEMPT_CHOICES = {
    "no": "No",
    "all": "All taxes",
    "state": "State-Provincial taxes",
    "country": "Country taxes",
}


@dataclass(frozen=True)
class FieldSpec:
    """One editable customer field: its column name, label for people, and kind."""

    name: str
    label: str
    max_length: int = 0
    kind: str = "text"  # text | email | phone | country | state | postal | vat | choice | bool


def _address_fields(side: str) -> list[FieldSpec]:
    title = side.capitalize()
    return [
        FieldSpec(f"{side}_contact_name", f"{title} Contact Name", 100),
        FieldSpec(f"{side}_business_name", f"{title} Business Name", 100),
        FieldSpec(f"{side}_street1", f"{title} Street Address", 100),
        FieldSpec(f"{side}_street2", f"{title} Street Address 2", 100),
        FieldSpec(f"{side}_city", f"{title} City", 60),
        FieldSpec(f"{side}_country", f"{title} Country", 2, "country"),
        FieldSpec(f"{side}_state", f"{title} State/Province", 10, "state"),
        FieldSpec(f"{side}_postal_code", f"{title} Postal/Zip Code", 16, "postal"),
        FieldSpec(f"{side}_phone", f"{title} Telephone", 32, "phone"),
        FieldSpec(f"{side}_fax", f"{title} Fax", 32, "phone"),
        FieldSpec(f"{side}_email", f"{title} Email", 254, "email"),
    ]


CUSTOMER_FIELDS: list[FieldSpec] = [
    FieldSpec("code", "Customer Code", 32, "code"),
    FieldSpec("business_name", "Business Name", 100),
    FieldSpec("contact_name", "Contact Name", 100),
    *_address_fields("billing"),
    *_address_fields("shipping"),
    FieldSpec("tax_exempt", "Tax Exempt", 8, "choice"),
    FieldSpec("vat_number", "VAT Number", 20, "vat"),
    FieldSpec("accepts_marketing", "Accepts Marketing", 0, "bool"),
    FieldSpec("wholesale", "Wholesale", 0, "bool"),
]

FIELDS_BY_NAME: dict[str, FieldSpec] = {spec.name: spec for spec in CUSTOMER_FIELDS}

ADDRESS_PARTS = (
    "contact_name",
    "business_name",
    "street1",
    "street2",
    "city",
    "country",
    "state",
    "postal_code",
    "phone",
    "fax",
    "email",
)


def address_field(side: str, part: str) -> str:
    """The column name of one part of the billing or shipping address."""
    return f"{side}_{part}"


def label(name: str) -> str:
    """The label a person sees for a field name."""
    return FIELDS_BY_NAME[name].label


def display_name(business_name: object, contact_name: object) -> str:
    """A customer's name for people, everywhere: the business name, or else the contact name
    ("" when both are blank)."""
    return str(business_name or contact_name or "")


def greeting_name(billing_contact_name: object, contact_name: object, business_name: object) -> str:
    """The name an email greets a customer by: a person first (the billing contact, else the
    contact), else the business."""
    return str(billing_contact_name or contact_name or business_name or "")
