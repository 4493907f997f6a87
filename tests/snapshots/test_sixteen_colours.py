"""Every screen stays readable in a 16-colour terminal (issue 8), in the dark and light theme.

A terminal with 16 colours gets each truecolor style turned into the nearest of the 16
standard colours (Rich's Color.downgrade to ColorSystem.STANDARD). Two colours far apart in
truecolor can land on the same one, and then the text is gone. This test walks the screens,
takes the cells exactly as Textual sends them to the terminal (dim and text-opacity already
blended into the colours by Textual), downgrades them the same way, and asks that every
visible character keeps a WCAG contrast of 3:1 or more with its background, computed from the
standard palette's RGB.
"""

from dataclasses import dataclass

import pytest
from rich.color import STANDARD_PALETTE, Color, ColorSystem
from rich.style import Style
from support.detail import SAMPLE, with_records
from support.portal import (
    desk,
)
from support.screen import shown, terminal_strips
from support.waiting import settle
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Input, RadioButton, TextArea

from models.archive import archive_customer
from models.customers import create_customer
from models.store.db import close_database, open_database
from models.store.upgrade import upgrade_database
from screens.customer_detail import CustomerDetailScreen
from screens.customer_list import CustomerListScreen
from screens.dialogs.actions_menu import ActionsMenu
from screens.dialogs.confirm import ConfirmDialog
from screens.dialogs.csv_dialog import CsvExportDialog, CsvImportDialog
from screens.dialogs.demo_dialog import DemoDialog
from screens.dialogs.unsaved_dialog import UnsavedDialog
from screens.help_screen import HelpScreen
from tui.app import CustdeskApp
from tui.preferences import DARK_THEME, LIGHT_THEME
from tui.settings import at_the_desk, resolve_settings

MINIMUM_CONTRAST = 3.0
SIZES = {"80x24": (80, 24), "200x60": (200, 60)}  # short tab titles and few columns; the rest
FRAME_GLYPHS = range(0x2500, 0x25A0)  # box drawing and block elements: lines, not letters
GOOD_CSV = "Customer Code,Business Name,Contact Name\nN-1,Nimbus Ltd,Nina\n"
BAD_CSV = "Customer Code,Business Name,Colour\nN-1,Nimbus Ltd,blue\nN-2\n"


# ---------------------------------------------------------------- what the terminal shows


def luminance(index: int) -> float:
    """WCAG relative luminance of one of the 16 standard colours."""

    def linear(channel: int) -> float:
        value = channel / 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (linear(channel) for channel in STANDARD_PALETTE[index])
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(first: int, second: int) -> float:
    """WCAG contrast ratio of two standard colours (1 to 21)."""
    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def sixteen(color: Color | None) -> int | None:
    """The standard colour (0-15) a 16-colour terminal shows; None for its default colour."""
    if color is None or color.is_default:
        return None
    downgraded = color.downgrade(ColorSystem.STANDARD)
    assert downgraded.number is not None and downgraded.number < 16, color
    return downgraded.number


def shows_a_letter(text: str) -> bool:
    """A segment with something to read: not only spaces and frame lines."""
    return any(not char.isspace() and ord(char) not in FRAME_GLYPHS for char in text)


@dataclass(frozen=True)
class Unreadable:
    """A run of text that a 16-colour terminal paints too close to its background."""

    where: str
    row: int
    column: int
    widget: str
    text: str
    colours: str

    def __str__(self) -> str:
        return (
            f"{self.where}: row {self.row}, column {self.column}, {self.widget}: "
            f"{self.text!r} {self.colours}"
        )


def widget_name(widget) -> str:
    """A widget as a stylesheet would name it: Type#id.classes."""
    return (
        type(widget).__name__
        + (f"#{widget.id}" if widget.id else "")
        + "".join(f".{name}" for name in sorted(widget.classes))
    )


def unreadable_text(style: Style) -> str:
    """Why text in this style is hard to read with 16 colours, or "" when it is not."""
    foreground, background = sixteen(style.color), sixteen(style.bgcolor)
    if style.reverse:
        foreground, background = background, foreground
    if foreground is None or background is None:  # the terminal's own colours: unknown
        return f"uses a default colour of the terminal ({style})"
    ratio = contrast(foreground, background)
    if ratio >= MINIMUM_CONTRAST:
        return ""
    return (
        f"is colour {foreground} on {background}, {ratio:.2f}:1 "
        f"(truecolor {style.color.name} on {style.bgcolor.name})"
    )


