"""Issue 8: every desk task done in the real app by keys alone, one test a task.

Each test starts tui.app.CustdeskApp at 80×24 on both engines, presses keys (typing a file path
is typing too), then checks what the models stored or wrote and the toast the clerk saw.
"""

import pytest
from support.csv_files import write_csv
from support.desk_app import make_app
from support.portal import (
    NEW_PASSWORD,
    SmtpServer,
    desk,
    password_in,
    seen,
)
from support.screen import screen_text, table, toasts
from support.waiting import settle
from textual.command import CommandPalette
from textual.widgets import Static

from models.customers import create_customer, load_customer
from models.notes import add_note, list_notes
from models.portal.actions import lock_account, send_activation
from models.portal.emails import KIND_RESET, SUBJECTS
from models.portal.signin import sign_in
from models.store.tables import PORTAL_ACTIVE, PORTAL_LOCKED, Customer, OutboxMessage, PortalAccount
from models.transfer.csv_format import HEADER
from screens.customer_detail import CustomerDetailScreen
from screens.customer_list import CustomerListScreen
from screens.dialogs.actions_menu import ActionsMenu
from screens.dialogs.confirm import ConfirmDialog
from screens.dialogs.csv_dialog import CsvDialog
from screens.dialogs.merge_dialog import MergeDialog
from screens.help_screen import HelpScreen
from tui.app import CustdeskApp
from tui.settings import at_the_desk, resolve_settings

SIZE = (80, 24)

FIND_NORTHWIND = ["slash", *"wind"]  # search part of the name; enter opens the first match


@pytest.fixture
def db_url(sqlite_url):
    """SQLite only: what is tested here is the keys; every flow runs on PostgreSQL in the
    screen tests of its own feature, and the suite must stay well under five minutes."""
    return sqlite_url


@pytest.fixture
def two_customers(db):
    """Two customers; the one the clerk wants is found by part of its name: (Acme, Northwind)."""
    acme = create_customer(
        {"code": "A-1", "business_name": "Acme Ltd", "billing_email": "acme@example.com"}, desk()
    )
    northwind = create_customer(
        {
            "code": "N-7",
            "business_name": "Northwind Traders",
            "contact_name": "Nancy",
            "billing_email": "nancy@example.com",
        },
        desk(),
    )
    return acme.id, northwind.id


def on(app, screen_type) -> bool:
    """Whether the app shows a screen of this type on top."""
    return isinstance(app.screen, screen_type)


async def keys(pilot, *pressed: str, until=lambda: True) -> None:
    """Press keys one at a time, letting the app catch up after each named key (typed
    characters follow each other as fast as the pilot types); then wait for `until`."""
    for key in pressed:
        await pilot.press(key)
        if len(key) > 1:
            await settle(pilot)
    await settle(pilot, until)


def toasted(app, text: str):
    """A condition: a toast with exactly this text has been shown."""
    return lambda: text in toasts(app)


async def open_northwind(pilot) -> None:
    """From the list: find Northwind by part of its name and open it."""
    await keys(pilot, *FIND_NORTHWIND, "enter", until=lambda: on(pilot.app, CustomerDetailScreen))


async def type_path(pilot, key: str, path: str) -> None:
    """Open the import or export dialog with its key and type a path over what it holds."""
    await keys(pilot, key, until=lambda: on(pilot.app, CsvDialog))
    await keys(pilot, "ctrl+u", *path)


# ------------------------------------------------------------------ 1. find and open


async def test_find_by_part_of_the_name_and_open(two_customers, db_url):
    _acme, northwind = two_customers
    app = make_app(db_url)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await keys(pilot, *FIND_NORTHWIND)
        assert str(app.screen.query_one("#summary", Static).render()) == "1 match 'wind'"
        await keys(pilot, "enter", until=lambda: on(app, CustomerDetailScreen))
        assert app.screen.customer_id == northwind
        stored = load_customer(northwind).values
        assert app.screen.query_one("#business_name").value == stored["business_name"]
        assert "N-7" in screen_text(app) and "Northwind Traders" in screen_text(app)
        assert toasts(app) == []  # nothing went wrong on the way


