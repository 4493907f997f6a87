"""The customer detail screen driven by keys through Textual's pilot, on a real database."""

import asyncio
import sys
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from rich.cells import cell_len
from support.detail import SAMPLE, DetailApp, opened_sqlite
from support.portal import desk
from support.screen import screen_text
from support.waiting import settle
from textual import events
from textual.widgets import Button, Checkbox, Input, RadioSet, Static, Switch, TabbedContent

from models.audit.events import event_changes
from models.customers import create_customer, load_customer
from models.store.db import database
from models.store.tables import PORTAL_ACTIVE, AuditEvent, Customer, PortalAccount
from models.validation import validate_customer
from screens.customer_detail import CustomerDetailScreen
from screens.dialogs.actions_menu import ActionsMenu
from screens.dialogs.confirm import ConfirmDialog
from screens.dialogs.conflict_dialog import ConflictDialog
from screens.dialogs.pickers import PickerList
from screens.dialogs.unsaved_dialog import UnsavedDialog
from screens.widgets.form_fields import FieldRow

REPO = Path(__file__).resolve().parents[2]
SIZE = (80, 24)


@pytest.fixture
def db_url_open(db, db_url):
    """The URL of the open, migrated test database, on each engine (for what is saved)."""
    return db_url


@pytest.fixture
def customer(db):
    """A saved customer with a Canadian billing address, on each engine."""
    return create_customer(SAMPLE, desk())


@pytest.fixture
def shown(sqlite_url):
    """A SQLite URL and the same saved customer, for tests of what the screen shows."""
    with opened_sqlite(sqlite_url):
        yield sqlite_url, create_customer(SAMPLE, desk())


async def opened(app: DetailApp, pilot) -> CustomerDetailScreen:
    """The detail screen, once its customer is shown."""
    await settle(pilot)
    screen = app.screen
    assert isinstance(screen, CustomerDetailScreen)
    return screen


@asynccontextmanager
async def detail(url: str, customer_id: int | None):
    """The app at 80×24 showing one customer (or a new one): (app, pilot, screen)."""
    app = DetailApp(url, customer_id)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        yield app, pilot, await opened(app, pilot)


def row(screen, name: str) -> FieldRow:
    return screen.query_one(f"#row-{name}", FieldRow)


def box(screen, name: str) -> Input:
    """The text box of a field (the box inside a picker too)."""
    return row(screen, name).query(Input).first()


async def type_into(pilot, screen, name: str, text: str) -> None:
    """Put the cursor in a field, clear it with keys and enter new text (as a paste would)."""
    row(screen, name).focus_editor()
    await pilot.pause()
    await pilot.press("end", "ctrl+u")
    if text:
        box(screen, name).insert_text_at_cursor(text)
    await pilot.pause()


def header(screen, part: str) -> str:
    return str(screen.query_one(f"#header-{part}", Static).render())


def notes(app) -> list[str]:
    return [note.message for note in app._notifications]


def audit_events(customer_id: int) -> list[AuditEvent]:
    with database.connection_context():
        return list(
            AuditEvent.select().where(AuditEvent.customer == customer_id).order_by(AuditEvent.id)
        )


def reload(customer_id: int):
    with database.connection_context():
        return load_customer(customer_id)


# ------------------------------------------------------------------------- layout and keys


async def test_header_and_tabs_show_the_customer(shown):
    db_url_open, customer = shown
    async with detail(db_url_open, customer.id) as (app, pilot, screen):
        assert header(screen, "code") == "CST-000001"
        assert header(screen, "name") == "Maple Leaf Supplies"
        assert header(screen, "portal") == "Portal: not activated"
        assert screen.query_one("#actions", Button).region.right == SIZE[0] - 1
        assert box(screen, "business_name").value == "Maple Leaf Supplies"
        assert app.focused is box(screen, "code")
        footer = screen_text(app).splitlines()[-1]
        for words in ("^s Save", "esc Back", "f2-f7 Tabs", "f8 Bill→Ship", "^o Actions"):
            assert words in footer
        await pilot.press("f3")
        assert screen.query_one(TabbedContent).active == "addresses"
        assert box(screen, "billing_country").value == "Canada"
        assert box(screen, "billing_state").value == "Ontario"
        assert box(screen, "billing_phone").value == "+1 416-555-0100"
        await pilot.press("f4")
        assert screen.query_one(TabbedContent).active == "advanced"
        assert row(screen, "tax_exempt").value == "state"
        assert row(screen, "accepts_marketing").value is True
        assert row(screen, "wholesale").value is False
        assert not screen.changed_fields()


