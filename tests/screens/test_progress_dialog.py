"""The ProgressDialog base: escape stops a running operation or closes, the running state shows
as a CSS class, and progress reaches the screen as throttled Messages."""

import re
import threading
import time

import pytest
from support.detail import opened_sqlite
from support.portal import desk
from support.waiting import settle
from textual.app import App, ComposeResult
from textual.widgets import Input, ProgressBar

from models.store.tables import Customer
from models.transfer import customer_import
from screens.dialogs.csv_dialog import CsvImportDialog
from screens.dialogs.progress_dialog import PROGRESS_SECONDS, ProgressDialog
from styles import APP_STYLESHEETS

SIZE = (80, 24)


@pytest.fixture
def sqlite_db(sqlite_url):
    """One engine is enough where it is the dialog that is tested, not the operation."""
    with opened_sqlite(sqlite_url):
        yield sqlite_url


class GatedDialog(ProgressDialog[None]):
    """A ProgressDialog whose operation waits for the test to open a gate."""

    PREFIX = "gated"
    TITLE_TEXT = "Gated"

    def __init__(self, gate: threading.Event):
        super().__init__()
        self.gate = gate

    def compose_fields(self) -> ComposeResult:
        yield Input(id="gated-field", classes="dialog-field")

    def go(self) -> None:
        """Start the operation: it waits for the gate, then says whether it was cancelled."""
        self.begin("Working…")
        self.run_operation(self._wait, self.report)

    def _wait(self) -> str:
        self.gate.wait(30)
        return "stopped" if self.cancel_event.is_set() else "done"


class DialogApp(App):
    """One dialog over an empty screen, styled as in custdesk; what it is dismissed with and
    every Progress message are kept."""

    CSS_PATH = APP_STYLESHEETS

    def __init__(self, dialog: ProgressDialog):
        super().__init__()
        self.dialog = dialog
        self.results: list[object] = []
        self.progress_messages: list[ProgressDialog.Progress] = []

    def on_mount(self) -> None:
        self.push_screen(self.dialog, self.results.append)

    def keep(self, message) -> None:
        """The message hook: note each Progress message."""
        if isinstance(message, ProgressDialog.Progress):
            self.progress_messages.append(message)


def write_customers(path, count: int) -> None:
    """A clean customer CSV file of `count` new customers."""
    rows = [f"P-{n},Firm {n},p{n}@example.com" for n in range(count)]
    path.write_text(
        "\n".join(["Customer Code,Business Name,Billing Email", *rows]) + "\n", encoding="utf-8"
    )


async def checked(pilot, dialog: CsvImportDialog, path) -> None:
    """Type the file's path, check it, and wait for a clean preview."""
    await settle(pilot, lambda: dialog.is_mounted, quiet=False, seconds=60)
    dialog.field.value = str(path)
    await pilot.press("enter")
    await settle(pilot, lambda: dialog.has_class("-can-import"), quiet=False, seconds=60)


def report(dialog: ProgressDialog) -> str:
    return str(dialog.query_one(".dialog-report").render())


async def test_the_running_class_follows_the_state_and_escape_closes_when_done(sqlite_db):
    gate = threading.Event()
    dialog = GatedDialog(gate)
    app = DialogApp(dialog)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, lambda: dialog.is_mounted, quiet=False, seconds=60)
        bar = dialog.query_one(".dialog-progress", ProgressBar)
        assert not dialog.running and not dialog.has_class("-running") and not bar.display
        assert app.focused is dialog.field
        dialog.go()
        await pilot.pause()
        assert dialog.running and dialog.has_class("-running") and bar.display
        assert dialog.field.disabled and all(button.disabled for button in dialog.query("Button"))
        gate.set()
        await settle(pilot, lambda: not dialog.running, quiet=False, seconds=60)
        assert not dialog.has_class("-running") and not bar.display
        assert report(dialog) == "done" and not dialog.cancel_event.is_set()
        assert not dialog.field.disabled and app.focused is dialog.field
        await pilot.press("escape")  # done: escape closes
        await settle(pilot, lambda: app.screen is not dialog, quiet=False, seconds=60)
    assert app.results == [None]


