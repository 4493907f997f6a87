"""Snapshots of each tab of the customer detail screen at 80×24 and 160×50.

The customer is fixed, the cursor does not blink, and nothing on the screen shows a time, a
date or the staff name, so a snapshot changes only when the screen does. After a deliberate
change, look at the new pictures and accept them: pytest tests/test_detail_snapshots.py
--snapshot-update.
"""

import pytest
from detail_support import SAMPLE, DetailApp, opened_sqlite

from models.customers import create_customer

TABS = {"info": "f2", "addresses": "f3", "advanced": "f4"}
SIZES = {"80x24": (80, 24), "160x50": (160, 50)}


@pytest.fixture
def fixed_customer(sqlite_url):
    """The SQLite URL and the id of the one customer the snapshots show."""
    with opened_sqlite(sqlite_url):
        yield sqlite_url, create_customer(SAMPLE, "seed").id


async def loaded(pilot) -> None:
    """Wait until the customer is on the screen."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("tab", TABS)
def test_tab_snapshot(snap_compare, fixed_customer, tab, size):
    url, customer_id = fixed_customer
    app = DetailApp(url, customer_id, steady_cursor=True)
    assert snap_compare(app, terminal_size=SIZES[size], run_before=loaded, press=[TABS[tab]])
