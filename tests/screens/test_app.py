"""App-wide behaviour through Textual's pilot: help, command palette, themes, the error log,
no animation, and NO_COLOR (in a real pseudo-terminal)."""

import json
import re
import sys

import pytest
from support.customers import add
from support.desk_app import make_app
from support.screen import screen_text
from support.waiting import settle
from textual.command import CommandPalette
from textual.widgets import Static

from bench.idle_bench import PtyProgram, app_env
from models.store.db import close_database, open_database
from models.store.tables import Customer
from models.store.upgrade import upgrade_database
from screens.customer_detail import CustomerDetailScreen
from screens.customer_list import CustomerListScreen
from screens.help_screen import HelpScreen
from tui.error_log import error_log_path
from tui.preferences import DARK_THEME, LIGHT_THEME, preferences_path

SIZE = (80, 24)


def help_text(app) -> str:
    return str(app.screen.query_one("#help-keys", Static).render())


def toasts(app) -> list:
    return list(app._notifications)


# --- help ---


async def test_question_mark_lists_the_keys_of_the_list(db, db_url):
    add("A-1", business_name="Acme Ltd")
    app = make_app(db_url)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        shown = help_text(app)
        for binding in CustomerListScreen.BINDINGS:  # generated from the bindings themselves
            if binding.description and binding.key not in ("down", "D"):
                # (the table's own ↓ wins there; D adds demo customers on the demo database)
                assert binding.description in shown, binding
        assert re.search(r"/\s+Search", shown) and re.search(r"s\s+Sort", shown)
        assert "Help" in shown and "Light/dark theme" in shown  # the app-wide ones too
        await pilot.press("escape")
        assert isinstance(app.screen, CustomerListScreen)


async def test_help_on_the_detail_screen_lists_its_keys(db, db_url):
    customer = add("A-1", business_name="Acme Ltd")
    app = make_app(db_url)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(CustomerDetailScreen(customer))
        await pilot.pause()
        await pilot.press("f1")  # `?` would be typed into the focused field
        assert isinstance(app.screen, HelpScreen)
        shown = help_text(app)
        assert "Save" in shown and "Back" in shown
        assert "Sort" not in shown  # the list's keys belong to the list
        await pilot.press("escape")
        assert isinstance(app.screen, CustomerDetailScreen)


# --- command palette ---


@pytest.mark.parametrize("typed", ["wind", "n-7", "nancy"])  # part of a name, a code
async def test_palette_opens_the_customer_found(db, db_url, typed):
    add("A-1", business_name="Acme Ltd")
    wanted = add("N-7", business_name="Northwind Traders", contact_name="Nancy")
    app = make_app(db_url)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        assert CommandPalette.is_open(app)
        await pilot.press(*typed)
        await settle(pilot, lambda: "N-7  Northwind Traders · Nancy" in screen_text(app))
        assert "Acme" not in screen_text(app)
        await pilot.press("enter")
        await settle(pilot, lambda: isinstance(app.screen, CustomerDetailScreen))
        assert app.screen.customer_id == wanted


async def test_palette_runs_an_action_of_the_current_screen(db, db_url):
    add("A-1", business_name="Acme Ltd")
    app = make_app(db_url)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        before = str(app.screen.query_one("#sort-hint", Static).render())
        await pilot.press("ctrl+p", *"reverse")
        await settle(pilot, lambda: "Key: S" in screen_text(app))
        await pilot.press("enter")
        await settle(pilot, until=lambda: not CommandPalette.is_open(app))
        after = str(app.screen.query_one("#sort-hint", Static).render())
        assert "▲" in before and "▼" in after


async def test_palette_shows_hostile_names_literally(db, db_url):
    add("H-1", business_name="Acme [/] Ltd [@click=app.quit]x[/]")
    app = make_app(db_url)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p", *"acme")
        await settle(pilot, lambda: "Acme [/] Ltd [@click=app.quit]x[/]" in screen_text(app))
        assert app.is_running and not toasts(app)


# --- theme ---


async def test_theme_choice_is_remembered_between_runs(db, db_url):
    add("A-1", business_name="Acme Ltd")
    for starts, switched in [(DARK_THEME, LIGHT_THEME), (LIGHT_THEME, DARK_THEME)]:
        app = make_app(db_url)  # a new run in the same config folder
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert app.theme == starts
            await pilot.press("ctrl+t")
            assert app.theme == switched
        assert json.loads(preferences_path().read_text())["theme"] == switched


