"""Importing customers from CSV: the preview, all-or-nothing writes, --update, and bad files."""

import os
import threading

import pytest
from support.portal import desk

from models.audit.events import change_count, event_changes
from models.customers import create_customer, load_customer, save_customer
from models.store.db import close_database
from models.store.tables import AuditEvent, Customer
from models.transfer.csv_format import HEADER, Cancelled
from models.transfer.customer_import import (
    BadFile,
    ImportConflict,
    RowProblem,
    UnreadableFile,
    apply_import,
    preview_import,
)
from tui.cli import main
from tui.progress_line import ProgressLine

GOOD_HEADER = "Customer Code,Business Name,Contact Name,Billing Email,Billing Country,Wholesale"


def write_csv(tmp_path, text: str | bytes, name: str = "customers.csv"):
    """A real file holding `text` (UTF-8 unless bytes are given)."""
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


def custdesk(capsys, db_url: str, *args: str) -> tuple[int, str, str]:
    """Run the custdesk command line in-process; returns (status, stdout, stderr)."""
    close_database()
    status = main(["--db", db_url, *args])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def customer(code: str) -> Customer:
    return Customer.get(Customer.code == code)


def nothing_changed(before: int) -> bool:
    """No customer exists and the change counter did not move."""
    return Customer.select().count() == 0 and change_count() == before


# --- importing good files ----------------------------------------------------------------


def test_import_creates_every_row_with_audit_events(db, tmp_path):
    path = write_csv(
        tmp_path,
        f"{GOOD_HEADER}\n"
        "A-1,Acme Ltd,Ada,ada@example.com,United Kingdom,Yes\n"
        "B-2,,Bob Brown,,,no\n",
    )
    start = change_count()
    with preview_import(path) as preview:
        assert (preview.rows, preview.to_create, preview.bad_rows) == (2, 2, 0)
        assert Customer.select().count() == 0  # the preview writes nothing
        result = apply_import(preview, desk())
    assert (result.created, result.updated, result.unchanged) == (2, 0, 0)
    acme = customer("A-1")
    assert (acme.business_name, acme.billing_country, acme.wholesale) == ("Acme Ltd", "GB", True)
    assert customer("B-2").contact_name == "Bob Brown"
    events = list(AuditEvent.select().order_by(AuditEvent.id))
    assert [(e.action, e.staff, e.customer_id) for e in events] == [
        ("imported", desk().login, acme.id),
        ("imported", desk().login, customer("B-2").id),
    ]
    assert events[0].detail == "created from customers.csv line 2"
    assert event_changes(events[0])["business_name"] == (None, "Acme Ltd")
    assert change_count() == start + 2


def test_a_missing_optional_column_leaves_the_field_empty(db, tmp_path):
    with preview_import(write_csv(tmp_path, "Contact Name\nZoë\n")) as preview:
        apply_import(preview, desk())
    zoe = Customer.get()
    assert (zoe.contact_name, zoe.business_name, zoe.tax_exempt, zoe.accepts_marketing) == (
        "Zoë",
        "",
        "no",
        False,
    )


def test_header_names_match_without_case_or_extra_spaces(db, tmp_path):
    path = write_csv(tmp_path, "  customer code , BUSINESS   NAME\nA-1,Acme\n")
    with preview_import(path) as preview:
        apply_import(preview, desk())
    assert customer("A-1").business_name == "Acme"


def test_blank_codes_are_generated_skipping_codes_in_the_file_and_database(db, tmp_path):
    create_customer({"code": "cst-000002", "contact_name": "Existing"}, desk())
    path = write_csv(tmp_path, "Customer Code,Contact Name\n,First\nCST-000001,Typed\n,Second\n")
    with preview_import(path) as preview:
        apply_import(preview, desk())
    names = dict(Customer.select(Customer.contact_name, Customer.code).tuples())
    assert names == {
        "Existing": "cst-000002",
        "Typed": "CST-000001",
        "First": "CST-000003",
        "Second": "CST-000004",
    }


def test_yes_no_and_tax_exempt_words(db, tmp_path):
    path = write_csv(
        tmp_path,
        "Contact Name,Tax Exempt,Accepts Marketing,Wholesale\n"
        "A,No,yes,NO\nB,All,Y,false\nC,state-provincial,TRUE,0\n"
        "D,Country taxes,1,\nE,,No,No\n",
    )
    with preview_import(path) as preview:
        apply_import(preview, desk())
    rows = {
        name: (tax, marketing, wholesale)
        for name, tax, marketing, wholesale in Customer.select(
            Customer.contact_name,
            Customer.tax_exempt,
            Customer.accepts_marketing,
            Customer.wholesale,
        ).tuples()
    }
    assert rows == {
        "A": ("no", True, False),
        "B": ("all", True, False),
        "C": ("state", True, False),
        "D": ("country", True, False),
        "E": ("no", False, False),
    }


