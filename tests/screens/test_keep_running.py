"""An unexpected error in one of custdesk's handlers is logged and shown; the app goes on and
what the clerk typed is kept (issue 8: never a traceback, no unsaved edit lost).

The errors are injected by replacing one handler with a broken one: there is no honest way to
make working code fail unexpectedly, and the point is what happens around the failure.
"""

import pytest
from support.desk_app import make_app
from support.portal import desk
from support.screen import screen_text
from support.waiting import settle
from textual.screen import Screen
from textual.widgets import Input

from models.customers import create_customer, load_customer
from screens.customer_detail import CustomerDetailScreen
from screens.customer_list import CustomerListScreen
from screens.widgets.keep_running import KeepRunning
from tui.error_log import error_log_path

SIZE = (80, 24)


@pytest.fixture
def customer(db):
    """One customer, found by typing part of its name."""
    return create_customer(
        {
            "business_name": "Maple Leaf Supplies",
            "contact_name": "Jane Doe",
            "billing_email": "jane@example.com",
        },
        desk(),
    ).id


def error_toasts(app) -> list:
    return [toast for toast in app._notifications if toast.severity == "error"]


async def open_and_type(pilot, text: str) -> Input:
    """Open the only customer and type into its contact name; returns that field."""
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(pilot.app.screen, CustomerDetailScreen)
    field = pilot.app.screen.query_one("#contact_name", Input)
    field.focus()
    await pilot.press("end", *text)
    await settle(pilot)
    return field


def broken(*_args) -> None:
    raise ZeroDivisionError("a [b]bug[/b] in custdesk")


async def test_an_error_in_an_action_is_shown_and_the_typed_edit_is_kept_and_saved(
    customer, db_url, monkeypatch
):
    monkeypatch.setattr(CustomerDetailScreen, "action_copy_billing", broken)
    app = make_app(db_url)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        field = await open_and_type(pilot, " Jr")
        await pilot.press("f8")  # copy billing to shipping: now broken
        await settle(pilot)
        assert app.is_running and isinstance(app.screen, CustomerDetailScreen)
        [toast] = error_toasts(app)
        assert not toast.markup and "ZeroDivisionError" in toast.message
        assert "a [b]bug[/b] in custdesk" in toast.message
        assert "what you typed is still there" in toast.message
        assert str(error_log_path()) in toast.message
        assert field.value == "Jane Doe Jr"
        await pilot.press("ctrl+s")  # the screen still answers keys, and the edit is saved
        await settle(pilot)
    assert load_customer(customer).values["contact_name"] == "Jane Doe Jr"
    log = error_log_path().read_text()
    assert "Traceback (most recent call last)" in log and "ZeroDivisionError" in log


async def test_an_error_in_a_screen_handler_leaves_the_screen_working(
    customer, db_url, monkeypatch
):
    monkeypatch.setattr(CustomerDetailScreen, "on_descendant_blur", broken)
    app = make_app(db_url)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        field = await open_and_type(pilot, " Jr")
        await pilot.press("tab")  # leaving the field runs the broken handler
        await settle(pilot)
        assert len(error_toasts(app)) == 1
        await pilot.press("tab", "tab")  # the same error again: logged, not shown again
        await settle(pilot)
        assert len(error_toasts(app)) == 1
        field.focus()
        await pilot.press("end", "!")  # the screen still takes typing
        await settle(pilot)
        assert field.value == "Jane Doe Jr!"
        await pilot.press("ctrl+s")
        await settle(pilot)
    assert load_customer(customer).values["contact_name"] == "Jane Doe Jr!"
    assert error_log_path().read_text().count("ZeroDivisionError: a [b]bug[/b]") >= 2


async def test_an_error_in_a_list_action_leaves_the_list_answering(customer, db_url, monkeypatch):
    monkeypatch.setattr(CustomerListScreen, "action_next_sort", broken)
    app = make_app(db_url)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        assert len(error_toasts(app)) == 1
        await pilot.press("slash", *"maple")
        await settle(pilot)
        assert "1 match" in screen_text(app)


class UnbuildableScreen(KeepRunning, Screen):
    """A screen whose compose fails: there is nothing to go on with."""

    def compose(self):
        raise KeyError("no such thing")
        yield


async def test_a_screen_that_cannot_be_built_stops_the_app_with_one_line(customer, db_url, capsys):
    app = make_app(db_url)
    with pytest.raises(KeyError):
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            app.push_screen(UnbuildableScreen())
            await pilot.pause()
    assert app.return_code == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert err.strip() == (
        "custdesk stopped after an unexpected error (KeyError); the details "
        f"are in {error_log_path()}"
    )
    log = error_log_path().read_text()
    assert "Traceback (most recent call last)" in log and "no such thing" in log


def test_every_screen_and_widget_of_custdesk_keeps_running():
    """A checked rule: each Textual screen or widget class in screens/ mixes in KeepRunning."""
    import importlib
    import inspect
    import pkgutil

    from textual.message_pump import MessagePump

    import screens

    missing = []
    for module_info in pkgutil.iter_modules(screens.__path__):
        module = importlib.import_module(f"screens.{module_info.name}")
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if (
                cls.__module__ == module.__name__
                and issubclass(cls, MessagePump)
                and not issubclass(cls, KeepRunning)
            ):
                missing.append(f"{module.__name__}.{name}")
    assert not missing, f"these do not mix in KeepRunning: {missing}"
