"""The customer CSV format: column names, cell values and spreadsheet-formula escaping.

The column names are the external contract of DESIGN.md ("CSV (import and export)"); they are
spelled out here rather than taken from the screen labels, so a label change never changes the
files people exchange.
"""

import threading
from collections.abc import Callable

from models.fields import ADDRESS_PARTS, ADDRESS_SIDES, FIELDS_BY_NAME, address_field

_ADDRESS_COLUMNS = {
    "contact_name": "Contact Name",
    "business_name": "Business Name",
    "street1": "Street Address",
    "street2": "Street Address 2",
    "city": "City",
    "country": "Country",
    "state": "State/Province",
    "postal_code": "Postal/Zip Code",
    "phone": "Telephone",
    "fax": "Fax",
    "email": "Email",
}

# (CSV column, field name) in the order export writes them.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("Customer Code", "code"),
    ("Business Name", "business_name"),
    ("Contact Name", "contact_name"),
    *(
        (f"{side.capitalize()} {_ADDRESS_COLUMNS[part]}", address_field(side, part))
        for side in ADDRESS_SIDES
        for part in ADDRESS_PARTS
    ),
    ("Tax Exempt", "tax_exempt"),
    ("VAT Number", "vat_number"),
    ("Accepts Marketing", "accepts_marketing"),
    ("Wholesale", "wholesale"),
)
HEADER: list[str] = [column for column, _ in COLUMNS]
FIELD_OF_COLUMN: dict[str, str] = dict(COLUMNS)
COLUMN_OF_FIELD: dict[str, str] = {name: column for column, name in COLUMNS}
CODE_COLUMN = COLUMN_OF_FIELD["code"]
NAME_COLUMNS = (COLUMN_OF_FIELD["business_name"], COLUMN_OF_FIELD["contact_name"])

# Tax Exempt: the stored key (models.fields.TAX_EXEMPT_CHOICES) and the word in the file.
TAX_EXEMPT_WORDS = {"no": "No", "all": "All", "state": "State-Provincial", "country": "Country"}
YES, NO = "Yes", "No"
_TRUE_WORDS = frozenset({"yes", "y", "true", "1"})
_FALSE_WORDS = frozenset({"no", "n", "false", "0", ""})

# A cell a spreadsheet would run as a formula starts with one of these (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ESCAPE_MARK = "'"
_ESCAPE_FIRST_CHARS = frozenset((*FORMULA_STARTS, ESCAPE_MARK))

Progress = Callable[[str, int, int], None]
"""Called with (stage, done, total) as an import or export goes on; stage names the step."""


class Cancelled(Exception):
    """The person cancelled an import or export before it finished; nothing was changed."""


class CellError(ValueError):
    """One cell does not hold a value its column accepts; the message names the column."""


def check_cancelled(cancel: threading.Event | None) -> None:
    """Stop the running import or export if the person asked to cancel it."""
    if cancel is not None and cancel.is_set():
        raise Cancelled("Cancelled: nothing was changed.")


def _needs_escape(text: str) -> bool:
    """Whether a spreadsheet would read the text as a formula, counting escape marks as read."""
    while text.startswith(ESCAPE_MARK):
        text = text[1:]
    return text.startswith(FORMULA_STARTS)


def escape_formula(text: str) -> str:
    """Text a spreadsheet shows as it is: an apostrophe before anything formula-like."""
    if text[:1] not in _ESCAPE_FIRST_CHARS:  # the common case, checked first for speed
        return text
    return ESCAPE_MARK + text if _needs_escape(text) else text


def unescape_formula(text: str) -> str:
    """The value escape_formula was given: a leading apostrophe it added is removed."""
    return text[1:] if text.startswith(ESCAPE_MARK) and _needs_escape(text[1:]) else text


def _fold_word(text: str) -> str:
    return " ".join(text.replace("/", "-").casefold().split())


_TAX_EXEMPT_OF_WORD = {
    **{_fold_word(key): key for key in TAX_EXEMPT_WORDS},
    **{_fold_word(word): key for key, word in TAX_EXEMPT_WORDS.items()},
    **{_fold_word(f"{word} taxes"): key for key, word in TAX_EXEMPT_WORDS.items()},
}


def _yes_no(column: str, text: str) -> bool:
    word = text.strip().casefold()
    if word in _TRUE_WORDS:
        return True
    if word in _FALSE_WORDS:
        return False
    raise CellError(f"{column} must be Yes or No, not '{text.strip()}'.")


def _tax_exempt(column: str, text: str) -> str:
    key = _TAX_EXEMPT_OF_WORD.get(_fold_word(text) or "no")
    if key is None:
        words = ", ".join(TAX_EXEMPT_WORDS.values())
        raise CellError(f"{column} must be one of {words}, not '{text.strip()}'.")
    return key


def cell_value(name: str, text: str) -> object:
    """The value of a field as validate_customer takes it, from the text of its cell."""
    column = COLUMN_OF_FIELD[name]
    kind = FIELDS_BY_NAME[name].kind
    if kind == "bool":
        return _yes_no(column, text)
    if kind == "choice":
        return _tax_exempt(column, text)
    return unescape_formula(text)


def _yes_no_text(value: object) -> str:
    return YES if value else NO


def _tax_exempt_text(value: object) -> str:
    return TAX_EXEMPT_WORDS.get(str(value), str(value))


def _escaped_text(value: object) -> str:
    return escape_formula("" if value is None else str(value))


def cell_formatter(name: str) -> Callable[[object], str]:
    """How a field's value is written in an exported cell: Yes/No, a Tax Exempt word, or escaped."""
    kind = FIELDS_BY_NAME[name].kind
    if kind == "bool":
        return _yes_no_text
    if kind == "choice":
        return _tax_exempt_text
    return _escaped_text