def unticked_mark(widget, text: str) -> bool:
    """The mark of a checkbox or radio button that is off: faint on purpose, so that off and
    on differ (the mark of one that is on is checked like any text)."""
    toggle = isinstance(widget, (Checkbox, RadioButton))
    return toggle and not widget.value and text == widget.BUTTON_INNER


def unreadable_cells(app, where: str) -> list[Unreadable]:
    """Every run of visible text on the screen whose 16 colours are less than 3:1 apart.

    Over a modal screen, what shows of the screens underneath is faded on purpose: it is there
    to be seen, not read, and is left out.
    """
    screen = app.screen
    found = []
    for row, start, strip in terminal_strips(app):
        widget = None
        column = start
        for segment in strip:
            text, style = segment.text, segment.style
            if not segment.control and style is not None and shows_a_letter(text):
                widget = widget or screen.get_widget_at(start, row)[0]
                faded = widget is screen and isinstance(screen, ModalScreen)
                why = "" if faded or unticked_mark(widget, text) else unreadable_text(style)
                if why:
                    found.append(Unreadable(where, row, column, widget_name(widget), text, why))
            column += segment.cell_length
    return found


# ---------------------------------------------------------------- the tour


@pytest.fixture
def app(sqlite_url):
    """The app on a SQLite file: a customer with notes, history, sign-ins and an active portal
    account, a likely duplicate of it, customers never activated, and an archived one."""
    open_database(sqlite_url)
    upgrade_database()
    with_records(create_customer(SAMPLE, desk()).id)
    create_customer(
        {"business_name": "Maple Leaf Supply Co", "billing_email": SAMPLE["billing_email"]}, desk()
    )
    for n in range(1, 4):
        create_customer({"business_name": f"Maple Lumber {n}", "billing_city": "Ottawa"}, desk())
    archive_customer(create_customer({"business_name": "Maple Zinc"}, desk()).id, desk())
    yield CustdeskApp(at_the_desk(resolve_settings(sqlite_url, None, False)))
    close_database()


class Tour:
    """Drives the app from screen to screen and collects what is unreadable on each."""

    def __init__(self, app, pilot, theme: str):
        self.app = app
        self.pilot = pilot
        self.theme = theme
        self.found: list[Unreadable] = []

    def look(self, where: str, screen_type: type) -> None:
        """Check the screen as it is now (it must be the screen the tour expects)."""
        assert isinstance(self.app.screen, screen_type), f"not at {where}:\n{shown(self.app)}"
        self.found += unreadable_cells(self.app, f"{self.theme}: {where}")

    async def press(self, *keys: str) -> None:
        """Press keys, then let the screen's database work finish."""
        await self.pilot.press(*keys)
        await self.settle()

    async def type(self, selector: str, text: str) -> None:
        """Put the cursor in an input and give it text (as a paste would)."""
        box = self.app.screen.query_one(selector, Input)
        box.focus()
        box.value = text
        box.cursor_position = len(text)
        await self.settle()

    async def settle(self) -> None:
        """Let the database work end and the screen catch up."""
        await settle(self.pilot)