def test_a_leading_apostrophe_before_a_formula_sign_is_removed(db, tmp_path):
    path = write_csv(
        tmp_path,
        "Customer Code,Business Name,Billing Telephone\n"
        "A-1,'=SUM(A1),'+1 416 555 0199\n"
        "B-2,'Tis the Season,\n"
        "C-3,''@home,\n",
    )
    with preview_import(path) as preview:
        apply_import(preview, desk())
    assert customer("A-1").business_name == "=SUM(A1)"
    assert customer("A-1").billing_phone == "+14165550199"
    assert customer("B-2").business_name == "'Tis the Season"
    assert customer("C-3").business_name == "'@home"


def test_a_header_only_file_imports_nothing(db, tmp_path, capsys, db_url):
    status, out, _ = custdesk(capsys, db_url, "import", str(write_csv(tmp_path, GOOD_HEADER)))
    assert status == 0
    assert "0 rows: 0 to create, 0 bad." in out
    assert Customer.select().count() == 0


# --- bad rows ----------------------------------------------------------------------------


def test_bad_rows_are_listed_with_line_column_and_message_and_nothing_is_imported(db, tmp_path):
    path = write_csv(
        tmp_path,
        f"{GOOD_HEADER}\n"
        "A-1,Acme,,not-an-email,GB,Yes\n"
        "B-2,Bravo,,,Atlantis,maybe\n"
        "C-3,Charlie,,,,\n"
        "a-1,Again,,,,\n"
        "D-4,Too,many,,,,,\n"
        "E-5,Too few\n"
        "F-6,,,,,No\n",
    )
    start = change_count()
    with preview_import(path) as preview:
        assert not preview.ok
        assert (preview.rows, preview.to_create, preview.bad_rows) == (7, 1, 6)
        problems = {(p.line, p.column): p.message for p in preview.problems}
        with pytest.raises(ValueError):
            apply_import(preview, desk())
    assert problems[(2, "Billing Email")].startswith("Billing Email is not a valid email address")
    assert problems[(3, "Billing Country")].startswith("Billing Country 'Atlantis' is not a")
    assert problems[(3, "Wholesale")] == "Wholesale must be Yes or No, not 'maybe'."
    assert problems[(5, "Customer Code")] == "Customer Code a-1 is also on line 2."
    assert problems[(6, "")] == "The row has 8 fields; the header has 6."
    assert problems[(7, "")] == "The row has 2 fields; the header has 6."
    assert problems[(8, "Business Name")] == "Enter a Business Name or a Contact Name."
    assert len(problems) == 7
    assert nothing_changed(start)


def test_addresses_follow_their_countrys_rules(db, tmp_path):
    path = write_csv(
        tmp_path,
        "Customer Code,Contact Name,Billing Street Address,Billing City,Billing Country,"
        "Billing State/Province,Billing Postal/Zip Code\n"
        "JP-1,Aiko,1-1 Chiyoda,Chiyoda-ku,Japan,Tokyo,1000\n"
        "JP-2,Ren,1-1 Chiyoda,Chiyoda-ku,JP,東京都,1000001\n"
        "DE-1,Hanna,Unter den Linden 1,,DE,Berlin,10117\n",
    )
    with preview_import(path) as preview:
        problems = {(p.line, p.column): p.message for p in preview.problems}
    assert problems == {
        (2, "Billing Postal/Zip Code"): "Billing Postal/Zip Code is not a valid postal code for "
        "Japan (for example 154-0023 or 350-1106).",
        (4, "Billing City"): "Billing City is required for Germany.",
        (4, "Billing State/Province"): "Billing State/Province: addresses in Germany carry no "
        "state or province; leave it blank.",
    }
    assert preview.to_create == 1


def test_bad_rows_on_the_command_line_exit_1(db, db_url, tmp_path, capsys):
    path = write_csv(tmp_path, f"{GOOD_HEADER}\nA-1,Acme,,,,Yes\nB-2,Bravo,,bad@,,\n")
    status, out, err = custdesk(capsys, db_url, "import", str(path))
    assert status == 1
    assert "2 rows: 1 to create, 1 bad." in out
    assert "  Line 3, Billing Email: Billing Email is not a valid email address" in out
    assert err == "custdesk: Nothing was imported: 1 bad row.\n"
    assert Customer.select().count() == 0


