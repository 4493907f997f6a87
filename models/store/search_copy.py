"""The search index: a folded copy of the searched fields and the sort keys, per engine.

Every customer row carries, kept in step by the database itself:
- `search_text`: code and billing email between RS (\\x1e) marks, then business name, contact
  name, billing city and the telephone's digits between US (\\x1f) marks, each part folded (lower
  case, accents stripped). A folded search term never contains a mark, so it can only match
  inside one field; a mark before it means "a field starts with it", marks on both sides of it
  mean "the code or the email is exactly it".
- `sort_business`, `sort_contact`, `sort_email`, `sort_city`, `sort_phone`: the folded sort keys
  of the list's columns (blank values sort last), each with an index ending in the id.

SQLite: plain-SQL triggers (0011) queue every inserted, changed or deleted customer in
customer_refresh, whoever wrote it (custdesk, the sqlite3 shell, any script); custdesk folds the
queued rows here (`refresh_search_copy`, models/duplicates.py's `settle_changes`) in the same
transaction as its own writes, and before a search or a change poll for the writes of others.
FTS5's trigram tokenizer indexes `search_text`. PostgreSQL: the same fold as IMMUTABLE SQL
functions and STORED generated columns (frozen in models/store/migrations/frozen_search.py), so
any client's write is folded at once, and a pg_trgm GIN index. Queries read the stored columns
only, so they never call the fold per row.
"""

from models.store.engine import byte_order, fetch_all, search_copy_generated, update_many
from models.text.characters import BLANK_LAST, CODE_MARK, FIELD_MARK, digits, fold

# The fields search looks at, in the order they are folded into search_text.
SEARCHED_COLUMNS = (
    "code",
    "billing_email",
    "business_name",
    "contact_name",
    "billing_city",
    "billing_phone",
)

# Each stored sort key: (column, the value it is made from, whether it keeps digits only).
SORT_KEY_COLUMNS = (
    ("sort_business", "business_name", False),
    ("sort_contact", "contact_name", False),
    ("sort_email", "billing_email", False),
    ("sort_city", "billing_city", False),
    ("sort_phone", "billing_phone", True),
)

# The list's sort orders: their key columns, in order (the id breaks ties).
SORT_COLUMNS: dict[str, tuple[str, ...]] = {
    "code": ("code_key",),
    "business_name": ("sort_business",),
    "contact_name": ("sort_contact",),
    "email": ("sort_email",),
    "telephone": ("sort_phone",),
    "city": ("sort_city", "billing_country"),
}


def sort_key(value: object) -> str:
    """The stored sort key of a text column: folded, and blank values last."""
    return fold(value) or BLANK_LAST


def phone_sort_key(value: object) -> str:
    """The stored sort key of a telephone number: its digits, and blank numbers last."""
    return digits(value) or BLANK_LAST


def search_text(
    code: object, email: object, business: object, contact: object, city: object, phone: object
) -> str:
    """The folded copy of one customer's searched fields, with the field marks."""
    return (
        f"{CODE_MARK}{fold(code)}{CODE_MARK}{fold(email)}{CODE_MARK}"
        f"{FIELD_MARK}{fold(business)}{FIELD_MARK}{fold(contact)}{FIELD_MARK}{fold(city)}"
        f"{FIELD_MARK}{digits(phone)}{FIELD_MARK}"
    )


def sort_keys(sort: str, table: str = "c.") -> tuple[str, ...]:
    """The SQL of a sort order's key columns, as its index orders them (byte order)."""
    return tuple(byte_order(f"{table}{column}") for column in SORT_COLUMNS[sort])


_DERIVED_COLUMNS = ("search_text", *(column for column, _, _ in SORT_KEY_COLUMNS))
_REFRESH_SQL = (
    f"UPDATE customer SET {', '.join(f'{column} = ?' for column in _DERIVED_COLUMNS)} WHERE id = ?"
)


def _derived(row: tuple) -> tuple[str, ...]:
    """The folded columns of a customer row (its SEARCHED_COLUMNS, in order)."""
    values = dict(zip(SEARCHED_COLUMNS, row, strict=True))
    keys = tuple(
        (phone_sort_key if phone else sort_key)(values[source])
        for _, source, phone in SORT_KEY_COLUMNS
    )
    return (search_text(*row), *keys)


def refresh_search_copy(customer_ids: list[int]) -> None:
    """Recompute the folded columns of these customers where they are stale, in the caller's
    write transaction (the trigram index follows search_text by trigger). Nothing to do on
    PostgreSQL, whose generated columns are never stale."""
    if search_copy_generated() or not customer_ids:
        return
    columns = ", ".join((*SEARCHED_COLUMNS, *_DERIVED_COLUMNS))
    marks = ", ".join("?" for _ in customer_ids)
    changed = []
    for row in fetch_all(f"SELECT id, {columns} FROM customer WHERE id IN ({marks})", customer_ids):
        fresh = _derived(row[1 : 1 + len(SEARCHED_COLUMNS)])
        if fresh != tuple(row[1 + len(SEARCHED_COLUMNS) :]):
            changed.append((*fresh, row[0]))
    update_many(_REFRESH_SQL, changed)
