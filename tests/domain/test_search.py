"""Search and paging of the customer list, on both engines, without a UI."""

import itertools
import unicodedata

import peewee as pw
import pytest
from playhouse.migrations import Runner
from support.portal import desk

from models.clock import utcnow
from models.customers import create_customer, save_customer
from models.search.query import (
    SORT_ORDERS,
    CustomerResults,
    ListQuery,
    ReadCancelled,
    change_marker,
    parse_term,
)
from models.store.db import close_database, database, open_database
from models.store.migrations.frozen_search import pg_fold_functions_sql
from models.store.search_copy import BLANK_LAST, digits, fold, search_text, sort_key
from models.store.tables import PORTAL_STATUS_LABELS, Customer, PortalAccount
from models.store.upgrade import MIGRATIONS_DIR, upgrade_database

_numbers = itertools.count(1)


def add(code: str | None = None, **values) -> int:
    """Insert a customer directly (no validation): the triggers and columns do the rest."""
    code = code or f"T-{next(_numbers):05d}"
    return Customer.insert(code=code, code_key=code.casefold(), **values).execute()


def ids(rows) -> list[int]:
    return [row.id for row in rows]


def found(text: str, **query) -> list[int]:
    return ids(CustomerResults(ListQuery(text, **query)).first(1000))


# --- folding, without a database ---


def test_fold_lowers_and_strips_accents_and_marks():
    assert fold("JOSÉ Müller-Łukasz Straße Ærø") == "jose muller-lukasz strasse aero"
    assert fold("a\x1eb\x1fc") == "a b c"


def test_fold_is_the_same_for_composed_and_decomposed_text():
    composed = "José Müller Ærø Ñandú"
    decomposed = unicodedata.normalize("NFD", composed)
    assert decomposed != composed
    assert fold(decomposed) == fold(composed) == "jose muller aero nandu"
    assert parse_term(decomposed) == parse_term(composed)


def test_digits_keep_only_digits():
    assert digits("+1 (555) 010-0") == "15550100"


def test_search_text_marks_code_and_email_then_fields():
    text = search_text("CST-1", "Ada@Example.com", "Acme", "Ada", "Zürich", "+41 44 000")
    assert text == "\x1ecst-1\x1eada@example.com\x1e\x1facme\x1fada\x1fzurich\x1f4144000\x1f"


def test_blank_values_sort_last():
    assert sort_key("") == BLANK_LAST
    assert sort_key("Zz") < sort_key("")


def test_phone_like_terms_search_by_digits():
    assert parse_term("555 01").words == ("55501",)
    assert parse_term("  Acme   LTD ").words == ("acme", "ltd")
    assert parse_term("   ") is None


# --- matching ---


@pytest.mark.parametrize(
    "field, value, term",
    [
        ("code", "ZX-9001", "x-90"),
        ("business_name", "Northwind Traders", "wind tra"),
        ("contact_name", "Ada Lovelace", "lovel"),
        ("billing_email", "ada@analytical.example", "analytical"),
        ("billing_city", "Reykjavík", "kjav"),
    ],
)
def test_search_matches_anywhere_in_each_field(db, field, value, term):
    wanted = add(**{field: value}) if field != "code" else add(code=value)
    add(business_name="Someone Else", contact_name="Other Person")
    assert found(term) == [wanted]


def test_search_ignores_case_and_accents_both_ways(db):
    jose = add(contact_name="José Núñez")
    shouting = add(contact_name="JOSE NUNEZ")
    zurich = add(billing_city="Zürich")
    add(contact_name="Joseph")
    assert sorted(found("josé núñez")) == sorted([jose, shouting])
    assert sorted(found("JOSE NUNEZ")) == sorted([jose, shouting])
    assert found("ZURICH") == [zurich]


