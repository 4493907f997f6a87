"""Importing finds likely duplicates: of existing customers (the rules of models/duplicates.py)
and identical rows within the file; skipped by default, created when chosen, in models, on the
command line and in the dialog."""

import logging

from support.cli import run_custdesk
from support.portal import desk
from support.waiting import settle
from textual.widgets import Checkbox, SelectionList

from models.archive import archive_customer
from models.customers import create_customer
from models.store.db import close_database, open_database
from models.store.tables import AuditEvent, Customer
from models.transfer.customer_import import DuplicateChoice, apply_import, preview_import
from screens.customer_list import CustomerListScreen
from screens.dialogs.csv_dialog import CsvImportDialog
from tui.app import CustdeskApp
from tui.settings import at_the_desk, resolve_settings

HEADER = (
    "Business Name,Contact Name,Billing Email,Billing Telephone,Billing Country,"
    "Billing Postal/Zip Code"
)
ROWS = [
    "Acme Ltd,Ada,ada@example.com,,GB,",  # line 2: by email
    "Phoneco,Pat,,+44 20 7946 0000,GB,",  # line 3: by telephone
    "Crème Brûlée SARL,Chloé,,,FR,75001",  # line 4: by name at the postal code
    "Bare Name Ltd,,,,,",  # line 5: names and nothing else
    "Bare Name Ltd,,,,,",
]  # line 6: identical to line 5
SIMILAR = "similar business name at the same postal code"
BARE = "same name, and neither has a billing email, telephone or postal code"


