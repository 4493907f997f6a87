"""Notes, history and access log read a page at a time, newest first, by keyset, with the count
of all (issue 17)."""

from support.portal import desk
from support.records import many_records

from models.audit.access_log import access_log_page
from models.customers import create_customer
from models.history import history_page
from models.notes import notes_page
from models.paging import PAGE_ROWS

COUNT = 2 * PAGE_ROWS + 50


def every_page(read, customer_id: int) -> tuple[list, list[int]]:
    """Every row, page after page, and each page's total."""
    rows, totals, after = [], [], None
    while True:
        page = read(customer_id, desk(), after)
        rows += page.rows
        totals.append(page.total)
        if not page.more:
            return rows, totals
        assert len(page.rows) == PAGE_ROWS
        after = page.rows[-1]


def test_notes_page_to_the_oldest(db):
    customer_id = create_customer({"business_name": "Paged Ltd"}, desk()).id
    many_records(customer_id, COUNT)
    rows, totals = every_page(notes_page, customer_id)
    assert [note.body for note in rows] == [f"note {n}" for n in reversed(range(COUNT))]
    assert totals == [COUNT] * 3


def test_history_pages_to_the_oldest(db):
    customer_id = create_customer({"business_name": "Paged Ltd"}, desk()).id
    many_records(customer_id, COUNT)
    rows, totals = every_page(history_page, customer_id)
    assert len(rows) == COUNT + 1  # and its creation
    assert rows[0].lines == ("event " + str(COUNT - 1),)
    assert rows[-1].title == "Created"
    assert totals == [COUNT + 1] * 3


def test_access_log_pages_to_the_oldest_and_audits_one_reading(db):
    customer_id = create_customer({"business_name": "Paged Ltd"}, desk()).id
    many_records(customer_id, COUNT)
    rows, totals = every_page(access_log_page, customer_id)
    assert [row.reason for row in rows] == [f"attempt {n}" for n in reversed(range(COUNT))]
    assert totals == [COUNT] * 3
    readings = [
        row for row in history_page(customer_id, desk()).rows if row.action == "access_log_read"
    ]
    assert len(readings) == 1  # the pages after the first continue that reading