async def test_tab_keys_work_from_any_field_and_focus_its_first_field(shown):
    db_url_open, customer = shown
    async with detail(db_url_open, customer.id) as (app, pilot, screen):
        tabs = screen.query_one(TabbedContent)
        await pilot.press("tab")
        assert app.focused is box(screen, "business_name")
        await pilot.press("f3")
        await pilot.pause()
        assert tabs.active == "addresses"
        assert app.focused is box(screen, "billing_contact_name")
        await pilot.press("tab", "tab", "tab", "tab", "tab")
        assert app.focused is box(screen, "billing_country")
        await pilot.press("f4")
        await pilot.pause()
        assert tabs.active == "advanced"
        assert app.focused is screen.query_one("#tax_exempt", RadioSet)
        await pilot.press("f2")
        await pilot.pause()
        assert tabs.active == "info"
        assert app.focused is box(screen, "code")
        await pilot.press("shift+tab")
        assert app.focused is not box(screen, "code")


# ------------------------------------------------------------------------- saving


async def test_edit_and_save_writes_the_change_and_an_audit_event(db_url_open, customer):
    async with detail(db_url_open, customer.id) as (app, pilot, screen):
        await type_into(pilot, screen, "business_name", "Maple Leaf Trading")
        assert screen.changed_fields() == ["business_name"]
        assert header(screen, "state") == "modified"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Customer CST-000001 saved." in notes(app)
        assert header(screen, "name") == "Maple Leaf Trading"
        assert header(screen, "state") == ""
        assert not screen.changed_fields()
    saved = reload(customer.id)
    assert saved.values["business_name"] == "Maple Leaf Trading"
    assert saved.version == customer.version + 1
    last = audit_events(customer.id)[-1]
    assert (last.staff, last.action) == (desk().login, "updated")
    assert event_changes(last) == {"business_name": ("Maple Leaf Supplies", "Maple Leaf Trading")}


async def test_unchanged_save_writes_nothing(db_url_open, customer):
    before = len(audit_events(customer.id))
    async with detail(db_url_open, customer.id) as (app, pilot, screen):
        await type_into(pilot, screen, "contact_name", "Someone")
        await type_into(pilot, screen, "contact_name", "Jane Doe")  # typed back as it was
        assert not screen.changed_fields()
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert notes(app) == ["No changes to save."]
        # the telephone typed in another format is a change of text, not of the customer
        await type_into(pilot, screen, "billing_phone", "(416) 555-0100")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert notes(app)[-1] == "No changes to save: the values are the same as stored."
    assert len(audit_events(customer.id)) == before
    assert reload(customer.id).version == customer.version


async def test_invalid_fields_are_marked_focused_and_nothing_is_saved(db_url_open, customer):
    async with detail(db_url_open, customer.id) as (app, pilot, screen):
        await type_into(pilot, screen, "billing_email", "jane at example")
        await type_into(pilot, screen, "billing_postal_code", "12345")
        await type_into(pilot, screen, "contact_name", "Jane Q. Doe")
        await pilot.press("f2")
        await pilot.press("ctrl+s")
        await settle(pilot)
        expected = validate_customer(
            {
                **SAMPLE,
                "contact_name": "Jane Q. Doe",
                "billing_email": "jane at example",
                "billing_postal_code": "12345",
            }
        ).errors
        assert set(expected) == {"billing_postal_code", "billing_email"}
        for name, message in expected.items():
            assert row(screen, name).message == message
            assert row(screen, name).has_class("-invalid")
            error = str(row(screen, name).query_one(".field-error", Static).render())
            assert error == f"✗ {message}"
        assert not row(screen, "contact_name").has_class("-invalid")
        assert screen.query_one(TabbedContent).active == "addresses"
        assert app.focused is box(screen, "billing_postal_code")  # the first in form order
        assert notes(app)[-1] == (
            "Not saved: 2 fields to correct: Billing Postal/Zip Code, Billing Email."
        )
        assert reload(customer.id).version == customer.version
        # correcting a field clears its mark; the other stays until it is corrected too
        await pilot.press("end", "ctrl+u", *"M5V 3L9")
        assert not row(screen, "billing_postal_code").has_class("-invalid")
        assert row(screen, "billing_email").has_class("-invalid")
        await type_into(pilot, screen, "billing_email", "jane.q@example.com")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert notes(app)[-1] == "Customer CST-000001 saved."
        assert not screen.query(".field-row.-invalid")
    saved = reload(customer.id).values
    assert (saved["billing_postal_code"], saved["billing_email"], saved["contact_name"]) == (
        "M5V 3L9",
        "jane.q@example.com",
        "Jane Q. Doe",
    )


