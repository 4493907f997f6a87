"""A frozen copy of the search index's fold and SQL as migrations 0002 and 0007 applied them
(models/store/search_copy.py at 0010): those two migrations use only this module, never live code.

SQLite: the fold is a Python function registered on the migrating database, which the triggers of
0002 called (0011 replaced those triggers with plain SQL ones). PostgreSQL: the fold as IMMUTABLE
SQL functions and STORED generated columns.
"""

import re
import unicodedata

CODE_MARK = "\x1e"
FIELD_MARK = "\x1f"
BLANK_LAST = "\U0010ffff"  # the sort key of a blank value: after every real one

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

# Letters that do not decompose into a base letter plus accents.
_SPECIAL_LETTERS = {
    "ß": "ss",
    "æ": "ae",
    "œ": "oe",
    "ø": "o",
    "đ": "d",
    "ð": "d",
    "ł": "l",
    "þ": "th",
    "ı": "i",
    "ħ": "h",
    "ŧ": "t",
    "ŋ": "n",
    "ĸ": "k",
    "ſ": "s",
}


def _accent_table() -> dict[str, str]:
    """Lower-case Latin letters with accents, mapped to their bare ASCII letters."""
    table = {}
    for code_point in [*range(0xC0, 0x250), *range(0x1E00, 0x1F00)]:
        char = chr(code_point)
        if char != char.lower():
            continue  # the fold lowers first, so only lower-case letters reach the table
        bare = "".join(
            c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
        ).lower()
        if bare != char and bare.isascii() and bare.isalpha():
            table[char] = bare
    table.update(_SPECIAL_LETTERS)
    table[CODE_MARK] = " "
    table[FIELD_MARK] = " "
    return table


FOLD_MAP = _accent_table()
_FOLD_TRANSLATION = str.maketrans(FOLD_MAP)
_NOT_DIGIT = re.compile(r"[^0-9]+")


def fold(value: object) -> str:
    """Text as the index holds it: composed (NFC), lower case, accents stripped, no field marks.

    Stored text and search terms both go through this one fold, so "José" typed composed (NFC)
    or decomposed (NFD, "e" then U+0301) finds the same customers.
    """
    if value is None:
        return ""
    text = str(value)
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
    return text.lower().translate(_FOLD_TRANSLATION)


def digits(value: object) -> str:
    """Only the ASCII digits of a value: how telephone numbers are indexed and searched."""
    if value is None:
        return ""
    return _NOT_DIGIT.sub("", str(value))


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


def register_sqlite_functions(db) -> None:
    """Give a SQLite database (every connection it opens) the functions its triggers call."""
    db.register_function(fold, "custdesk_fold", 1, deterministic=True)
    db.register_function(sort_key, "custdesk_sort_key", 1, deterministic=True)
    db.register_function(phone_sort_key, "custdesk_phone_sort_key", 1, deterministic=True)
    db.register_function(search_text, "custdesk_search_text", 6, deterministic=True)


def sort_keys(sort: str, sqlite: bool, table: str = "c.") -> tuple[str, ...]:
    """The SQL of a sort order's key columns, as its index orders them (byte order)."""
    columns = [f"{table}{column}" for column in SORT_COLUMNS[sort]]
    if sqlite:
        return tuple(columns)
    return tuple(f'{column} COLLATE "C"' for column in columns)


def _index_sql(sqlite: bool) -> list[str]:
    """The indexes of every sort order and of the portal-status order."""
    statements = []
    for sort in SORT_COLUMNS:
        if sqlite and sort == "code":
            continue  # the unique index on code_key already ends in the rowid
        keys = ", ".join(sort_keys(sort, sqlite, table=""))
        statements.append(
            f"CREATE INDEX IF NOT EXISTS customer_sort_{sort} ON customer ({keys}, id)"
        )
    statements.append(
        "CREATE INDEX IF NOT EXISTS portal_account_status ON portal_account (status, customer_id)"
    )
    return statements