@pytest.mark.parametrize(
    "content",
    ["{not json", "[1, 2]", '{"theme": 7}', '{"theme": "no-such-theme"}', b"\xff\xfe\x00"],
)
async def test_a_bad_preferences_file_is_ignored_with_a_warning(db, db_url, content):
    path = preferences_path()
    path.parent.mkdir(parents=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    app = make_app(db_url)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.theme == DARK_THEME
        assert isinstance(app.screen, CustomerListScreen)
    assert "WARNING" in error_log_path().read_text()


async def test_an_unreadable_preferences_file_is_ignored(db, db_url):
    preferences_path().mkdir(parents=True)  # a folder where the file should be
    app = make_app(db_url)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.theme == DARK_THEME
        await pilot.press("ctrl+t")  # cannot be saved either: logged, not raised
        assert app.theme == LIGHT_THEME
    log = error_log_path().read_text()
    assert "Ignoring the preferences file" in log and "Could not save the preferences" in log


# --- errors ---


async def test_an_error_in_a_worker_is_logged_and_shown_and_the_app_goes_on(db, db_url):
    add("A-1", business_name="Acme Ltd")
    app = make_app(db_url)

    def broken() -> None:
        raise RuntimeError("disk [b]on[/b] fire")

    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        worker = app.screen.run_worker(broken, thread=True)
        await settle(pilot, lambda: worker.is_finished and toasts(app))
        [toast] = toasts(app)
        assert toast.severity == "error" and toast.timeout >= 30 and not toast.markup
        assert "disk [b]on[/b] fire" in toast.message
        assert str(error_log_path()) in toast.message
        assert app.is_running and isinstance(app.screen, CustomerListScreen)
        await pilot.press("s")  # still answering keys
        await settle(pilot)
        assert "Sorted by Contact Name" in str(app.screen.query_one("#sort-hint", Static).render())
    log = error_log_path().read_text()
    assert "Traceback (most recent call last)" in log
    assert 'raise RuntimeError("disk [b]on[/b] fire")' in log


# --- slow links and colour ---


async def test_no_animation_by_default_and_a_steady_cursor(db, db_url, monkeypatch):
    monkeypatch.delenv("TEXTUAL_ANIMATIONS", raising=False)
    app = make_app(db_url)
    assert app.animation_level == "none"
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        search = app.screen.query_one("#search")
        assert app.focused is search and not search.cursor_blink


TRUECOLOR = re.compile(rb"\x1b\[[0-9;]*?[34]8;2;(\d+);(\d+);(\d+)")


def painted_colours(tmp_path, sqlite_url, **env) -> set[tuple[int, int, int]]:
    """The truecolor colours of custdesk's first screen, in a real pseudo-terminal."""
    program = PtyProgram(
        [sys.executable, "-m", "tui", "--db", sqlite_url], app_env(tmp_path, **env)
    )
    try:
        output = program.read_until(b"1 customer", timeout=30)
        output += program.read_until_quiet(quiet=0.3)
    finally:
        program.close()
    return {tuple(int(part) for part in found.groups()) for found in TRUECOLOR.finditer(output)}


def test_no_color_paints_in_greys_only(tmp_path, sqlite_url):
    open_database(sqlite_url)
    upgrade_database()
    Customer.insert(code="A-1", code_key="a-1", business_name="Acme").execute()
    close_database()
    coloured = painted_colours(tmp_path, sqlite_url)
    assert any(len(set(colour)) > 1 for colour in coloured)  # normally there is colour
    greys = painted_colours(tmp_path, sqlite_url, NO_COLOR="1")
    assert greys and all(len(set(colour)) == 1 for colour in greys), greys


async def test_errors_stay_until_dismissed_with_ctrl_x(db_url, db):
    from tui.app import CustdeskApp
    from tui.settings import at_the_desk, resolve_settings

    app = CustdeskApp(at_the_desk(resolve_settings(db_url, None, False)))
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause()
        app.notify("It broke.", severity="error", markup=False)
        app.notify("Saved.", markup=False)
        await pilot.pause()
        error, info = list(app._notifications)
        assert error.timeout >= 3600 and info.timeout < 60
        await pilot.press("ctrl+x")
        await pilot.pause()
        assert not list(app._notifications)


async def test_ctrl_x_dismisses_messages_first_and_cuts_in_a_field_when_there_are_none(db_url, db):
    app = make_app(db_url)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"acme")
        app.notify("It broke.", severity="error", markup=False)
        await pilot.pause()
        await pilot.press("ctrl+shift+a", "ctrl+x")  # select all, then: the message goes
        await pilot.pause()
        search = app.screen.query_one("#search")
        assert not list(app._notifications) and search.value == "acme"
        await pilot.press("ctrl+x")  # no message left: the field's own cut
        await pilot.pause()
        assert search.value == ""


async def test_f1_shows_the_keys_from_a_text_field_and_from_a_dialog(db, db_url):
    add("A-1", business_name="Acme Ltd")
    app = make_app(db_url)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", "f1")  # in the search field, where ? is typed
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen) and "Search" in help_text(app)
        await pilot.press("escape", "escape", "delete")  # the archive confirm
        await settle(pilot)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert "Yes" in help_text(app)