def test_a_code_in_use_is_a_bad_row_without_update(db, db_url, tmp_path, capsys):
    create_customer({"code": "ACME-1", "business_name": "Acme Ltd"}, desk())
    path = write_csv(tmp_path, "Customer Code,Business Name\nacme-1,Acme Group\nNEW-1,New\n")
    status, out, _ = custdesk(capsys, db_url, "import", str(path))
    assert status == 1
    assert (
        "Line 2, Customer Code: Customer Code acme-1 is already used by ACME-1 (Acme Ltd)." in out
    )
    assert "1 row uses a code of existing customers: add --update" in out
    assert Customer.select().count() == 1
    assert customer("ACME-1").business_name == "Acme Ltd"


def test_an_archived_customers_code_is_a_bad_row_even_with_update(db, tmp_path):
    record = create_customer({"code": "OLD-1", "business_name": "Old Ltd"}, desk())
    Customer.update(archived_at=Customer.created_at).where(Customer.id == record.id).execute()
    with preview_import(
        write_csv(tmp_path, "Customer Code,Business Name\nOLD-1,New\n"), update=True
    ) as preview:
        assert preview.problems == [
            RowProblem(
                2,
                "Customer Code",
                "Customer Code OLD-1 belongs "
                "to an archived customer (Old Ltd); restore it "
                "or use another code.",
            )
        ]


def test_problems_beyond_the_limit_are_counted(db, tmp_path, monkeypatch):
    monkeypatch.setattr("models.transfer.customer_import.MAX_PROBLEMS", 3)
    path = write_csv(tmp_path, "Contact Name,Wholesale\n" + "X,maybe\n" * 5)
    with preview_import(path) as preview:
        assert (len(preview.problems), preview.problems_left_off, preview.bad_rows) == (3, 2, 5)


# --- --update ----------------------------------------------------------------------------


def test_update_matches_codes_without_case_and_bumps_the_version(db, db_url, tmp_path, capsys):
    acme = create_customer(
        {
            "code": "ACME-1",
            "business_name": "Acme Ltd",
            "billing_street1": "1 Park Row",
            "billing_city": "Leeds",
            "billing_country": "GB",
            "billing_postal_code": "LS1 5AB",
        },
        desk(),
    )
    same = create_customer({"code": "SAME-1", "business_name": "Same"}, desk())
    path = write_csv(
        tmp_path,
        "Customer Code,Business Name,Billing Country\n"
        "acme-1,Acme Group,GB\nSAME-1,Same,\nNEW-1,New,\n",
    )
    status, out, _ = custdesk(capsys, db_url, "import", "--update", str(path))
    assert status == 0, out
    assert "3 rows: 1 to create, 1 to update, 1 unchanged, 0 bad." in out
    assert "1 created, 1 updated, 1 unchanged" in out
    updated = load_customer(acme.id)
    assert updated.version == acme.version + 1
    assert updated.values["business_name"] == "Acme Group"
    assert updated.values["billing_city"] == "Leeds"  # no column in the file: kept
    assert updated.values["code"] == "acme-1"
    assert load_customer(same.id).version == same.version
    event = AuditEvent.get(AuditEvent.detail == "updated from customers.csv line 2")
    assert event.action == "imported" and event.customer_id == acme.id
    assert event_changes(event) == {
        "code": ("ACME-1", "acme-1"),
        "business_name": ("Acme Ltd", "Acme Group"),
    }


def test_update_needs_the_code_column(db, tmp_path):
    with pytest.raises(BadFile, match="Missing column Customer Code"):
        preview_import(write_csv(tmp_path, "Business Name\nAcme\n"), update=True)


def test_update_validates_the_merged_customer(db, tmp_path):
    create_customer(
        {
            "code": "US-1",
            "business_name": "Acme",
            "billing_street1": "500 Market St",
            "billing_city": "San Francisco",
            "billing_country": "US",
            "billing_state": "CA",
            "billing_postal_code": "94103",
        },
        desk(),
    )
    path = write_csv(tmp_path, "Customer Code,Billing Country\nUS-1,Canada\n")
    with preview_import(path, update=True) as preview:
        assert [(p.line, p.column) for p in preview.problems] == [
            (2, "Billing State/Province"),
            (2, "Billing Postal/Zip Code"),
        ]