# ------------------------------------------------------------------ 2. edit and save


async def test_edit_a_field_and_save(two_customers, db_url):
    _acme, northwind = two_customers
    app = make_app(db_url)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await open_northwind(pilot)
        await keys(
            pilot,
            "tab",
            "end",
            *" Ltd",
            "ctrl+s",  # code → business name
            until=toasted(app, "Customer N-7 saved."),
        )
        await keys(pilot, "escape", until=lambda: on(app, CustomerListScreen))
        assert table(app).current_row.business_name == "Northwind Traders Ltd"  # read afresh
    assert load_customer(northwind).values["business_name"] == "Northwind Traders Ltd"


async def test_ctrl_x_dismisses_the_error_of_a_refused_save(two_customers, db_url):
    _acme, northwind = two_customers
    app = make_app(db_url)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await open_northwind(pilot)
        await keys(
            pilot,
            "tab",
            "ctrl+u",
            "tab",
            "ctrl+u",
            "ctrl+s",  # no name left
            until=toasted(app, "Not saved: 1 field to correct: Business Name."),
        )
        assert app.focused.id == "business_name"  # the field to correct
        await keys(pilot, "ctrl+x")
        assert toasts(app) == []  # an error toast stays until dismissed; ctrl+x dismisses it
    assert load_customer(northwind).values["business_name"] == "Northwind Traders"


# ------------------------------------------------------------------ 3. new customer


async def test_new_customer(two_customers, db_url):
    app = make_app(db_url)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await keys(pilot, "n", until=lambda: on(app, CustomerDetailScreen))
        await keys(
            pilot,
            *"Zephyr Cafe",
            "tab",
            *"Zoe Quinn",
            "ctrl+s",  # business, contact
            until=lambda: any(t.startswith("Customer ") for t in toasts(app)),
        )
        created = Customer.get(Customer.business_name == "Zephyr Cafe")
        assert toasts(app) == [f"Customer {created.code} created."]
        await keys(pilot, "escape", until=lambda: on(app, CustomerListScreen))
        assert "3 customers" in screen_text(app)
    assert load_customer(created.id).values["contact_name"] == "Zoe Quinn"
    assert created.code.startswith("CST-")  # generated, as the code field was left blank


# ------------------------------------------------------------------ 4-6. portal actions


async def test_send_activation_email(two_customers, db_url, tmp_path):
    _acme, northwind = two_customers
    app = make_app(db_url)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await keys(pilot, *FIND_NORTHWIND, "ctrl+o", until=lambda: on(app, ActionsMenu))
        await keys(pilot, "s", until=lambda: on(app, ConfirmDialog))
        await keys(pilot, "y", until=lambda: toasts(app))
        [toast] = toasts(app)
        assert toast.startswith(
            "The portal account of Northwind Traders (nancy@example.com) "
            "is active with a new temporary password; the activation email "
            "was saved in the Maildir"
        )
    assert PortalAccount.get(PortalAccount.customer == northwind).status == PORTAL_ACTIVE
    [email] = OutboxMessage.select().where(OutboxMessage.customer == northwind)
    assert email.status == "sent" and email.to_address == "nancy@example.com"
    assert len(list((tmp_path / "data" / "mail" / "new").iterdir())) == 1


async def test_lock_with_a_reason(two_customers, db_url):
    _acme, northwind = two_customers
    send_activation(northwind, desk(), expected_version=seen(northwind), sender="desk@example.com")
    app = make_app(db_url)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await open_northwind(pilot)
        await keys(pilot, "ctrl+o", until=lambda: on(app, ActionsMenu))
        await keys(pilot, "l", until=lambda: on(app, ConfirmDialog))
        await keys(pilot, "shift+tab", "shift+tab")  # No (focused first) → Yes → the reason
        assert app.focused.id == "confirm-reason"
        await keys(
            pilot,
            *"chargeback",
            "enter",
            "enter",  # to Yes, then Yes
            until=lambda: toasts(app),
        )
        assert toasts(app) == [
            "The portal account of Northwind Traders (nancy@example.com) has been locked."
        ]
        assert "Portal: locked" in screen_text(app)
    account = PortalAccount.get(PortalAccount.customer == northwind)
    assert account.status == PORTAL_LOCKED and account.lock_reason == "chargeback"


