"""Duplicate flags kept on write (issue 16.2): every write path leaves each customer's stored
flag equal to the one worked out from scratch, and a page of the list reads it with its rows."""

from support.flags import assert_flags_right
from support.portal import desk

from models.archive import archive_customer, restore_customer
from models.customers import create_customer, load_customer, save_customer
from models.demo.generate import fill_demo_database
from models.merge import merge_customers, merge_preview, undo_merge
from models.search.query import CustomerResults, ListQuery
from models.transfer.customer_import import DuplicateChoice, apply_import, preview_import

PHONE = "+44 20 7946 0000"


def customer(code: str, **values) -> int:
    """A customer in GB; one with a postal code gets a street and city too (a whole address)."""
    street = {"billing_street1": "1 High Street", "billing_city": "London"}
    address = street if "billing_postal_code" in values else {}
    return create_customer({"code": code, "billing_country": "GB", **address, **values}, desk()).id


def flag(other: str, reason: str) -> str:
    return f"Likely duplicate of {other}: {reason}"


def test_a_save_makes_moves_and_ends_flags(db):
    alpha = customer("A", business_name="Alpha", billing_email="ada@example.com")
    bravo = customer("B", business_name="Bravo")
    charlie = customer("C", business_name="Charlie", billing_phone=PHONE)
    assert assert_flags_right() == {}
    save_customer(load_customer(bravo), {"billing_email": "ADA@example.com"}, desk())
    assert assert_flags_right() == {
        alpha: flag("B (Bravo)", "same billing email"),
        bravo: flag("A (Alpha)", "same billing email"),
    }
    save_customer(load_customer(alpha), {"billing_phone": PHONE}, desk())  # alpha keeps email
    save_customer(load_customer(bravo), {"billing_email": ""}, desk())
    assert assert_flags_right() == {
        alpha: flag("C (Charlie)", "same billing telephone"),
        charlie: flag("A (Alpha)", "same billing telephone"),
    }
    save_customer(load_customer(alpha), {"business_name": "Alpha Renamed"}, desk())
    assert assert_flags_right()[charlie] == flag("A (Alpha Renamed)", "same billing telephone")


def test_similar_names_at_one_postal_code_and_a_better_flag_wins(db):
    first = customer("N1", business_name="Northwind Traders", billing_postal_code="SW1A 1AA")
    second = customer("N2", business_name="Northwind Trader", billing_postal_code="sw1a1aa")
    assert assert_flags_right() == {
        first: flag("N2 (Northwind Trader)", "similar business name at the same postal code"),
        second: flag("N1 (Northwind Traders)", "similar business name at the same postal code"),
    }
    customer("N3", contact_name="Someone", billing_phone=PHONE)
    save_customer(load_customer(second), {"billing_phone": PHONE}, desk())
    assert assert_flags_right()[second] == flag("N3 (Someone)", "same billing telephone")


def test_archive_and_restore_keep_flags_right(db):
    alpha, bravo, charlie = (
        customer(code, contact_name=code, billing_phone=PHONE) for code in ("A", "B", "C")
    )
    assert assert_flags_right()[bravo] == flag("A (A)", "same billing telephone")
    archive_customer(alpha, desk())
    flags = assert_flags_right()
    assert flags[bravo] == flag("C (C)", "same billing telephone")
    assert flags[alpha] == flag("B (B)", "same billing telephone")  # an archived row is flagged
    archive_customer(charlie, desk())
    assert bravo not in assert_flags_right()
    restore_customer(alpha, desk())
    restore_customer(charlie, desk())
    assert assert_flags_right()[bravo] == flag("A (A)", "same billing telephone")


def test_merge_and_its_undo_keep_flags_right(db):
    survivor = customer("S", business_name="Acme Trading Ltd", billing_postal_code="EC1A 1BB")
    other = customer("O", business_name="ACME Trading, Ltd.", billing_postal_code="EC1A1BB")
    assert len(assert_flags_right()) == 2
    result = merge_customers(
        survivor, other, {}, None, desk(), merge_preview(survivor, other).versions
    )
    assert assert_flags_right() == {
        other: flag("S (Acme Trading Ltd)", "similar business name at the same postal code")
    }
    undo_merge(result.event_id, desk())
    assert len(assert_flags_right()) == 2


def test_an_import_keeps_flags_right(db, tmp_path):
    alpha = customer("A", business_name="Alpha", billing_phone=PHONE)
    path = tmp_path / "customers.csv"
    path.write_text(
        "Customer Code,Business Name,Billing Telephone,Billing Country,Billing Postal/Zip Code,"
        "Billing Street Address,Billing City\n"
        f"I-1,Imported One,{PHONE},GB,,,\n"
        "I-2,Zed Widgets,,GB,N1 9GU,1 High Street,London\n"
        "I-3,Zed Widget,,GB,N19GU,2 High Street,London\n",
        encoding="utf-8",
    )
    with preview_import(path) as preview:
        apply_import(preview, desk(), duplicates=DuplicateChoice(create_all=True))
    flags = assert_flags_right()
    assert flags[alpha] == flag("I-1 (Imported One)", "same billing telephone")
    assert len(flags) == 4


def test_demo_customers_get_their_flags(db):
    fill_demo_database(desk(), 300, seed=1)
    assert_flags_right()


def test_a_page_reads_its_flags_with_its_rows(db):
    alpha = customer("A", business_name="Alpha", billing_email="ada@example.com")
    customer("B", business_name="Bravo", billing_email="ada@example.com")
    customer("C", business_name="Charlie")
    rows = {row.id: row for row in CustomerResults(ListQuery()).first(50)}
    assert rows[alpha].duplicate == flag("B (Bravo)", "same billing email")
    assert [row.duplicate != "" for row in rows.values()] == [True, True, False]


def test_a_queue_longer_than_a_batch_settles_in_batches(db, monkeypatch):
    import models.duplicates

    monkeypatch.setattr(models.duplicates, "SETTLE_BATCH", 7)
    ids = [customer(f"P{n}", contact_name=f"P{n}", billing_phone=PHONE) for n in range(40)]
    flags = assert_flags_right()
    assert flags[ids[0]] == flag("P1 (P1)", "same billing telephone")
    assert all(flags[i] == flag("P0 (P0)", "same billing telephone") for i in ids[1:])