async def test_escape_stops_a_running_operation_and_the_dialog_stays(sqlite_db):
    gate = threading.Event()
    dialog = GatedDialog(gate)
    app = DialogApp(dialog)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, lambda: dialog.is_mounted, quiet=False, seconds=60)
        dialog.go()
        await pilot.pause()
        await pilot.press("escape")  # running: escape stops
        assert dialog.cancel_event.is_set() and report(dialog) == "Stopping…"
        assert dialog.running and app.screen is dialog
        gate.set()
        await settle(pilot, lambda: not dialog.running, quiet=False, seconds=60)
        assert app.screen is dialog and report(dialog) == "stopped"  # the operation saw it
        await pilot.press("escape")
        await settle(pilot, lambda: app.screen is not dialog, quiet=False, seconds=60)
    assert app.results == [None]


async def test_escape_stops_a_running_import_and_keeps_only_what_it_says(db, tmp_path, monkeypatch):
    monkeypatch.setattr(customer_import, "BATCH_ROWS", 20)  # many short batches: time to stop
    source = tmp_path / "many.csv"
    write_customers(source, 6000)
    dialog = CsvImportDialog(desk())
    app = DialogApp(dialog)
    async with app.run_test(size=SIZE, message_hook=app.keep) as pilot:
        await checked(pilot, dialog, source)
        app.progress_messages.clear()
        await pilot.press("enter")  # Import all
        await settle(pilot, lambda: app.progress_messages, quiet=False, seconds=60)  # writing
        assert dialog.running
        await pilot.press("escape")
        assert dialog.cancel_event.is_set()
        await settle(pilot, lambda: not dialog.running, quiet=False, seconds=60)
        said = report(dialog)
        assert dialog.query_one(".dialog-report").has_class("-error")
        assert app.screen is dialog
    # The import commits in chunks (a clerk's save gets in between): a stop keeps the chunks
    # already written, and the report says exactly how many and how to finish.
    if said == "Cancelled: nothing was changed.":
        kept = 0
    else:
        found = re.search(r"\(([\d,]+) created, 0 updated\)", said)
        assert found and said.endswith("To finish, run: custdesk import many.csv --resume"), said
        kept = int(found.group(1).replace(",", ""))
    assert 0 <= kept < 6000
    assert Customer.select().count() == kept
    assert app.results == []


async def test_a_large_import_posts_progress_at_most_every_tenth_of_a_second(
    sqlite_db, tmp_path, monkeypatch
):
    monkeypatch.setattr(customer_import, "BATCH_ROWS", 10)  # a progress call every 10 rows
    rows = 5000
    source = tmp_path / "large.csv"
    write_customers(source, rows)
    dialog = CsvImportDialog(desk())
    app = DialogApp(dialog)
    async with app.run_test(size=SIZE, message_hook=app.keep) as pilot:
        started = time.monotonic()
        await checked(pilot, dialog, source)
        checking = time.monotonic() - started
        check_messages = len(app.progress_messages)
        app.progress_messages.clear()
        started = time.monotonic()
        await pilot.press("enter")  # Import all
        await settle(pilot, lambda: app.screen is not dialog, quiet=False, seconds=60)
        importing = time.monotonic() - started
    calls = rows // 10  # progress calls of each step (one a batch)
    for count, took in ((check_messages, checking), (len(app.progress_messages), importing)):
        assert 1 <= count <= took / PROGRESS_SECONDS + 2, (count, took)
        assert count < calls / 2, (count, calls)
    last = app.progress_messages[-1]
    assert last.done == last.total == rows  # the last step always shows
    assert Customer.select().count() == rows
    assert app.results == [f"Imported large.csv: {rows:,} created, 0 updated, 0 unchanged."]
