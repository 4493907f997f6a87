"""Demo data: the right number of valid, varied customers, with portal accounts and notes;
`custdesk demo` shows its progress and stops cleanly on ctrl+C."""

import os
import re
import select
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections import Counter as Tally
from datetime import datetime

import bcrypt
import pytest
from support.portal import desk

from models.audit.events import change_count
from models.customers import create_customer, customer_values
from models.demo import generate as demo
from models.demo.generate import (
    CUSTOMER_COLUMNS,
    DEMO_MARK,
    DEMO_PASSWORD,
    DEMO_PASSWORD_HASH,
    DemoGenerator,
    DemoStopped,
    ensure_demo_data,
    fill_demo_database,
    vat_number,
)
from models.demo.pools import COUNTRIES, PEOPLE
from models.fields import FIELDS_BY_NAME
from models.store.db import close_database, database
from models.store.tables import (
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
    assert fill_demo_database(desk(), 200, seed=1) == 200
    codes = [code for (code,) in Customer.select(Customer.code).order_by(Customer.id).tuples()]
    assert codes == [f"CST-{n:06d}" for n in range(1, 201)]
    assert all(c.code_key == c.code.casefold() for c in Customer.select())
    counter = Counter.get(Counter.name == "customer_code")
    assert counter.value == 200


def test_codes_skip_codes_already_held_and_never_clash(db):
    Counter.create(name=DEMO_MARK, value=1)  # a demo database that already has customers
    create_customer({"contact_name": "Ada Lovelace"}, desk())  # generated: CST-000001
    create_customer({"contact_name": "Typed By Hand", "code": "cst-000003"}, desk())
    assert fill_demo_database(desk(), 5, seed=1) == 5
    demo_codes = {
        c.code
        for c in Customer.select().where(
            Customer.contact_name.not_in(["Ada Lovelace", "Typed By Hand"])
        )
    }
    assert demo_codes == {"CST-000002", "CST-000004", "CST-000005", "CST-000006", "CST-000007"}
    assert fill_demo_database(desk(), 3, seed=1) == 3  # a second fill goes on from the counter
    assert Customer.select().where(Customer.code == "CST-000010").exists()


def test_stored_customers_are_valid_and_already_clean(db):
    fill_demo_database(desk(), 300, seed=2)
    customers = list(Customer.select())
    assert len(customers) == 300
    for customer in customers:
        assert_valid_and_clean(customer_values(customer))
    assert any(c.vat_number for c in customers)
    assert any(c.billing_fax for c in customers)


def test_customers_are_varied(db):
    fill_demo_database(desk(), 200, seed=3)
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
    fill_demo_database(desk(), 200, seed=4)
    emails = [c.billing_email for c in Customer.select() if c.billing_email]
    assert len(emails) > 150
    assert len(set(emails)) == len(emails)


def test_portal_accounts_in_every_state_with_the_documented_password(db):
    fill_demo_database(desk(), 200, seed=5)
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
    fill_demo_database(desk(), 200, seed=6)
    notes = list(Note.select())
    assert len(notes) > 10
    assert {n.public for n in notes} == {True, False}
    assert {n.author for n in notes} == {"demo"}


def test_fill_moves_the_change_counter_once_a_transaction(db, monkeypatch):
    monkeypatch.setattr(demo, "TRANSACTION_ROWS", 50)
    before = change_count()
    reported = []
    assert fill_demo_database(desk(), 120, seed=8, progress=reported.append) == 120
    assert reported == [50, 100, 120]
    assert change_count() == before + 3
    assert Customer.select().count() == 120


def code_counter() -> int:
    return Counter.get(Counter.name == "customer_code").value


def test_a_cancel_set_before_the_start_adds_nothing(db):
    cancel = threading.Event()
    cancel.set()
    before = change_count()
    reported = []
    with pytest.raises(DemoStopped) as stopped:
        fill_demo_database(desk(), 100, seed=1, progress=reported.append, cancel=cancel)
    assert stopped.value.added == 0
    assert str(stopped.value) == "Stopped after adding 0 demo customers."
    assert reported == []
    assert Customer.select().count() == 0
    assert (code_counter(), change_count()) == (0, before)


def test_a_cancel_after_the_first_batch_keeps_exactly_that_batch(db, monkeypatch):
    monkeypatch.setattr(demo, "TRANSACTION_ROWS", 50)
    cancel = threading.Event()
    before = change_count()
    reported = []

    def progress(done: int) -> None:
        reported.append(done)
        cancel.set()  # as if escape or ctrl+C came during the first batch

    with pytest.raises(DemoStopped) as stopped:
        fill_demo_database(desk(), 1_000, seed=12, progress=progress, cancel=cancel)
    assert stopped.value.added == 50 and reported == [50]
    assert str(stopped.value) == "Stopped after adding 50 demo customers."
    codes = [code for (code,) in Customer.select(Customer.code).order_by(Customer.id).tuples()]
    assert codes == [f"CST-{n:06d}" for n in range(1, 51)]
    assert (code_counter(), change_count()) == (50, before + 1)
    ids = set(Customer.select(Customer.id).scalars())
    assert set(PortalAccount.select(PortalAccount.customer).scalars()) <= ids
    assert set(Note.select(Note.customer).scalars()) <= ids
    assert fill_demo_database(desk(), 3, seed=13) == 3  # a later fill goes on where it stopped
    assert Customer.select().where(Customer.code == "CST-000053").exists()
    assert code_counter() == 53


def test_progress_rises_to_the_count_when_the_cancel_is_never_set(db, monkeypatch):
    monkeypatch.setattr(demo, "TRANSACTION_ROWS", 40)
    reported = []
    assert (
        fill_demo_database(desk(), 130, seed=14, progress=reported.append, cancel=threading.Event())
        == 130
    )
    assert reported == [40, 80, 120, 130]
    assert Customer.select().count() == 130


def test_a_cancel_during_the_last_batch_finishes_the_fill(db, monkeypatch):
    monkeypatch.setattr(demo, "TRANSACTION_ROWS", 40)
    cancel = threading.Event()

    def progress(done: int) -> None:
        if done == 80:
            cancel.set()

    assert fill_demo_database(desk(), 80, seed=15, progress=progress, cancel=cancel) == 80
    assert Customer.select().count() == 80


def test_ensure_demo_data_can_be_stopped_and_then_leaves_the_database_alone(db, monkeypatch):
    monkeypatch.setattr(demo, "TRANSACTION_ROWS", 20)
    cancel = threading.Event()
    with pytest.raises(DemoStopped) as stopped:
        ensure_demo_data(desk(), 100, progress=lambda done: cancel.set(), cancel=cancel)
    assert stopped.value.added == 20
    assert ensure_demo_data(desk(), 100) == 0
    assert Customer.select().count() == 20


def test_ensure_demo_data_fills_an_empty_database_once(db):
    assert ensure_demo_data(desk(), 30) == 30
    assert ensure_demo_data(desk(), 30) == 0
    assert Customer.select().count() == 30


def test_ensure_demo_data_fills_once_when_two_start_together(db):
    added = []

    def start():
        with database.connection_context():
            added.append(ensure_demo_data(desk(), 30))

    threads = [threading.Thread(target=start) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(added) == [0, 30]
    assert Customer.select().count() == 30


def test_ensure_demo_data_leaves_a_database_with_customers_alone(db):
    create_customer({"contact_name": "Ada Lovelace"}, desk())
    assert ensure_demo_data(desk(), 30) == 0
    assert Customer.select().count() == 1


def test_demo_command_adds_the_customers(db, db_url, capsys):
    try:
        assert main(["demo", "--count", "50", "--db", db_url]) == 0
        assert Customer.select().count() == 50
    finally:
        close_database()
    assert "Added 50 demo customers" in capsys.readouterr().out


# --- `custdesk demo` as a separate process, its stderr on a pseudo-terminal ---------------

CUSTDESK = [shutil.which("custdesk")] if shutil.which("custdesk") else [sys.executable, "-m", "tui"]
PROGRESS = re.compile(r"Adding demo customers \[[#-]+\]\s+(\d+)%")
STOPPED = re.compile(r"Stopped after adding ([\d,]+) demo customers to (\S+)\.")


class DemoProcess:
    """`custdesk demo` running with stderr on a pseudo-terminal, so its progress line draws."""

    def __init__(self, *args: str, ignore_interrupts: bool = False):
        self.terminal, replica = os.openpty()
        self.process = subprocess.Popen(
            [*CUSTDESK, "demo", *args],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=replica,
            text=True,
            preexec_fn=(lambda: signal.signal(signal.SIGINT, signal.SIG_IGN))  # noqa: PLW1509
            # (a signal disposition set in the child before exec: nothing else can do it)
            if ignore_interrupts
            else None,
        )
        os.close(replica)
        self.drawn = ""

    def _read(self, timeout: float) -> bool:
        """Add what the terminal received within `timeout` to `drawn`; False once it closed."""
        if not select.select([self.terminal], [], [], timeout)[0]:
            return True
        try:
            chunk = os.read(self.terminal, 65536)
        except OSError:  # EIO: the process closed its end
            return False
        self.drawn += chunk.decode()
        return bool(chunk)

    def wait_for_percent(self, least: int, timeout: float = 30) -> None:
        """Read until the progress line shows at least `least` percent."""
        deadline = time.monotonic() + timeout
        while not any(int(p) >= least for p in PROGRESS.findall(self.drawn)):
            assert time.monotonic() < deadline and self._read(0.1), self.drawn

    def finish(self) -> tuple[int, str, str]:
        """Wait for the end: (exit status, stdout, everything drawn on the terminal)."""
        stdout, _ = self.process.communicate(timeout=60)
        while self._read(1):
            pass
        os.close(self.terminal)
        return self.process.returncode, stdout, self.drawn


def test_demo_command_draws_its_progress_on_a_terminal(db, db_url):
    run = DemoProcess("--count", "4500", "--db", db_url)
    status, stdout, drawn = run.finish()
    assert status == 0, drawn
    assert [int(p) for p in PROGRESS.findall(drawn)] == [0, 44, 88, 100]
    assert drawn.endswith("\r\x1b[K")  # the line is cleared before the command ends
    assert stdout.startswith(f"Added 4,500 demo customers to {db_url} in ")
    assert Customer.select().count() == 4500


def test_ctrl_c_stops_after_the_current_batch_and_says_how_many(db, db_url):
    run = DemoProcess("--count", "200000", "--db", db_url)
    run.wait_for_percent(1)  # the first batch of 2,000 is committed
    run.process.send_signal(signal.SIGINT)
    status, stdout, drawn = run.finish()
    assert status == 130
    assert "Traceback" not in drawn and stdout == ""
    stopped = STOPPED.findall(drawn)
    assert len(stopped) == 1 and stopped[0][1] == db_url, drawn
    added = int(stopped[0][0].replace(",", ""))
    assert 2_000 <= added < 200_000 and added % demo.TRANSACTION_ROWS == 0
    assert Customer.select().count() == added
    assert Counter.get(Counter.name == "customer_code").value == added
    assert drawn.rstrip().endswith(f"to {db_url}.")  # one line, after the cleared progress


def test_ctrl_c_ignored_by_the_parent_stays_ignored(sqlite_url):
    run = DemoProcess("--count", "20000", "--db", sqlite_url, ignore_interrupts=True)
    run.wait_for_percent(10)
    run.process.send_signal(signal.SIGINT)
    status, stdout, drawn = run.finish()
    assert status == 0, drawn
    assert stdout.startswith(f"Added 20,000 demo customers to {sqlite_url} in ")


def test_every_city_and_number_pattern_gives_valid_customers():
    generator = DemoGenerator(seed=9, now=FIXED_NOW)
    for country in COUNTRIES:
        for city in country.cities:
            for pattern in (*city.phones, *country.mobiles):
                address = generator.address(country, city, "Ann Example", "", "", fax=False)
                values = {
                    f"billing_{part}": value for part, value in zip(demo.ADDRESS_PARTS, address)
                }
                values["billing_phone"] = generator.phone(country, pattern)
                assert_valid_and_clean({"contact_name": "Ann Example", **values})


@pytest.mark.parametrize("country", [c.code for c in COUNTRIES if c.vat])
def test_vat_numbers_are_valid_for_their_country(country):
    generator = DemoGenerator(seed=10)
    for _ in range(20):
        number = vat_number(country, generator.rng)
        assert_valid_and_clean(
            {"business_name": "Acme", "billing_country": country, "vat_number": number}
        )


def test_generated_rows_cover_the_required_countries(generated):
    countries = Tally(row[CUSTOMER_COLUMNS.index("billing_country")] for row in generated)
    assert set(countries) >= REQUIRED_COUNTRIES
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
    assert not any(
        name.startswith(("Agnieszka ", "Katarzyna ")) and name.endswith("ski") for name in names
    )


def test_same_seed_gives_the_same_customers():
    first = DemoGenerator(seed=11, now=FIXED_NOW)
    second = DemoGenerator(seed=11, now=FIXED_NOW)
    assert [first.customer_row(f"CST-{n:06d}", FIXED_NOW) for n in range(1, 50)] == [
        second.customer_row(f"CST-{n:06d}", FIXED_NOW) for n in range(1, 50)
    ]


def test_a_fill_tells_the_postgresql_planner_the_new_size(db, db_url):
    if not db_url.startswith("postgresql"):
        pytest.skip("about PostgreSQL's planner statistics")
    from models.store.db import database

    fill_demo_database(desk(), 200, seed=3)
    reltuples = database.execute_sql(
        "SELECT reltuples FROM pg_class WHERE oid = 'customer'::regclass"
    ).fetchone()[0]
    assert reltuples == 200
