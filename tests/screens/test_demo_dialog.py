"""The demo data dialog over the real app: how many, progress, escape to stop, bad counts."""

import sys
import time

import pytest
from support.desk_app import make_app
from support.portal import desk
from support.screen import screen_text, toasts
from support.waiting import settle
from textual.widgets import Input, ProgressBar

from models.customers import create_customer
from models.demo import generate as demo
from models.demo.generate import DEMO_MARK
from models.store.db import database
from models.store.tables import Counter, Customer
from screens.customer_list import CustomerListScreen
from screens.dialogs.demo_dialog import DemoDialog

SIZE = (80, 24)


@pytest.fixture
def db_url(sqlite_url):
    """SQLite only: the fill itself is tested on both engines in test_demo.py; here it is the
    dialog, and the suite must stay well under five minutes."""
    return sqlite_url


def report(app) -> str:
    return str(app.screen.query_one("#demo-report").render())


async def open_dialog(pilot, results: list, **options) -> DemoDialog:
    """Push the dialog over the list (the app's key for it is wired elsewhere); what it is
    dismissed with goes to `results`."""
    await settle(pilot)
    dialog = DemoDialog(**options)
    pilot.app.push_screen(dialog, callback=results.append)
    await settle(pilot, lambda: pilot.app.screen is dialog and dialog.is_mounted, quiet=False)
    return dialog


async def toasted(pilot) -> list[str]:
    """Wait until the dialog has closed and its toast is up (it arrives as a message); the
    toasts."""
    app = pilot.app
    await settle(
        pilot, lambda: isinstance(app.screen, CustomerListScreen) and toasts(app), quiet=False
    )
    return toasts(app)


async def type_count(pilot, text: str) -> None:
    await pilot.press("ctrl+u", *text, "enter")


async def test_enter_adds_the_default_thousand_and_toasts(db, db_url):
    app = make_app(db_url)
    results = []
    async with app.run_test(notifications=True, size=SIZE) as pilot:
        dialog = await open_dialog(pilot, results)
        assert dialog.query_one("#demo-count", Input).value == "1,000"
        assert "Customers to add (1 to 1,000,000):" in screen_text(app)
        await pilot.press("enter")
        assert await toasted(pilot) == ["Added 1,000 demo customers."]
        await settle(
            pilot, lambda: str(app.screen.query_one("#summary").render()) == "1,000 customers"
        )
    assert results == [1000]
    assert Customer.select().count() == 1000


async def test_the_progress_bar_moves_at_most_every_tenth_of_a_second(db, db_url, monkeypatch):
    monkeypatch.setattr(demo, "TRANSACTION_ROWS", 10)  # 300 batches, each reporting progress
    app = make_app(db_url)
    results = []
    async with app.run_test(notifications=True, size=SIZE) as pilot:
        dialog = await open_dialog(pilot, results)
        bar = dialog.query_one("#demo-progress", ProgressBar)
        shown = []
        # a lambda, not shown.append: Textual counts a watcher's parameters, and a builtin
        # method has no __func__ to count them on
        dialog.watch(bar, "progress", lambda value: shown.append(value), init=False)  # noqa: PLW0108
        started = time.monotonic()
        await type_count(pilot, "3000")
        assert await toasted(pilot) == ["Added 3,000 demo customers."]
        took = time.monotonic() - started
    assert shown[-1] == 3000 and shown == sorted(shown)
    assert 1 < len(shown) <= took / 0.1 + 2, (len(shown), took)
    assert results == [3000] and Customer.select().count() == 3000


