"""The dialogs stay usable at 80×24 with long (and markup-like) customer data, and use the room
of a big terminal (issue 8): nothing is cut off without a way to scroll to it. Driven by keys
through Textual's pilot, on a SQLite file (what is shown is the same on every engine)."""

import pytest
from support.customers import MAPLE, MAPLE_AGAIN
from support.desk_app import make_app
from support.detail import SAMPLE, DetailApp, opened_sqlite
from support.portal import desk, make_customer, seen
from support.portal_app import app_for, choose
from support.screen import shown, toasts
from support.waiting import settle
from textual.style import Style
from textual.visual import RenderOptions
from textual.widget import Widget

from models.customers import create_customer, load_customer, save_customer
from models.portal.actions import send_activation
from models.store.db import database
from models.store.tables import OutboxMessage
from screens.customer_detail import CustomerDetailScreen
from screens.dialogs.confirm import ConfirmDialog
from screens.dialogs.conflict_dialog import ConflictDialog
from screens.dialogs.csv_dialog import CsvImportDialog, ReportText
from screens.dialogs.merge_dialog import MergeDialog
from screens.dialogs.unsaved_dialog import UnsavedDialog

SMALL, BIG = (80, 24), (200, 60)
LONG_NAME = (
    "Maple [/] Leaf [b]Supplies[/b] & Hardware Wholesale Incorporated of Greater "
    "Toronto and the Golden Horseshoe Region"
)[:100]
LONG_EMAIL = (
    "accounts.payable.and.receivable.department.ops"
    "@maple-leaf-supplies-and-hardware-wholesale-incorporated.billing.ca"
)
KEYS = "y Yes · n No · Esc cancels · Enter: highlighted button"


@pytest.fixture
def sqlite_db(sqlite_url):
    """An open, migrated SQLite file; its URL."""
    with opened_sqlite(sqlite_url):
        yield sqlite_url


def squeezed(text: str) -> str:
    """Text without any whitespace: the same however it was wrapped."""
    return "".join(text.split())


def inside(app, widget: Widget) -> str:
    """The characters the screen shows in a widget's region."""
    rows = shown(app).splitlines()[widget.region.y : widget.region.bottom]
    return "\n".join(row[widget.region.x : widget.region.right] for row in rows)


# ------------------------------------------------------------------------- confirm


async def test_a_long_question_scrolls_and_the_keys_stay(sqlite_db):
    assert (len(LONG_NAME), len(LONG_EMAIL)) == (100, 113)  # as long as the fields allow
    customer_id = make_customer(email=LONG_EMAIL, business=LONG_NAME)
    send_activation(
        customer_id, desk(), expected_version=seen(customer_id), sender="Desk <desk@shop.example>"
    )
    app = app_for(sqlite_db, customer_id)
    async with app.run_test(notifications=True, size=SMALL) as pilot:
        dialog = await choose(pilot, "r")  # Reset Password and Unlock, with a reason field
        await pilot.pause()
        scroll = dialog.query_one("#confirm-question-scroll")
        assert KEYS in shown(app) and "PgUp/PgDn scroll the question" in shown(app)
        assert "Reason for unlocking" in shown(app) and "Reset and unlock" in shown(app)
        assert scroll.max_scroll_y > 0 and scroll in dialog.focus_chain
        end = squeezed("Their current password stops working at once.")
        assert end not in squeezed(inside(app, scroll))
        await pilot.press("pagedown", "pagedown", "pagedown")
        await pilot.pause()
        assert scroll.scroll_y == scroll.max_scroll_y
        assert end in squeezed(inside(app, scroll)) and KEYS in shown(app)
        assert squeezed(LONG_EMAIL) in squeezed(str(dialog.query_one("#confirm-question").render()))
        await pilot.press("y")
        await settle(pilot, lambda: toasts(app))
        assert not isinstance(app.screen, ConfirmDialog)
        assert "has been unlocked" in toasts(app)[-1]
    assert OutboxMessage.select().count() == 2  # the activation, then the reset


async def test_a_short_question_is_no_stop_for_tab(sqlite_db):
    customer_id = make_customer()
    app = app_for(sqlite_db, customer_id)
    async with app.run_test(notifications=True, size=SMALL) as pilot:
        dialog = await choose(pilot, "s")
        await pilot.pause()
        scroll = dialog.query_one("#confirm-question-scroll")
        assert scroll.max_scroll_y == 0 and scroll not in dialog.focus_chain
        assert KEYS in shown(app) and "PgUp/PgDn" not in shown(app)


