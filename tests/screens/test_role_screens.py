"""What a role may not do shows as unavailable, with the reason, in the footer, help, palette
and Actions menu; a refused attempt through the palette is audited (the real app, SQLite)."""

import pytest
from support.detail import opened_sqlite
from support.portal import desk, make_customer, named_staff
from support.screen import screen_text
from support.waiting import settle
from textual.command import CommandPalette
from textual.widgets import Static

from models.staff.permissions import ROLE_READONLY
from models.store.tables import AuditEvent, Staff
from screens.customer_list import CustomerListScreen
from screens.help_screen import HelpScreen
from tui.app import CustdeskApp
from tui.settings import at_the_desk, resolve_settings

SIZE = (100, 30)


@pytest.fixture
def readonly_app(sqlite_url):
    """The app for someone whose role is readonly (another administrator made it so)."""
    with opened_sqlite(sqlite_url):
        make_customer()
        named_staff("boss", "administrator")
        Staff.update(role=ROLE_READONLY).where(Staff.login == desk().login).execute()
        yield CustdeskApp(at_the_desk(resolve_settings(sqlite_url, None, False)))


async def test_unavailable_keys_are_dimmed_do_nothing_and_help_says_why(readonly_app):
    app = readonly_app
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(
            pilot,
            lambda: isinstance(app.screen, CustomerListScreen) and "1 customer" in screen_text(app),
        )
        screen = app.screen
        assert screen.check_action("export_csv", ()) is None  # the footer draws it dimmed
        assert screen.check_action("new_customer", ()) is None
        assert screen.check_action("focus_search", ()) is True
        await pilot.press("e", "n")
        await settle(pilot)
        assert app.screen is screen  # neither the export dialog nor a new customer opened
        await pilot.press("f1")
        await settle(pilot, lambda: isinstance(app.screen, HelpScreen))
        shown = str(app.screen.query_one("#help-keys", Static).render())
        assert "Export CSV (unavailable: your role (readonly) may not export customers)" in shown
        assert (
            "New (unavailable: your role (readonly) may not create and edit customers and "
            "notes)" in " ".join(shown.split())
        )


async def test_the_actions_menu_names_the_reason(readonly_app):
    app = readonly_app
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot, lambda: "1 customer" in screen_text(app))
        await pilot.press("down", "ctrl+o")
        await settle(pilot, lambda: "Send Activation Email" in screen_text(app))
        shown = screen_text(app)
        assert "Send Activation Email — your role (readonly) may" in shown
        assert "Reset Password and Unlock — your role (readonly)" in shown


async def test_a_refused_command_from_the_palette_is_said_and_audited(readonly_app):
    app = readonly_app
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot, lambda: "1 customer" in screen_text(app))
        await pilot.press("ctrl+p")
        await settle(pilot, lambda: CommandPalette.is_open(app))
        await pilot.press(*"Export CSV")
        await settle(pilot, lambda: "Unavailable: your role (readonly)" in screen_text(app))
        await pilot.press("enter")
        await settle(
            pilot, lambda: any("Not allowed" in str(n.message) for n in app._notifications)
        )
    refused = AuditEvent.get(AuditEvent.result == "refused")
    assert refused.detail == "Refused: your role (readonly) may not export customers."
