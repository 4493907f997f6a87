"""Demo data: the right number of valid, varied customers, with portal accounts and notes."""

import threading
from collections import Counter as Tally
from datetime import datetime

import bcrypt
import pytest

from models import demo
from models.audit import change_count
from models.customers import create_customer, customer_values
from models.db import close_database, database
from models.demo import (
    COUNTRIES,
    CUSTOMER_COLUMNS,
    DEMO_PASSWORD,
    DEMO_PASSWORD_HASH,
    PEOPLE,
    DemoGenerator,
    ensure_demo_data,
    fill_demo_database,
    vat_number,
)
from models.fields import FIELDS_BY_NAME
from models.tables import (
    PORTAL_ACTIVE,
    PORTAL_LOCKED,
    PORTAL_NOT_ACTIVATED,
    Counter,
    Customer,
    Note,
    PortalAccount,
)
from models.validation import validate_customer
from tui.cli import main

REQUIRED_COUNTRIES = {"US", "CA", "GB", "AU", "DE", "FR", "NL", "IE"}
FIXED_NOW = datetime(2025, 6, 1, 12, 0)


def editable(row: tuple) -> dict[str, object]:
    """The editable fields of a generated customer row."""
    return {name: value for name, value in zip(CUSTOMER_COLUMNS, row) if name in FIELDS_BY_NAME}


def assert_valid_and_clean(values: dict[str, object]) -> None:
    """The customer passes validation and cleaning changes none of its values."""
    result = validate_customer(values)
    assert result.errors == {}, values
    assert result.values == values


@pytest.fixture(scope="module")
def generated() -> list[tuple]:
    """Three thousand customer rows from a fixed seed, made without a database."""
    generator = DemoGenerator(seed=7, now=FIXED_NOW)
    return [generator.customer_row(f"CST-{n:06d}", FIXED_NOW) for n in range(1, 3001)]


def test_fill_adds_the_count_with_sequential_codes(db):
    assert fill_demo_database(200, seed=1) == 200
    codes = [code for (code,) in Customer.select(Customer.code).order_by(Customer.id).tuples()]
    assert codes == [f"CST-{n:06d}" for n in range(1, 201)]
    assert all(c.code_key == c.code.casefold() for c in Customer.select())
    counter = Counter.get(Counter.name == "customer_code")
    assert counter.value == 200


def test_codes_skip_codes_already_held_and_never_clash(db):
    create_customer({"contact_name": "Ada Lovelace"}, "alice")  # generated: CST-000001
    create_customer({"contact_name": "Typed By Hand", "code": "cst-000003"}, "alice")
    assert fill_demo_database(5, seed=1) == 5
    demo_codes = {c.code for c in Customer.select().where(
        Customer.contact_name.not_in(["Ada Lovelace", "Typed By Hand"]))}
    assert demo_codes == {"CST-000002", "CST-000004", "CST-000005", "CST-000006", "CST-000007"}
    assert fill_demo_database(3, seed=1) == 3  # a second fill goes on from the counter
    assert Customer.select().where(Customer.code == "CST-000010").exists()


def test_stored_customers_are_valid_and_already_clean(db):
    fill_demo_database(300, seed=2)
    customers = list(Customer.select())
    assert len(customers) == 300
    for customer in customers:
        assert_valid_and_clean(customer_values(customer))
    assert any(c.vat_number for c in customers)
    assert any(c.billing_fax for c in customers)


def test_customers_are_varied(db):
    fill_demo_database(200, seed=3)
    customers = list(Customer.select())
    assert len({c.billing_country for c in customers}) >= 8
    assert len({c.billing_city for c in customers}) >= 40
    with_business = sum(1 for c in customers if c.business_name)
    assert 40 < with_business < 160  # some businesses, some people only
    assert any(c.business_name and not c.contact_name for c in customers)
    assert any(c.shipping_street1 != c.billing_street1 for c in customers)
    assert any(c.shipping_street1 == c.billing_street1 for c in customers)
    assert {c.tax_exempt for c in customers} == {"no", "all", "state", "country"}
    assert {c.accepts_marketing for c in customers} == {True, False}
    assert {c.wholesale for c in customers} == {True, False}
    assert sum(1 for c in customers if not c.contact_name.isascii()) > 20


def test_billing_emails_are_unique(db):
    fill_demo_database(200, seed=4)
    emails = [c.billing_email for c in Customer.select() if c.billing_email]
    assert len(emails) > 150
    assert len(set(emails)) == len(emails)


def test_portal_accounts_in_every_state_with_the_documented_password(db):
    fill_demo_database(200, seed=5)
    accounts = list(PortalAccount.select(PortalAccount, Customer).join(Customer))
    assert {a.status for a in accounts} == {PORTAL_NOT_ACTIVATED, PORTAL_ACTIVE, PORTAL_LOCKED}
    for account in accounts:
        if account.status == PORTAL_NOT_ACTIVATED:
            assert (account.password_hash, account.login_email) == ("", None)
        else:
            assert account.password_hash == DEMO_PASSWORD_HASH
            assert account.login_email == account.customer.billing_email.casefold()
        if account.status == PORTAL_LOCKED:
            assert account.lock_reason
    assert any(a.status == PORTAL_ACTIVE and a.last_sign_in_at for a in accounts)


