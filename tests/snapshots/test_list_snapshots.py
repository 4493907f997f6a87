"""How the customer list looks on an 80×24 terminal (SVG snapshots; review them by eye)."""

import pytest
from support.waiting import settle

from models.store.db import close_database, open_database
from models.store.tables import Customer, PortalAccount
from models.store.upgrade import upgrade_database
from tui.app import CustdeskApp
from tui.settings import at_the_desk, resolve_settings

CITIES = [("London", "GB"), ("Zürich", "CH"), ("Montréal", "CA"), ("", "")]
NAMES = [
    "Acme Trading Ltd",
    "Northwind Traders",
    "Émile Dubois Café",
    "",
    "Globex",
    "Acme Anvils",
    "Zenith Optics",
    "Initech",
]
HOSTILE = [
    "Acme [/] Ltd",
    "[@click=app.quit]x[/]",
    "[b]Bold[/b] [link=http://x]y",
    "Evil \x1b[2J\x1b]52;c;aGk=\x07 Co",
    "\u202eReversed",
    "Zero\u200bWidth",
    "漢字商事ｶﾀｶﾅ",
]


@pytest.fixture
def app(sqlite_url):
    """The app on a SQLite file with the same 40 customers every time."""
    open_database(sqlite_url)
    upgrade_database()
    for n in range(40):
        city, country = CITIES[n % len(CITIES)]
        code = f"CST-{n + 1:06d}"
        Customer.insert(
            code=code,
            code_key=code.casefold(),
            business_name=NAMES[n % len(NAMES)],
            contact_name=f"Contact {n:02d}",
            billing_email=f"c{n:02d}@example.com",
            billing_phone=f"+4420794{n:05d}",
            billing_city=city,
            billing_country=country,
        ).execute()
    PortalAccount.insert(customer=3, status="active").execute()
    PortalAccount.insert(customer=5, status="locked").execute()
    yield CustdeskApp(at_the_desk(resolve_settings(sqlite_url, None, False)))
    close_database()


def after(*keys):
    """A run_before step: press the keys, then let the list's reads finish."""

    async def run(pilot):
        await settle(pilot)
        if keys:
            await pilot.press(*keys)
            await settle(pilot)

    return run


def test_the_list(app, snap_compare):
    assert snap_compare(app, terminal_size=(80, 24), run_before=after())


def test_a_search(app, snap_compare):
    assert snap_compare(app, terminal_size=(80, 24), run_before=after("slash", *"acme"))


def test_sorted_by_city_descending_paged_down(app, snap_compare):
    keys = ["s"] * 4 + ["S", "pagedown", "down"]
    assert snap_compare(app, terminal_size=(80, 24), run_before=after(*keys))


def test_hostile_names(app, snap_compare):
    for n, name in enumerate(HOSTILE):
        code = f"H-{n}"
        Customer.insert(
            code=code,
            code_key=code.casefold(),
            business_name=name,
            contact_name=name,
            billing_city=name,
        ).execute()
    assert snap_compare(app, terminal_size=(80, 24), run_before=after("slash", "h", "-"))


def test_the_list_uses_the_room_at_200x60(app, snap_compare):
    assert snap_compare(app, terminal_size=(200, 60), run_before=after())


def test_a_search_at_200x60(app, snap_compare):
    assert snap_compare(app, terminal_size=(200, 60), run_before=after("slash", *"acme"))
