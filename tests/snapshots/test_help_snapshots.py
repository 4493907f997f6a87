"""How the help screen looks on an 80×24 terminal, in the dark and the light theme (SVG
snapshots; review them by eye)."""

import pytest
from support.waiting import settle

from models.store.db import close_database, open_database
from models.store.tables import Customer
from models.store.upgrade import upgrade_database
from tui.app import CustdeskApp
from tui.settings import at_the_desk, resolve_settings


@pytest.fixture
def app(sqlite_url):
    """The app on a SQLite file with the same 30 customers every time."""
    open_database(sqlite_url)
    upgrade_database()
    for n in range(30):
        code = f"CST-{n + 1:06d}"
        Customer.insert(
            code=code,
            code_key=code.casefold(),
            business_name=f"Business {n:02d}",
            contact_name=f"Contact {n:02d}",
        ).execute()
    yield CustdeskApp(at_the_desk(resolve_settings(sqlite_url, None, False)))
    close_database()


def after(*keys):
    """A run_before step: let the list's reads finish, then press the keys."""

    async def run(pilot):
        await settle(pilot)
        await pilot.press(*keys)
        await pilot.pause()

    return run


def test_help_over_the_list(app, snap_compare):
    assert snap_compare(app, terminal_size=(80, 24), run_before=after("question_mark"))


def test_help_scrolled_to_the_end(app, snap_compare):
    assert snap_compare(app, terminal_size=(80, 24), run_before=after("question_mark", "end"))


def test_help_in_the_light_theme(app, snap_compare):
    assert snap_compare(app, terminal_size=(80, 24), run_before=after("ctrl+t", "question_mark"))


def test_help_at_200x60(app, snap_compare):
    assert snap_compare(app, terminal_size=(200, 60), run_before=after("question_mark"))