async def test_escape_stops_a_large_fill_after_the_batch_being_written(db, db_url):
    app = make_app(db_url)
    results = []
    async with app.run_test(notifications=True, size=SIZE) as pilot:
        dialog = await open_dialog(pilot, results)
        bar = dialog.query_one("#demo-progress", ProgressBar)
        await type_count(pilot, "1,000,000")
        assert dialog.has_class("-running") and bar.display and bar.total == 1_000_000
        assert report(app) == "Adding 1,000,000 demo customers…"
        assert dialog.query_one("#demo-count", Input).disabled
        await settle(pilot, lambda: bar.progress >= demo.TRANSACTION_ROWS, quiet=False)
        await pilot.press("escape")  # the fill stops after its batch, then the dialog closes
        shown = await toasted(pilot)
        added = Customer.select().count()
        assert shown == [f"Stopped after adding {added:,} demo customers."]
    assert results == [added]
    assert demo.TRANSACTION_ROWS <= added < 1_000_000
    assert added % demo.TRANSACTION_ROWS == 0


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Customers to add is empty: type a whole number from 1 to 1,000,000."),
        ("abc", "Customers to add must be a whole number from 1 to 1,000,000."),
        ("0", "Customers to add must be a whole number from 1 to 1,000,000."),
        ("-5", "Customers to add must be a whole number from 1 to 1,000,000."),
        ("1000001", "Customers to add must be a whole number from 1 to 1,000,000."),
        ("2.5", "Customers to add must be a whole number from 1 to 1,000,000."),
        ("12,34", "Customers to add must be a whole number from 1 to 1,000,000."),
        ("9" * 5000, "Customers to add must be a whole number from 1 to 1,000,000."),
    ],
)
async def test_a_bad_count_names_the_field_and_starts_nothing(db, db_url, typed, message):
    app = make_app(db_url)
    results = []
    async with app.run_test(notifications=True, size=SIZE) as pilot:
        dialog = await open_dialog(pilot, results)
        dialog.query_one("#demo-count", Input).value = typed
        await pilot.press("enter")
        await pilot.pause()
        assert report(app) == message
        assert dialog.query_one("#demo-report").has_class("-error")
        assert not dialog.has_class("-running") and not dialog.workers
        await pilot.press("escape")  # idle: escape closes
        await settle(pilot, lambda: isinstance(app.screen, CustomerListScreen), quiet=False)
        assert not toasts(app)
    assert results == [0] and Customer.select().count() == 0


async def test_counts_with_thousands_commas_or_spaces_around_are_read(db, db_url):
    app = make_app(db_url)
    results = []
    async with app.run_test(notifications=True, size=SIZE) as pilot:
        await open_dialog(pilot, results, count=5)
        await type_count(pilot, " 2,500 ")
        assert await toasted(pilot) == ["Added 2,500 demo customers."]
    assert results == [2500]


async def test_only_if_empty_adds_nothing_to_a_database_with_customers(db, db_url):
    create_customer({"contact_name": "Ada Lovelace"}, desk())
    app = make_app(db_url)
    results = []
    async with app.run_test(notifications=True, size=SIZE) as pilot:
        await open_dialog(pilot, results, only_if_empty=True)
        await pilot.press("enter")
        assert await toasted(pilot) == [
            "The database already has customers: no demo customers were added."
        ]
    assert results == [0] and Customer.select().count() == 1


async def test_a_database_failure_says_why_and_what_was_kept(db, db_url):
    if not db_url.startswith("sqlite"):
        pytest.skip("takes a table away with SQLite's ALTER TABLE")
    database.execute_sql("ALTER TABLE note RENAME TO note_gone")  # every batch writes notes
    app = make_app(db_url)
    results = []
    async with app.run_test(notifications=True, size=SIZE) as pilot:
        dialog = await open_dialog(pilot, results)
        await pilot.press("enter")
        field = dialog.query_one("#demo-count", Input)
        await settle(
            pilot, lambda: not dialog.has_class("-running") and field.has_focus, quiet=False
        )
        assert report(app) == (
            "The database did not answer: no such table: note. No demo customers were added."
        )
        assert app.screen is dialog and not field.disabled
        assert not toasts(app)
        await pilot.press("escape")
        await settle(pilot, lambda: isinstance(app.screen, CustomerListScreen), quiet=False)
    assert results == [0] and Customer.select().count() == 0