def test_search_finds_composed_and_decomposed_text_both_ways(db):
    """NFD "José" (e + U+0301) typed or pasted finds what NFC finds, and stored NFD text (written
    around validation) is found by either form too."""
    composed = add(contact_name="José Núñez")
    decomposed = add(contact_name=unicodedata.normalize("NFD", "José Núñez"))
    add(contact_name="Joseph")
    both = sorted([composed, decomposed])
    for term in ("josé núñez", "José Núñez", "jose nunez", "núñez"):
        assert sorted(found(unicodedata.normalize("NFD", term))) == both
        assert sorted(found(unicodedata.normalize("NFC", term))) == both


def test_upgrade_refolds_rows_folded_without_nfc(db_url):
    """0005 recomputes the folded columns that an older fold (no NFC) left decomposed."""
    open_database(db_url)
    try:
        Runner(database.obj, str(MIGRATIONS_DIR)).up(target="0004_records")
        sqlite = isinstance(database.obj, pw.SqliteDatabase)
        nfd = unicodedata.normalize("NFD", "José Núñez")
        if not sqlite:  # the fold functions as they were before 0005
            for statement in pg_fold_functions_sql():
                database.execute_sql(statement.replace("normalize(value, NFC)", "value"))
        stale = add(code="OLD-1", contact_name=nfd)
        if sqlite:  # the folded text as the old Python fold stored it
            database.execute_sql(
                "UPDATE customer SET search_text = ? WHERE id = ?",
                (f"\x1eold-1\x1e\x1e\x1f\x1f{nfd.lower()}\x1f\x1f\x1f", stale),
            )
        stored = Customer.select(pw.SQL("search_text")).where(Customer.id == stale).scalar()
        assert "jose nunez" not in stored  # stale: the old fold kept it decomposed
        upgrade_database()
        assert found("jose nunez") == found(nfd) == [stale]
    finally:
        close_database()


def test_telephone_matches_by_digits_whatever_the_punctuation(db):
    wanted = add(billing_phone="+15550100")
    add(billing_phone="+15559999")
    assert found("555 01") == [wanted]
    assert found("(555) 0100") == [wanted]
    assert found("+1 555-0100") == [wanted]


def test_every_word_must_match_somewhere(db):
    both = add(business_name="Acme Trading", billing_city="London")
    add(business_name="Acme Trading", billing_city="Paris")
    add(business_name="Globex", billing_city="London")
    assert found("london acme") == [both]


def test_one_and_two_character_terms_match_the_start_of_a_field(db):
    starts = add(business_name="Acme")
    contact = add(contact_name="Ann Other", business_name="Zeta")
    inside = add(business_name="Bac Ltd")
    assert sorted(found("a")) == sorted([starts, contact])
    assert found("ac") == [starts]
    assert inside not in found("a")


def test_no_match_is_an_empty_list_counted_zero(db):
    add(business_name="Acme")
    results = CustomerResults(ListQuery("qqq"))
    assert results.first(50) == []
    assert results.count() == 0


def test_wildcards_and_quotes_are_taken_literally(db):
    percent = add(business_name="100% Cotton")
    add(business_name="1000 Cottons")
    underscore = add(billing_email="a_b@example.com")
    add(billing_email="axb@example.com")
    quoted = add(business_name='The "Best" Shop')
    assert found("100%") == [percent]
    assert found("a_b") == [underscore]
    assert found('"best"') == [quoted]


def test_exact_code_or_email_first_then_starts_then_anywhere(db):
    inside = add(business_name="Big Acme")
    other_start = add(business_name="Zulu", contact_name="Acme Person")
    own_start = add(business_name="Acme Works")
    email = add(business_name="Yankee", billing_email="acme")
    code = add(code="ACME", business_name="Xray")
    assert found("acme") == [code, email, own_start, other_start, inside]


def test_ranking_survives_descending_order(db):
    inside = add(business_name="Big Acme")
    starts = [add(business_name=f"Acme {n}") for n in range(3)]
    assert found("acme", descending=True) == [*reversed(starts), inside]


