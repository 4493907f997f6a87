"""The detail screen's tabs in the seeds' words where the width allows, short at 80 columns, and
each form panel under its seed heading (issue 17)."""

import pytest
from support.desk_views import screen_lines
from support.detail import SAMPLE, DetailApp, opened_sqlite
from support.portal import desk
from support.waiting import settle
from textual.widgets import TabbedContent

from models.customers import create_customer

SHORT = ["Info", "Addresses", "Options"]
LONG = ["Customer Information", "Billing & Shipping", "Advanced Options"]
HEADINGS = {"f2": "Customer Information", "f3": "Billing and Shipping", "f4": "Advanced Options"}


@pytest.fixture
def customer(sqlite_url):
    """The SQLite URL and a saved customer's id."""
    with opened_sqlite(sqlite_url):
        yield sqlite_url, create_customer(SAMPLE, desk()).id


def tab_titles(app) -> list[str]:
    """The titles of the three form tabs."""
    tabs = app.screen.query_one(TabbedContent)
    return [tabs.get_tab(pane).label.plain for pane in ("info", "addresses", "advanced")]


@pytest.mark.parametrize(("width", "titles"), [(80, SHORT), (99, SHORT), (100, LONG), (120, LONG)])
async def test_tab_titles_by_width(customer, width, titles):
    url, customer_id = customer
    app = DetailApp(url, customer_id)
    async with app.run_test(size=(width, 24)) as pilot:
        await settle(pilot, lambda: app.screen.query(TabbedContent))
        assert tab_titles(app) == titles
        tab_row = next(line for line in screen_lines(app) if "Notes" in line)
        assert all(title in tab_row for title in titles), tab_row
        assert "Access log" in tab_row  # every tab still shows


async def test_tab_titles_switch_on_resize(customer):
    url, customer_id = customer
    app = DetailApp(url, customer_id)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, lambda: app.screen.query(TabbedContent))
        await pilot.resize_terminal(120, 30)
        await settle(pilot, lambda: tab_titles(app) == LONG)
        await pilot.resize_terminal(80, 24)
        await settle(pilot, lambda: tab_titles(app) == SHORT)


@pytest.mark.parametrize("key", HEADINGS)
async def test_each_form_panel_carries_its_seed_heading(customer, key):
    url, customer_id = customer
    app = DetailApp(url, customer_id)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, lambda: app.screen.query(TabbedContent))
        await pilot.press(key)
        await settle(pilot, lambda: any(HEADINGS[key] in line for line in screen_lines(app)))