async def test_reset_password_and_unlock(two_customers, db_url):
    _acme, northwind = two_customers
    send_activation(northwind, desk(), expected_version=seen(northwind), sender="desk@example.com")
    lock_account(northwind, desk(), expected_version=seen(northwind), reason="chargeback")
    server = SmtpServer().start()
    try:
        app = CustdeskApp(at_the_desk(resolve_settings(db_url, server.url, False)))
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            await settle(pilot)
            await keys(pilot, *FIND_NORTHWIND, "ctrl+o", until=lambda: on(app, ActionsMenu))
            await keys(pilot, "r", until=lambda: on(app, ConfirmDialog))
            await keys(pilot, "y", until=lambda: toasts(app))
            assert toasts(app) == [
                (
                    "The portal account of Northwind Traders (nancy@example.com) has been "
                    "unlocked and a new password email has been sent to them."
                )
            ]
    finally:
        server.stop()
    assert PortalAccount.get(PortalAccount.customer == northwind).status == PORTAL_ACTIVE
    [email] = [mail for mail in server.handler.messages if mail["Subject"] == SUBJECTS[KIND_RESET]]
    assert email["To"] == "nancy@example.com"
    assert sign_in("nancy@example.com", password_in(email), NEW_PASSWORD).accepted


# ------------------------------------------------------------------ 7. notes


async def test_add_a_note_and_delete_one(two_customers, db_url):
    _acme, northwind = two_customers
    add_note(northwind, "old note", False, desk())
    app = make_app(db_url)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await open_northwind(pilot)
        await keys(pilot, "f5", *"Rang back", "ctrl+n", until=toasted(app, "Internal note added."))
        assert [note.body for note in list_notes(northwind)] == ["Rang back", "old note"]
        await keys(pilot, "tab", "tab", "down")  # editor → Public switch → notes; to the old one
        assert app.focused.id == "note-list"
        await keys(pilot, "delete", until=lambda: on(app, ConfirmDialog))
        await keys(pilot, "y", until=toasted(app, "Internal note deleted."))
        assert "old note" not in screen_text(app) and app.focused.id == "note-list"
    assert [note.body for note in list_notes(northwind)] == ["Rang back"]


async def test_deleting_the_last_note_leaves_the_cursor_in_the_notes_tab(two_customers, db_url):
    _acme, northwind = two_customers
    add_note(northwind, "only note", False, desk())
    app = make_app(db_url)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await open_northwind(pilot)
        await keys(pilot, "f5", "tab", "tab", "delete", until=lambda: on(app, ConfirmDialog))
        await keys(pilot, "y", until=toasted(app, "Internal note deleted."))
        assert list_notes(northwind) == []
        assert app.focused is not None and app.focused.id == "note-body"  # ready for the next


# ------------------------------------------------------------------ 8. merge


async def test_merge_two_customers(two_customers, db_url):
    acme, northwind = two_customers
    app = make_app(db_url)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await keys(
            pilot,
            "m",
            until=toasted(
                app, "A-1 (Acme Ltd) is marked: press m on another customer to merge the two."
            ),
        )
        await keys(
            pilot,
            "down",
            "m",
            until=lambda: on(app, MergeDialog) and app.screen.preview is not None,
        )
        await keys(pilot, "right")  # the first differing field (business name): keep Northwind's
        await keys(pilot, "ctrl+s", until=lambda: on(app, ConfirmDialog))
        await keys(pilot, "y", until=toasted(app, "Merged N-7 into A-1."))
        await settle(pilot, lambda: on(app, CustomerListScreen))
        assert "1 customer" in screen_text(app)
    assert load_customer(acme).values["business_name"] == "Northwind Traders"
    assert load_customer(northwind).archived and not load_customer(acme).archived


