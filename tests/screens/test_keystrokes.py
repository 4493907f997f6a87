"""The common desk tasks from a fresh start, by keys alone: at most 6 keys besides typed text.

The key lists here are the ones counted in the README; if a task needs more keys, this test
says so before the README does.
"""

import pytest
from support.desk_app import make_app
from support.portal import desk, seen
from support.screen import screen_text
from support.waiting import settle
from textual.command import CommandPalette

from models.customers import create_customer, load_customer
from models.portal.actions import send_activation
from models.store.tables import OutboxMessage, PortalAccount
from screens.customer_detail import CustomerDetailScreen

SEARCH = ["slash", *"ørst"]  # part of the name: "Ørsted Fiskeri"
LOCK = [*SEARCH, "ctrl+o", "l", "y"]
SEND_ACTIVATION = [*SEARCH, "ctrl+o", "s", "y"]


@pytest.fixture
def customer(db, monkeypatch):
    """Two customers; the one the clerk wants is found by part of its name."""
    monkeypatch.setenv("CUSTDESK_BCRYPT_COST", "4")
    create_customer({"business_name": "Acme Ltd", "billing_email": "acme@example.com"}, desk())
    return create_customer(
        {
            "business_name": "Ørsted Fiskeri",
            "billing_email": "o@example.dk",
            "billing_street1": "Åboulevarden 1",
            "billing_city": "Aarhus C",
            "billing_country": "DK",
            "billing_postal_code": "8000",
        },
        desk(),
    ).id


async def press_all(pilot, keys: list[str]) -> None:
    """Press each key, letting the screen catch up after each."""
    for key in keys:
        await pilot.press(key)
        await settle(pilot)


async def test_find_by_part_of_name_and_lock_in_eight_keys(customer, db_url):
    send_activation(customer, desk(), expected_version=seen(customer), sender="desk@example.com")
    app = make_app(db_url)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        await press_all(pilot, LOCK)
        await settle(pilot)
    assert len(LOCK) == 8
    assert PortalAccount.get(PortalAccount.customer == customer).status == "locked"


async def test_send_activation_email_in_eight_keys(customer, db_url):
    app = make_app(db_url)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        await press_all(pilot, SEND_ACTIVATION)
        await settle(pilot)
    assert len(SEND_ACTIVATION) == 8
    assert OutboxMessage.select().where(OutboxMessage.customer == customer).count() == 1


async def test_correct_a_billing_postal_code(customer, db_url):
    keys = [*SEARCH, "enter", "f3", *["tab"] * 7, *"8200", "ctrl+s"]
    app = make_app(db_url)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        await press_all(pilot, SEARCH)
        await pilot.press("enter")
        await settle(pilot, until=lambda: isinstance(app.screen, CustomerDetailScreen))
        await press_all(pilot, keys[len(SEARCH) + 1 :])
        await settle(pilot)
    assert load_customer(customer).values["billing_postal_code"] == "8200"
    assert len(keys) == 19  # 11 without the typed search term and postal code


async def test_correct_a_billing_postal_code_through_the_palette(customer, db_url):
    keys = [*SEARCH, "enter", "ctrl+p", *"bill post", "enter", *"8200", "ctrl+s"]
    app = make_app(db_url)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        await press_all(pilot, SEARCH)
        await pilot.press("enter")
        await settle(pilot, until=lambda: isinstance(app.screen, CustomerDetailScreen))
        await pilot.press("ctrl+p")
        await settle(pilot, lambda: CommandPalette.is_open(app))
        await pilot.press(*"bill post")
        await settle(pilot, lambda: "Go to Billing Postal/Zip Code" in screen_text(app))
        await pilot.press("enter")
        await settle(pilot, lambda: not CommandPalette.is_open(app))
        await press_all(pilot, [*"8200", "ctrl+s"])
        await settle(pilot)
    assert load_customer(customer).values["billing_postal_code"] == "8200"
    assert len(keys) - len("ørst") - len("bill post") - len("8200") == 5


async def test_enter_in_the_search_opens_the_first_match_at_once(customer, db_url):
    """Enter pressed before the results of the typed term arrive opens the first of them."""
    app = make_app(db_url)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press(*SEARCH, "enter")  # no pause: the read of "ørst" may still run
        await settle(pilot, until=lambda: isinstance(app.screen, CustomerDetailScreen))
        assert app.screen.customer_id == customer


async def test_down_in_the_search_moves_into_the_list_and_enter_opens_the_row(customer, db_url):
    app = make_app(db_url)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        await press_all(pilot, ["slash", "down", "down", "enter"])  # Acme, then Ørsted
        await settle(pilot, until=lambda: isinstance(app.screen, CustomerDetailScreen))
        assert app.screen.customer_id == customer