async def test_leaving_an_edited_field_marks_it_before_saving(shown):
    db_url_open, customer = shown
    async with detail(db_url_open, customer.id) as (app, pilot, screen):
        await type_into(pilot, screen, "billing_email", "jane@")
        await pilot.press("tab")
        await settle(pilot)
        expected = validate_customer({**SAMPLE, "billing_email": "jane@"}).errors
        assert row(screen, "billing_email").message == expected["billing_email"]
        assert [r.field for r in screen.query(".field-row.-invalid")] == ["billing_email"]
        await type_into(pilot, screen, "billing_email", "jane@example.org")
        await pilot.press("shift+tab")
        await settle(pilot)
        assert not screen.query(".field-row.-invalid")
        assert notes(app) == []
    assert reload(customer.id).version == customer.version


async def test_a_taken_code_is_marked_at_the_code_field(db_url_open, customer):
    other = create_customer({"contact_name": "Bob", "code": "B-1"}, desk())
    async with detail(db_url_open, other.id) as (app, pilot, screen):
        await pilot.press("f3")
        await type_into(pilot, screen, "code", "cst-000001")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert row(screen, "code").message == (
            "Customer Code cst-000001 is already used by CST-000001 (Maple Leaf Supplies)."
        )
        assert screen.query_one(TabbedContent).active == "info"
        assert app.focused is box(screen, "code")
    assert reload(other.id).code == "B-1"


async def test_options_tab_saves_choice_and_switches_by_keys(db_url_open, customer):
    async with detail(db_url_open, customer.id) as (app, pilot, screen):
        await pilot.press("f4")
        await pilot.pause()
        await pilot.press("down", "enter")  # from State-Provincial taxes to Country taxes
        await pilot.press("tab", "tab", "space")  # past VAT Number to Accepts Marketing: off
        await pilot.press("tab", "space")  # Wholesale: on
        await pilot.pause()
        assert app.focused is screen.query_one("#wholesale", Switch)
        assert str(row(screen, "wholesale").query_one(".yes-no-word", Static).render()) == "Yes"
        await pilot.press("ctrl+s")
        await settle(pilot)
    saved = reload(customer.id).values
    assert (saved["tax_exempt"], saved["accepts_marketing"], saved["wholesale"]) == (
        "country",
        False,
        True,
    )


# ------------------------------------------------------------------------- pickers


async def test_country_picker_offers_canada_for_can_and_states_follow(shown):
    db_url_open, customer = shown
    async with detail(db_url_open, customer.id) as (app, pilot, screen):
        await pilot.press("f3")
        await type_into(pilot, screen, "billing_country", "united")
        options = row(screen, "billing_country").query_one(PickerList)
        assert options.display
        prompts = [str(options.get_option_at_index(i).prompt) for i in range(3)]
        assert prompts[0].startswith("United Arab Emirates")
        await pilot.press("ctrl+u", *"can")
        assert str(options.get_option_at_index(0).prompt) == "Canada  CA"
        await pilot.press("ctrl+u", *"us")  # a code finds its country first
        assert str(options.get_option_at_index(0).prompt).startswith("United States")
        await pilot.press("enter")
        assert not options.display
        assert box(screen, "billing_country").value == "United States"
        assert row(screen, "billing_country").value == "US"
        assert app.focused is box(screen, "billing_country")  # enter chose, it did not move on
        await pilot.press("tab", "ctrl+u", *"calif", "enter")
        assert row(screen, "billing_state").value == "US-CA"
        await type_into(pilot, screen, "billing_postal_code", "94105")
        await pilot.press("ctrl+s")
        await settle(pilot)
    saved = reload(customer.id).values
    assert (saved["billing_country"], saved["billing_state"]) == ("US", "US-CA")