def test_archived_customers_are_hidden_unless_asked_for(db):
    live = add(business_name="Acme Live")
    archived = add(business_name="Acme Gone", archived_at=utcnow())
    assert found("acme") == [live]
    assert CustomerResults(ListQuery()).count() == 1
    shown = CustomerResults(ListQuery("acme", include_archived=True)).first(10)
    assert sorted(ids(shown)) == sorted([live, archived])
    assert [row.archived for row in shown if row.id == archived] == [True]


def test_hostile_text_is_found_and_returned_unchanged(db):
    names = [
        "Acme [/] Ltd",
        "[@click=app.quit]x[/]",
        "Evil \x1b[2J Co",
        "\u202eReversed",
        "Zero\u200bWidth",
        "漢字商事",
    ]
    for name in names:
        add(business_name=name)
    assert {row.business_name for row in CustomerResults(ListQuery("[/]")).first(10)} == {
        "Acme [/] Ltd",
        "[@click=app.quit]x[/]",
    }
    assert [row.business_name for row in CustomerResults(ListQuery("字商事")).first(10)] == [
        "漢字商事"
    ]
    assert [row.business_name for row in CustomerResults(ListQuery("漢字")).first(10)] == [
        "漢字商事"
    ]
    assert {row.business_name for row in CustomerResults(ListQuery()).first(10)} == set(names)


# --- keeping the index in step ---


def test_index_follows_saves_and_deletes(db):
    record = create_customer({"business_name": "Acme Anvils", "contact_name": "Wile"}, desk())
    assert found("anvil") == [record.id]
    save_customer(record, {"business_name": "Roadrunner Rockets"}, desk())
    assert found("anvil") == []
    assert found("rockets") == [record.id]
    Customer.delete().where(Customer.id == record.id).execute()
    assert found("rockets") == []


def test_upgrade_indexes_customers_that_existed_before(db_url):
    open_database(db_url)
    try:
        Runner(database.obj, str(MIGRATIONS_DIR)).up(target="0001_initial")
        Customer.insert(
            code="OLD-1", code_key="old-1", business_name="Ancien Café", billing_city="Besançon"
        ).execute()
        upgrade_database()
        assert found("besancon") == found("cafe") == [1]
        assert CustomerResults(ListQuery(sort="city")).first(5)[0].code == "OLD-1"
    finally:
        close_database()


def test_a_fresh_connection_can_write_customers(db, db_url):
    """Every process that opens the database must be able to write (SQLite: fold functions)."""
    close_database()
    open_database(db_url)
    record = create_customer({"business_name": "Fresh Start"}, desk())
    assert found("fresh") == [record.id]


def test_a_cancelled_result_is_not_counted(db):
    add(business_name="Acme")
    results = CustomerResults(ListQuery("acme"))
    assert ids(results.first(5))
    results.cancel()
    with pytest.raises(ReadCancelled):
        results.count()


def test_change_marker_moves_on_with_every_write(db):
    before = change_marker()
    create_customer({"business_name": "Acme"}, desk())
    assert change_marker() > before


# --- portal status ---


def test_portal_status_is_shown_and_sorted_by_its_label(db):
    none = add(code="C-3")
    active = add(code="C-2")
    locked = add(code="C-1")
    PortalAccount.insert(customer=active, status="active").execute()
    PortalAccount.insert(customer=locked, status="locked").execute()
    rows = CustomerResults(ListQuery(sort="portal")).first(10)
    assert [(row.id, row.portal_status) for row in rows] == [
        (active, PORTAL_STATUS_LABELS["active"]),
        (locked, PORTAL_STATUS_LABELS["locked"]),
        (none, PORTAL_STATUS_LABELS["not_activated"]),
    ]
    assert ids(CustomerResults(ListQuery(sort="portal", descending=True)).first(10)) == [
        none,
        locked,
        active,
    ]


# --- sorting and paging ---


