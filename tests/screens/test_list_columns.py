"""The list at 80, 120 and 200 columns: whole names, more columns as the width allows, a
preview line of the highlighted customer, telephones formatted for reading (issue 17)."""

import pytest
from support.desk_views import desk_app, screen_lines
from support.portal import desk
from support.waiting import settle

from models.customers import create_customer, load_customer
from screens.widgets.customer_table import COLUMNS, CustomerTable, column_layout, shown_columns

LONG_NAME = "Müller & Hofmann Präzisionswerkzeuge"  # 36 characters


@pytest.fixture
def db_url(sqlite_url):
    """SQLite: what is tested is the drawing, not the database."""
    return sqlite_url


@pytest.fixture
def customer(db):
    """A customer with a long name, an email, a telephone and a city."""
    return create_customer(
        {
            "business_name": LONG_NAME,
            "contact_name": "Adams & Keller",
            "billing_email": "einkauf@mueller-hofmann.example",
            "billing_phone": "+14155550100",
            "billing_street1": "1 Market Street",
            "billing_city": "San Francisco",
            "billing_country": "US",
            "billing_state": "US-CA",
            "billing_postal_code": "94105",
        },
        desk(),
    ).id


def titles(width: int) -> list[str]:
    """The titles of the columns a table this wide shows."""
    return [COLUMNS[index].title for index in shown_columns(width)]


def test_columns_chosen_by_width():
    all_titles = [column.title for column in COLUMNS]
    assert titles(79) == ["Code", "Business Name", "Contact Name", "Portal"]
    assert titles(99) == ["Code", "Business Name", "Contact Name", "Telephone", "Portal"]
    assert titles(119) == [title for title in all_titles if title != "City / Country"]
    assert titles(199) == all_titles
    for width in (79, 99, 119, 199):
        layout = dict(column_layout(width))
        assert layout[1] >= 36  # the business name: 36 characters or more
        assert len(layout) - 1 + 1 + sum(layout.values()) == width  # gaps, gutter, columns


@pytest.mark.parametrize(
    ("size", "shown", "hidden"),
    [
        ((80, 24), ["Business Name", "Contact Name", "Portal"], ["Email", "Telephone", "City"]),
        ((120, 30), ["Business Name", "Email", "Telephone", "Portal"], ["City"]),
        ((200, 60), ["Business Name", "Email", "Telephone", "City", "Portal"], []),
    ],
)
async def test_the_list_shows_whole_names_and_the_columns_that_fit(
    customer, db_url, size, shown, hidden
):
    app = desk_app(db_url)
    async with app.run_test(size=size) as pilot:
        await settle(pilot, lambda: app.screen.query_one(CustomerTable).current_row)
        lines = screen_lines(app)
        header = next(line for line in lines if "Code" in line and "Portal" in line)
        assert all(title in header for title in shown), header
        assert not any(title in header for title in hidden), header
        row = next(line for line in lines if "Müller" in line)
        assert LONG_NAME in row and "Adams & Keller" in row
        if size[0] >= 120:  # the telephone formatted for reading
            assert "+1 415-555-0100" in row
        if size[0] >= 200:
            assert "einkauf@mueller-hofmann.example" in row and "San Francisco, US" in row


async def test_the_preview_line_shows_email_telephone_and_city(customer, db_url):
    app = desk_app(db_url)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, lambda: app.screen.query_one(CustomerTable).current_row)
        preview = str(app.screen.query_one("#preview").render())
        assert preview == (
            "Email: einkauf@mueller-hofmann.example   Tel: +1 415-555-0100   "
            "City: San Francisco, US"
        )
        assert any(preview[:60] in line for line in screen_lines(app))


def test_telephones_are_stored_in_e164_and_shown_formatted(customer):
    from models.search.query import CustomerResults, ListQuery

    assert load_customer(customer).values["billing_phone"] == "+14155550100"
    [row] = CustomerResults(ListQuery()).first(10)
    assert row.telephone == "+1 415-555-0100"