async def test_an_unexpected_failure_is_reported_and_the_batches_before_it_kept(db, db_url):
    if not db_url.startswith("sqlite"):
        pytest.skip("fails the second batch with a SQLite trigger")
    database.execute_sql(
        "CREATE TRIGGER refuse_second_batch BEFORE INSERT ON customer "
        "WHEN NEW.code = 'CST-002001' BEGIN SELECT RAISE(ABORT, 'refused by a test'); END"
    )
    app = make_app(db_url)
    results = []
    async with app.run_test(notifications=True, size=SIZE) as pilot:
        dialog = await open_dialog(pilot, results)
        await type_count(pilot, "5000")
        await settle(pilot, lambda: not dialog.has_class("-running"), quiet=False)
        assert report(app) == (
            "Adding demo customers stopped on an unexpected error. "
            "The 2,000 demo customers added before that are kept."
        )
        await settle(
            pilot, lambda: any("refused by a test" in text for text in toasts(app)), quiet=False
        )
        await pilot.press("escape")
        await settle(pilot, lambda: isinstance(app.screen, CustomerListScreen), quiet=False)
    assert results == [2000] and Customer.select().count() == 2000


async def test_quitting_the_app_stops_a_running_fill_after_its_batch(db, db_url):
    app = make_app(db_url)
    async with app.run_test(notifications=True, size=SIZE) as pilot:
        dialog = await open_dialog(pilot, [])
        await type_count(pilot, "1000000")
        bar = dialog.query_one("#demo-progress", ProgressBar)
        await settle(pilot, lambda: bar.progress >= demo.TRANSACTION_ROWS, quiet=False)
        app.exit()
    count = steady_count()
    assert count % demo.TRANSACTION_ROWS == 0 and count < 1_000_000


def steady_count(seconds: float = 15) -> int:
    """The number of customers once it stops growing (a running fill adds a batch in 1.5 s)."""
    counts = [Customer.select().count()]
    deadline = time.monotonic() + seconds
    while len(counts) < 2 or counts[-1] != counts[-2]:
        assert time.monotonic() < deadline, counts
        time.sleep(1.5)
        counts.append(Customer.select().count())
    return counts[-1]


# --- how the app offers it ---


def demo_app(db_url: str):
    """The app as `custdesk --demo` opens it (on the test's database)."""
    from tui.app import CustdeskApp
    from tui.settings import at_the_desk, resolve_settings

    return CustdeskApp(at_the_desk(resolve_settings(db_url, None, True)))


async def test_the_demo_database_is_filled_with_progress_the_first_time(db, db_url):
    app = demo_app(db_url)
    async with app.run_test(notifications=True, size=SIZE) as pilot:
        await settle(pilot, lambda: isinstance(app.screen, DemoDialog), quiet=False)
        assert "Added 1,000 demo customers." in await toasted(pilot)
        await settle(pilot, lambda: "1,000 customers" in screen_text(app), quiet=False)
    assert Customer.select().count() == 1000


async def test_a_demo_database_with_customers_opens_on_the_list(db, db_url):
    Counter.create(name=DEMO_MARK, value=1)  # created by `custdesk --demo`
    create_customer({"business_name": "Acme"}, desk())
    app = demo_app(db_url)
    async with app.run_test(notifications=True, size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, CustomerListScreen) and not toasts(app)
        await pilot.press("D")  # more, when asked for
        await settle(pilot, lambda: isinstance(app.screen, DemoDialog), quiet=False)
        await type_count(pilot, "20")
        assert "Added 20 demo customers." in await toasted(pilot)
    assert Customer.select().count() == 21


async def test_other_databases_are_not_offered_demo_customers(db, db_url):
    app = make_app(db_url)
    async with app.run_test(notifications=True, size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("D", "question_mark")
        await settle(pilot)
        assert "demo" not in screen_text(app)
    assert Customer.select().count() == 0


def test_custdesk_demo_opens_on_a_filled_demo_database(tmp_path):
    from bench.idle_bench import PtyProgram, app_env

    program = PtyProgram([sys.executable, "-m", "tui", "--demo"], app_env(tmp_path))
    try:
        program.read_until(b"1,000 customers", timeout=60)
    finally:
        program.close()
    assert (tmp_path / "data" / "demo.db").exists()