def _population() -> list[int]:
    """Customers with ties, blanks, accents and portal accounts, for every sort order."""
    names = ["Émile", "emile", "Zeta", "", "Acme", "acme", "Bravo", "Ärger", "Delta", "Echo"]
    cities = ["Paris", "", "Zürich", "Oslo", "Paris"]
    made = [
        add(
            code=f"P-{(n * 7) % 37:03d}",
            business_name=names[n % len(names)],
            contact_name=names[(n * 3) % len(names)],
            billing_email=f"{names[(n * 5) % len(names)].lower()}{n % 4}@example.com"
            if n % 6
            else "",
            billing_city=cities[n % len(cities)],
            billing_country=["FR", "CH", "NO", ""][n % 4],
            billing_phone=f"+4420{(n * 13) % 50:04d}" if n % 5 else "",
            archived_at=utcnow() if n % 11 == 10 else None,
        )
        for n in range(37)
    ]
    for n, customer in enumerate(made[::4]):
        PortalAccount.insert(customer=customer, status=["active", "locked"][n % 2]).execute()
    return made


def _expected_order(sort: str, descending: bool) -> list[int]:
    """The list order computed in Python from the stored values."""
    statuses = dict(PortalAccount.select(PortalAccount.customer, PortalAccount.status).tuples())
    labels = sorted(PORTAL_STATUS_LABELS.values())
    keys = {
        "code": lambda c: (c.code_key,),
        "business_name": lambda c: (sort_key(c.business_name),),
        "contact_name": lambda c: (sort_key(c.contact_name),),
        "email": lambda c: (sort_key(c.billing_email),),
        "telephone": lambda c: (digits(c.billing_phone) or BLANK_LAST,),
        "city": lambda c: (sort_key(c.billing_city), c.billing_country),
        "portal": lambda c: (PORTAL_STATUS_LABELS[statuses.get(c.id, "not_activated")], c.code_key),
    }
    live = list(Customer.select().where(Customer.archived_at.is_null()))
    ordered = sorted(live, key=lambda c: (*keys[sort](c), c.id), reverse=descending)
    if sort == "portal":  # the status groups in label order, each ordered by code
        groups = {label: [c for c in ordered if keys[sort](c)[0] == label] for label in labels}
        ordered = [c for label in (labels[::-1] if descending else labels) for c in groups[label]]
    return [c.id for c in ordered]


def _walk_pages(results: CustomerResults, size: int) -> tuple[list[int], list[int]]:
    """Every row going forward page by page from the start, and backward from the end."""
    forward = results.first(size)
    while True:
        page = results.after(forward[-1].anchor, size) if forward else []
        if not page:
            break
        forward += page
    backward = results.last(size)
    while True:
        page = results.before(backward[0].anchor, size) if backward else []
        if not page:
            break
        backward = page + backward
    return ids(forward), ids(backward)


@pytest.mark.parametrize("limit", [0, 1000], ids=["walked", "read-at-once"])
def test_every_sort_order_pages_to_the_end_and_back(db, limit):
    _population()
    for sort, descending in itertools.product(SORT_ORDERS, (False, True)):
        expected = _expected_order(sort, descending)
        results = CustomerResults(ListQuery(sort=sort, descending=descending), limit)
        forward, backward = _walk_pages(results, 7)
        assert forward == expected, (sort, descending)
        assert backward == expected, (sort, descending)
        assert results.count() == len(expected)
        for offset in (0, 5, 14, 30, len(expected) - 3):
            assert ids(results.slice(offset, 7)) == expected[offset : offset + 7], (sort, offset)


@pytest.mark.parametrize("term", ["e", "em", "emile", "example", "acme 1", "44"])
def test_search_results_page_the_same_however_they_are_read(db, term):
    _population()
    for sort, descending in itertools.product(("business_name", "city", "portal"), (False, True)):
        query = ListQuery(term, sort, descending)
        whole = ids(CustomerResults(query).first(1000))
        for limit in (0, 3, 1000):
            results = CustomerResults(query, limit)
            assert _walk_pages(results, 4) == (whole, whole), (sort, descending, limit)
            assert results.count() == len(whole)
            assert ids(results.slice(2, 5)) == whole[2:7]
    assert found(term)  # the population does match every term
