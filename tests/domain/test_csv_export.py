"""Exporting customers to CSV: columns, order, formula escaping, files, stdout and the round trip."""

import csv
import io
import threading

import pytest
from support.portal import desk

from models.customers import create_customer, load_customer
from models.store.db import close_database
from models.store.tables import AuditEvent, Customer, PortalAccount
from models.transfer.csv_format import HEADER, Cancelled
from models.transfer.customer_export import (
    ExportTargetExists,
    ExportTargetUnwritable,
    export_to_file,
    write_customers,
)
from models.transfer.customer_import import apply_import, preview_import
from tui.cli import main

ZOE = {
    "code": "ZOE-1",
    "business_name": "=SUM(A1) Café Zoë",
    "contact_name": "Zoë Müller-Strauß",
    "billing_contact_name": "Zoë Müller",
    "billing_business_name": "+Café Zoë SARL",
    "billing_street1": "12 Rue de la Paix",
    "billing_street2": "Bâtiment B, 3e étage",
    "billing_city": "Montréal",
    "billing_country": "CA",
    "billing_state": "QC",
    "billing_postal_code": "H2X 1Y4",
    "billing_phone": "+1 514 555 0199",
    "billing_fax": "514 555 0198",
    "billing_email": "zoe@example.com",
    "shipping_contact_name": "-Zoë Dépôt",
    "shipping_business_name": "@Zoë Entrepôt",
    "shipping_street1": "500 Market St",
    "shipping_street2": "Unit 7",
    "shipping_city": "San Francisco",
    "shipping_country": "US",
    "shipping_state": "California",
    "shipping_postal_code": "94103",
    "shipping_phone": "+1 415 555 0100",
    "shipping_fax": "+1 415 555 0101",
    "shipping_email": "depot@example.com",
    "tax_exempt": "state",
    "vat_number": "FR40303265045",
    "accepts_marketing": True,
    "wholesale": True,
}
ACME = {
    "code": "acme-2",
    "business_name": "'=already quoted",
    "contact_name": 'Ada "Quotes" King',
    "billing_contact_name": "Ada, Countess",
    "billing_business_name": "Acme UK",
    "billing_street1": "1 High St",
    "billing_street2": "Floor 2",
    "billing_city": "London",
    "billing_country": "United Kingdom",
    "billing_state": "",
    "billing_postal_code": "sw1a1aa",
    "billing_phone": "020 7946 0018",
    "billing_fax": "020 7946 0019",
    "billing_email": "ada@example.co.uk",
    "shipping_contact_name": "Bob",
    "shipping_business_name": "Acme Depot",
    "shipping_street1": "2 Low Rd",
    "shipping_street2": "Gate 3",
    "shipping_city": "Dublin",
    "shipping_country": "IE",
    "shipping_state": "D",
    "shipping_postal_code": "D02 X285",
    "shipping_phone": "+353 1 555 0100",
    "shipping_fax": "+353 1 555 0101",
    "shipping_email": "depot@example.ie",
    "tax_exempt": "country",
    "vat_number": "GB980780684",
    "accepts_marketing": False,
    "wholesale": True,
}
PLAIN = {"code": "B-3", "contact_name": "Bob Plain"}


def exported_rows(text: str) -> list[dict[str, str]]:
    """The rows of an exported CSV text, keyed by column name."""
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


def test_export_writes_the_header_and_customers_in_code_order(db):
    for values in (ZOE, PLAIN, ACME):
        create_customer(values, desk())
    out = io.StringIO()
    assert write_customers(out, desk()) == 3
    lines = out.getvalue().split("\r\n")
    assert lines[0] == ",".join(HEADER)
    rows = exported_rows(out.getvalue())
    assert [row["Customer Code"] for row in rows] == ["acme-2", "B-3", "ZOE-1"]
    zoe = rows[2]
    assert zoe["Billing State/Province"] == "CA-QC"
    assert (zoe["Tax Exempt"], zoe["Accepts Marketing"], zoe["Wholesale"]) == (
        "State-Provincial",
        "Yes",
        "Yes",
    )
    assert (rows[1]["Tax Exempt"], rows[1]["Wholesale"], rows[1]["Billing Email"]) == (
        "No",
        "No",
        "",
    )


def test_formula_like_values_are_escaped_for_spreadsheets(db):
    create_customer(ZOE, desk())
    create_customer(ACME, desk())
    out = io.StringIO()
    write_customers(out, desk())
    zoe, acme = exported_rows(out.getvalue())[1], exported_rows(out.getvalue())[0]
    assert zoe["Business Name"] == "'=SUM(A1) Café Zoë"
    assert zoe["Billing Business Name"] == "'+Café Zoë SARL"
    assert zoe["Shipping Contact Name"] == "'-Zoë Dépôt"
    assert zoe["Shipping Business Name"] == "'@Zoë Entrepôt"
    assert zoe["Billing Telephone"] == "'+15145550199"
    assert acme["Business Name"] == "''=already quoted"
    assert acme["Contact Name"] == 'Ada "Quotes" King'


def test_archived_customers_are_not_exported(db):
    create_customer(PLAIN, desk())
    archived = create_customer({"code": "OLD-1", "contact_name": "Old"}, desk())
    Customer.update(archived_at=Customer.created_at).where(Customer.id == archived.id).execute()
    out = io.StringIO()
    assert write_customers(out, desk()) == 1
    assert [row["Customer Code"] for row in exported_rows(out.getvalue())] == ["B-3"]