async def test_picker_list_fits_the_screen_and_scrolls(shown):
    db_url_open, customer = shown
    async with detail(db_url_open, customer.id) as (app, pilot, screen):
        await pilot.press("f3")
        await type_into(pilot, screen, "billing_country", "")  # emptied: every country
        options = row(screen, "billing_country").query_one(PickerList)
        await pilot.press("escape")
        assert not options.display
        await pilot.press("down")  # down opens it again
        await pilot.pause()
        assert options.option_count == 249
        assert options.outer_size.height < SIZE[1] // 2
        assert screen.region.contains_region(options.region)
        assert options.max_scroll_y > 0
        await pilot.press("pagedown", "pagedown", "down")
        assert options.highlighted == 17
        assert options.scroll_y > 0  # the highlight is scrolled into view
        await pilot.press("escape")  # closes the list, does not leave the screen
        assert not options.display
        assert app.screen is screen
        await pilot.press("escape")  # now escape means leave: the emptied box is a change
        await pilot.pause()
        assert isinstance(app.screen, UnsavedDialog)
        await pilot.press("d")
        await settle(pilot)
        assert app.dismissed == [customer.id]


async def test_state_list_follows_the_country_and_explains_when_empty(shown):
    db_url_open, customer = shown
    async with detail(db_url_open, customer.id) as (_app, pilot, screen):
        await pilot.press("f3")
        await type_into(pilot, screen, "shipping_state", "")
        await pilot.press("down")
        options = row(screen, "shipping_state").query_one(PickerList)
        assert str(options.get_option_at_index(0).prompt) == "Choose the country first"
        await type_into(pilot, screen, "billing_state", "")
        await pilot.press("down")
        options = row(screen, "billing_state").query_one(PickerList)
        names = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert "Ontario  ON" in names and len(names) == 13
        await type_into(pilot, screen, "billing_country", "Antarctica")
        await pilot.press("enter")
        await type_into(pilot, screen, "billing_state", "x")
        assert str(options.get_option_at_index(0).prompt) == (
            "This country has no states or provinces"
        )


# ------------------------------------------------------------------------- copy billing


async def test_copy_billing_to_shipping(shown):
    db_url_open, customer = shown
    async with detail(db_url_open, customer.id) as (_app, pilot, screen):
        await pilot.press("f8")
        await pilot.pause()
        assert screen.query_one(TabbedContent).active == "addresses"
        assert box(screen, "shipping_country").value == "Canada"
        assert box(screen, "shipping_state").value == "Ontario"
        await pilot.press("ctrl+s")
        await settle(pilot)
    saved = reload(customer.id).values
    for part in (
        "contact_name",
        "street1",
        "city",
        "country",
        "state",
        "postal_code",
        "phone",
        "email",
    ):
        assert saved[f"shipping_{part}"] == saved[f"billing_{part}"] != ""


# ------------------------------------------------------------------------- leaving


async def test_escape_without_changes_leaves_at_once(shown):
    db_url_open, customer = shown
    async with detail(db_url_open, customer.id) as (app, pilot, _screen):
        await pilot.press("escape")
        await settle(pilot)
        assert app.dismissed == [customer.id]


@pytest.mark.parametrize("answer", ["escape", "d", "s"])
async def test_escape_with_changes_asks_save_discard_cancel(shown, answer):
    db_url_open, customer = shown
    async with detail(db_url_open, customer.id) as (app, pilot, screen):
        await type_into(pilot, screen, "contact_name", "Jane Roe")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, UnsavedDialog)
        assert "Contact Name" in screen_text(app)
        await pilot.press(answer)
        await settle(pilot)
        if answer == "escape":  # cancel: still editing, nothing lost
            assert app.screen is screen and app.dismissed == []
            assert box(screen, "contact_name").value == "Jane Roe"
        else:
            assert app.dismissed == [customer.id]
    expected = "Jane Roe" if answer == "s" else "Jane Doe"
    assert reload(customer.id).values["contact_name"] == expected


async def test_save_on_leaving_stays_when_invalid(shown):
    db_url_open, customer = shown
    async with detail(db_url_open, customer.id) as (app, pilot, screen):
        await type_into(pilot, screen, "billing_email", "nope")
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("enter")  # the dialog starts on Save
        await settle(pilot)
        assert app.screen is screen and app.dismissed == []
        assert row(screen, "billing_email").has_class("-invalid")


# ------------------------------------------------------------------------- new customer