# --- SQLite ---


def _sqlite_derived_values(row: str) -> str:
    """The SET list that recomputes the folded columns from a row (NEW, or the table itself)."""
    searched = ", ".join(f"{row}{column}" for column in SEARCHED_COLUMNS)
    keys = ", ".join(
        f"{column} = custdesk_{'phone_sort_key' if phone else 'sort_key'}({row}{source})"
        for column, source, phone in SORT_KEY_COLUMNS
    )
    return f"search_text = custdesk_search_text({searched}), {keys}"


_FTS_DELETE_OLD = (
    "INSERT INTO customer_fts (customer_fts, rowid, search_text) "
    "SELECT 'delete', OLD.id, OLD.search_text WHERE OLD.search_text <> '';"
)


def sqlite_schema_sql() -> list[str]:
    """SQLite: the folded columns (filled for existing customers), the FTS5 trigram index over
    search_text, the triggers that keep both in step, and the sort indexes."""
    added = [
        f"ALTER TABLE customer ADD COLUMN {column} TEXT NOT NULL DEFAULT ''"
        for column in ("search_text", *(c for c, _, _ in SORT_KEY_COLUMNS))
    ]
    return [
        *added,
        f"UPDATE customer SET {_sqlite_derived_values('')}",
        (
            "CREATE VIRTUAL TABLE customer_fts USING fts5(search_text, content='customer', "
            "content_rowid='id', tokenize='trigram', detail='none')"
        ),
        "INSERT INTO customer_fts (customer_fts) VALUES ('rebuild')",
        # The folded columns follow every insert and every change to a field they come from...
        (
            f"CREATE TRIGGER customer_search_ai AFTER INSERT ON customer BEGIN "
            f"UPDATE customer SET {_sqlite_derived_values('NEW.')} WHERE id = NEW.id; END"
        ),
        (
            f"CREATE TRIGGER customer_search_au AFTER UPDATE OF {', '.join(SEARCHED_COLUMNS)} "
            f"ON customer BEGIN "
            f"UPDATE customer SET {_sqlite_derived_values('NEW.')} WHERE id = NEW.id; END"
        ),
        # ...and the trigram index follows search_text.
        (
            f"CREATE TRIGGER customer_fts_au AFTER UPDATE OF search_text ON customer BEGIN "
            f"{_FTS_DELETE_OLD} "
            f"INSERT INTO customer_fts (rowid, search_text) "
            f"SELECT NEW.id, NEW.search_text WHERE NEW.search_text <> ''; END"
        ),
        f"CREATE TRIGGER customer_fts_ad AFTER DELETE ON customer BEGIN {_FTS_DELETE_OLD} END",
        *_index_sql(sqlite=True),
    ]


# --- PostgreSQL ---


def _pg_literal(text: str) -> str:
    """A PostgreSQL string literal (E'' form, so control characters survive any dump)."""
    escaped = "".join(
        f"\\x{ord(c):02x}" if ord(c) < 0x20 else c
        for c in text.replace("\\", "\\\\").replace("'", "''")
    )
    return f"E'{escaped}'"


def _pg_fold_body() -> str:
    """The fold as PostgreSQL SQL, in the order of `fold`: normalize() to NFC, lower(),
    translate() for single letters, replace() for more."""
    singles = {k: v for k, v in FOLD_MAP.items() if len(v) == 1}
    expression = (
        f"translate(lower(normalize(value, NFC)), {_pg_literal(''.join(singles))}, "
        f"{_pg_literal(''.join(singles.values()))})"
    )
    for char, bare in FOLD_MAP.items():
        if len(bare) > 1:
            expression = f"replace({expression}, {_pg_literal(char)}, {_pg_literal(bare)})"
    return expression


