"""Snapshots of each tab of the customer detail screen at 80×24 and 160×50.

The customer is fixed, the cursor does not blink, and the times and staff names the record tabs
show are fixed too, so a snapshot changes only when the screen does. After a deliberate
change, look at the new pictures and accept them: pytest tests/test_detail_snapshots.py
--snapshot-update.
"""

import pytest
from support.detail import SAMPLE, DetailApp, opened_sqlite, with_records
from support.portal import (
    named_staff,
)
from support.waiting import settle

from models.customers import create_customer

TABS = {"info": "f2", "addresses": "f3", "advanced": "f4"}
RECORD_TABS = {"notes": "f5", "history": "f6", "access": "f7"}
SIZES = {"80x24": (80, 24), "160x50": (160, 50), "200x60": (200, 60)}


@pytest.fixture
def fixed_customer(sqlite_url):
    """The SQLite URL and the id of the one customer the snapshots show."""
    with opened_sqlite(sqlite_url):
        customer_id = create_customer(SAMPLE, named_staff("seed")).id
        with_records(customer_id)
        yield sqlite_url, customer_id


def settled_on(key: str):
    """A run_before step: wait until the customer is on the screen, press the tab's key, and
    wait until the tab has read its records."""

    async def run(pilot) -> None:
        await settle(pilot)
        await pilot.press(key)
        await settle(pilot)

    return run


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("tab", TABS)
def test_tab_snapshot(snap_compare, fixed_customer, tab, size):
    url, customer_id = fixed_customer
    app = DetailApp(url, customer_id, steady_cursor=True)
    assert snap_compare(app, terminal_size=SIZES[size], run_before=settled_on(TABS[tab]))


def record_tab_matches(snap_compare, fixed_customer, tab: str, size: str) -> bool:
    """Whether a record tab at one size looks as its snapshot does."""
    url, customer_id = fixed_customer
    app = DetailApp(url, customer_id, steady_cursor=True)
    return snap_compare(app, terminal_size=SIZES[size], run_before=settled_on(RECORD_TABS[tab]))


@pytest.mark.parametrize("tab", RECORD_TABS)
def test_record_tab_snapshot(snap_compare, fixed_customer, tab):
    assert record_tab_matches(snap_compare, fixed_customer, tab, "80x24")


@pytest.mark.parametrize("tab", RECORD_TABS)
def test_record_tab_snapshot_at_200x60(snap_compare, fixed_customer, tab):
    assert record_tab_matches(snap_compare, fixed_customer, tab, "200x60")
