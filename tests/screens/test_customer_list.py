"""The customer list driven by keys through Textual's pilot, on a real database."""

import subprocess
import sys
from pathlib import Path

import pytest
from rich.cells import cell_len
from support.customers import add
from support.desk_app import make_app
from support.portal import desk
from support.screen import screen_text, summary, table
from support.waiting import settle
from textual.widgets import Input

from models.customers import create_customer
from models.store.tables import Customer, PortalAccount
from screens import customer_list
from screens.customer_detail import CustomerDetailScreen
from screens.customer_list import CustomerListScreen
from screens.dialogs.actions_menu import ActionsMenu
from screens.widgets.customer_table import CustomerTable

REPO = Path(__file__).resolve().parents[2]
SIZE = (80, 24)


def many(count: int) -> list[str]:
    """`count` customers whose codes and business names sort the same way; their codes."""
    codes = [f"CST-{n:06d}" for n in range(1, count + 1)]
    Customer.insert_many(
        [(code, code.casefold(), f"Business {code[-6:]}") for code in codes],
        fields=[Customer.code, Customer.code_key, Customer.business_name],
    ).execute()
    return codes


async def type_search(pilot, text: str) -> None:
    await pilot.press("slash", *text)
    await settle(pilot)


async def test_first_screen_lists_customers_with_their_count(db, db_url):
    add(
        "A-1",
        business_name="Acme Ltd",
        contact_name="Ada Lovelace",
        billing_email="ada@acme.example",
        billing_phone="+15550100",
        billing_city="Leeds",
        billing_country="GB",
    )
    locked = add("B-2", business_name="Bravo", contact_name="Bob")
    PortalAccount.insert(customer=locked, status="locked").execute()
    app = make_app(db_url)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        shown = screen_text(app)
        assert summary(app) == "2 customers"
        for title in ("Code", "Business Name ▲", "Contact", "Portal"):  # the rest below
            assert title in shown
        first, second = shown.splitlines()[3:5]
        assert first.startswith("›A-1") and "Acme Ltd" in first and "Ada Lovelace" in first
        assert "not activated" in first
        assert "Bravo" in second and "locked" in second
        assert "Email: ada@acme.example   Tel: +1 5550100   City: Leeds, GB" in shown
        assert app.focused is table(app)


async def test_search_follows_each_keystroke(db, db_url):
    add("A-1", business_name="Acme Ltd")
    add("A-2", business_name="Acme Anvils")
    add("Z-9", business_name="Zenith")
    app = make_app(db_url)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        assert app.focused is app.screen.query_one("#search", Input)
        await pilot.press("a")
        await settle(pilot)
        assert summary(app) == "2 matches 'a'"
        await pilot.press("c", "m", "e", "space", "l", "t")
        await settle(pilot)
        assert summary(app) == "1 match 'acme lt'"
        assert table(app).current_row.code == "A-1"
        assert not app._notifications  # no read failed or was reported twice


@pytest.mark.parametrize(
    "term, expected",
    [
        ("JOSE", "2 matches 'JOSE'"),
        ("zurich", "1 match 'zurich'"),
        ("555 01", "1 match '555 01'"),
        ("j", "2 matches 'j'"),
        ("qqq", "No customer matches 'qqq'"),
    ],
)
async def test_search_ignores_accents_reads_digits_and_says_when_nothing_matches(
    db, db_url, term, expected
):
    add("C-1", contact_name="José Núñez")
    add("C-2", contact_name="Jose Smith", billing_city="Zürich")
    add("C-3", contact_name="Ann", billing_phone="+15550100")
    app = make_app(db_url)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await type_search(pilot, term)
        assert summary(app) == expected


async def test_escape_clears_the_search(db, db_url):
    many(5)
    app = make_app(db_url)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await type_search(pilot, "000003")
        assert summary(app) == "1 match '000003'"
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen.query_one("#search", Input).value == ""
        assert summary(app) == "5 customers"
        assert app.focused is table(app)


async def test_paging_to_the_end_and_back(db, db_url):
    codes = many(130)
    app = make_app(db_url)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        view = table(app)
        page = view.size.height - 1
        await pilot.press("down", "down")
        assert view.current_row.code == codes[2]
        await pilot.press("pagedown")
        await settle(pilot)
        assert view.current_row.code == codes[2 + page]
        await pilot.press("end")
        await settle(pilot)
        assert view.current_row.code == codes[-1]
        assert f"›{codes[-1]}" in screen_text(app)
        await pilot.press("pageup", "up")
        await settle(pilot)
        assert view.current_row.code == codes[-2 - page]
        await pilot.press("home")
        await settle(pilot)
        assert view.current_row.code == codes[0]
        assert f"›{codes[0]}" in screen_text(app)