def pg_fold_functions_sql() -> list[str]:
    """PostgreSQL: create or replace the fold functions, IMMUTABLE so generated columns may
    use them."""
    code, field, blank = (_pg_literal(CODE_MARK), _pg_literal(FIELD_MARK), _pg_literal(BLANK_LAST))
    head = "LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT"
    search_text_body = (
        f"{code} || custdesk_fold(coalesce(code, '')) || {code} || "
        f"custdesk_fold(coalesce(email, '')) || {code} || {field} || "
        f"custdesk_fold(coalesce(business, '')) || {field} || "
        f"custdesk_fold(coalesce(contact, '')) || {field} || "
        f"custdesk_fold(coalesce(city, '')) || {field} || "
        f"custdesk_digits(coalesce(phone, '')) || {field}"
    )
    signature = (
        "custdesk_search_text(code text, email text, business text, contact text, "
        "city text, phone text)"
    )
    return [
        (
            f"CREATE OR REPLACE FUNCTION custdesk_fold(value text) RETURNS text {head} "
            f"{_pg_fold_body()} $$"
        ),
        (
            f"CREATE OR REPLACE FUNCTION custdesk_digits(value text) RETURNS text {head} "
            f"regexp_replace(value, '[^0-9]+', '', 'g') $$"
        ),
        (
            f"CREATE OR REPLACE FUNCTION custdesk_sort_key(value text) RETURNS text {head} "
            f"coalesce(nullif(custdesk_fold(value), ''), {blank}) $$"
        ),
        (
            f"CREATE OR REPLACE FUNCTION custdesk_phone_sort_key(value text) RETURNS text {head} "
            f"coalesce(nullif(custdesk_digits(value), ''), {blank}) $$"
        ),
        f"CREATE OR REPLACE FUNCTION {signature} RETURNS text {head} {search_text_body} $$",
    ]


def refold_sql(sqlite: bool) -> str:
    """Recompute the folded columns of the rows a fold without NFC left stale: those whose
    searched text is not composed (PostgreSQL) or whose stored fold differs from today's (SQLite,
    where the fold is the Python function). Rewriting every searched column fires the triggers
    (SQLite) and recomputes each generated column (PostgreSQL recomputes only the generated
    columns whose sources an UPDATE names)."""
    rewrite = ", ".join(f"{column} = {column}" for column in SEARCHED_COLUMNS)
    if sqlite:
        searched = ", ".join(SEARCHED_COLUMNS)
        non_ascii = "length(search_text) <> length(CAST(search_text AS BLOB))"  # cheap first
        return (
            f"UPDATE customer SET {rewrite} "
            f"WHERE {non_ascii} AND search_text <> custdesk_search_text({searched})"
        )
    stale = " OR ".join(f"{column} IS NOT NFC NORMALIZED" for column in SEARCHED_COLUMNS)
    return f"UPDATE customer SET {rewrite} WHERE {stale}"


def postgres_schema_sql() -> list[str]:
    """PostgreSQL: pg_trgm, the fold functions, the folded columns as STORED generated columns
    (computed for existing customers by the ALTER), the trigram GIN index and the sort indexes."""
    searched = ", ".join(SEARCHED_COLUMNS)
    columns = [
        (
            f"ADD COLUMN search_text text GENERATED ALWAYS AS "
            f"(custdesk_search_text({searched})) STORED"
        )
    ]
    columns += [
        f'ADD COLUMN {column} text COLLATE "C" GENERATED ALWAYS AS '
        f"(custdesk_{'phone_sort_key' if phone else 'sort_key'}({source})) STORED"
        for column, source, phone in SORT_KEY_COLUMNS
    ]
    return [
        "CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public",
        *pg_fold_functions_sql(),
        f"ALTER TABLE customer {', '.join(columns)}",
        (
            "CREATE INDEX IF NOT EXISTS customer_search_trgm ON customer "
            "USING gin (search_text public.gin_trgm_ops)"
        ),
        *_index_sql(sqlite=False),
    ]
