"""The app paints its first frame, then opens the database (issue 16 point 3): the list follows,
and a database that cannot be used ends the app with the error kept for the command line."""

import threading

from support.portal import desk

from models.customers import create_customer
from models.store.db import DatabaseUnavailable, close_database
from screens.customer_list import CustomerListScreen
from tui.app import CustdeskApp
from tui.settings import at_the_desk, resolve_settings


async def test_the_list_follows_the_opening_frame(db, db_url):
    create_customer({"business_name": "Acme Ltd"}, desk())
    close_database()
    app = CustdeskApp(None, opening=lambda: at_the_desk(resolve_settings(db_url, None, False)))
    async with app.run_test(size=(80, 24)) as pilot:
        assert str(app.query_one("#opening").render()) == "custdesk: opening the database…"
        for _ in range(100):
            if isinstance(app.screen, CustomerListScreen):
                break
            await pilot.pause(0.05)
        assert isinstance(app.screen, CustomerListScreen)
        assert app.settings.staff.login == desk().login


async def test_a_database_that_cannot_be_opened_ends_the_app(tmp_path):
    def opening():
        raise DatabaseUnavailable("The folder /nowhere does not exist.")

    app = CustdeskApp(None, opening=opening)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.1)
    assert app.return_code == 2
    assert str(app.opening_error) == "The folder /nowhere does not exist."


async def test_the_screen_answers_while_the_database_opens(db, db_url):
    close_database()
    gate = threading.Event()
    answered = []

    def slow_opening():
        if not gate.wait(10):  # on the UI thread, nothing could set it: the opening must not be
            raise TimeoutError("the opening blocked the screen")
        return at_the_desk(resolve_settings(db_url, None, False))

    app = CustdeskApp(None, opening=slow_opening)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.2)  # the opening has started and waits on the gate
        answered.append(str(app.query_one("#opening").render()))
        gate.set()
        for _ in range(100):
            if isinstance(app.screen, CustomerListScreen):
                break
            await pilot.pause(0.05)
        assert isinstance(app.screen, CustomerListScreen)
    assert answered == ["custdesk: opening the database…"]
    assert app.opening_error is None