async def test_new_customer_gets_a_generated_code(db_url_open, customer):
    async with detail(db_url_open, None) as (app, pilot, screen):
        assert header(screen, "code") == "New customer"
        assert app.focused is box(screen, "business_name")
        await pilot.press("ctrl+o")
        assert notes(app)[-1] == (
            "Save the new customer first: portal actions need a saved customer."
        )
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert row(screen, "business_name").message == "Enter a Business Name or a Contact Name."
        await pilot.press(*"Birch & Co")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert notes(app)[-1] == "Customer CST-000002 created."
        assert header(screen, "code") == "CST-000002"
        assert box(screen, "code").value == "CST-000002"
        new_id = screen.customer_id
        await pilot.press(*" Ltd", "ctrl+s")  # the same screen now edits it
        await settle(pilot)
        assert notes(app)[-1] == "Customer CST-000002 saved."
    assert reload(new_id).values["business_name"] == "Birch & Co Ltd"
    assert [event.action for event in audit_events(new_id)] == ["created", "updated"]


async def test_missing_customer_says_so_and_goes_back(shown):
    db_url_open, customer = shown
    app = DetailApp(db_url_open, customer.id + 100)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.pause()
        assert app.dismissed == [None]
        assert notes(app) == [f"Customer {customer.id + 100} no longer exists."]


# ------------------------------------------------------------------------- conflicts


async def save_elsewhere(db_url: str, customer_id: int, values: dict[str, object]) -> None:
    """Another staff member's save: another process, with its own connection to the database."""
    script = (
        "import sys; from models.store.db import open_database; "
        "from models.customers import load_customer, save_customer; "
        "from models.staff.session import identify; "
        "open_database(sys.argv[1]); "
        f"save_customer(load_customer({customer_id}), {values!r}, identify())"
    )
    process = await asyncio.create_subprocess_exec(sys.executable, "-c", script, db_url, cwd=REPO)
    assert await asyncio.wait_for(process.wait(), 60) == 0


@pytest.mark.usefixtures("utc_zone")
async def test_conflict_keeps_mine_field_by_field(db_url_open, customer):
    async with detail(db_url_open, customer.id) as (app, pilot, screen):
        await save_elsewhere(
            db_url_open,
            customer.id,
            {
                "business_name": "Maple Leaf Wholesale",
                "billing_city": "Ottawa",
                "contact_name": "Jane Doe-Smith",
            },
        )
        await type_into(pilot, screen, "business_name", "Maple Leaf Retail")
        await type_into(pilot, screen, "contact_name", "J. Doe")
        await type_into(pilot, screen, "vat_number", "")  # unchanged: not part of the save
        await type_into(pilot, screen, "billing_street1", "200 King St")
        await pilot.press("ctrl+s")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ConflictDialog)
        text = screen_text(app)
        assert "Maple Leaf Wholesale" in text and "Maple Leaf Retail" in text
        saved_at = audit_events(customer.id)[-1].at
        assert f"{desk().login} saved this customer at {saved_at:%H:%M} UTC." in text
        assert "Ottawa" in text and "200 King St" in text
        boxes = [checkbox.id for checkbox in dialog.query(Checkbox)]
        assert boxes == ["keep-business_name", "keep-contact_name"]  # both changed these
        assert app.focused.id == "keep-business_name"
        await pilot.press("space", "s")  # keep my business name, take their contact name
        await settle(pilot)
        assert app.screen is screen
        assert notes(app)[-1] == "Customer CST-000001 saved."
        assert box(screen, "billing_city").value == "Ottawa"
    saved = reload(customer.id)
    assert saved.version == customer.version + 2
    assert (
        saved.values["business_name"],
        saved.values["contact_name"],
        saved.values["billing_city"],
        saved.values["billing_street1"],
    ) == ("Maple Leaf Retail", "Jane Doe-Smith", "Ottawa", "200 King St")
    events = audit_events(customer.id)
    assert [event.staff for event in events[-2:]] == [desk().login, desk().login]
    assert event_changes(events[-1]) == {
        "business_name": ("Maple Leaf Wholesale", "Maple Leaf Retail"),
        "billing_street1": ("100 Queen St W", "200 King St"),
    }


async def test_conflict_reload_drops_my_edits_and_cancel_keeps_them(db_url_open, customer):
    async with detail(db_url_open, customer.id) as (app, pilot, screen):
        await save_elsewhere(db_url_open, customer.id, {"business_name": "Theirs Ltd"})
        await type_into(pilot, screen, "business_name", "Mine Ltd")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConflictDialog)
        await pilot.press("escape")  # back to editing: nothing saved, nothing lost
        await settle(pilot)
        assert box(screen, "business_name").value == "Mine Ltd"
        assert reload(customer.id).values["business_name"] == "Theirs Ltd"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConflictDialog)
        await pilot.press("r")
        await settle(pilot)
        assert box(screen, "business_name").value == "Theirs Ltd"
        assert header(screen, "name") == "Theirs Ltd"
        assert not screen.changed_fields()
    assert reload(customer.id).version == customer.version + 1