async def list_screens(tour: Tour, tmp_path) -> None:
    """The list, its help, menus, dialogs and toasts."""
    await tour.press("slash")
    await tour.type("#search", "maple")
    assert tour.app.screen.has_class("-row-note")  # the first row is a likely duplicate
    tour.look("list with a search typed", CustomerListScreen)
    await tour.press("down")
    tour.look("list with the highlighted row focused", CustomerListScreen)
    await tour.press("a", "end")
    assert "Archived" in shown(tour.app)
    tour.look("list with the archived customer highlighted", CustomerListScreen)
    await tour.press("question_mark")
    tour.look("help over the list", HelpScreen)
    await tour.press("escape", "ctrl+o", "s")  # nothing applies to an archived customer
    assert "not available" in shown(tour.app)
    tour.look("Actions menu greyed out, saying why", ActionsMenu)
    await tour.press("escape", "home", "ctrl+o")  # the customer with an active account
    tour.look("Actions menu", ActionsMenu)
    await tour.press("l")
    await tour.type("#confirm-reason", "moved away")
    tour.look("Lock confirm dialog with a reason typed", ConfirmDialog)
    await tour.press("escape")  # toasts that nothing was changed
    tour.app.notify("Saving failed: the database is locked.", severity="error", markup=False)
    tour.app.notify("Queued, not sent yet.", severity="warning", markup=False)
    await tour.settle()
    assert len(tour.app._notifications) == 3
    tour.look("information, warning and error toasts", CustomerListScreen)
    await tour.press("ctrl+x", "delete")
    tour.look("archive confirm dialog", ConfirmDialog)
    await tour.press("n", "i")
    (tmp_path / "bad.csv").write_text(BAD_CSV, encoding="utf-8")
    (tmp_path / "good.csv").write_text(GOOD_CSV, encoding="utf-8")
    await tour.type("#csv-path", str(tmp_path / "bad.csv"))
    await tour.press("enter")
    assert tour.app.screen.query_one("#csv-report").has_class("-error")
    tour.look("CSV import dialog with a bad file", CsvImportDialog)
    await tour.type("#csv-path", str(tmp_path / "good.csv"))
    await tour.press("enter")
    assert tour.app.screen.has_class("-can-import")
    tour.look("CSV import dialog ready to import", CsvImportDialog)
    await tour.press("escape", "e")
    tour.look("CSV export dialog", CsvExportDialog)
    await tour.press("escape")
    tour.app.push_screen(DemoDialog())
    await tour.settle()
    await tour.type("#demo-count", "0")
    await tour.press("enter")
    assert tour.app.screen.query_one("#demo-report").has_class("-error")
    tour.look("demo dialog refusing a bad count", DemoDialog)
    await tour.press("escape")


async def detail_screens(tour: Tour) -> None:
    """Each tab of the detail screen, with a field in focus and fields marked invalid."""
    await tour.press("home", "enter")
    screen = tour.app.screen
    assert isinstance(screen, CustomerDetailScreen)
    invalid = {
        "business_name": "",
        "contact_name": "",
        "billing_email": "jane at example",
        "vat_number": "GB 123",
    }
    for name, text in invalid.items():
        screen.query_one(f"#row-{name} Input", Input).value = text
    await tour.press("ctrl+s")  # marks every invalid field and toasts an error
    assert {row.field for row in screen.query(".field-row.-invalid")} == set(invalid) - {
        "contact_name"
    }
    tour.look("detail Info tab, invalid name in focus", CustomerDetailScreen)
    for key, name, where in (
        ("f3", "billing_email", "Addresses tab, invalid email"),
        ("f4", "vat_number", "Options tab, invalid VAT number"),
    ):
        await tour.press(key)
        screen.query_one(f"#row-{name} Input", Input).focus()
        await tour.settle()
        tour.look(f"detail {where} in focus", CustomerDetailScreen)
    await tour.press("f5")
    screen.query_one("#note-body", TextArea).focus()
    await tour.press("ctrl+n")  # an empty note is refused, with a message
    assert screen.query_one("#note-error").display
    tour.look("detail Notes tab, empty note refused", CustomerDetailScreen)
    await tour.press("f6")
    tour.look("detail History tab", CustomerDetailScreen)
    await tour.press("f7")
    tour.look("detail Access log tab", CustomerDetailScreen)
    await tour.press("escape")  # asks what to do with the changes
    tour.look("unsaved changes dialog", UnsavedDialog)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("theme", [DARK_THEME, LIGHT_THEME])
async def test_every_screen_is_readable_in_sixteen_colours(app, tmp_path, theme, size):
    async with app.run_test(size=SIZES[size], notifications=True) as pilot:
        app.theme = theme
        tour = Tour(app, pilot, f"{theme} at {size}")
        await tour.settle()
        await list_screens(tour, tmp_path)
        await detail_screens(tour)
    assert not tour.found, "Unreadable with 16 colours:\n" + "\n".join(map(str, tour.found))