def test_a_change_after_the_preview_stops_the_whole_import(db, tmp_path):
    acme = create_customer({"code": "ACME-1", "business_name": "Acme"}, desk())
    path = write_csv(tmp_path, "Customer Code,Business Name\nNEW-1,New\nACME-1,Acme Group\n")
    with preview_import(path, update=True) as preview:
        save_customer(acme, {"contact_name": "Someone"}, desk())
        with pytest.raises(ImportConflict, match="Line 3: customer ACME-1 was changed"):
            apply_import(preview, desk())
    assert Customer.select().count() == 1
    assert load_customer(acme.id).values["business_name"] == "Acme"


def test_a_code_taken_after_the_preview_stops_the_whole_import(db, tmp_path):
    path = write_csv(tmp_path, "Customer Code,Business Name\nA-1,First\nB-2,Second\n")
    with preview_import(path) as preview:
        create_customer({"code": "b-2", "business_name": "Quick"}, desk())
        with pytest.raises(ImportConflict, match="Line 3: Customer Code B-2 was taken"):
            apply_import(preview, desk())
    assert [c.code for c in Customer.select()] == ["b-2"]


# --- progress and cancel ------------------------------------------------------------------


def test_progress_reports_each_stage_to_the_end(db, tmp_path, monkeypatch):
    monkeypatch.setattr("models.transfer.customer_import.BATCH_ROWS", 2)
    path = write_csv(tmp_path, "Contact Name\n" + "".join(f"P{n}\n" for n in range(5)))
    seen: list[tuple[str, int, int]] = []
    with preview_import(path, progress=lambda *step: seen.append(step)) as preview:
        apply_import(preview, desk(), progress=lambda *step: seen.append(step))
    checking = [step for step in seen if step[0] == "checking"]
    importing = [step for step in seen if step[0] == "importing"]
    assert len(checking) == 3 and checking[-1][1:] == (path.stat().st_size,) * 2
    assert [done for _, done, _ in importing] == [2, 4, 5]
    assert {total for _, _, total in importing} == {5}


def test_cancelling_during_the_import_writes_nothing(db, tmp_path, monkeypatch):
    monkeypatch.setattr("models.transfer.customer_import.BATCH_ROWS", 2)
    path = write_csv(tmp_path, "Contact Name\n" + "".join(f"P{n}\n" for n in range(5)))
    cancel = threading.Event()
    start = change_count()
    with preview_import(path) as preview, pytest.raises(Cancelled):
        apply_import(preview, desk(), progress=lambda *step: cancel.set(), cancel=cancel)
    assert nothing_changed(start)


def test_cancelling_the_check_stops_it(db, tmp_path):
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(Cancelled):
        preview_import(write_csv(tmp_path, "Contact Name\nA\n"), cancel=cancel)


def test_progress_line_draws_on_a_terminal_only(tmp_path):
    master, replica = os.openpty()
    with os.fdopen(replica, "w") as terminal:
        line = ProgressLine(terminal)
        line("checking", 50, 100)
        line("checking", 50, 100)  # the same percentage is not drawn again
        line.finish()
    drawn = os.read(master, 4096).decode()
    os.close(master)
    assert drawn.count("50%") == 1 and "\r" in drawn
    with open(tmp_path / "log.txt", "w") as not_a_terminal:
        ProgressLine(not_a_terminal)("checking", 50, 100)
    assert (tmp_path / "log.txt").read_text() == ""


# --- bad files ---------------------------------------------------------------------------