# ------------------------------------------------------------------------- actions


async def test_actions_menu_runs_and_the_portal_status_refreshes(shown, monkeypatch):
    monkeypatch.setenv("CUSTDESK_BCRYPT_COST", "4")
    db_url_open, customer = shown
    async with detail(db_url_open, customer.id) as (app, pilot, screen):
        await pilot.press("ctrl+o")
        await settle(pilot, lambda: isinstance(app.screen, ActionsMenu), quiet=False)
        await pilot.press("s")
        await settle(pilot, lambda: isinstance(app.screen, ConfirmDialog), quiet=False)
        await pilot.press("y")
        await settle(pilot, lambda: header(screen, "portal") == "Portal: active", quiet=False)
        assert app.screen is screen
        await pilot.click("#actions")  # the button opens the same menu
        await settle(pilot, lambda: isinstance(app.screen, ActionsMenu), quiet=False)
        await pilot.press("escape")
        await settle(pilot, lambda: app.screen is screen, quiet=False)
    with database.connection_context():
        assert PortalAccount.get(PortalAccount.customer == customer.id).status == PORTAL_ACTIVE


# ------------------------------------------------------------------------- untrusted text

HOSTILE = {
    "business_name": "[@click=app.quit]Acme[/] [b]x[/b] Ltd",
    "contact_name": "Zoë \x1b[2J\x1b]0;owned\x07 \u202eevil",
    "billing_city": "مدينة الرياض",
    "billing_street1": "👩‍👩‍👧 Street e\u0301\u0301",
    "billing_contact_name": "N" * 200,
}


@pytest.fixture
def hostile(shown):
    """A customer whose stored text came from somewhere careless (an old import, say)."""
    url, customer = shown
    with database.connection_context():
        Customer.update(HOSTILE).where(Customer.id == customer.id).execute()
    return url, customer


async def test_hostile_stored_text_shows_literally_and_never_reaches_the_terminal_raw(hostile):
    db_url_open, customer = hostile
    async with detail(db_url_open, customer.id) as (app, pilot, screen):
        assert header(screen, "name") == HOSTILE["business_name"]
        assert box(screen, "contact_name").value == HOSTILE["contact_name"]
        for tab in ("f2", "f3", "f4"):
            await pilot.press(tab)
            await pilot.pause()
            text = screen_text(app)
            assert not any(ord(char) < 0x20 or char == "\u202e" for char in text if char != "\n")
        await pilot.press("f2")
        await pilot.pause()
        text = screen_text(app)
        assert "[@click=app.quit]Acme[/] [b]x[/b] Ltd" in text
        assert "Zoë ␛[2J␛]0;owned␇ �evil" in text
        await pilot.click("#header-name")
        await pilot.pause()
        assert app.is_running
        await pilot.press("f3")
        await pilot.pause()
        assert "مدينة الرياض" in screen_text(app)
        assert all(cell_len(line) == SIZE[0] for line in screen_text(app).splitlines())
        await type_into(pilot, screen, "billing_city", "Riyadh")  # any edit: the record is checked
        await pilot.press("ctrl+s")
        await settle(pilot)
        message = row(screen, "contact_name").message
        assert message == validate_customer(HOSTILE).errors["contact_name"]
        assert "U+001B" in message
        assert app.focused is box(screen, "contact_name")


async def test_typed_and_pasted_markup_and_escapes_are_inert(shown):
    db_url_open, customer = shown
    async with detail(db_url_open, customer.id) as (app, pilot, screen):
        await type_into(pilot, screen, "business_name", "[b]x[/b]")
        field = box(screen, "contact_name")
        field.focus()
        await pilot.pause()
        field.post_message(events.Paste("\x1b[2J\x1b[31mred"))
        await pilot.pause()
        assert field.value == "red"  # the paste replaced the selected name, escapes removed
        assert "2 terminal escape sequences were removed" in notes(app)[-1]
        field.insert_text_at_cursor("\x1b[2J")  # as a stored value may hold it
        await pilot.pause()
        text = screen_text(app)
        assert "[b]x[/b]" in text and "red␛[2J" in text
        assert "\x1b" not in text
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "U+001B" in row(screen, "contact_name").message
        assert "\x1b" not in screen_text(app)
    assert reload(customer.id).values["business_name"] == "Maple Leaf Supplies"