def test_pages_follow_each_other_without_gaps_or_repeats(db, monkeypatch):
    monkeypatch.setattr("models.transfer.customer_export.EXPORT_BATCH", 3)
    codes = [f"C-{n:02d}" for n in range(12)] + ["c-12x"]
    for code in reversed(codes):
        create_customer({"code": code, "contact_name": code}, desk())
    archived = ["C-02", "C-05", "c-12x"]  # in the middle and at the end of a page
    Customer.update(archived_at=Customer.created_at).where(Customer.code << archived).execute()
    seen = []
    out = io.StringIO()
    assert write_customers(out, desk(), progress=lambda *step: seen.append(step)) == 10
    assert [row["Customer Code"] for row in exported_rows(out.getvalue())] == [
        code for code in codes if code not in archived
    ]
    assert [done for _, done, _ in seen] == [2, 4, 7, 10, 10]
    assert {total for _, _, total in seen} == {10}


def test_an_empty_database_exports_the_header_only(db):
    out = io.StringIO()
    assert write_customers(out, desk()) == 0
    assert out.getvalue() == ",".join(HEADER) + "\r\n"


def test_round_trip_gives_the_same_customers(db, tmp_path):
    originals = {
        values["code"]: create_customer(values, desk()).values for values in (ZOE, ACME, PLAIN)
    }
    path = tmp_path / "customers.csv"
    assert export_to_file(path, desk()) == 3
    PortalAccount.delete().execute()
    AuditEvent.delete().execute()
    Customer.delete().execute()  # the database holds no customer now
    with preview_import(path) as preview:
        assert (preview.to_create, preview.bad_rows) == (3, 0), preview.problems
        apply_import(preview, desk())
    imported = {customer.code: load_customer(customer.id).values for customer in Customer.select()}
    assert imported == originals
    assert originals["ZOE-1"]["business_name"] == "=SUM(A1) Café Zoë"


def test_the_file_starts_with_a_bom_and_is_private(db, tmp_path):
    create_customer(PLAIN, desk())
    path = tmp_path / "out.csv"
    export_to_file(path, desk())
    assert path.read_bytes().startswith(b"\xef\xbb\xbfCustomer Code,")
    assert path.stat().st_mode & 0o077 == 0


def test_an_existing_file_is_kept_unless_overwriting(db, tmp_path):
    create_customer(PLAIN, desk())
    path = tmp_path / "out.csv"
    path.write_text("precious")
    with pytest.raises(ExportTargetExists):
        export_to_file(path, desk())
    assert path.read_text() == "precious"
    assert export_to_file(path, desk(), overwrite=True) == 1
    assert "Bob Plain" in path.read_text(encoding="utf-8-sig")


def test_a_cancelled_export_leaves_no_file(db, tmp_path):
    create_customer(PLAIN, desk())
    cancel = threading.Event()
    cancel.set()
    folder = tmp_path / "exports"
    folder.mkdir()
    with pytest.raises(Cancelled):
        export_to_file(folder / "out.csv", desk(), cancel=cancel)
    assert list(folder.iterdir()) == []


def test_a_folder_that_does_not_exist_is_unwritable(db, tmp_path):
    with pytest.raises(ExportTargetUnwritable, match="No such file or directory"):
        export_to_file(tmp_path / "missing" / "out.csv", desk())


# --- the command line ---------------------------------------------------------------------


def custdesk(capsys, db_url: str, *args: str) -> tuple[int, str, str]:
    """Run the custdesk command line in-process; returns (status, stdout, stderr)."""
    close_database()
    status = main(["--db", db_url, *args])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_export_command_writes_the_file(db, db_url, tmp_path, capsys):
    create_customer(PLAIN, desk())
    path = tmp_path / "out.csv"
    status, out, _ = custdesk(capsys, db_url, "export", str(path))
    assert status == 0
    assert out.startswith(f"Exported 1 customer to {path} in ")
    assert [row["Contact Name"] for row in exported_rows(path.read_text("utf-8"))] == ["Bob Plain"]


def test_export_command_refuses_to_overwrite_without_force(db, db_url, tmp_path, capsys):
    create_customer(PLAIN, desk())
    path = tmp_path / "out.csv"
    path.write_text("precious")
    status, _, err = custdesk(capsys, db_url, "export", str(path))
    assert status == 2
    assert err == f"custdesk: {path} already exists; add --force to overwrite it.\n"
    assert path.read_text() == "precious"
    status, _, _ = custdesk(capsys, db_url, "export", "--force", str(path))
    assert status == 0 and "Bob Plain" in path.read_text("utf-8")


def test_export_command_to_a_missing_folder_exits_2(db, db_url, tmp_path, capsys):
    status, _, err = custdesk(capsys, db_url, "export", str(tmp_path / "no" / "out.csv"))
    assert status == 2
    assert err.startswith("custdesk: Cannot write ") and err.count("\n") == 1


def test_export_to_stdout_is_plain_utf8_csv(db, db_url, capfdbinary):
    create_customer(ZOE, desk())
    close_database()
    assert main(["--db", db_url, "export", "-"]) == 0
    captured = capfdbinary.readouterr()
    assert captured.out.startswith(b"Customer Code,")  # no BOM in a pipe
    assert "Café Zoë".encode() in captured.out
    assert captured.err.decode().startswith("Exported 1 customer to standard output")