def test_demo_password_hash_is_bcrypt_cost_12_of_the_demo_password():
    assert DEMO_PASSWORD_HASH.startswith("$2b$12$")
    assert bcrypt.checkpw(DEMO_PASSWORD.encode(), DEMO_PASSWORD_HASH.encode())


def test_notes_internal_and_public_by_demo(db):
    fill_demo_database(200, seed=6)
    notes = list(Note.select())
    assert len(notes) > 10
    assert {n.public for n in notes} == {True, False}
    assert {n.author for n in notes} == {"demo"}


def test_fill_moves_the_change_counter_once_a_transaction(db, monkeypatch):
    monkeypatch.setattr(demo, "TRANSACTION_ROWS", 50)
    before = change_count()
    reported = []
    assert fill_demo_database(120, seed=8, progress=reported.append) == 120
    assert reported == [50, 100, 120]
    assert change_count() == before + 3
    assert Customer.select().count() == 120


def test_ensure_demo_data_fills_an_empty_database_once(db):
    assert ensure_demo_data(30) == 30
    assert ensure_demo_data(30) == 0
    assert Customer.select().count() == 30


def test_ensure_demo_data_fills_once_when_two_start_together(db):
    added = []

    def start():
        with database.connection_context():
            added.append(ensure_demo_data(30))

    threads = [threading.Thread(target=start) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(added) == [0, 30]
    assert Customer.select().count() == 30


def test_ensure_demo_data_leaves_a_database_with_customers_alone(db):
    create_customer({"contact_name": "Ada Lovelace"}, "alice")
    assert ensure_demo_data(30) == 0
    assert Customer.select().count() == 1


def test_demo_command_adds_the_customers(db_url, capsys):
    try:
        assert main(["demo", "--count", "50", "--db", db_url]) == 0
        assert Customer.select().count() == 50
    finally:
        close_database()
    assert "Added 50 demo customers" in capsys.readouterr().out


def test_every_city_and_number_pattern_gives_valid_customers():
    generator = DemoGenerator(seed=9, now=FIXED_NOW)
    for country in COUNTRIES:
        for city in country.cities:
            for pattern in (*city.phones, *country.mobiles):
                address = generator.address(country, city, "Ann Example", "", "", fax=False)
                values = {f"billing_{part}": value
                          for part, value in zip(demo.ADDRESS_PARTS, address)}
                values["billing_phone"] = generator.phone(country, pattern)
                assert_valid_and_clean({"contact_name": "Ann Example", **values})


@pytest.mark.parametrize("country", [c.code for c in COUNTRIES if c.vat])
def test_vat_numbers_are_valid_for_their_country(country):
    generator = DemoGenerator(seed=10)
    for _ in range(20):
        number = vat_number(country, generator.rng)
        assert_valid_and_clean({"business_name": "Acme", "billing_country": country,
                                "vat_number": number})


def test_generated_rows_cover_the_required_countries(generated):
    countries = Tally(row[CUSTOMER_COLUMNS.index("billing_country")] for row in generated)
    assert REQUIRED_COUNTRIES <= set(countries)
    assert len(countries) >= 12
    assert countries["US"] > countries["IE"]  # weighted, not uniform


def test_generated_rows_are_valid(generated):
    for row in generated[::10]:
        assert_valid_and_clean(editable(row))


def test_name_pools_hold_the_accented_names_search_must_find():
    first = {name for people in PEOPLE.values() for name in people.first}
    last = {name for people in PEOPLE.values() for name in people.last}
    assert {"José", "Zoë", "Łukasz"} <= first
    assert {"Müller", "Ørsted"} <= last


def test_polish_women_get_the_feminine_surname(generated):
    names = {row[CUSTOMER_COLUMNS.index("contact_name")] for row in generated}
    assert not any(name.startswith(("Agnieszka ", "Katarzyna ")) and name.endswith("ski")
                   for name in names)


def test_same_seed_gives_the_same_customers():
    first = DemoGenerator(seed=11, now=FIXED_NOW)
    second = DemoGenerator(seed=11, now=FIXED_NOW)
    assert ([first.customer_row(f"CST-{n:06d}", FIXED_NOW) for n in range(1, 50)]
            == [second.customer_row(f"CST-{n:06d}", FIXED_NOW) for n in range(1, 50)])


def test_a_fill_tells_the_postgresql_planner_the_new_size(db, db_url):
    if not db_url.startswith("postgresql"):
        pytest.skip("about PostgreSQL's planner statistics")
    from models.db import database

    fill_demo_database(200, seed=3)
    reltuples = database.execute_sql(
        "SELECT reltuples FROM pg_class WHERE oid = 'customer'::regclass").fetchone()[0]
    assert reltuples == 200