def write(tmp_path, rows: list[str], name: str = "customers.csv"):
    """A CSV file of `rows` under HEADER; returns its path."""
    path = tmp_path / name
    lines = [f"{HEADER},Billing Street Address,Billing City", *map(_with_street, rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _with_street(row: str) -> str:
    """A row with a street and city where it has a postal code (a started address is whole)."""
    return row + (",1 Rue de Rivoli,Paris" if row.rsplit(",", 1)[-1] else ",,")


def imported(path, duplicates: DuplicateChoice | None = None):
    """Preview and apply a file (skipping likely duplicates unless told); returns (preview,
    result)."""
    with preview_import(path) as preview:
        return preview, apply_import(preview, desk(), duplicates=duplicates or DuplicateChoice())


def codes() -> list[str]:
    return [row.code for row in Customer.select(Customer.code).order_by(Customer.id)]


# --- models ------------------------------------------------------------------------------


def test_running_a_file_without_codes_twice_creates_nothing_new(db, tmp_path):
    path = write(tmp_path, ROWS)
    first, result = imported(path)
    assert [(row.line, row.message) for row in first.duplicates] == [(6, "Identical to line 5")]
    assert (result.created, result.skipped) == (4, 1)
    assert codes() == ["CST-000001", "CST-000002", "CST-000003", "CST-000004"]

    again, result = imported(path)
    assert (again.to_create, again.duplicate_count, result.created, result.skipped) == (0, 5, 0, 5)
    assert [(row.line, row.message) for row in again.duplicates] == [
        (2, "Likely duplicate of CST-000001 (Acme Ltd): same billing email"),
        (3, "Likely duplicate of CST-000002 (Phoneco): same billing telephone"),
        (4, f"Likely duplicate of CST-000003 (Crème Brûlée SARL): {SIMILAR}"),
        (5, f"Likely duplicate of CST-000004 (Bare Name Ltd): {BARE}"),
        (6, f"Likely duplicate of CST-000004 (Bare Name Ltd): {BARE}"),
    ]
    assert Customer.select().count() == 4
    assert AuditEvent.select().count() == 4  # the skipped rows wrote nothing


def test_similar_rows_are_found_however_they_are_typed(db, tmp_path):
    imported(write(tmp_path, ROWS[:4], "first.csv"))
    typed = [
        "Someone,,ADA@Example.COM ,,,",
        "Other,,,020 7946 0000,GB,",
        "CREME BRULEE S.A.R.L.,,,,FR,75001",
    ]
    with preview_import(write(tmp_path, typed, "second.csv")) as preview:
        assert [row.line for row in preview.duplicates] == [2, 3, 4]
        assert preview.to_create == 0


def test_what_is_not_a_duplicate(db, tmp_path):
    imported(write(tmp_path, ROWS[:4], "first.csv"))
    archive_customer(Customer.get(Customer.code == "CST-000001").id, desk())
    rows = [
        "Acme Ltd,Ada,ada@example.com,,GB,",  # its match is archived
        "Crème Brûlée SARL,,,,FR,75002",  # same name, another postal code
        "Bare Name Ltd,,bare@example.com,,,",  # an email tells it apart
        "Zenith Widgets,,,,FR,75001",
    ]  # another name at the postal code
    with preview_import(write(tmp_path, rows, "second.csv")) as preview:
        assert (preview.to_create, preview.duplicates) == (4, [])


def test_likely_duplicates_are_created_when_chosen_all_or_by_line(db, tmp_path):
    path = write(tmp_path, ROWS)
    imported(path)
    _, by_line = imported(path, DuplicateChoice(create=frozenset({3, 6})))
    assert (by_line.created, by_line.skipped) == (2, 3)
    assert Customer.select().where(Customer.business_name == "Phoneco").count() == 2
    assert codes()[-2:] == ["CST-000005", "CST-000006"]  # a generated code for each, no gap
    _, all_but = imported(path, DuplicateChoice(create_all=True, skip=frozenset({2})))
    assert (all_but.created, all_but.skipped) == (4, 1)
    assert Customer.select().where(Customer.business_name == "Acme Ltd").count() == 1
    assert Customer.select().count() == 10


def test_rows_updating_a_customer_by_code_are_not_duplicates(db, tmp_path):
    path = tmp_path / "coded.csv"
    path.write_text(
        "Customer Code,Business Name,Billing Email\nA-1,Acme,a@example.com\n"
        "A-2,Acme Two,a@example.com\n",
        encoding="utf-8",
    )
    with preview_import(path) as preview:  # line 3 shares line 2's email: not identical
        assert (preview.to_create, preview.duplicate_count) == (2, 0)
        apply_import(preview, desk())
    path.write_text(
        "Customer Code,Business Name,Billing Email\nA-1,Acme Ltd,a@example.com\n", encoding="utf-8"
    )
    with preview_import(path, update=True) as preview:
        assert (preview.to_update, preview.duplicate_count) == (1, 0)


def test_the_look_up_is_a_few_queries_a_batch_not_one_a_row(db, tmp_path, monkeypatch):
    monkeypatch.setattr("models.transfer.customer_import.BATCH_ROWS", 100)
    for number in range(30):
        create_customer(
            {
                "business_name": f"Shop {number}",
                "billing_email": f"s{number}@example.com",
                "billing_postal_code": f"{number:05d}",
                "billing_street1": "1 Rue de Rivoli",
                "billing_city": "Paris",
                "billing_country": "FR",
            },
            desk(),
        )
    rows = [
        f"Shop {n % 30},,s{n % 30}@example.com,,,{n % 40:05d}"
        if n % 2
        else f"Zed Q{n},,,,,{n % 40:05d}"
        for n in range(400)
    ]  # half match, half are new
    statements: list[str] = []

    class Counting(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            statements.append(record.getMessage())

    handler = Counting(logging.DEBUG)
    logger = logging.getLogger("peewee")
    level = logger.level
    logger.setLevel(logging.DEBUG)
    logger.addHandler(handler)
    try:
        with preview_import(write(tmp_path, rows)) as preview:
            assert (preview.duplicate_count, preview.to_create) == (200, 200)
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    # Per batch of 100 rows: the codes, email, telephone, postal codes, holders: at most 6.
    assert 4 <= len(statements) <= 4 * 6


# --- the command line --------------------------------------------------------------------


def test_the_command_line_skips_duplicates_unless_told(db, db_url, tmp_path):
    path = write(tmp_path, ROWS)
    first = run_custdesk("--db", db_url, "import", str(path))
    assert first.returncode == 0, first.stderr
    assert "  duplicate: Line 6: Identical to line 5" in first.stdout
    assert "1 likely duplicate: skipped; add --duplicates create" in first.stdout
    assert "4 created, 0 updated, 0 unchanged, 1 likely duplicate skipped" in first.stdout
    again = run_custdesk("--db", db_url, "import", str(path))
    assert again.returncode == 0, again.stderr
    assert "5 rows: 0 to create, 5 likely duplicates, 0 bad." in again.stdout
    assert "Line 2: Likely duplicate of CST-000001 (Acme Ltd): same billing email" in again.stdout
    assert "0 created, 0 updated, 0 unchanged, 5 likely duplicates skipped" in again.stdout
    forced = run_custdesk("--db", db_url, "import", str(path), "--duplicates", "create")
    assert forced.returncode == 0, forced.stderr
    assert "5 likely duplicates: created anyway" in forced.stdout
    assert "5 created" in forced.stdout
    assert Customer.select().count() == 9


def test_a_bad_duplicates_choice_is_a_usage_error(db, db_url, tmp_path):
    result = run_custdesk(
        "--db", db_url, "import", str(write(tmp_path, ROWS)), "--duplicates", "maybe"
    )
    assert result.returncode == 2
    assert "invalid choice: 'maybe'" in result.stderr and "Traceback" not in result.stderr
    assert Customer.select().count() == 0


# --- the dialog --------------------------------------------------------------------------


async def test_the_dialog_lists_duplicates_and_creates_the_ticked_ones(
    db, db_url, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    path = write(tmp_path, ROWS)
    imported(path)
    close_database()
    app = CustdeskApp(at_the_desk(resolve_settings(db_url, None, False)))
    async with app.run_test(notifications=True, size=(80, 24)) as pilot:
        await settle(pilot, lambda: isinstance(app.screen, CustomerListScreen), quiet=False)
        await pilot.press("i")
        await settle(pilot, lambda: isinstance(app.screen, CsvImportDialog), quiet=False)
        dialog = app.screen
        await pilot.press("ctrl+u", *path.name, "enter")
        await settle(pilot, lambda: dialog.has_class("-can-import"), quiet=False)
        report = str(dialog.query_one("#csv-report").render())
        assert report.startswith(
            "customers.csv: 5 rows: 0 to create, 5 likely duplicates, "
            "0 bad.\nLikely duplicates (listed below) are skipped"
        )
        assert dialog.has_class("-duplicates")
        rows = dialog.query_one("#csv-dup-rows", SelectionList)
        assert [str(rows.get_option_at_index(i).prompt) for i in range(2)] == [
            "Line 2: Likely duplicate of CST-000001 (Acme Ltd): same billing email",
            "Line 3: Likely duplicate of CST-000002 (Phoneco): same billing telephone",
        ]
        assert app.focused.id == "csv-import"
        await pilot.press("shift+tab", "shift+tab")  # Import → Check file → the rows
        assert app.focused is rows
        await pilot.press("down", "down", "space")  # tick line 3 (the first down highlights)
        assert rows.selected == [3]
        await pilot.press("shift+tab", "space", "space")  # Create all, on and off again
        assert not dialog.query_one("#csv-dup-all", Checkbox).value and rows.selected == []
        await pilot.press("tab", "up", "space")  # tick line 2
        assert rows.selected == [2]
        await pilot.press("tab", "tab", "enter")  # Check file → Import
        await settle(pilot, lambda: isinstance(app.screen, CustomerListScreen), quiet=False)
        await settle(pilot)
        toasts = [n.message for n in app._notifications]
        assert (
            "Imported customers.csv: 1 created, 0 updated, 0 unchanged, "
            "4 likely duplicates skipped."
        ) in toasts
    open_database(db_url)
    assert Customer.select().where(Customer.business_name == "Acme Ltd").count() == 2
    assert Customer.select().count() == 5


async def test_create_all_in_the_dialog_creates_every_duplicate(db, db_url, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = write(tmp_path, ROWS)
    imported(path)
    close_database()
    app = CustdeskApp(at_the_desk(resolve_settings(db_url, None, False)))
    async with app.run_test(notifications=True, size=(80, 24)) as pilot:
        await settle(pilot, lambda: isinstance(app.screen, CustomerListScreen), quiet=False)
        await pilot.press("i")
        await settle(pilot, lambda: isinstance(app.screen, CsvImportDialog), quiet=False)
        dialog = app.screen
        await pilot.press("ctrl+u", *path.name, "enter")
        await settle(pilot, lambda: dialog.has_class("-can-import"), quiet=False)
        await pilot.press("shift+tab", "shift+tab", "shift+tab", "space")  # Create all
        assert dialog.query_one("#csv-dup-rows", SelectionList).selected == [2, 3, 4, 5, 6]
        await pilot.press("tab", "tab", "tab", "enter")  # the rows, Check file, Import
        await settle(pilot, lambda: isinstance(app.screen, CustomerListScreen), quiet=False)
        assert any("5 created" in n.message for n in app._notifications)
    open_database(db_url)
    assert Customer.select().count() == 9
