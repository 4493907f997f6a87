"""The Notes, History and Access log tabs page to the oldest row, saying "n of N" (issue 17)."""

import pytest
from support.detail import DetailApp, opened_sqlite
from support.portal import desk
from support.records import many_records
from support.waiting import settle
from textual.widgets import DataTable, OptionList

from models.customers import create_customer
from models.paging import PAGE_ROWS

COUNT = 2 * PAGE_ROWS + 50  # past 200
TABS = {  # key, the tab's id, its noun, the oldest row's text, the rows it has, the key to the end
    "notes": ("f5", "#notes-tab", "notes", "note 0", COUNT, "end"),
    "history": ("f6", "#history-tab", "events", "Created", COUNT + 1, "end"),
    "access": ("f7", "#access-tab", "sign-in attempts", "attempt 0", COUNT, "ctrl+end"),
}


@pytest.fixture
def paged(sqlite_url):
    """The SQLite URL and a customer with COUNT notes, events and sign-in attempts."""
    with opened_sqlite(sqlite_url):
        customer_id = create_customer({"business_name": "Paged Ltd"}, desk()).id
        many_records(customer_id, COUNT)
        yield sqlite_url, customer_id


def count_line(app, tab: str) -> str:
    """The tab's "n of N" line."""
    return str(app.screen.query_one(f"{tab} .record-count").render())


def last_row_text(app, tab: str) -> str:
    """The text of the last row the tab lists."""
    rows = app.screen.query_one(f"{tab} #access-table, {tab} OptionList")
    if isinstance(rows, DataTable):
        return " ".join(str(cell) for cell in rows.get_row_at(rows.row_count - 1))
    assert isinstance(rows, OptionList)
    return str(rows.get_option_at_index(rows.option_count - 1).prompt)


@pytest.mark.parametrize("name", TABS)
async def test_a_record_tab_pages_to_the_oldest_row_with_the_count(paged, name):
    key, tab, noun, oldest, total, to_the_end = TABS[name]
    url, customer_id = paged
    app = DetailApp(url, customer_id)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, lambda: app.screen.query(tab))
        await pilot.press(key)
        first = f"{PAGE_ROWS} of {total:,} {noun} (older ones load at the end of the list)"
        await settle(pilot, lambda: count_line(app, tab) == first)
        assert oldest not in last_row_text(app, tab)
        app.screen.query_one(f"{tab} #access-table, {tab} OptionList").focus()
        for shown in (2 * PAGE_ROWS, total):
            await pilot.press(to_the_end)
            await settle(pilot, lambda shown=shown: count_line(app, tab).startswith(f"{shown}"))
        assert count_line(app, tab) == f"{total} of {total} {noun}"
        assert oldest in last_row_text(app, tab)