# ------------------------------------------------------------------------- CSV import report


def problem_file(path, rows: int) -> None:
    """A CSV file whose every row has a long, wrapping problem: a country nobody knows."""
    country = "[b]Republic[/b] of " + " ".join(["Far Away"] * 9)  # (100 characters at most)
    lines = ["Customer Code,Business Name,Billing Country"]
    lines += [f"B-{number},Bravo {number},{country}" for number in range(rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


async def checked(pilot, name: str) -> CsvImportDialog:
    """The import dialog with the file checked."""
    await settle(pilot)
    await pilot.press("i")
    await settle(pilot)
    await pilot.press("ctrl+u", *name, "enter")
    await settle(pilot)
    dialog = pilot.app.screen
    assert isinstance(dialog, CsvImportDialog)
    return dialog


LAST_LINE = "(custdesk import --dry-run FILE lists them all)."


async def test_a_long_report_scrolls_to_its_last_line_by_keys(sqlite_db, tmp_path):
    problem_file(tmp_path / "far.csv", rows=9)
    app = make_app(sqlite_db)
    async with app.run_test(notifications=True, size=SMALL) as pilot:
        dialog = await checked(pilot, "far.csv")
        scroll = dialog.query_one("#csv-report-scroll")
        report = str(dialog.query_one("#csv-report").render())
        assert report.endswith("… and 6 more problems " + LAST_LINE)
        assert scroll.max_scroll_y > 0 and scroll.scroll_y == 0
        assert squeezed(LAST_LINE) not in squeezed(inside(app, scroll))
        assert "PgUp/PgDn scroll the report" in shown(app)

        await pilot.press("tab", "tab")  # the path → the Update box → the report
        assert app.focused is scroll
        await pilot.press("down")
        assert scroll.scroll_y == 1
        for _ in range(5):
            await pilot.press("pagedown")
        await pilot.pause()
        assert scroll.scroll_y == scroll.max_scroll_y
        assert squeezed(LAST_LINE) in squeezed(inside(app, scroll))
        assert "Check file" in shown(app) and "Esc cancels or closes" in shown(app)

        await pilot.press("shift+tab", "shift+tab")  # back in the path field
        assert app.focused is dialog.query_one("#csv-path")
        await pilot.press("pageup", "pageup", "pageup", "pageup", "pageup")
        await pilot.pause()
        assert scroll.scroll_y == 0  # PgUp/PgDn scroll the report from the path field too
        assert squeezed("far.csv: 9 rows") in squeezed(inside(app, scroll))


async def test_a_short_report_is_no_stop_for_tab(sqlite_db, tmp_path):
    problem_file(tmp_path / "one.csv", rows=1)
    app = make_app(sqlite_db)
    async with app.run_test(notifications=True, size=SMALL) as pilot:
        dialog = await checked(pilot, "one.csv")
        scroll = dialog.query_one("#csv-report-scroll")
        assert scroll.max_scroll_y == 0 and scroll not in dialog.focus_chain
        assert "PgUp/PgDn" not in shown(app)


def test_a_wrapped_problem_hangs_under_its_line_number():
    text = (
        "file.csv: 1 row: 0 to create, 1 bad.\n"
        "  Line 2, Billing Country: Billing Country 'Far Away' is not a country."
    )
    report = ReportText(text)
    strips = report.render_strips(30, None, Style(), RenderOptions(Style.parse, {}))
    lines = [strip.text.rstrip() for strip in strips]
    assert lines[0] == "file.csv: 1 row: 0 to create,"
    assert lines[2].startswith("  Line 2,") and not lines[2].startswith("   ")
    assert all(line.startswith("    ") and line[4] != " " for line in lines[3:])
    assert squeezed("".join(lines)) == squeezed(text)
    assert report.get_height({}, 30) == len(lines) and str(report) == text


# ------------------------------------------------------------------------- merge


async def open_merge(pilot) -> MergeDialog:
    """Mark the first customer, merge it with the second; the dialog once both are shown."""
    for key in ("m", "ctrl+x", "down", "m"):
        await settle(pilot)
        await pilot.press(key)
    await settle(
        pilot,
        lambda: isinstance(pilot.app.screen, MergeDialog) and pilot.app.screen.preview is not None,
    )
    await settle(pilot)
    return pilot.app.screen


async def test_the_merge_dialog_shows_the_highlighted_values_in_full(sqlite_db):
    first = create_customer({**MAPLE, "business_name": LONG_NAME}, desk())
    second = create_customer(
        {**MAPLE_AGAIN, "business_name": LONG_NAME[:-1] + "X", "billing_email": LONG_EMAIL}, desk()
    )
    app = make_app(sqlite_db)
    async with app.run_test(notifications=True, size=SMALL) as pilot:
        dialog = await open_merge(pilot)
        detail = dialog.query_one("#merge-detail")
        table = dialog.query_one("#merge-table")
        assert dialog.choices and next(iter(dialog.choices)) == "business_name"
        shown_detail = squeezed(inside(app, detail))
        assert squeezed(f"● {first.code}: {LONG_NAME}") in shown_detail
        assert squeezed(f"{second.code}: {LONG_NAME[:-1]}X") in shown_detail
        assert "…" in inside(app, table)  # the table's cells say they are cut

        await pilot.press(*["down"] * list(dialog.choices).index("billing_email"), "right")
        await pilot.pause()
        shown_detail = squeezed(inside(app, detail))
        assert squeezed(f"{first.code}: jane@example.com") in shown_detail
        assert squeezed(f"● {second.code}: {LONG_EMAIL}") in shown_detail
        assert dialog.choices["billing_email"] == "b"
        assert "esc cancel" in shown(app) and "[b]" in shown(app)  # markup shown as typed
        assert detail.region.bottom <= dialog.query_one("#merge-keys").region.y


async def test_the_merge_columns_share_the_width_and_follow_a_resize(sqlite_db):
    create_customer(MAPLE, desk())
    create_customer(MAPLE_AGAIN, desk())
    app = make_app(sqlite_db)
    async with app.run_test(notifications=True, size=SMALL) as pilot:
        dialog = await open_merge(pilot)
        table = dialog.query_one("#merge-table")
        assert "accounts@mapleleaf.example" not in inside(app, table)
        small = [column.width for column in table.columns.values()]
        await pilot.resize_terminal(*BIG)
        await settle(pilot)
        await pilot.pause()
        big = [column.width for column in table.columns.values()]
        assert big[0] == small[0] and big[1] == big[2] > 2 * small[1]
        assert dialog.query_one("#merge-dialog").region.width > 120
        assert "accounts@mapleleaf.example" in inside(app, table)
        assert "CST-000002 (Maple Leaf Supplies Inc.)" in inside(app, table)
        assert "Search code" in shown(app).splitlines()[0]  # the list shows through


# ------------------------------------------------------------------------- unsaved, conflict


async def detail_edited(app, pilot) -> CustomerDetailScreen:
    """The customer shown, with its business name changed (not saved)."""
    await settle(pilot)
    screen = app.screen
    assert isinstance(screen, CustomerDetailScreen)
    await pilot.press("tab", "end", *" Retail")
    await settle(pilot)
    return screen


async def test_the_unsaved_dialog_shows_its_keys_over_the_customer(sqlite_db):
    customer = create_customer(SAMPLE, desk())
    app = DetailApp(sqlite_db, customer.id)
    async with app.run_test(notifications=True, size=SMALL) as pilot:
        await detail_edited(app, pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, UnsavedDialog)
        assert "s Save · d Discard · Esc or c Cancel" in shown(app)
        assert "Customer Code" in shown(app)  # the form shows through
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, CustomerDetailScreen)


async def test_the_conflict_dialog_shows_its_keys_over_the_customer(sqlite_db):
    customer = create_customer(SAMPLE, desk())
    app = DetailApp(sqlite_db, customer.id)
    async with app.run_test(notifications=True, size=SMALL) as pilot:
        await detail_edited(app, pilot)
        with database.connection_context():
            save_customer(load_customer(customer.id), {"business_name": LONG_NAME}, desk())
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConflictDialog)
        assert "s Save · r Reload theirs · Esc back to editing" in shown(app)
        assert "CST-000001" in shown(app).splitlines()[0]  # the header shows through
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, CustomerDetailScreen)
