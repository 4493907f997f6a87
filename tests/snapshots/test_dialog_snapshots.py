"""How every dialog looks on an 80×24 and a 200×60 terminal (SVG snapshots; review them by eye).

Each dialog is reached by keys from the start of the app, on a SQLite file with the same
customers, codes and times every time; the CSV files sit in the test's folder, which is the
current one, so the paths the dialogs show are the same too. After a deliberate change, look at
the new pictures and accept them: pytest tests/test_dialog_snapshots.py --snapshot-update.
"""

from collections.abc import Awaitable, Callable

import pytest
from support.customers import MAPLE, MAPLE_AGAIN
from support.detail import FIXED_TIME
from support.portal import desk, named_staff
from support.waiting import settle

from models.customers import create_customer, load_customer, save_customer
from models.store.db import close_database, open_database
from models.store.tables import AuditEvent, Customer, PortalAccount
from models.store.upgrade import upgrade_database
from screens.customer_detail import CustomerDetailScreen
from screens.dialogs.actions_menu import ActionsMenu
from screens.dialogs.confirm import ConfirmDialog
from screens.dialogs.conflict_dialog import ConflictDialog
from screens.dialogs.csv_dialog import CsvExportDialog, CsvImportDialog
from screens.dialogs.demo_dialog import DemoDialog
from screens.dialogs.merge_dialog import MergeDialog
from screens.dialogs.pickers import CountryPicker, Picker, StatePicker
from screens.dialogs.unsaved_dialog import UnsavedDialog
from tui.app import CustdeskApp
from tui.settings import at_the_desk, resolve_settings

SIZES = {"80x24": (80, 24), "200x60": (200, 60)}
OTHERS = [
    {
        "code": "CST-000003",
        "business_name": "Northwind Traders",
        "contact_name": "Nancy Davolio",
        "billing_city": "Seattle",
    },
    {
        "code": "CST-000004",
        "business_name": "Zenith Optics",
        "contact_name": "Zoe Park",
        "billing_city": "London",
    },
]
HEADER = "Customer Code,Business Name,Contact Name,Billing Email,Billing Country,Wholesale\n"
BAD_CSV = (
    HEADER + "A-1,Acme,,not-an-email,GB,Yes\n"
    "B-2,Bravo,,,Atlantis,maybe\n"
    "C-3,Charlie,,,,\n"
    "a-1,Again,,,,\n"
    "D-4,Too,many,,,,,\n"
    "E-5,Too few\n"
)
GOOD_CSV = (
    HEADER + "N-1,Nordic Timber,Nils Berg,nils@nordic.example,Sweden,Yes\n"
    "G-1,Globex,Hank Scorpio,,GB,no\n"
)
Step = str | Callable[..., Awaitable[None]]  # a key, or something done between keys


@pytest.fixture
def app(sqlite_url, tmp_path, monkeypatch):
    """The app on a SQLite file with four customers (one with an active portal account), in a
    folder that holds the CSV files to import."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bad.csv").write_text(BAD_CSV, encoding="utf-8")
    (tmp_path / "good.csv").write_text(GOOD_CSV, encoding="utf-8")
    (tmp_path / "taken.csv").write_text("", encoding="utf-8")
    open_database(sqlite_url)
    upgrade_database()
    maple = create_customer(MAPLE, desk())
    for values in (MAPLE_AGAIN, *OTHERS):
        create_customer(values, desk())
    PortalAccount.insert(
        customer=maple.id,
        status="active",
        password_hash="not a real hash",
        login_email="jane@example.com",
        last_sign_in_at=FIXED_TIME,
    ).execute()
    yield CustdeskApp(at_the_desk(resolve_settings(sqlite_url, None, False)))
    close_database()


def typed(text: str) -> Step:
    """A step: type the text, key by key."""

    async def run(pilot) -> None:
        await pilot.press(*text)

    return run


async def saved_elsewhere(_pilot) -> None:
    """A step: another staff member saves the customer that is open."""
    maple = Customer.get(Customer.code == MAPLE["code"])
    theirs = {
        "business_name": "Maple Leaf Wholesale",
        "billing_city": "Ottawa",
        "contact_name": "Jane Doe-Smith",
    }
    save_customer(load_customer(maple.id), theirs, named_staff("ada"))
    AuditEvent.update(at=FIXED_TIME).where(AuditEvent.customer == maple.id).execute()


async def demo_dialog(pilot) -> None:
    """A step: the demo-data dialog (on the demo database its key is D)."""
    pilot.app.push_screen(DemoDialog())


def is_open(kind: type[Picker]) -> Callable[[object], bool]:
    """Whether the screen shows the customer with the list of a picker of `kind` open."""

    def check(app) -> bool:
        return isinstance(app.screen, CustomerDetailScreen) and any(
            picker.is_open for picker in app.screen.query(kind)
        )

    return check


def on_top(kind: type) -> Callable[[object], bool]:
    """Whether the screen on top is a `kind`."""
    return lambda app: isinstance(app.screen, kind)


EDITS = ["enter", "tab", "ctrl+u", typed("Maple Leaf Retail"), "tab", "ctrl+u", typed("J. Doe")]
DIALOGS: dict[str, tuple[list[Step], Callable[[object], bool]]] = {
    "actions_menu": (["ctrl+o"], on_top(ActionsMenu)),
    "lock_confirm": (["ctrl+o", "l"], on_top(ConfirmDialog)),
    "archive_confirm": (["delete"], on_top(ConfirmDialog)),
    "merge": (["m", "ctrl+x", "down", "m"], on_top(MergeDialog)),
    "import_problems": (["i", typed("bad.csv"), "enter"], on_top(CsvImportDialog)),
    "import_ready": (["i", typed("good.csv"), "enter"], on_top(CsvImportDialog)),
    "export": (["e", "ctrl+u", typed("customers.csv")], on_top(CsvExportDialog)),
    "export_exists": (["e", "ctrl+u", typed("taken.csv"), "enter"], on_top(CsvExportDialog)),
    "conflict": (["enter", saved_elsewhere, *EDITS[1:], "ctrl+s"], on_top(ConflictDialog)),
    "unsaved": ([*EDITS, "escape"], on_top(UnsavedDialog)),
    "country_picker": (
        ["enter", "f3", *["tab"] * 5, "ctrl+u", typed("united")],
        is_open(CountryPicker),
    ),
    "state_picker": (["enter", "f3", *["tab"] * 6, "ctrl+u", "down"], is_open(StatePicker)),
    "demo": ([demo_dialog], on_top(DemoDialog)),
}


def driven(steps: list[Step], shown: list[bool], check: Callable[[object], bool]):
    """A run_before step: wait for the list, do the steps, then note whether `check` holds."""

    async def run(pilot) -> None:
        await settle(pilot)
        for step in steps:
            if isinstance(step, str):
                await pilot.press(step)
            else:
                await step(pilot)
            await settle(pilot)
        shown.append(check(pilot.app))

    return run


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("dialog", DIALOGS)
def test_dialog_snapshot(app, snap_compare, dialog, size):
    steps, check = DIALOGS[dialog]
    shown: list[bool] = []
    same = snap_compare(app, terminal_size=SIZES[size], run_before=driven(steps, shown, check))
    assert shown == [True], f"the keys did not lead to the {dialog} dialog"
    assert same
