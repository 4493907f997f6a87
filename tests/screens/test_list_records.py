"""Archive, restore, duplicate flags, import and export from the customer list, by keys only."""

import os
import threading

from support.csv_files import write_csv
from support.desk_app import make_app
from support.portal import desk
from support.screen import screen_text, summary, toasts
from support.waiting import settle

from models.customers import create_customer
from models.store.tables import AuditEvent, Customer
from models.transfer.csv_format import HEADER
from screens.customer_list import CustomerListScreen
from screens.dialogs.confirm import ConfirmDialog
from screens.dialogs.csv_dialog import CsvDialog

SIZE = (80, 24)


def customer(**values) -> int:
    """A customer saved the way the app saves one (search keys and all); its id."""
    return create_customer(values, desk()).id


def row_note(app) -> str:
    return str(app.screen.query_one("#row-note").render())


def listed_codes(app) -> list[str]:
    return [
        line[1:].split()[0]
        for line in screen_text(app).splitlines()[3:]
        if line[1:].strip() and line[1:].split()[0][:2] in ("A-", "B-", "C-", "N-")
    ]


async def test_delete_archives_after_a_confirm_and_a_restores_it(db, db_url):
    customer(code="A-1", business_name="Acme [/] Ltd")
    customer(code="B-2", business_name="Bravo")
    app = make_app(db_url)
    async with app.run_test(notifications=True, size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("delete")
        await settle(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        assert app.focused.id == "no"
        await pilot.press("enter")  # No has the focus: nothing happens
        await settle(pilot)
        assert listed_codes(app) == ["A-1", "B-2"]
        assert Customer.get(Customer.code == "A-1").archived_at is None

        await pilot.press("delete")
        await settle(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("y")
        await settle(pilot, lambda: listed_codes(app) == ["B-2"] and summary(app) == "1 customer")
        assert "Archived A-1 (Acme [/] Ltd)." in toasts(app)
        assert Customer.get(Customer.code == "A-1").archived_at is not None

        await pilot.press("a")  # show archived customers, marked
        await settle(
            pilot,
            lambda: (
                listed_codes(app) == ["A-1", "B-2"]
                and summary(app) == "2 customers (archived shown)"
            ),
        )
        archived_line = screen_text(app).splitlines()[3]
        assert archived_line.startswith("›A-1") and archived_line.rstrip().endswith("archived")
        assert row_note(app) == "Archived: r restores"

        await pilot.press("r")
        await settle(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("y")
        await settle(pilot, lambda: "Restored A-1 (Acme [/] Ltd)." in toasts(app))
        assert Customer.get(Customer.code == "A-1").archived_at is None
        await pilot.press("a")  # archived hidden again: A-1 is back as a live customer
        await settle(
            pilot, lambda: listed_codes(app) == ["A-1", "B-2"] and summary(app) == "2 customers"
        )
        actions = [event.action for event in AuditEvent.select().order_by(AuditEvent.id)]
        assert actions[-2:] == ["archived", "restored"]


async def test_restore_and_archive_refuse_rows_they_do_not_apply_to(db, db_url):
    customer(code="A-1", business_name="Acme")
    app = make_app(db_url)
    async with app.run_test(notifications=True, size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        assert toasts(app) == ["A-1 (Acme) is not archived."]
        assert isinstance(app.screen, CustomerListScreen)
        # someone else archives it meanwhile: the list still shows it, archiving is refused
        Customer.update(archived_at=Customer.created_at).execute()
        await pilot.press("delete")
        await settle(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("y")
        await settle(pilot, lambda: len(toasts(app)) == 2)
        assert toasts(app)[1] == "A-1 (Acme) is already archived."


async def test_likely_duplicates_are_flagged_with_the_reason(db, db_url):
    customer(code="A-1", business_name="Acme", billing_email="desk@acme.example")
    customer(code="B-2", business_name="Bravo", billing_email="DESK@acme.example")
    customer(code="C-3", business_name="Charlie", billing_email="c@charlie.example")
    app = make_app(db_url)
    async with app.run_test(notifications=True, size=SIZE) as pilot:
        await settle(pilot)
        await settle(pilot, lambda: "≈" in screen_text(app))
        lines = screen_text(app).splitlines()[3:6]
        assert [line[1 + 10] for line in lines] == ["≈", "≈", " "]  # the gap after the code
        assert row_note(app) == ("≈ Likely duplicate of B-2 (Bravo): same billing email")
        await pilot.press("slash", *"desk@acme.exa", "down")  # the count and the term still show
        await settle(pilot, lambda: "match" in screen_text(app))
        assert app.screen.has_class("-row-note")
        assert "2 matches 'desk@acme.exa'" in screen_text(app).splitlines()[1]
        await pilot.press("escape", "home")
        await settle(pilot)
        await pilot.press("down", "down")
        await settle(pilot)
        assert not app.screen.has_class("-row-note")
        assert "Sorted by" in screen_text(app).splitlines()[1]


async def open_dialog(pilot, key: str, path) -> None:
    """Open the import or export dialog and type the file's name (the tests run in its folder)
    in the emptied path field."""
    await pilot.press(key)
    await settle(pilot, lambda: isinstance(pilot.app.screen, CsvDialog))
    await pilot.press("ctrl+u", *path.name)


async def test_import_a_csv_file_from_the_list(db, db_url, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    customer(code="A-1", business_name="Acme")
    source = tmp_path / "new.csv"
    write_csv(
        source,
        [
            ["N-1", "Newco [b]x[/b]", "n1@newco.example", "GB"],
            ["N-2", "Nextco", "n2@nextco.example", "FR"],
        ],
    )
    app = make_app(db_url)
    async with app.run_test(notifications=True, size=SIZE) as pilot:
        await settle(pilot)
        await open_dialog(pilot, "i", source)
        await pilot.press("enter")
        await settle(pilot, lambda: app.screen.has_class("-can-import"))
        report = str(app.screen.query_one("#csv-report").render())
        assert report == "new.csv: 2 rows: 2 to create, 0 bad."
        assert app.focused.id == "csv-import"
        assert Customer.select().count() == 1  # the preview writes nothing
        await pilot.press("enter")
        await settle(pilot, lambda: isinstance(app.screen, CustomerListScreen))
        await settle(pilot, lambda: summary(app) == "3 customers")
        assert "Imported new.csv: 2 created, 0 updated, 0 unchanged." in toasts(app)
        assert listed_codes(app) == ["A-1", "N-1", "N-2"]
        assert Customer.get(Customer.code == "N-1").business_name == "Newco [b]x[/b]"


async def test_a_bad_csv_file_shows_why_and_changes_nothing(db, db_url, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    customer(code="A-1", business_name="Acme")
    unknown = tmp_path / "unknown.csv"
    write_csv(unknown, [["N-1", "Newco"]], header=["Customer Code", "Busines Name"])
    bad_rows = tmp_path / "bad.csv"
    write_csv(
        bad_rows,
        [
            ["N-1", "Newco", "not an email", "GB"],
            ["A-1", "Clash", "a@b.example", "GB"],
            ["N-3", "\x1b[2J[/]Evil", "e@evil.example", "ZZ"],
        ],
    )
    app = make_app(db_url)
    async with app.run_test(notifications=True, size=SIZE) as pilot:
        await settle(pilot)
        await open_dialog(pilot, "i", unknown)
        await pilot.press("enter")
        await settle(
            pilot, lambda: "unknown column" in str(app.screen.query_one("#csv-report").render())
        )
        report = str(app.screen.query_one("#csv-report").render())
        assert report == (
            "Line 1: unknown column 'Busines Name' (did you mean 'Business Name'?)."
            " Nothing was changed."
        )
        assert not app.screen.has_class("-can-import")
        assert app.focused is app.screen.query_one("#csv-path")  # enter checks again

        await pilot.press("ctrl+u", *bad_rows.name, "enter")
        await settle(pilot, lambda: "bad" in str(app.screen.query_one("#csv-report").render()))
        report = str(app.screen.query_one("#csv-report").render())
        assert report.startswith("bad.csv: 3 rows: 0 to create, 3 bad.\nNothing can be imported")
        assert "tick Update" in report and "\n  Line 2, Billing Email:" in report
        assert "Line 3, Customer Code: Customer Code A-1 is already used by A-1" in report
        assert not app.screen.has_class("-can-import")
        assert app.focused is app.screen.query_one("#csv-path")
        await pilot.press("escape")
        await settle(pilot, lambda: isinstance(app.screen, CustomerListScreen))
        assert Customer.select().count() == 1
        assert not toasts(app)


async def test_import_updates_existing_customers_when_asked(db, db_url, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    customer(code="A-1", business_name="Acme")
    source = tmp_path / "update.csv"
    write_csv(source, [["A-1", "Acme Renamed", "a@acme.example", "GB"]])
    app = make_app(db_url)
    async with app.run_test(notifications=True, size=SIZE) as pilot:
        await settle(pilot)
        await open_dialog(pilot, "i", source)
        await pilot.press("tab", "space", "tab", "enter")  # tick Update, press Check file
        await settle(pilot, lambda: app.screen.has_class("-can-import"))
        assert str(app.screen.query_one("#csv-report").render()) == (
            "update.csv: 1 row: 0 to create, 1 to update, 0 unchanged, 0 bad."
        )
        await pilot.press("enter")
        await settle(pilot, lambda: isinstance(app.screen, CustomerListScreen))
        assert "Imported update.csv: 0 created, 1 updated, 0 unchanged." in toasts(app)
        assert Customer.get(Customer.code == "A-1").business_name == "Acme Renamed"


async def test_export_to_a_file_from_the_list(db, db_url, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    customer(code="A-1", business_name="=cmd|' /C calc'!A0")
    customer(code="B-2", business_name="Bravo")
    target = tmp_path / "out.csv"
    target.write_text("keep me", encoding="utf-8")
    app = make_app(db_url)
    async with app.run_test(notifications=True, size=SIZE) as pilot:
        await settle(pilot)
        await open_dialog(pilot, "e", target)
        await pilot.press("enter")
        await settle(pilot, lambda: app.screen.has_class("-exists"))
        assert "already exists" in str(app.screen.query_one("#csv-report").render())
        assert target.read_text(encoding="utf-8") == "keep me"
        await pilot.press("tab", "tab", "enter")  # Export, Overwrite
        await settle(pilot, lambda: isinstance(app.screen, CustomerListScreen))
        assert "Exported 2 customers to out.csv." in toasts(app)
    lines = target.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == ",".join(HEADER)
    assert lines[1].startswith("A-1,'=cmd|' /C calc'!A0,")  # escaped for spreadsheets
    assert lines[2].startswith("B-2,Bravo,")


def feed_fifo(path, first: list[str], rest: list[str], go_on: threading.Event) -> threading.Thread:
    """Write `first` lines to a named pipe, wait for `go_on`, then write `rest` and close it."""

    def write() -> None:
        with open(path, "w", encoding="utf-8") as pipe:
            pipe.write("".join(line + "\n" for line in first))
            pipe.flush()
            go_on.wait(10)
            pipe.write("".join(line + "\n" for line in rest))

    thread = threading.Thread(target=write, daemon=True)
    thread.start()
    return thread


async def test_escape_cancels_a_running_check(db, db_url, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    fifo = tmp_path / "slow.csv"  # a named pipe: the check waits for the rows the test sends
    os.mkfifo(fifo)
    rows = [f"N-{n},Name {n},n{n}@example.com" for n in range(1200)]
    go_on = threading.Event()
    feeder = feed_fifo(
        fifo, ["Customer Code,Business Name,Billing Email", *rows[:600]], rows[600:], go_on
    )
    app = make_app(db_url)
    async with app.run_test(notifications=True, size=SIZE) as pilot:
        await settle(pilot)
        await open_dialog(pilot, "i", fifo)
        await pilot.press("enter")
        bar = app.screen.query_one("#csv-progress")
        await settle(
            pilot, lambda: app.screen.has_class("-running") and bar.total is not None, quiet=False
        )
        assert bar.display  # the progress bar shows while the file is read
        await pilot.press("escape")
        assert str(app.screen.query_one("#csv-report").render()) == "Cancelling…"
        go_on.set()
        await settle(pilot, lambda: not app.screen.has_class("-running"))
        assert (
            str(app.screen.query_one("#csv-report").render()) == "Cancelled: nothing was changed."
        )
        assert isinstance(app.screen, CsvDialog) and not app.screen.has_class("-can-import")
        await pilot.press("escape")
        await settle(pilot, lambda: isinstance(app.screen, CustomerListScreen))
        assert Customer.select().count() == 0 and not toasts(app)
    feeder.join(5)


async def test_marking_two_customers_with_m_merges_them(db, db_url):
    from models.customers import create_customer, load_customer
    from screens.dialogs.merge_dialog import MergeDialog

    first = create_customer({"business_name": "Acme Ltd", "code": "A-1"}, desk())
    second = create_customer({"business_name": "ACME Limited", "code": "A-2"}, desk())
    app = make_app(db_url)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("m")
        assert "is marked" in list(app._notifications)[-1].message
        await pilot.press("down", "m")
        await settle(pilot, until=lambda: isinstance(app.screen, MergeDialog))
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
    archived = [load_customer(first.id).archived, load_customer(second.id).archived]
    assert sorted(archived) == [False, True]