# ------------------------------------------------------------------ 9. archive and restore


async def test_archive_with_delete_and_restore_with_r(two_customers, db_url):
    acme, _northwind = two_customers
    app = make_app(db_url)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await keys(pilot, "delete", until=lambda: on(app, ConfirmDialog))
        await keys(pilot, "y", until=toasted(app, "Archived A-1 (Acme Ltd)."))
        assert Customer.get_by_id(acme).archived_at is not None
        await keys(pilot, "a", until=lambda: "(archived shown)" in screen_text(app))
        await keys(pilot, "r", until=lambda: on(app, ConfirmDialog))
        await keys(pilot, "y", until=toasted(app, "Restored A-1 (Acme Ltd)."))
    assert Customer.get_by_id(acme).archived_at is None


# ------------------------------------------------------------------ 10-11. import and export


async def test_import_a_csv_file_by_its_path(two_customers, db_url, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the path is typed relative to where custdesk runs
    (tmp_path / "in").mkdir()
    write_csv(
        tmp_path / "in" / "new customers.csv", [["Z-1", "Zenith Foods", "z@zenith.example", "GB"]]
    )
    app = make_app(db_url)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await type_path(pilot, "i", "in/new customers.csv")
        await keys(pilot, "enter", until=lambda: app.screen.has_class("-can-import"))
        await keys(pilot, "enter", until=lambda: on(app, CustomerListScreen))  # Import all
        assert toasts(app) == ["Imported new customers.csv: 1 created, 0 updated, 0 unchanged."]
    imported = Customer.get(Customer.code == "Z-1")
    assert imported.business_name == "Zenith Foods"
    assert imported.billing_email == "z@zenith.example"


async def test_export_to_a_typed_path(two_customers, db_url, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "out").mkdir()
    app = make_app(db_url)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await type_path(pilot, "e", "out/customers.csv")
        await keys(pilot, "enter", until=lambda: on(app, CustomerListScreen))
        assert toasts(app) == ["Exported 2 customers to out/customers.csv."]
    lines = (tmp_path / "out" / "customers.csv").read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == ",".join(HEADER)
    assert [line.split(",")[0] for line in lines[1:]] == ["A-1", "N-7"]


@pytest.mark.parametrize("key", ["i", "e"])
async def test_escape_closes_a_csv_dialog_before_anything_runs(two_customers, db_url, key):
    app = make_app(db_url)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await keys(pilot, key, until=lambda: on(app, CsvDialog))
        await keys(pilot, "escape")
        assert on(app, CustomerListScreen)
        assert toasts(app) == []  # closed without doing anything
    assert Customer.select().count() == 2


# ------------------------------------------------------------------ 12. help and palette


async def test_help_lists_every_list_task_and_the_palette_opens_a_customer(two_customers, db_url):
    _acme, northwind = two_customers
    app = make_app(db_url)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await keys(pilot, "question_mark", until=lambda: on(app, HelpScreen))
        shown = str(app.screen.query_one("#help-keys", Static).render())
        for task in (
            "Search",
            "Open",
            "New",
            "Actions",
            "Archive",
            "Show/hide archived",
            "Restore archived",
            "Mark to merge",
            "Import CSV",
            "Export CSV",
            "Command palette",
        ):
            assert task in shown, task
        await keys(pilot, "escape", until=lambda: on(app, CustomerListScreen))
        await keys(pilot, "ctrl+p", until=lambda: CommandPalette.is_open(app))
        await keys(
            pilot, *"n-7", until=lambda: "N-7  Northwind Traders · Nancy" in screen_text(app)
        )
        await keys(
            pilot,
            "enter",
            until=lambda: (
                on(app, CustomerDetailScreen) and app.screen.query_one("#business_name").value
            ),
        )
        assert app.screen.customer_id == northwind
        assert (
            app.screen.query_one("#business_name").value
            == load_customer(northwind).values["business_name"]
        )
        assert toasts(app) == []