BAD_FILES = {
    "latin-1": (
        "Customer Code,Business Name\nA-1,Caf\xe9\n".encode("latin-1"),
        "The file is not UTF-8 at line 2 (byte 0xE9)",
    ),
    "utf-16": (
        "Customer Code,Business Name\nA-1,Acme\n".encode("utf-16"),
        "The file is UTF-16, not UTF-8",
    ),
    "binary": (
        b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + os.urandom(64),
        "Line 1 contains NUL bytes: this is a binary file",
    ),
    "nul in a row": (b"Customer Code,Business Name\nA-1,Ac\x00me\n", "Line 2 contains NUL bytes"),
    "empty": (b"", "The file is empty"),
    "blank lines only": (b"\xef\xbb\xbf\n  \n\n", "The file is empty"),
    "unknown columns": (
        "Customer Code,Bussiness Name,Colour\nA-1,Acme,red\n",
        ("Line 1: unknown columns 'Bussiness Name' (did you mean 'Business Name'?), 'Colour'."),
    ),
    "semicolons": (
        "Customer Code;Business Name\nA-1;Acme\n",
        "the columns must be separated by commas",
    ),
    "no name column": (
        "Customer Code,Billing City\nA-1,Paris\n",
        "Missing column: the file needs Business Name or Contact Name.",
    ),
    "column twice": (
        "Business Name,business name\nA,B\n",
        "Line 1: the column Business Name appears twice.",
    ),
    "blank column name": ("Business Name,,City\n", "column 2 of the header has no name"),
    "stray quote": ('Customer Code,Business Name\nA-1,"Acme" Ltd\n', "Line 2: stray quote"),
    "unclosed quote": (
        'Customer Code,Business Name\nA-1,"Acme Ltd\nB-2,Other\n',
        "Line 2: a quoted field runs past the end of the line",
    ),
    "10 MB field": (
        "Customer Code,Business Name\nA-1," + "x" * 10_000_000 + "\n",
        "Line 2 is longer than 64 KB",
    ),
    "carriage returns only": (
        "Customer Code,Business Name\rA-1,Acme\r",
        "Line 1: a carriage return inside an unquoted field",
    ),
}


@pytest.mark.parametrize("case", BAD_FILES)
def test_a_bad_file_gets_one_line_and_changes_nothing(case, db, db_url, tmp_path, capsys):
    content, expected = BAD_FILES[case]
    start = change_count()
    status, out, err = custdesk(capsys, db_url, "import", str(write_csv(tmp_path, content)))
    assert status == 1
    assert out == ""
    assert err.startswith("custdesk: ") and err.count("\n") == 1
    assert expected in err and err.rstrip().endswith("Nothing was imported.")
    assert nothing_changed(start)


def test_a_bom_is_accepted(db, tmp_path):
    path = write_csv(tmp_path, "\ufeffCustomer Code,Business Name\r\nA-1,Acme\r\n")
    with preview_import(path) as preview:
        apply_import(preview, desk())
    assert customer("A-1").business_name == "Acme"


def test_a_quoted_field_may_hold_commas_and_quotes(db, tmp_path):
    path = write_csv(tmp_path, 'Customer Code,Business Name\nA-1,"Acme, ""The Best"" Ltd"\n')
    with preview_import(path) as preview:
        apply_import(preview, desk())
    assert customer("A-1").business_name == 'Acme, "The Best" Ltd'


@pytest.mark.parametrize("kind", ["missing", "directory"])
def test_a_file_that_cannot_be_read_exits_2(kind, db, db_url, tmp_path, capsys):
    path = tmp_path / "nowhere.csv" if kind == "missing" else tmp_path
    status, _, err = custdesk(capsys, db_url, "import", str(path))
    assert status == 2
    assert err == f"custdesk: Cannot read {path}: " + (
        "No such file or directory.\n" if kind == "missing" else "Is a directory.\n"
    )


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every file")
def test_a_file_without_read_permission_exits_2(db, db_url, tmp_path, capsys):
    path = write_csv(tmp_path, "Business Name\nAcme\n")
    path.chmod(0)
    status, _, err = custdesk(capsys, db_url, "import", str(path))
    assert (status, err) == (2, f"custdesk: Cannot read {path}: Permission denied.\n")


def test_unreadable_file_is_its_own_error_for_screens(db, tmp_path):
    with pytest.raises(UnreadableFile, match="No such file"):
        preview_import(tmp_path / "nowhere.csv")


def test_missing_file_argument_is_a_usage_error(db, db_url, capsys):
    status, _, err = custdesk(capsys, db_url, "import")
    assert status == 2 and "FILE.csv" in err


def test_dry_run_prints_the_preview_and_imports_nothing(db, db_url, tmp_path, capsys):
    path = write_csv(tmp_path, f"{','.join(HEADER[:3])}\nA-1,Acme,Ada\n")
    status, out, _ = custdesk(capsys, db_url, "import", "--dry-run", str(path))
    assert status == 0
    assert out.splitlines() == [
        f"{path}: 1 row: 1 to create, 0 bad.",
        "Dry run: nothing was imported.",
    ]
    assert Customer.select().count() == 0


def test_terminal_control_characters_in_the_file_are_shown_inert(db, db_url, tmp_path, capsys):
    path = write_csv(tmp_path, "Business Name,Wholesale\nAcme,\x1b[2Jyes\n")
    status, out, _ = custdesk(capsys, db_url, "import", str(path))
    assert status == 1
    assert "\x1b" not in out and "\u241b[2Jyes" in out