async def test_s_changes_the_sort_column_and_shift_s_reverses_it(db, db_url):
    add("A-1", business_name="Zulu", contact_name="Amy")
    add("B-2", business_name="Alpha", contact_name="Zed")
    app = make_app(db_url)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert table(app).current_row.code == "B-2"
        await pilot.press("s")
        await settle(pilot)
        assert "Sorted by Contact Name ▲" in screen_text(app)
        assert table(app).current_row.code == "A-1"
        await pilot.press("S")
        await settle(pilot)
        assert "Sorted by Contact Name ▼" in screen_text(app)
        header = screen_text(app).splitlines()[2]
        assert "Cont" in header and header.count("▼") == 1 and "▲" not in header
        assert table(app).current_row.code == "B-2"


async def test_enter_opens_the_highlighted_customer_and_n_a_new_one(db, db_url):
    wanted = add("B-2", business_name="Bravo")
    add("A-1", business_name="Alpha")
    app = make_app(db_url)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, CustomerDetailScreen)
        assert app.screen.customer_id == wanted
        app.pop_screen()
        await settle(pilot)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, CustomerDetailScreen)
        assert app.screen.customer_id is None


async def test_ctrl_o_opens_the_actions_menu_for_the_highlighted_customer(db, db_url):
    add("A-1", business_name="Alpha", billing_email="alpha@example.com")
    app = make_app(db_url)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+o")
        await settle(pilot, until=lambda: isinstance(app.screen, ActionsMenu))
        await pilot.press("escape")
        await settle(pilot, until=lambda: isinstance(app.screen, CustomerListScreen))


def _add_in_another_process(db_url: str, name: str) -> None:
    """Save a customer the way another desk's custdesk process would."""
    script = (
        "import sys\nfrom models.store.db import open_database\n"
        "from models.store.upgrade import upgrade_database\n"
        "from models.customers import create_customer\n"
        "from models.staff.session import identify\n"
        "open_database(sys.argv[1]); upgrade_database()\n"
        "create_customer({'business_name': sys.argv[2]}, identify())\n"
    )
    subprocess.run(
        [sys.executable, "-c", script, db_url, name],
        cwd=REPO,
        check=True,
        capture_output=True,
        timeout=60,
    )


async def test_ctrl_r_shows_what_another_process_saved(db, db_url):
    create_customer({"business_name": "Alpha"}, desk())
    app = make_app(db_url)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        _add_in_another_process(db_url, "Bravo Elsewhere")
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert summary(app) == "2 customers"
        assert "Bravo Else" in screen_text(app)


async def test_the_list_notices_changes_by_itself_and_only_then_reads_again(
    db, db_url, monkeypatch
):
    monkeypatch.setattr(customer_list, "CHANGE_CHECK_SECONDS", 0.2)  # 2 s in real life
    create_customer({"business_name": "Alpha"}, desk())
    app = make_app(db_url)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await settle(pilot, lambda: app.screen._changes_seen is not None)  # the first check
        # only takes note of the counter
        reads = app.screen._generation
        await pilot.pause(0.7)
        await settle(pilot)
        assert app.screen._generation == reads  # nothing changed: nothing read again
        _add_in_another_process(db_url, "Bravo Elsewhere")
        await settle(pilot, until=lambda: summary(app) == "2 customers")
        assert "Bravo Else" in screen_text(app)


async def test_hostile_names_show_literally_and_do_nothing(db, db_url):
    names = [
        "Acme [/] Ltd",
        "[@click=app.quit]x[/]",
        "[b]Bold[/b] [link=http://x]y",
        "Evil \x1b[2J\x1b]52;c;aGk=\x07 Co",
        "\u202eReversed",
        "Zero\u200bWidth",
        "漢字商事ｶﾀｶﾅ",
    ]
    for number, name in enumerate(names):
        add(f"H-{number}", business_name=name, contact_name=name)
    app = make_app(db_url)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        shown = screen_text(app)
        assert "Acme [/] Ltd" in shown
        assert "[@click=app" in shown
        assert "[b]Bold[/b]" in shown
        assert "Evil ␛[2J␛]" in shown
        assert "\x1b" not in shown and "\x07" not in shown and "\u202e" not in shown
        assert "Zero·Width" in shown and "Reversed" in shown
        assert "漢字商事ｶﾀｶﾅ" in shown
        await pilot.click(CustomerTable, offset=(20, 2))
        await type_search(pilot, "[/]")
        assert summary(app) == "2 matches '[/]'"
        assert app.is_running
        widths = {cell_len(line) for line in screen_text(app).splitlines()}
        assert widths == {SIZE[0]}  # wide characters do not push the columns out of line


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light", "ansi-dark", "ansi-light"])
async def test_the_highlighted_row_stands_out_in_every_theme(db, db_url, theme):
    many(3)
    app = make_app(db_url)
    async with app.run_test(size=SIZE) as pilot:
        app.theme = theme
        await settle(pilot)
        view = table(app)
        for focused in (True, False):
            if not focused:
                await pilot.press("slash")
                await settle(pilot)
            cursor, other = (next(iter(view.render_line(y))).style for y in (1, 2))
            assert view.render_line(1).text.startswith("›")  # marked even without colour
            if theme.startswith("ansi"):  # 16 colours: reverse video, whatever the palette
                assert cursor.reverse and not other.reverse
            else:
                assert cursor.bgcolor != other.bgcolor
