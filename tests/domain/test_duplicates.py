"""Likely duplicates: same email or telephone, or very similar names at the same postal code;
found by index look-ups only."""

import logging
import re

import pytest
from support.portal import desk

from models.archive import archive_customer
from models.customers import create_customer
from models.duplicates import (
    duplicate_flags,
    find_duplicates_of,
    name_key,
    similar_names,
)
from models.store.db import database, is_sqlite
from models.store.engine import write_transaction

ACME = {
    "business_name": "Acme Trading Ltd",
    "contact_name": "Ada Lovelace",
    "billing_email": "Ada.Lovelace@Example.com",
    "billing_street1": "10 Downing St",
    "billing_city": "London",
    "billing_country": "GB",
    "billing_postal_code": "SW1A 1AA",
    "billing_phone": "+44 20 7946 0000",
}


def customer(**values) -> int:
    """A saved customer; returns its id."""
    return create_customer(values, desk()).id


@pytest.fixture
def acme(db):
    return customer(code="ACME", **ACME)


def test_name_key_folds_case_accents_and_punctuation():
    assert name_key("  Crème-Brûlée   S.A.R.L. ") == "creme brulee s a r l"
    assert name_key("STRASSE Müller & Söhne") == name_key("strasse muller söhne")
    assert name_key(None) == ""


@pytest.mark.parametrize(
    "first, second, similar",
    [
        ("Acme Trading Ltd", "ACME Trading, Ltd.", True),
        ("Acme Trading Ltd", "Acme Tradng Ltd", True),
        ("José Núñez", "Jose Nunez", True),
        ("Acme Trading Ltd", "Zenith Widgets Inc", False),
        ("Ada Lovelace", "Alan Turing", False),
        ("", "", False),
    ],
)
def test_similar_names(first, second, similar):
    assert similar_names(name_key(first), name_key(second)) is similar


def test_same_email_is_found_regardless_of_case(acme):
    [match] = find_duplicates_of(
        {"contact_name": "Someone", "billing_email": " ada.lovelace@EXAMPLE.COM "}
    )
    assert (match.customer_id, match.code, match.name) == (acme, "ACME", "Acme Trading Ltd")
    assert match.message == "Likely duplicate of ACME (Acme Trading Ltd): same billing email"


def test_same_telephone_is_found_however_it_is_typed(acme):
    [match] = find_duplicates_of({"billing_country": "GB", "billing_phone": "020 7946 0000"})
    assert (match.customer_id, match.reason) == (acme, "same billing telephone")


def test_similar_names_at_the_same_postal_code_are_found(acme):
    [match] = find_duplicates_of(
        {
            "business_name": "ACME Trading, Ltd.",
            "billing_country": "GB",
            "billing_postal_code": "sw1a1aa",
        }
    )
    assert match.reason == "similar business name at the same postal code"
    [by_contact] = find_duplicates_of(
        {"contact_name": "Ada Lovelase", "billing_postal_code": "SW1A 1AA"}
    )
    assert by_contact.reason == "similar contact name at the same postal code"


@pytest.mark.parametrize(
    "values",
    [
        {
            "business_name": "Acme Trading Ltd",
            "billing_country": "GB",
            "billing_postal_code": "EC1A 1BB",
        },
        {
            "business_name": "Acme Trading Ltd",
            "billing_country": "IE",
            "billing_postal_code": "SW1A1AA",
        },
        {
            "business_name": "Zenith Widgets",
            "billing_country": "GB",
            "billing_postal_code": "SW1A 1AA",
        },
        {"billing_email": "someone.else@example.com", "billing_phone": "+44 20 7946 0001"},
        {"billing_email": "not an email", "billing_phone": "call me", "billing_postal_code": "!"},
        {},
    ],
)
def test_no_match_without_a_shared_key(acme, values):
    assert find_duplicates_of(values) == []


def test_archived_customers_and_the_excluded_one_do_not_count(acme):
    assert find_duplicates_of(ACME, exclude_id=acme) == []
    archive_customer(acme, desk())
    assert find_duplicates_of(ACME) == []


def test_best_reasons_first_and_at_most_the_limit(acme):
    same_phone = customer(contact_name="Bob", billing_phone="+44 20 7946 0000")
    for number in range(4):
        customer(
            business_name=f"Acme Trading Ltd{number}",
            billing_street1="1 Whitehall",
            billing_city="London",
            billing_country="GB",
            billing_postal_code="SW1A 1AA",
        )
    matches = find_duplicates_of(ACME, limit=3)
    assert [(m.customer_id, m.reason) for m in matches[:2]] == [
        (acme, "same billing email"),
        (same_phone, "same billing telephone"),
    ]
    assert len(matches) == 3
    assert len(find_duplicates_of(ACME, limit=10)) == 6


def test_flags_for_a_page_name_the_other_customer(acme):
    twin = customer(code="TWIN", contact_name="Twin", billing_email="ada.lovelace@example.com")
    alone = customer(code="ALONE", contact_name="Nobody Like Me")
    near = customer(
        code="NEAR",
        business_name="Acme Trading Limited",
        billing_street1="1 Whitehall",
        billing_city="London",
        billing_country="GB",
        billing_postal_code="sw1a 1aa",
    )
    flags = duplicate_flags([acme, twin, alone, near])
    assert flags == {
        acme: "Likely duplicate of TWIN (Twin): same billing email",
        twin: "Likely duplicate of ACME (Acme Trading Ltd): same billing email",
        near: "Likely duplicate of ACME (Acme Trading Ltd): similar business name at the "
        "same postal code",
    }
    assert duplicate_flags([]) == {}


def test_flags_ignore_archived_others_but_flag_an_archived_row(acme):
    twin = customer(code="TWIN", contact_name="Twin", billing_phone="+442079460000")
    archive_customer(twin, desk())
    assert duplicate_flags([acme]) == {}
    assert duplicate_flags([twin]) == {
        twin: "Likely duplicate of ACME (Acme Trading Ltd): same billing telephone"
    }


def _plan(sql: str, params: tuple) -> str:
    """The query plan of a statement, with sequential scans made a last resort on PostgreSQL
    (so a tiny table still shows whether an index could serve the query)."""
    with write_transaction():
        if is_sqlite():
            rows = database.execute_sql(f"EXPLAIN QUERY PLAN {sql}", params).fetchall()
            return "\n".join(row[-1] for row in rows)
        database.execute_sql("SET LOCAL enable_seqscan = off")
        return "\n".join(row[0] for row in database.execute_sql(f"EXPLAIN {sql}", params))


def test_every_look_up_uses_an_index_never_a_scan(acme, caplog):
    caplog.set_level(logging.DEBUG, logger="peewee")
    customer(code="TWIN", contact_name="Twin", billing_email="ada.lovelace@example.com")
    customer(code="NEAR", business_name="Acme Trading Limited", billing_postal_code="SW1A 1AA")
    find_duplicates_of(ACME)
    duplicate_flags([acme])
    statements = [
        record.msg
        for record in caplog.records
        if isinstance(record.msg, tuple)
        and record.msg[0].startswith("SELECT")
        and re.search(r'FROM "?customer(_duplicate)?"? ', record.msg[0])
    ]
    assert len(statements) >= 5
    for sql, params in statements:
        plan = _plan(sql, tuple(params or ()))
        table_scans = [  # a scan of a subquery's few rows is no scan of a table
            line for line in plan.splitlines() if re.search(r"SCAN (?!\(|ranked)", line)
        ]
        assert "Seq Scan" not in plan and not table_scans, (sql, plan)
        assert "INDEX" in plan.upper() or "PRIMARY KEY" in plan, (sql, plan)
