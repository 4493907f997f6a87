"""Other programs write the database (issue 16.1): Python's plain sqlite3 module, the sqlite3
shell, a plain PostgreSQL connection and psql. Their writes are accepted; custdesk finds their
rows by search before the next search's first page and after its next change poll, and keeps the
duplicate flags right. Also: an upgrade from 0010 with data."""

import datetime

import pytest
from playhouse.migrations import Runner
from support.flags import assert_flags_right
from support.outside import plain_sqlite, psql, sqlite_shell, write_outside
from support.portal import desk

from models.customers import create_customer
from models.search.query import CustomerResults, ListQuery, change_marker
from models.store.db import close_database, database, is_sqlite, open_database
from models.store.tables import Customer
from models.store.upgrade import MIGRATIONS_DIR, upgrade_database

ACME = {"code": "ACME", "business_name": "Acme Tradng", "billing_email": "ada@example.com"}


def found(text: str) -> list[int]:
    return [row.id for row in CustomerResults(ListQuery(text)).first(100)]


def outside_insert(url: str, **values) -> int:
    """Insert a customer as another program would: every column named, no custdesk code."""
    code = values.setdefault("code", "OUT-1")
    values.setdefault("code_key", code.casefold())
    now = datetime.datetime(2026, 1, 2, 3, 4, 5)
    row = {}
    for field in Customer._meta.sorted_fields:
        if field.name == "id":
            continue
        default = field.default() if callable(field.default) else field.default
        value = values.get(field.name, now if field.name.endswith("_at") else default)
        if field.name == "archived_at":
            value = values.get("archived_at")
        row[field.column_name] = value
    columns = ", ".join(row)
    marks = ", ".join("?" for _ in row)
    write_outside(url, f"INSERT INTO customer ({columns}) VALUES ({marks})", tuple(row.values()))
    return Customer.get(Customer.code == code).id


def test_plain_clients_insert_update_and_delete_customers(db, db_url):
    kept = create_customer(ACME, desk()).id
    gone = create_customer({"code": "GONE", "business_name": "Gone Away"}, desk()).id
    marker = change_marker()
    write_outside(
        db_url, "UPDATE customer SET business_name = ? WHERE id = ?", ("Zyzzyva Müller", kept)
    )
    new = outside_insert(
        db_url, code="OUT-1", business_name="Outside Corp", billing_email="ADA@example.com"
    )
    write_outside(db_url, "DELETE FROM customer WHERE id = ?", (gone,))
    # a search settles what is waiting before its first page: nothing is missing from it
    assert found("zyzzyva muller") == [kept]
    assert found("acme tradng") == []
    assert found("outside") == [new]
    assert found("gone away") == []
    assert change_marker() != marker  # every desk's next change poll re-reads its list
    flags = assert_flags_right()
    assert flags == {
        kept: "Likely duplicate of OUT-1 (Outside Corp): same billing email",
        new: "Likely duplicate of ACME (Zyzzyva Müller): same billing email",
    }


def test_a_change_poll_alone_settles_what_others_wrote(db, db_url):
    kept = create_customer(ACME, desk()).id
    marker = change_marker()
    write_outside(db_url, "UPDATE customer SET billing_phone = ? WHERE id = ?", ("+4420", kept))
    outside_insert(db_url, code="OUT-2", contact_name="Phoned", billing_phone="+44 20")
    assert change_marker() != marker
    assert len(assert_flags_right()) == 2
    assert found("4420") != []


def test_the_sqlite3_shell_fixes_a_typo_and_removes_a_row(sqlite_url):
    open_database(sqlite_url)
    try:
        upgrade_database()
        acme = create_customer(ACME, desk()).id
        twin = create_customer({"code": "TWIN", "business_name": "Twin"}, desk()).id
        sqlite_shell(
            sqlite_url, f"UPDATE customer SET business_name = 'Acme Trading' WHERE id = {acme};"
        )
        sqlite_shell(
            sqlite_url, f"UPDATE customer SET billing_email = 'Ada@Example.com' WHERE id = {twin};"
        )
        assert found("acme trading") == [acme]
        assert assert_flags_right() == {
            acme: "Likely duplicate of TWIN (Twin): same billing email",
            twin: "Likely duplicate of ACME (Acme Trading): same billing email",
        }
        sqlite_shell(sqlite_url, f"DELETE FROM customer WHERE id = {twin};")
        assert found("twin") == []
        assert assert_flags_right() == {}
        assert sqlite_shell(sqlite_url, "SELECT count(*) FROM customer_refresh;").strip() == "0"
    finally:
        close_database()


def test_the_plain_sqlite3_module_writes_without_custdesk_functions(sqlite_url):
    open_database(sqlite_url)
    try:
        upgrade_database()
        acme = create_customer(ACME, desk()).id
        plain_sqlite(
            sqlite_url, "UPDATE customer SET billing_city = 'Zürich' WHERE id = ?", (acme,)
        )
        assert found("ZURICH") == [acme]
    finally:
        close_database()


def test_psql_writes_and_search_sees_them_at_once(db, db_url):
    if is_sqlite():
        pytest.skip("psql is PostgreSQL's shell")
    acme = create_customer(ACME, desk()).id
    psql(db_url, f"UPDATE customer SET business_name = 'Acme Trading' WHERE id = {acme}")
    assert found("acme trading") == [acme]
    assert assert_flags_right() == {}


def test_upgrade_from_0010_with_data(db_url):
    """A database custdesk 0010 wrote, opened by this custdesk: the rows keep their search copy,
    get their duplicate flags, and other programs may write them from then on."""
    open_database(db_url)
    Runner(database.obj, str(MIGRATIONS_DIR)).up(target="0010_parked_portal_account")
    for code, name, email in (
        ("A-1", "Crème Brûlée SARL", "chef@example.com"),
        ("A-2", "Other Kitchen", "CHEF@example.com"),
        ("A-3", "Lone Wolf", ""),
    ):
        Customer.insert(
            code=code, code_key=code.casefold(), business_name=name, billing_email=email
        ).execute()
    close_database()
    open_database(db_url)  # a fresh handle: no function of the old triggers registered
    try:
        assert upgrade_database() == ["0011_customer_refresh", "0012_import_run"]
        ids = {c.code: c.id for c in Customer.select()}
        assert found("creme brulee") == [ids["A-1"]]
        assert assert_flags_right() == {
            ids["A-1"]: "Likely duplicate of A-2 (Other Kitchen): same billing email",
            ids["A-2"]: "Likely duplicate of A-1 (Crème Brûlée SARL): same billing email",
        }
        write_outside(
            db_url, "UPDATE customer SET business_name = ? WHERE id = ?", ("Wolf", ids["A-3"])
        )
        assert found("wolf") == [ids["A-3"]]
    finally:
        close_database()
